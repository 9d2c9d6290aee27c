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
import { compileCalleeList, listHas, stringList, type CalleeList } from '../src/go/callees.js';
import { enclosingFunction } from '../src/go/facts.js';
import { candidateCalls, deferFix, describe, followable, judge, nextLoopOf, packageHelperSites, returnsMatching, sitesOf, type Kind, type Site } from '../src/go/leaks.js';
import { bindingOf, borrowCheck, calleeDecl, Makers, parameterAt } from '../src/go/obligations.js';
import { failsTest } from '../src/go/paths.js';
import { endingCall } from '../src/go/terminators.js';
import { madeResultsKind, packageBorrows, type MadeKind } from '../src/go/returns.js';
import type { PackageView } from '../src/go/package.js';
import type { FileFacts } from '../src/go/facts.js';
import { coreSummary, effectsOn } from '../src/go/summary.js';
import { typeName, unversioned, valueType } from '../src/go/valuetypes.js';
import { writtenType } from '../src/go/types.js';

type MessageId = 'unclosed' | 'path' | 'replaced' | 'discarded' | 'deferInLoop' | 'beforeCheck';

interface Resource extends Kind {
  /** What it is, in messages: `file f from os.Open`. */
  noun: string;
  /** What stays held while it is open. */
  holds: string;
  /** The release the message and the fix name. */
  method: string;
  /** How a release is said: closed, committed or rolled back, released. */
  released: string;
  /** `--fix` may insert `defer x.<method>()` (never for a transaction: it must commit). */
  fixable: boolean;
}

const CLOSE: ReadonlySet<string> = new Set(['Close']);
const close = (noun: string, holds: string, extra: Partial<Resource> = {}): Resource => ({
  noun,
  holds,
  methods: CLOSE,
  method: 'Close',
  released: 'closed',
  paths: false,
  fixable: true,
  ...extra,
});

// (*os.File).Close on nil returns ErrInvalid: a defer before the error check is harmless.
const FILE = close('file', 'its file descriptor stays open', { nilSafe: true });
const DB = close('database handle', 'its connection pool and goroutines stay open');
const ROWS = close('result set', 'its connection stays busy', { paths: true, consumes: true });
const STMT = close('prepared statement', 'it stays prepared on its connections');
const SQL_CONN = close('connection', 'it is not returned to the pool');
const TX: Resource = {
  noun: 'transaction',
  holds: 'its connection stays busy and its locks held',
  methods: new Set(['Commit', 'Rollback']),
  method: 'Rollback',
  released: 'committed or rolled back',
  paths: true,
  fixable: false,
};
const CONN = close('connection', 'the socket stays open');
const LISTENER = close('listener', 'the socket stays bound');
const GRPC = close('gRPC connection', 'its connections and goroutines stay open');
const ZIP = close('zip reader', 'its file stays open');
const POOL_CONN: Resource = { ...close('pooled connection', 'it is not returned to the pool'), methods: new Set(['Release']), method: 'Release', released: 'released' };
const GZIP = close('decompressor', 'its goroutines and buffers stay');
const PGX_CONN = close('connection', 'the socket stays open');
/** Every release method of every kind: a helper that calls one on the value does not hand it over. */
const RELEASES: ReadonlySet<string> = new Set(['Close', 'Commit', 'Rollback', 'Release']);

const PGX = 'github.com/jackc/pgx';
const PGXPOOL = 'github.com/jackc/pgx/pgxpool';
const SQLX = 'github.com/jmoiron/sqlx';

