// Scoring of labelled accuracy programs, shared by the runners in this folder: each
// diagnostic of the labelled rule on a wanted line is a hit (once per line), any other
// diagnostic is noise, and each wanted line without a hit is a miss.

/** Empty counters for rule ids. */
export function newStats(ids) {
  return Object.fromEntries(ids.map((id) => [id, { tp: 0, fn: 0, fp: 0, misses: [], noise: [] }]));
}

/** Adds one file's result: `labelled` is the rule its labels are for, `want` the set of wanted lines. */
export function scoreFile(stats, file, text, labelled, want, diagnostics) {
  const got = new Set();
  for (const d of diagnostics) {
    const s = stats[d.ruleId];
    if (d.ruleId === labelled && want.has(d.span.start.line)) {
      if (!got.has(d.span.start.line)) s.tp++;
      got.add(d.span.start.line);
    } else {
      s.fp++;
      s.noise.push(`${file}:${d.span.start.line}: ${d.message}`);
    }
  }
  for (const line of want) {
    if (got.has(line)) continue;
    stats[labelled].fn++;
    stats[labelled].misses.push(`${file}:${line}: ${text.split('\n')[line - 1].trim()}`);
  }
}

/** The rules `ids` with their default options, each merged with `overrides[id]` when given. */
export function activeRules(allRules, ids, overrides = {}) {
  return ids.map((id) => {
    const rule = allRules.find((r) => r.meta.id === id);
    if (!rule) throw new Error(`rule ${id} is not in rules/index.ts`);
    return { rule, severity: rule.meta.severity, options: { ...structuredClone(rule.meta.defaultOptions), ...(overrides[id] ?? {}) } };
  });
}
