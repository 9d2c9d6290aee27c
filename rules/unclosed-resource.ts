// unclosed-resource: files, database rows, statements, transactions, connections and
// listeners that the function which opened them never releases.
//
//	rows, err := db.QueryContext(ctx, q)     // ← reported here
//	if err != nil { return nil, err }
//	                                         // ← the fix: defer rows.Close()
//	for rows.Next() {
//		if err := rows.Scan(&v); err != nil {
//			return nil, err                  // ← leaves the rows open (a full loop closes them)
//		}
//	}
//
// One table of constructors (import path and name, or a method of a value whose type the
// code shows) and the methods that release what they make. Rows and transactions are
// followed path by path (a transaction needs Commit or Rollback on every path); the other
// resources are reported when nothing releases them at all, or a new value replaces them.
import type { Node } from 'web-tree-sitter';
import { defineRule, type Handlers } from '../src/engine/types.js';
import { stdBorrows, wrapperStaysLocal } from '../src/go/borrowers.js';
import { compileCalleeList, stringList } from '../src/go/callees.js';
import type { FileFacts } from '../src/go/facts.js';
import { candidateCalls, deferFix, describe, judge, nextLoopOf, packageHelperSites, returnsMatching, sitesOf, type Site } from '../src/go/leaks.js';
import { keptOpen } from '../src/go/keptopen.js';
import { borrowCheck, calleeDecl, Makers, parameterAt } from '../src/go/obligations.js';
import { failsTest } from '../src/go/paths.js';
import { endingCall, inTestHelper } from '../src/go/terminators.js';
import { madeResultsKind, packageBorrows, type MadeKind } from '../src/go/returns.js';
import { coreSummary, effectsOn } from '../src/go/summary.js';
import {
  CLOSE,
  CUSTOM,
  HANDS_OVER,
  KINDS,
  kindId,
  LISTENER,
  mayMakeResource,
  NAMES,
  namesPattern,
  RELEASES,
  resourceIn,
  RETURNS_RESOURCE,
  ROWS,
  stubOf,
  TX,
  type Resource,
  type Table,
} from '../src/go/resources.js';

type MessageId = 'unclosed' | 'path' | 'replaced' | 'discarded' | 'deferInLoop' | 'beforeCheck';

export interface ResourceOptions {
  /** Extra constructors, `importPath.Func`, whose result must be closed. */
  constructors: string[];
  /** Methods other than Close that release what the configured constructors make. */
  releaseMethods: string[];
  /** Also report gzip/zlib readers that are never closed (their Close releases nothing but a pgzip reader's goroutines). */
  decompressors: boolean;
  /** Also scan test code: `_test.go` files and functions that take a `*testing.T`/`B`/`F`, `testing.TB` or `*check.C` (what a test opens mostly dies with the test). */
  tests: boolean;
}

const EXAMPLE = [
  'package store',
  '',
  'import (',
  '\t"context"',
  '\t"database/sql"',
  ')',
  '',
  'func names(ctx context.Context, db *sql.DB) ([]string, error) {',
  '\trows, err := db.QueryContext(ctx, "SELECT name FROM users")',
  '\tif err != nil {',
  '\t\treturn nil, err',
  '\t}',
  '\tvar out []string',
  '\tfor rows.Next() {',
  '\t\tvar n string',
  '\t\tif err := rows.Scan(&n); err != nil {',
  '\t\t\treturn nil, err',
  '\t\t}',
  '\t\tout = append(out, n)',
  '\t}',
  '\treturn out, rows.Err()',
  '}',
  '',
];

interface Config extends Table {
  /** Part of the package summary's id: what changes which calls are constructors. */
  id: string;
}

const configs = new WeakMap<object, Config>();

function configOf(options: Partial<ResourceOptions>): Config {
  let c = configs.get(options);
  if (!c) {
    const methods = ['Close', ...stringList(options.releaseMethods).filter((m) => /^[A-Za-z_]\w*$/.test(m))];
    c = {
      extra: compileCalleeList(options.constructors, false),
      custom: { ...CUSTOM, methods: new Set(methods) },
      decompressors: options.decompressors === true,
      id: JSON.stringify([options.constructors ?? [], methods, options.decompressors === true]),
    };
    configs.set(options, c);
  }
  return c;
}

const madeKinds = new Map<string, MadeKind>();