/** `importPath.Func` → what it makes. */
const FUNCS = new Map<string, Resource>();
for (const [path, names, kind] of [
  ['os', ['Open', 'Create', 'OpenFile', 'CreateTemp'], FILE],
  ['io/ioutil', ['TempFile'], FILE],
  ['database/sql', ['Open', 'OpenDB'], DB],
  [SQLX, ['Open', 'Connect', 'ConnectContext', 'MustOpen', 'MustConnect'], DB],
  [PGX, ['Connect', 'ConnectConfig'], PGX_CONN],
  [PGXPOOL, ['Connect', 'ConnectConfig', 'New', 'NewWithConfig'], DB],
  ['net', ['Dial', 'DialTimeout', 'DialTCP', 'DialUDP', 'DialUnix', 'DialIP'], CONN],
  ['net', ['Listen', 'ListenTCP', 'ListenUDP', 'ListenUnix', 'ListenUnixgram', 'ListenPacket', 'ListenIP', 'ListenMulticastUDP'], LISTENER],
  ['crypto/tls', ['Dial', 'DialWithDialer'], CONN],
  ['crypto/tls', ['Listen'], LISTENER],
  ['google.golang.org/grpc', ['Dial', 'DialContext', 'NewClient'], GRPC],
  ['archive/zip', ['OpenReader'], ZIP],
] as [string, string[], Resource][]) {
  for (const n of names) FUNCS.set(`${path}.${n}`, kind);
}

/** Decompressors whose readers start goroutines (klauspost/pgzip): off by default with the standard ones, see `decompressors`. */
const DECOMPRESSORS = new Map([
  ['compress/gzip.NewReader', GZIP],
  ['compress/zlib.NewReader', GZIP],
  ['github.com/klauspost/pgzip.NewReader', GZIP],
  ['github.com/klauspost/pgzip.NewReaderN', GZIP],
]);

const SQL_QUERIERS = ['database/sql.DB', 'database/sql.Conn', 'database/sql.Tx', `${SQLX}.DB`, `${SQLX}.Tx`];
/** Receiver type → method → what it makes. */
const METHODS = new Map<string, Map<string, Resource>>();
function methods(types: string[], names: string[], kind: Resource): void {
  for (const t of types) {
    let m = METHODS.get(t);
    if (!m) METHODS.set(t, (m = new Map()));
    for (const n of names) m.set(n, kind);
  }
}
methods([...SQL_QUERIERS, 'database/sql.Stmt', `${SQLX}.Stmt`, `${SQLX}.NamedStmt`], ['Query', 'QueryContext'], ROWS);
methods([`${SQLX}.Stmt`, `${SQLX}.NamedStmt`], ['Queryx', 'QueryxContext'], ROWS);
methods([`${SQLX}.DB`, `${SQLX}.Tx`], ['Queryx', 'QueryxContext', 'NamedQuery', 'NamedQueryContext'], ROWS);
// A statement prepared in a transaction is closed with it.
methods(['database/sql.DB', 'database/sql.Conn', `${SQLX}.DB`], ['Prepare', 'PrepareContext'], STMT);
methods([`${SQLX}.DB`], ['Preparex', 'PreparexContext', 'PrepareNamed', 'PrepareNamedContext'], STMT);
methods(['database/sql.DB', `${SQLX}.DB`], ['Begin', 'BeginTx'], TX);
methods(['database/sql.Conn'], ['BeginTx'], TX);
methods([`${SQLX}.DB`], ['Beginx', 'BeginTxx', 'MustBegin', 'MustBeginTx'], TX);
methods(['database/sql.DB'], ['Conn'], SQL_CONN);
methods([`${PGX}.Conn`, `${PGXPOOL}.Pool`, `${PGX}.Tx`], ['Query'], ROWS);
methods([`${PGX}.Conn`, `${PGXPOOL}.Pool`], ['Begin', 'BeginTx'], TX);
methods([`${PGXPOOL}.Pool`], ['Acquire'], POOL_CONN);
methods(['net.Dialer'], ['Dial', 'DialContext'], CONN);
methods(['net.ListenConfig'], ['Listen', 'ListenPacket'], LISTENER);

/** Every method name of the table. */
const METHOD_NAMES: ReadonlySet<string> = new Set([...METHODS.values()].flatMap((m) => [...m.keys()]));

