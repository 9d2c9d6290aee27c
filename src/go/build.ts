// Build constraints, read from a file's header: is the file left out of every build? Go
// programs mark helper files (code generators, examples run with `go run x.go`) with
// `//go:build ignore` (or the older `// +build ignore`); such a file is not part of its
// directory's package, whatever its package clause says. Other tags (`linux`, `!windows`,
// `integration`) hold on some build, so those files stay in: only an expression that is false
// on every build (`ignore`, `ignore && linux`) leaves a file out.

/** Tags no build sets: the convention for "never build this file". */
const NEVER = new Set(['ignore']);

type Tri = boolean | undefined; // undefined: true on some builds, false on others

function not(a: Tri): Tri {
  return a === undefined ? undefined : !a;
}

function and(a: Tri, b: Tri): Tri {
  return a === false || b === false ? false : a === true && b === true ? true : undefined;
}

function or(a: Tri, b: Tri): Tri {
  return a === true || b === true ? true : a === false && b === false ? false : undefined;
}

/** Evaluates a `//go:build` expression; an unreadable one is undefined (keep the file). */
export function evalBuildExpr(expr: string): Tri {
  const toks = expr.match(/\|\||&&|!|\(|\)|[^\s()!&|]+/g) ?? [];
  let i = 0;
  let bad = false;
  const primary = (): Tri => {
    const t = toks[i++];
    if (t === '!') return not(primary());
    if (t === '(') {
      const v = orExpr();
      if (toks[i++] !== ')') bad = true;
      return v;
    }
    if (t === undefined || !/^[\w.]+$/.test(t)) {
      bad = true;
      return undefined;
    }
    return NEVER.has(t) ? false : undefined;
  };
  const andExpr = (): Tri => {
    let v = primary();
    while (toks[i] === '&&') {
      i++;
      v = and(v, primary());
    }
    return v;
  };
  const orExpr = (): Tri => {
    let v = andExpr();
    while (toks[i] === '||') {
      i++;
      v = or(v, andExpr());
    }
    return v;
  };
  const v = orExpr();
  return bad || i !== toks.length ? undefined : v;
}

/** `// +build a,b !c` (one line): options separated by spaces are ORed, terms by commas ANDed. */
function evalPlusBuild(line: string): Tri {
  let v: Tri = false;
  for (const opt of line.trim().split(/\s+/).filter(Boolean)) {
    let term: Tri = true;
    for (const t of opt.split(',')) term = and(term, t.startsWith('!') ? not(NEVER.has(t.slice(1)) ? false : undefined) : NEVER.has(t) ? false : undefined);
    v = or(v, term);
  }
  return v;
}

/**
 * True when the file's build constraints hold on no build (`//go:build ignore`): the file
 * belongs to no package. Only the header is read: line comments and blank lines before the
 * package clause (or the first other line).
 */
export function buildIgnored(text: string): boolean {
  // A file's scan asks of its text, then its package's membership does again.
  if (text === lastText) return lastAnswer;
  lastAnswer = headerIgnored(text);
  lastText = text;
  return lastAnswer;
}

let lastText: string | undefined;
let lastAnswer = false;

function headerIgnored(text: string): boolean {
  // Neither kind of constraint line can be there (a native search; this is asked of every
  // file of a package each time one is opened). Both spell `build`: one search tells most files.
  if (!text.includes('build') || (!text.includes('go:build') && !text.includes('+build'))) return false;
  let goBuild: Tri = undefined;
  let sawGoBuild = false;
  let plus: Tri = true;
  let sawPlus = false;
  let at = 0;
  while (at < text.length) {
    const lineStart = at;
    const nl = text.indexOf('\n', at);
    const line = text.slice(at, nl < 0 ? text.length : nl).trim();
    at = nl < 0 ? text.length : nl + 1;
    if (line === '') continue;
    if (line.startsWith('/*')) {
      // A block comment in the header: skip it, constraints may follow.
      const close = text.indexOf('*/', lineStart);
      if (close < 0) break;
      const after = text.indexOf('\n', close);
      at = after < 0 ? text.length : after + 1;
      continue;
    }
    if (!line.startsWith('//')) break;
    const m = /^\/\/go:build\s+(.*)$/.exec(line);
    if (m && !sawGoBuild) {
      sawGoBuild = true;
      goBuild = evalBuildExpr(m[1]!);
      continue;
    }
    const p = /^\/\/\s*\+build\s+(.*)$/.exec(line);
    if (p) {
      sawPlus = true;
      plus = and(plus, evalPlusBuild(p[1]!));
    }
  }
  // `//go:build` wins when both are present (Go 1.17+ ignores the +build lines then).
  if (sawGoBuild) return goBuild === false;
  return sawPlus && plus === false;
}