/** Which results of the package's functions carry a resource they made and did not release (package.ts summaries). */
function resourcesKind(cfg: Config): MadeKind {
  let k = madeKinds.get(cfg.id);
  if (!k) {
    const ends = (facts: FileFacts, call: Node) => endingCall(facts, call) !== null || failsTest(call);
    k = madeResultsKind(
      `unclosed-resource:${cfg.id}`,
      (call, facts, view) => {
        const r = resourceIn(facts, call, cfg, view);
        return r ? { callee: r.callee, data: kindId(r.kind) } : undefined;
      },
      RELEASES,
      { ends },
    );
    madeKinds.set(cfg.id, k);
  }
  return k;
}

export default defineRule<MessageId, Partial<ResourceOptions>>({
  meta: {
    id: 'unclosed-resource',
    title: 'File, database or network resource is never released',
    severity: 'warning',
    // bench/triage: 18 of 19 findings real on 63 projects (node bench/triage/run.mjs --rules unclosed-resource).
    precision: 'high',
    tags: ['resource', 'sql', 'file', 'network'],
    fixable: true,
    docs: {
      whatItDoes:
        'Finds values that hold a resource and that the function which made them never releases: files from `os.Open`/`Create`/`OpenFile`/`CreateTemp`, `*sql.DB` from `sql.Open`, rows from `Query`/`QueryContext`, statements from `Prepare`, transactions from `Begin`/`BeginTx` (Commit or Rollback on every path), connections and listeners from `net.Dial`/`Listen`, `tls.Dial`, `grpc.Dial`/`NewClient`, and `zip.OpenReader`. Rows are followed path by path: a `for rows.Next()` loop that runs to its end closes them, a `return` or `break` out of it does not. Silent when the value is returned, stored (a `*sql.DB` in a struct or package variable), handed to another function, or made once per process where it lives as long as the process: in `main`/`init`, or in a function that only they or a package-level var initializer run, once (outside package main only an unexported one: importers may call the others), and once per round of a loop there over the command-line arguments (`for _, a := range flag.Args()`); in package main such a loop may also call the function that makes it (`for i := 0; i < flag.NArg(); i++ { processFile(flag.Arg(i)) }` in a function main runs once), but not start it with `go`. Silent too for a file whose descriptor holds a lock (`unix.Flock(int(f.Fd()), …)`, `FcntlFlock`, with no unlock in the function: a Close would drop it), and for a listener or connection whose duplicate descriptor (`l.File()`) is returned or handed on. Test code (`_test.go` files, functions that take a `*testing.T`/`B`/`F`, `testing.TB` or `*check.C`) only with `tests`.',
      whyIsThisBad:
        'Each of these holds something the process has only so much of: a file descriptor, a pooled database connection (rows and transactions keep theirs busy until they are closed, committed or rolled back; a pool that runs dry blocks every later query), a socket, or the goroutines of a connection pool. A function that leaks one per call runs out of them under load.',
      example: EXAMPLE.join('\n'),
      useInstead: [...EXAMPLE.slice(0, 12), '\tdefer rows.Close()', ...EXAMPLE.slice(12)].join('\n'),
    },
    messages: {
      unclosed: '{{noun}} {{name}} from {{callee}} is never {{released}} ({{holds}}); add defer {{name}}.{{method}}() after the error check',
      path: '{{noun}} {{name}} from {{callee}} is not {{released}} when {{where}} on line {{line}} ({{holds}}); add defer {{name}}.{{method}}() after the error check',
      replaced:
        '{{noun}} {{name}} from {{callee}} is replaced on line {{line}} before it is {{released}} ({{holds}}); call {{name}}.{{method}}() before reusing the variable',
      discarded: '{{noun}} from {{callee}} is discarded without being {{released}} ({{holds}}); keep it and add defer x.{{method}}() after the error check',
      deferInLoop: '{{noun}} {{name}} from {{callee}} is released by a defer that waits for the function to return, while the loop makes a new one on every iteration',
      beforeCheck:
        '{{name}}.{{method}} is deferred before {{err}} is checked: when {{callee}} fails, {{name}} is nil and the deferred call panics; move the defer after the error check',
    },
    triggers: [
      'os.Open',
      'os.Create',
      'CreateTemp',
      'TempFile',
      'sql.',
      'sqlx',
      'pgx',
      'Query',
      'Prepare',
      'Begin',
      'Dial',
      'Listen',
      'OpenReader',
    ],
    defaultOptions: { constructors: [], releaseMethods: [], decompressors: false, tests: false },
  },

  optionTriggers(options) {
    const extra = compileCalleeList(options?.constructors, false);
    return [...extra.funcNames, ...(options?.decompressors ? ['NewReader'] : [])];
  },

  create(ctx): Handlers {
    const options = ctx.options ?? {};
    if (!options.tests && ctx.filePath.endsWith('_test.go')) return {};
    const { facts, text } = ctx;
    const ends = (call: Node): boolean => endingCall(facts, call) !== null || failsTest(call);
    const cfg = configOf(options);
    const { extra, decompressors } = cfg;
    const names = extra.funcNames.size || decompressors ? namesPattern([...(decompressors ? ['NewReader', 'NewReaderN'] : []), ...extra.funcNames]) : NAMES;
    const calls: Node[] = [];
    const helperSites: Site<Resource>[] = [];
    const memo = new Map<number, { kind: Resource; callee: string } | null>();

    /** What a call makes, and how it is written (`os.Open`, `db.Query`), or null. */
    function resourceCall(call: Node): { kind: Resource; callee: string } | null {
      const known = memo.get(call.id);
      if (known !== undefined) return known;
      const r = resourceIn(facts, call, cfg, ctx.pkg);
      memo.set(call.id, r);
      return r;
    }

    // Rows handed to a function of the package that ranges over them (`for rows.Next()`) are
    // consumed there: a same-file function by its loop, another file's by its summary.
    const consumes = (call: Node, index: number): boolean => {
      const decl = calleeDecl(facts, call, true);
      if (!decl) {
        const key = ctx.pkg.calleeKey(call, facts);
        return !!key && effectsOn(ctx.pkg.summaryOf(coreSummary, key), `$${index}`, '.Next').length > 0;
      }
      const param = parameterAt(decl, index);
      return !!param && (decl.childForFieldName('body')?.descendantsOfType('for_statement') ?? []).some((f) => f && nextLoopOf(f, param));
    };
    const known = (call: Node): boolean => stdBorrows(facts, call) || (stubOf(call) && wrapperStaysLocal(facts, call));
    const borrowsClose = borrowCheck(facts, CLOSE, { methods: true, known, elsewhere: packageBorrows(ctx.pkg, facts, CLOSE) });
    const borrowsTx = borrowCheck(facts, TX.methods, { methods: true, known, elsewhere: packageBorrows(ctx.pkg, facts, TX.methods) });
    // A listener handed to any function is a server's: serve loops run until the process ends.
    const borrowsFor = (kind: Resource): ((c: Node, i: number) => boolean) =>
      kind === TX ? borrowsTx : kind === ROWS ? (c, i) => !consumes(c, i) && borrowsClose(c, i) : kind === LISTENER ? () => false : borrowsClose;
    const makers = new Makers<Resource>(
      facts,
      calls,
      (call) => resourceCall(call)?.kind,
      (kind) => ({ methods: kind.methods, borrows: borrowsFor(kind) }),
      true,
      ends,
      returnsMatching(RETURNS_RESOURCE),
    );

    const source = (call: Node) => resourceCall(call) ?? undefined;
    return {
      source_file(root) {
        calls.push(...candidateCalls(root, text, facts, names, (c) => !!resourceCall(c), HANDS_OVER, (at, word) => mayMakeResource(facts, cfg, at, word)));
        helperSites.push(...packageHelperSites(ctx.pkg, facts, root, text, resourcesKind(cfg), RETURNS_RESOURCE, (m) => (m.data === 'custom' ? cfg.custom : KINDS[Number(m.data)]), (c) => !!resourceCall(c)));
      },
      'source_file:exit'() {
        const sites = [...helperSites, ...sitesOf(facts, calls, source, makers)];
        if (!sites.length) return;
        const byKind = new Map<Resource, typeof sites>();
        for (const s of sites) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
        const verdicts = [...byKind].flatMap(([kind, list]) => judge(facts, list, { borrows: borrowsFor(kind), ends, view: ctx.pkg }));
        verdicts.sort((a, b) => a.site.call.startIndex - b.site.call.startIndex);
        for (const v of verdicts) {
          const kind = v.site.kind;
          if (!options.tests && inTestHelper(facts, v.site.call)) continue;
          // Files, connections and the like: reported when nothing releases them at all (or
          // a new value replaces them); rows and transactions path by path.
          if (v.verdict === 'open' && !kind.paths && !v.never && v.exits[0]!.kind !== 'replaced') continue;
          // Kept open on purpose: its descriptor holds a flock, or a duplicate of it (File()) is handed on.
          if (v.verdict === 'open' && keptOpen(facts, v.owner, v.name)) continue;
          const d = describe(v);
          const suggestions = kind.fixable ? deferFix(text, v, (name) => `defer ${name}.${kind.method}()`) : undefined;
          const data = { ...d.data, noun: kind.noun, holds: kind.holds, method: kind.method, released: kind.released };
          ctx.report({ node: d.node, messageId: d.messageId, data, related: d.related, suggestions });
        }
      },
    };
  },
});
