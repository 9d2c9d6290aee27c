// What a call makes that must be released: the table of the unclosed-resource rule, as a
// fact. Files, database handles, rows, statements and transactions, connections and
// listeners, gRPC connections and zip readers: each kind with the methods that release it,
// how its messages name it, and whether it is followed path by path.
//
//	f, err := os.Open(p)                     os.Open          → a file, released by Close
//	rows, err := db.QueryContext(ctx, q)     db is a *sql.DB  → rows, Close (or a full Next loop)
//	tx, err := db.BeginTx(ctx, nil)          db is a *sql.DB  → a transaction, Commit or Rollback
//
// Functions are matched by import path; methods by what syntax shows the receiver is
// (valuetypes.ts), with a `Query` on an unknown receiver counted when its SQL text is a query.
import type { Node } from 'web-tree-sitter';
import { listHas, type CalleeList } from './callees.js';
import type { FileFacts } from './facts.js';
import { calledFieldPattern, closingParen, endsStatement, followable, mayBeFollowable, mayReassign, ownMayHandOver, type Kind } from './leaks.js';
import { wordAt } from './pkgindex.js';
import { declAt } from './toplevel.js';
import { bindingOf } from './obligations.js';
import type { PackageView } from './package.js';
import { writtenType } from './types.js';
import { typeName, unversioned, valueType } from './valuetypes.js';

/** What the rule's options add to the table. */
export interface Table {
  /** Configured constructors (`importPath.Func`). */
  extra: CalleeList;
  /** What they make. */
  custom: Resource;
  /** gzip, zlib and pgzip readers too. */
  decompressors: boolean;
}

