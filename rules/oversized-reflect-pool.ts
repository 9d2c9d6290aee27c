// oversized-reflect-pool (seed 001): reflect.MakeSlice with a large constant size, a pool
// of values made up front and kept.
//
//   func newPool(size int, tp reflect.Type) *pool {
//       return &pool{pool: reflect.MakeSlice(reflect.SliceOf(tp), size, size)}   // flagged
//   }
//   … newPool(800, t) …                                       // related: where 800 comes from
//
//   reflect.MakeSlice(t, len(xs), len(xs))                    // run-time size: silent
import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/engine/types.js';
import { type ConstHop, type ConstValue, constantsOf } from '../src/go/constants.js';
import { callArgs, callOfName, wordNodes } from '../src/go/words.js';

type MessageIds = 'oversized';
interface Options {
  /** Sizes at or above this are flagged. */
  threshold: number;
}

const DEFAULT_THRESHOLD = 64;

function hopMessage(h: ConstHop, value: number): string {
  switch (h.kind) {
    case 'argument':
      return `${h.call?.childForFieldName('function')?.text ?? 'this call'} passes ${value} as ${h.name} here`;
    case 'const':
      return `const ${h.name} is ${value}`;
    case 'package-var':
      return `package default ${h.name} is ${value}`;
    case 'local':
      return `${h.name} is ${value}`;
  }
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'oversized-reflect-pool',
    title: 'Large constant-size pool made up front with MakeSlice',
    severity: 'warning',
    precision: 'high',
    tags: ['memory', 'reflect'],
    docs: {
      whatItDoes:
        'Finds reflect.MakeSlice calls whose length or capacity is a constant at or above a threshold (default 64): a literal, a const, a package-level default, or a constant passed by a call of the same file into the parameter that sizes the slice.',
      whyIsThisBad:
        'A slice made this way is usually a pool of values built once and kept for as long as its owner lives (one per route, per type, per handler). In the seed story a web framework made a pool of 800 values per route and the process grew from 14 MB to 228 MB in a day; a size near 10 was enough.',
      example: [
        'package router',
        '',
        'import "reflect"',
        '',
        'type pool struct {',
        '\tsize int',
        '\tpool reflect.Value',
        '}',
        '',
        'func newPool(size int, tp reflect.Type) *pool {',
        '\treturn &pool{size: size, pool: reflect.MakeSlice(reflect.SliceOf(tp), size, size)}',
        '}',
        '',
        'func route(tp reflect.Type) *pool {',
        '\treturn newPool(800, tp)',
        '}',
        '',
      ].join('\n'),
      useInstead: [
        'package router',
        '',
        'import "reflect"',
        '',
        'type pool struct {',
        '\tsize int',
        '\tpool reflect.Value',
        '}',
        '',
        'func newPool(size int, tp reflect.Type) *pool {',
        '\treturn &pool{size: size, pool: reflect.MakeSlice(reflect.SliceOf(tp), 0, size)}',
        '}',
        '',
        'func route(tp reflect.Type) *pool {',
        '\treturn newPool(10, tp)',
        '}',
        '',
      ].join('\n'),
    },
    messages: {
      oversized:
        'reflect.MakeSlice makes a slice of {{size}} values up front{{because}}, kept as long as its owner; start small and grow with reflect.Append, or cap the size below {{threshold}}',
    },
    triggers: ['MakeSlice'],
    defaultOptions: { threshold: DEFAULT_THRESHOLD },
  },
  create(ctx) {
    const { facts, text } = ctx;
    const t = Number(ctx.options.threshold);
    const threshold = Number.isFinite(t) && t > 0 ? t : DEFAULT_THRESHOLD;

    const check = (call: Node) => {
      // reflect.MakeSlice(typ, len, cap): the largest constant either may take.
      const args = callArgs(call);
      let worst: { v: ConstValue; expr: Node } | undefined;
      for (const expr of args.slice(1, 3)) {
        for (const v of constantsOf(facts).values(expr)) {
          if (v.value >= threshold && (!worst || v.value > worst.v.value)) worst = { v, expr };
        }
      }
      if (!worst) return;
      const { v, expr } = worst;
      ctx.report({
        node: call,
        messageId: 'oversized',
        data: { size: v.value, because: expr.text === String(v.value) ? '' : ` (${expr.text} is ${v.value})`, threshold },
        related: v.hops.map((h) => ({ node: h.node, message: hopMessage(h, v.value) })),
      });
    };

    return {
      source_file(root) {
        for (const w of wordNodes(root, text, ['MakeSlice'])) {
          const call = callOfName(w);
          if (call && facts.isCallTo(call, 'reflect', 'MakeSlice')) check(call);
        }
      },
    };
  },
});
