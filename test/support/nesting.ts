// Go files nested as deep as wanted, one kind of nesting each: what test/pathological.test.ts
// and bench/pathological.mjs feed the analyzer (deep nesting must cost time linear in the
// file's size, and past the guard a function is skipped with a notice, not analysed slowly).

/** How one level of each kind opens and closes: statements around statements, or expressions around an expression. */
const STATEMENTS: Record<string, [string, string]> = {
  go: ['go func() {\n', '}()\n'],
  defer: ['defer func() {\n', '}()\n'],
  literal: ['f := func() {\n', '}\nf()\n'],
  closure: ['func(ch chan int) {\n', '}(ch)\n'],
  block: ['{\n', '}\n'],
  if: ['if x > 0 {\n', '}\n'],
  for: ['for i := range a {\n_ = i\n', '}\n'],
  select: ['select {\ncase v := <-ch:\n_ = v\n', '}\n'],
  switch: ['switch x {\ncase 1:\n', '}\n'],
};
const EXPRESSIONS: Record<string, [string, string]> = {
  call: ['g(', ')'],
  paren: ['(', ')'],
  composite: ['[]any{', '}[0].(int)'],
  index: ['a[', ']'],
};

export const NESTING_KINDS = [...Object.keys(STATEMENTS), ...Object.keys(EXPRESSIONS)];

/**
 * A file of `functions` functions, each nesting `kind` `depth` deep around a channel send
 * (statements) or a receive (expressions): the channel rules follow the channel from its
 * make through every level.
 */
export function nestedGo(kind: string, depth: number, functions = 1): string {
  let out = 'package p\n\nfunc g(x int) int { return x }\n';
  for (let k = 0; k < functions; k++) {
    let body: string;
    const st = STATEMENTS[kind];
    if (st) body = st[0].repeat(depth) + 'ch <- x\n' + st[1].repeat(depth) + '<-ch\n';
    else {
      const [o, c] = EXPRESSIONS[kind]!;
      body = 'go func() { ch <- x }()\nx = ' + o.repeat(depth) + '<-ch' + c.repeat(depth) + '\n';
    }
    out += `\nfunc f${k}(x int, a []int) {\nch := make(chan int)\n${body}_ = x\n}\n`;
  }
  return out;
}