/** A result variable declared with one of these types says what a Query/Prepare/Begin made. */
const DECLARED = new Map<string, Resource>([
  ['database/sql.Rows', ROWS],
  [`${SQLX}.Rows`, ROWS],
  ['database/sql.Stmt', STMT],
  ['database/sql.Tx', TX],
  [`${SQLX}.Tx`, TX],
]);
const SQL_METHODS = new Set(['Query', 'QueryContext', 'Queryx', 'QueryxContext', 'Prepare', 'PrepareContext', 'Begin', 'BeginTx']);

/** The text of a query a Query call runs, when it is a literal: `SELECT …`, `WITH …`, `… RETURNING …`. */
const SQL_TEXT = /^\s*(select|with|show|pragma|explain|describe|values|call|table)\b|\breturning\b/i;

/** Every name a constructor may have (functions, methods, and `extra` ones), as one regex over the file text. */
function namesPattern(extra: readonly string[]): RegExp {
  const funcs = [...FUNCS.keys()].map((k) => k.slice(k.lastIndexOf('.') + 1));
  const meths = [...METHODS.values()].flatMap((m) => [...m.keys()]);
  return new RegExp(`\\b(?:${[...new Set([...funcs, ...meths, ...extra])].join('|')})\\b`, 'g');
}
const NAMES = namesPattern([]);

/**
 * Functions of the package that may hand a resource over name its type in their text (a
 * result, or a variable): found by this without parsing them. Interfaces like io.ReadCloser
 * count; a configured constructor's type is not known, so its helpers are not followed.
 */
const RETURNS_RESOURCE = String.raw`\b(?:os\.File|sqlx?\.(?:DB|Rows|Stmt|NamedStmt|Tx|Conn)|net\.(?:\w*Conn|\w*Listener)|tls\.Conn|grpc\.ClientConn|zip\.ReadCloser|pgx\.(?:Conn|Rows|Tx)|pgxpool\.(?:Pool|Conn)|io\.(?:\w*Closer))\b`;

/**
 * A generated gRPC stub, `pb.NewGreeterClient(conn)`: it keeps the connection for its calls
 * and never closes it, so while the stub stays in the function the connection is ours.
 */
function stubOf(call: Node): boolean {
  const fn = call.childForFieldName('function');
  const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.text;
  return /^New\w+Client$/.test(name ?? '') && call.childForFieldName('arguments')?.namedChildCount === 1;
}

