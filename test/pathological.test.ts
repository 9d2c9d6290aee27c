// Hostile nesting: a scan must cost time linear in the file's size, whatever the input.
// Each kind of nesting (goroutine, deferred and plain func literals, blocks, if, for,
// select, switch, calls, parentheses, composite literals, indexes) is fed three ways, with
// every rule on, and each scan is timed against the parse of the same file (CPU time, best
// of three, in this process: a ratio, so a slow or busy machine does not matter):
//
// - 4,000 levels deep: past the guard, the function is not analysed, and says so; the
//   scan costs at most 3 parses (it parses less: only the outline runs).
// - 100 functions 12 and 60 levels deep (below the guard): the rules follow the channel
//   through every level. The cost per level must not grow with the depth: the ratio at 60
//   levels is at most twice the ratio at 12 (a walk up from each node, n² in the depth,
//   multiplies it by 5), plus half a parse, and at most 12 parses in all (channel code this dense costs 2 to 7
//   parses; real code about 1.3, bench/README.md). The depths are far apart so that the
//   bound can be loose: on a busy machine the ratio of one build swung by half between
//   measurements, and a kind that fails is measured again (three times at most) before the
//   test fails. bench/pathological.mjs reports the figures themselves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allRules } from '../rules/index.js';
import { scanText } from '../src/engine/scan.js';
import type { ActiveRule, FileResult } from '../src/engine/types.js';
import { parser_ } from './helpers.js';
import { nestedGo, NESTING_KINDS } from './support/nesting.js';

const rules: ActiveRule[] = allRules.map((rule) => ({ rule, severity: rule.meta.severity, options: structuredClone(rule.meta.defaultOptions) }));

function cpu(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

/** Scan and parse CPU times of a text (best of three each), and the scan's result. */
async function measure(text: string): Promise<{ ratio: number; scan: number; parse: number; result: FileResult }> {
  const parser = await parser_();
  let result!: FileResult;
  let scan = Infinity;
  let parse = Infinity;
  for (let i = 0; i < 3; i++) {
    parse = Math.min(parse, cpu(() => parser.parse(text)?.delete()));
    scan = Math.min(scan, cpu(() => (result = scanText(parser, 'nested.go', text, rules))));
  }
  return { ratio: scan / Math.max(parse, 0.5), scan, parse, result };
}

test('4,000 levels of any nesting: the function is skipped with a notice, in less than 3 parses', async () => {
  await measure(nestedGo('go', 100, 20)); // warm up the parser and the rules
  for (const kind of NESTING_KINDS) {
    const m = await measure(nestedGo(kind, 4000));
    assert.ok(m.ratio <= 3, `${kind}: scan ${m.scan.toFixed(1)} ms = ${m.ratio.toFixed(2)} parses of ${m.parse.toFixed(1)} ms`);
    assert.equal(
      m.result.notices.map((n) => `${n.kind} ${n.line} ${n.message}`),
      ['skipped 5 function f0 nests brackets 4001 deep (more than 64); it was not analysed'],
      kind,
    );
  }
});

test('below the guard, the cost of a level does not grow with the depth', async () => {
  await measure(nestedGo('go', 24, 50));
  for (const kind of NESTING_KINDS) {
    let what = '';
    let holds = false;
    for (let attempt = 0; attempt < 3 && !holds; attempt++) {
      const shallow = await measure(nestedGo(kind, 12, 100));
      const deep = await measure(nestedGo(kind, 60, 100));
      assert.equal(deep.result.notices, [], kind);
      what = `${kind}: ${shallow.ratio.toFixed(2)} parses at depth 12, ${deep.ratio.toFixed(2)} at depth 60`;
      holds = deep.ratio <= 2 * shallow.ratio + 0.5 && deep.ratio <= 12;
    }
    assert.ok(holds, what);
  }
});

test.run();