export interface Resource extends Kind {
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

export const CLOSE: ReadonlySet<string> = new Set(['Close']);
export const close = (noun: string, holds: string, extra: Partial<Resource> = {}): Resource => ({
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
export const FILE = close('file', 'its file descriptor stays open', { nilSafe: true });
export const DB = close('database handle', 'its connection pool and goroutines stay open');
export const ROWS = close('result set', 'its connection stays busy', { paths: true, consumes: true });
export const STMT = close('prepared statement', 'it stays prepared on its connections');
export const SQL_CONN = close('connection', 'it is not returned to the pool');
export const TX: Resource = {
  noun: 'transaction',
  holds: 'its connection stays busy and its locks held',
  methods: new Set(['Commit', 'Rollback']),
  method: 'Rollback',
  released: 'committed or rolled back',
  paths: true,
  fixable: false,
};
export const CONN = close('connection', 'the socket stays open');
export const LISTENER = close('listener', 'the socket stays bound');
export const GRPC = close('gRPC connection', 'its connections and goroutines stay open');
export const ZIP = close('zip reader', 'its file stays open');
export const POOL_CONN: Resource = { ...close('pooled connection', 'it is not returned to the pool'), methods: new Set(['Release']), method: 'Release', released: 'released' };
export const GZIP = close('decompressor', 'its goroutines and buffers stay');
export const PGX_CONN = close('connection', 'the socket stays open');
/** Every release method of every kind: a helper that calls one on the value does not hand it over. */
export const RELEASES: ReadonlySet<string> = new Set(['Close', 'Commit', 'Rollback', 'Release']);

const PGX = 'github.com/jackc/pgx';
const PGXPOOL = 'github.com/jackc/pgx/pgxpool';
const SQLX = 'github.com/jmoiron/sqlx';

/** `importPath.Func` → what it makes. */
export const FUNCS = new Map<string, Resource>();
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
export const DECOMPRESSORS = new Map([
  ['compress/gzip.NewReader', GZIP],
  ['compress/zlib.NewReader', GZIP],
  ['github.com/klauspost/pgzip.NewReader', GZIP],
  ['github.com/klauspost/pgzip.NewReaderN', GZIP],
]);

const SQL_QUERIERS = ['database/sql.DB', 'database/sql.Conn', 'database/sql.Tx', `${SQLX}.DB`, `${SQLX}.Tx`];
/** Receiver type → method → what it makes. */
export const METHODS = new Map<string, Map<string, Resource>>();
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
export const METHOD_NAMES: ReadonlySet<string> = new Set([...METHODS.values()].flatMap((m) => [...m.keys()]));

/** A result variable declared with one of these types says what a Query/Prepare/Begin made. */
export const DECLARED = new Map<string, Resource>([
  ['database/sql.Rows', ROWS],
  [`${SQLX}.Rows`, ROWS],
  ['database/sql.Stmt', STMT],
  ['database/sql.Tx', TX],
  [`${SQLX}.Tx`, TX],
]);
export const SQL_METHODS = new Set(['Query', 'QueryContext', 'Queryx', 'QueryxContext', 'Prepare', 'PrepareContext', 'Begin', 'BeginTx']);

/** The text of a query a Query call runs, when it is a literal: `SELECT …`, `WITH …`, `… RETURNING …`. */
const SQL_TEXT = /^\s*(select|with|show|pragma|explain|describe|values|call|table)\b|\breturning\b/i;

/** Every name a constructor may have (functions, methods, and `extra` ones), as one regex over the file text. */
export function namesPattern(extra: readonly string[]): RegExp {
  const funcs = [...FUNCS.keys()].map((k) => k.slice(k.lastIndexOf('.') + 1));
  const meths = [...METHODS.values()].flatMap((m) => [...m.keys()]);
  return calledFieldPattern([...new Set([...funcs, ...meths, ...extra])]);
}
export const NAMES = namesPattern([]);

/**
 * Functions of the package that may hand a resource over name its type in their text (a
 * result, or a variable): found by this without parsing them. Interfaces like io.ReadCloser
 * count; a configured constructor's type is not known, so its helpers are not followed.
 */
const RESOURCE_TYPES = String.raw`\b(?:os\.File|sqlx?\.(?:DB|Rows|Stmt|NamedStmt|Tx|Conn)|net\.(?:\w*Conn|\w*Listener)|tls\.Conn|grpc\.ClientConn|zip\.ReadCloser|pgx\.(?:Conn|Rows|Tx)|pgxpool\.(?:Pool|Conn)|io\.(?:\w*Closer))\b`;
// The same matches, each found from the word that ends it (every type above ends so) and then
// checked backwards: about half the time of trying the alternation at every offset.
export const RETURNS_RESOURCE = String.raw`(?:File|DB|Rows|Stmt|Tx|Conn|Listener|Closer|Pool)\b(?<=${RESOURCE_TYPES})`;
/** A declaration whose text names no resource type hands none over (Makers' first test). */
export const HANDS_OVER = new RegExp(RETURNS_RESOURCE);

/**
 * A generated gRPC stub, `pb.NewGreeterClient(conn)`: it keeps the connection for its calls
 * and never closes it, so while the stub stays in the function the connection is ours.
 */
export function stubOf(call: Node): boolean {
  const fn = call.childForFieldName('function');
  const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.text;
  return /^New\w+Client$/.test(name ?? '') && call.childForFieldName('arguments')?.namedChildCount === 1;
}

export const CUSTOM = close('resource', 'it stays open');

/** Every kind, by its noun and release: the data a package summary carries for a site. */
export const KINDS = [FILE, DB, ROWS, STMT, SQL_CONN, TX, CONN, LISTENER, GRPC, ZIP, POOL_CONN, GZIP, PGX_CONN];
/** A kind as plain data for a package summary: its index, or `custom` for the configured constructors' kind. */
export const kindId = (k: Resource): string => (KINDS.includes(k) ? String(KINDS.indexOf(k)) : 'custom');

/** What a call of the function `path.name` makes, if anything. */
function resourceFunc(cfg: Table, path: string, name: string): Resource | undefined {
  const key = `${unversioned(path)}.${name}`;
  return FUNCS.get(key) ?? (cfg.decompressors ? DECOMPRESSORS.get(key) : undefined) ?? (listHas(cfg.extra, path, name) === 'func' ? cfg.custom : undefined);
}

/**
 * False for a name at `at` (a hit of NAMES) whose call the text already shows makes nothing
 * and calls none of the file's functions: another package's function that is not in the
 * table (`errors.New`), or a method call whose value cannot be followed (`v := m.Query()`).
 * Its declaration need not be parsed for it.
 */
export function mayMakeResource(facts: FileFacts, cfg: Table, at: number, name: string): boolean {
  const sel = facts.selectorAt(at);
  if (sel === undefined) return true;
  if (sel.path !== undefined) {
    const kind = resourceFunc(cfg, sel.path, name);
    return kind !== undefined && !(closedAfterCheck(facts, at, name, kind) && !HANDS_OVER.test(declText(facts, at)));
  }
  // A method: one of the table's, where its value can be followed, or a helper of the file (calleeDecl).
  return (METHOD_NAMES.has(name) && mayBeFollowable(facts.text, at)) || ownMayHandOver(facts, name, HANDS_OVER);
}

/** The text of the top-level declaration around `at` (empty outside any). */
function declText(facts: FileFacts, at: number): string {
  const d = facts.syntax.outline.decls[declAt(facts.syntax.outline, at)];
  return d ? facts.text.slice(d.start, d.end) : '';
}

/** `f, err := os.Open(p)` at the start of a line, up to the constructor's name: indent, value, error. */
const OPENED = /^([ \t]*)([A-Za-z_]\w*), ([A-Za-z_]\w*) := [A-Za-z_]\w*\.$/;

/**
 * The commonest shape of a value released at once, found in the text alone (as gofmt lays
 * it out): a kind reported only when never released or replaced, declared by its statement,
 * whose error check is followed by its release (deferred or not) in the same block, and whose variable
 * nothing after gives another value. The judgement finds it released outside its error
 * branch (leaks.ts releasedAnyway) and nothing to report. Only in a declaration whose text
 * names no resource type: one that does may be a helper handing values over (Makers), and
 * then its constructor calls count.
 *
 *	f, err := os.Open(p)
 *	if err != nil {
 *		return err
 *	}
 *	defer f.Close()
 */
function closedAfterCheck(facts: FileFacts, at: number, name: string, kind: Resource): boolean {
  if (kind.paths || kind.deferInLoop || kind.drains) return false;
  const { text, syntax } = facts;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const head = OPENED.exec(text.slice(lineStart, at));
  if (!head || head[2] === '_' || head[3] === '_' || !endsStatement(text, lineStart)) return false;
  const [, indent, value, err] = head;
  let open = at + name.length;
  if (text[open] !== '(') return false;
  const close = closingParen(text, open, 4096);
  const check = `\n${indent}if ${err} != nil {`;
  if (close < 0 || !text.startsWith(check, close + 1)) return false;
  open = close + check.length;
  const end = closingParen(text, open, 1 << 16);
  // The check's block ends on a line of its own (no `else`), with the statement's indent.
  if (end < 0 || !text.startsWith(`\n${indent}}\n`, end - indent.length - 1)) return false;
  // Blank lines and line comments may stand between: the defer is still the block's next statement.
  const release = new RegExp(`^(?:[ \\t]*(?://[^\\n]*)?\\n){0,8}${indent}(?:defer )?${value}\\.(\\w+)\\(\\)[ \\t]*(?:\\n|$)`).exec(text.slice(end + 2, end + 2 + 1024));
  if (!release || !kind.methods.has(release[1]!) || syntax.inLiteral(end) || syntax.inLiteral(close)) return false;
  // A named result of the function (written before the statement) stays the caller's.
  const d = syntax.outline.decls[declAt(syntax.outline, at)];
  if (!d || wordAt(text.slice(d.start, lineStart), value) >= 0) return false;
  return !mayReassign(text, value, close + 1, d.end);
}

/** What a call makes, and how it is written (`os.Open`, `db.Query`), or null. */
export function resourceIn(facts: FileFacts, call: Node, cfg: Table, pkg?: PackageView): { kind: Resource; callee: string } | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return null;
  const name = fn.childForFieldName('field')?.text ?? '';
  const q = facts.qualified(fn);
  if (q) {
    const kind = resourceFunc(cfg, q.path, q.name);
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