export interface ResourceOptions {
  /** Extra constructors, `importPath.Func`, whose result must be closed. */
  constructors: string[];
  /** Methods other than Close that release what the configured constructors make. */
  releaseMethods: string[];
  /** Also report gzip/zlib readers that are never closed (their Close releases nothing but a pgzip reader's goroutines). */
  decompressors: boolean;
  /** Also scan `_test.go` files (what a test opens mostly dies with the test). */
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

const CUSTOM = close('resource', 'it stays open');

/** Every kind, by its noun and release: the data a package summary carries for a site. */
const KINDS = [FILE, DB, ROWS, STMT, SQL_CONN, TX, CONN, LISTENER, GRPC, ZIP, POOL_CONN, GZIP, PGX_CONN];
/** A kind as plain data for a package summary: its index, or `custom` for the configured constructors' kind. */
const kindId = (k: Resource): string => (KINDS.includes(k) ? String(KINDS.indexOf(k)) : 'custom');

interface Config {
  extra: CalleeList;
  /** What the configured constructors make, released by Close or a configured method. */
  custom: Resource;
  decompressors: boolean;
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

/** What a call makes, and how it is written (`os.Open`, `db.Query`), or null. */
function resourceIn(facts: FileFacts, call: Node, cfg: Config, pkg?: PackageView): { kind: Resource; callee: string } | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return null;
  const name = fn.childForFieldName('field')?.text ?? '';
  const q = facts.qualified(fn);
  if (q) {
    const key = `${unversioned(q.path)}.${q.name}`;
    const kind = FUNCS.get(key) ?? (cfg.decompressors ? DECOMPRESSORS.get(key) : undefined) ?? (listHas(cfg.extra, q.path, q.name) === 'func' ? cfg.custom : undefined);
    return kind ? { kind, callee: `${q.alias}.${q.name}` } : null;
  }
  const recv = fn.childForFieldName('operand');
  // Only the methods of the table, used as constructors are (`rows, err := db.Query(…)`).
  if (!recv || !METHOD_NAMES.has(name) || !followable(call)) return null;
  const callee = fn.text.length <= 40 ? fn.text : `….${name}`;
  const rt = valueType(facts, recv, pkg);
  const kind = rt ? METHODS.get(rt)?.get(name) : undefined;
  if (kind) return { kind, callee };
  // A type of the file's own (an interface over a database) tells nothing more.
  if ((rt && !rt.startsWith('.')) || !SQL_METHODS.has(name)) return null;
  // An unknown receiver: the variable's declared type, or the SQL text of the query.
  const b = bindingOf(call);
  if (b.kind !== 'bound' || b.results !== 2) return null;
  const declared = DECLARED.get(typeName(facts, writtenType(facts, b.ident)) ?? '');
  if (declared) return { kind: declared, callee };
  if (!name.startsWith('Query')) return null;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  const sql = args.slice(0, 2).find((a) => a?.type === 'interpreted_string_literal' || a?.type === 'raw_string_literal');
  return sql && SQL_TEXT.test(sql.text.slice(1, -1)) ? { kind: ROWS, callee } : null;
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
    // bench/triage: 17 of 18 findings real (node bench/triage/run.mjs --rules unclosed-resource).
    precision: 'high',
    tags: ['resource', 'sql', 'file', 'network'],
    fixable: true,
    docs: {
      whatItDoes:
        'Finds values that hold a resource and that the function which made them never releases: files from `os.Open`/`Create`/`OpenFile`/`CreateTemp`, `*sql.DB` from `sql.Open`, rows from `Query`/`QueryContext`, statements from `Prepare`, transactions from `Begin`/`BeginTx` (Commit or Rollback on every path), connections and listeners from `net.Dial`/`Listen`, `tls.Dial`, `grpc.Dial`/`NewClient`, and `zip.OpenReader`. Rows are followed path by path: a `for rows.Next()` loop that runs to its end closes them, a `return` or `break` out of it does not. Silent when the value is returned, stored (a `*sql.DB` in a struct or package variable), handed to another function, or made in `main`/`init` where it lives as long as the process.',
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
        calls.push(...candidateCalls(root, text, facts, names, (c) => !!resourceCall(c)));
        helperSites.push(...packageHelperSites(ctx.pkg, facts, root, text, resourcesKind(cfg), RETURNS_RESOURCE, (m) => (m.data === 'custom' ? cfg.custom : KINDS[Number(m.data)])));
      },
      'source_file:exit'() {
        const sites = [...helperSites, ...sitesOf(facts, calls, source, makers)];
        if (!sites.length) return;
        const byKind = new Map<Resource, typeof sites>();
        for (const s of sites) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
        const verdicts = [...byKind].flatMap(([kind, list]) => judge(facts, list, { borrows: borrowsFor(kind), ends }));
        verdicts.sort((a, b) => a.site.call.startIndex - b.site.call.startIndex);
        for (const v of verdicts) {
          const kind = v.site.kind;
          // Files, connections and the like: reported when nothing releases them at all (or
          // a new value replaces them); rows and transactions path by path.
          if (v.verdict === 'open' && !kind.paths && !v.never && v.exits[0]!.kind !== 'replaced') continue;
          const d = describe(v);
          const suggestions = kind.fixable ? deferFix(text, v, (name) => `defer ${name}.${kind.method}()`) : undefined;
          const data = { ...d.data, noun: kind.noun, holds: kind.holds, method: kind.method, released: kind.released };
          ctx.report({ node: d.node, messageId: d.messageId, data, related: d.related, suggestions });
        }
      },
    };
  },
});
