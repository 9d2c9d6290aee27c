// The named type of a value, when syntax shows it: a written type (a parameter, a `var`, a
// field of the file's own struct), a composite literal, a package variable of a known
// package, or the result of a known constructor or method.
//
//	func f(c *http.Client)                    c            → net/http.Client
//	hc := &http.Client{Timeout: t}            hc           → net/http.Client
//	http.DefaultClient                                     → net/http.Client
//	db, err := sql.Open("pgx", dsn)           db           → database/sql.DB
//	tx, err := db.BeginTx(ctx, nil)           tx           → database/sql.Tx
//	srv := httptest.NewServer(h); srv.Client()             → net/http.Client
//	c := newHTTPClient()                      a same-file function declared to return *http.Client
//
// Types are named `importPath.Name`, pointers dropped, and a major-version suffix of the
// path dropped (`github.com/jackc/pgx/v5` is `github.com/jackc/pgx`). Anything else is
// unknown (undefined): callers stay silent then.
import type { Node } from 'web-tree-sitter';
import { definitionsOf, type Def } from './decls.js';
import { type FileFacts, unparen } from './facts.js';
import { funcsOf } from './funcs.js';
import type { PackageView } from './package.js';
import { baseType, literalType, resultTypes, writtenType } from './types.js';

const MAX_DEPTH = 4;

/** Package-level variables of known packages and their types. */
const PACKAGE_VARS = new Map([
  ['net/http.DefaultClient', 'net/http.Client'],
  ['net/http.DefaultTransport', 'net/http.Transport'],
]);

/** `path.Func` → the type of its first result. */
const CONSTRUCTORS = new Map([
  ['database/sql.Open', 'database/sql.DB'],
  ['database/sql.OpenDB', 'database/sql.DB'],
  ['github.com/jmoiron/sqlx.Open', 'github.com/jmoiron/sqlx.DB'],
  ['github.com/jmoiron/sqlx.Connect', 'github.com/jmoiron/sqlx.DB'],
  ['github.com/jmoiron/sqlx.ConnectContext', 'github.com/jmoiron/sqlx.DB'],
  ['github.com/jmoiron/sqlx.MustOpen', 'github.com/jmoiron/sqlx.DB'],
  ['github.com/jmoiron/sqlx.MustConnect', 'github.com/jmoiron/sqlx.DB'],
  ['github.com/jmoiron/sqlx.NewDb', 'github.com/jmoiron/sqlx.DB'],
  ['github.com/jackc/pgx.Connect', 'github.com/jackc/pgx.Conn'],
  ['github.com/jackc/pgx.ConnectConfig', 'github.com/jackc/pgx.Conn'],
  ['github.com/jackc/pgx/pgxpool.Connect', 'github.com/jackc/pgx/pgxpool.Pool'],
  ['github.com/jackc/pgx/pgxpool.ConnectConfig', 'github.com/jackc/pgx/pgxpool.Pool'],
  ['github.com/jackc/pgx/pgxpool.New', 'github.com/jackc/pgx/pgxpool.Pool'],
  ['github.com/jackc/pgx/pgxpool.NewWithConfig', 'github.com/jackc/pgx/pgxpool.Pool'],
  ['net/http/httptest.NewServer', 'net/http/httptest.Server'],
  ['net/http/httptest.NewTLSServer', 'net/http/httptest.Server'],
  ['net/http/httptest.NewUnstartedServer', 'net/http/httptest.Server'],
  ['github.com/hashicorp/go-cleanhttp.DefaultClient', 'net/http.Client'],
  ['github.com/hashicorp/go-cleanhttp.DefaultPooledClient', 'net/http.Client'],
  ['github.com/hashicorp/go-cleanhttp.DefaultTransport', 'net/http.Transport'],
  ['github.com/hashicorp/go-cleanhttp.DefaultPooledTransport', 'net/http.Transport'],
  ['golang.org/x/oauth2.NewClient', 'net/http.Client'],
  ['golang.org/x/oauth2/google.DefaultClient', 'net/http.Client'],
  ['golang.org/x/net/http2.ConfigureTransports', 'golang.org/x/net/http2.Transport'],
]);

/** `ReceiverType.Method` → the type of its first result. */
const METHODS = new Map([
  ['database/sql.DB.Begin', 'database/sql.Tx'],
  ['database/sql.DB.BeginTx', 'database/sql.Tx'],
  ['database/sql.DB.Conn', 'database/sql.Conn'],
  ['database/sql.Conn.BeginTx', 'database/sql.Tx'],
  ['database/sql.DB.Prepare', 'database/sql.Stmt'],
  ['database/sql.DB.PrepareContext', 'database/sql.Stmt'],
  ['database/sql.Conn.PrepareContext', 'database/sql.Stmt'],
  ['database/sql.Tx.Prepare', 'database/sql.Stmt'],
  ['database/sql.Tx.PrepareContext', 'database/sql.Stmt'],
  ['github.com/jmoiron/sqlx.DB.Preparex', 'github.com/jmoiron/sqlx.Stmt'],
  ['github.com/jmoiron/sqlx.DB.PreparexContext', 'github.com/jmoiron/sqlx.Stmt'],
  ['github.com/jmoiron/sqlx.DB.PrepareNamed', 'github.com/jmoiron/sqlx.NamedStmt'],
  ['github.com/jmoiron/sqlx.DB.PrepareNamedContext', 'github.com/jmoiron/sqlx.NamedStmt'],
  ['github.com/jmoiron/sqlx.DB.Beginx', 'github.com/jmoiron/sqlx.Tx'],
  ['github.com/jmoiron/sqlx.DB.BeginTxx', 'github.com/jmoiron/sqlx.Tx'],
  ['github.com/jmoiron/sqlx.DB.MustBegin', 'github.com/jmoiron/sqlx.Tx'],
  ['github.com/jmoiron/sqlx.DB.MustBeginTx', 'github.com/jmoiron/sqlx.Tx'],
  ['github.com/jmoiron/sqlx.DB.Begin', 'database/sql.Tx'],
  ['github.com/jmoiron/sqlx.DB.BeginTx', 'database/sql.Tx'],
  ['github.com/jackc/pgx.Conn.Begin', 'github.com/jackc/pgx.Tx'],
  ['github.com/jackc/pgx.Conn.BeginTx', 'github.com/jackc/pgx.Tx'],
  ['github.com/jackc/pgx/pgxpool.Pool.Begin', 'github.com/jackc/pgx.Tx'],
  ['github.com/jackc/pgx/pgxpool.Pool.BeginTx', 'github.com/jackc/pgx.Tx'],
  ['github.com/jackc/pgx/pgxpool.Pool.Acquire', 'github.com/jackc/pgx/pgxpool.Conn'],
  ['net/http/httptest.Server.Client', 'net/http.Client'],
]);

/** `github.com/jackc/pgx/v5/pgxpool` → `github.com/jackc/pgx/pgxpool`. */
export function unversioned(path: string): string {
  return path.replace(/\/v\d+(?=\/|$)/g, '');
}

/** The type a written type names (`*sql.DB` → database/sql.DB; `Client` → the file's own Client). */
export function typeName(facts: FileFacts, type: Node | null): string | undefined {
  const t = baseType(type);
  if (t?.type === 'qualified_type') {
    const pkg = t.childForFieldName('package');
    const path = pkg ? facts.importPath(pkg.text, t) : undefined;
    const name = t.childForFieldName('name')?.text;
    return path && name ? `${unversioned(path)}.${name}` : undefined;
  }
  if (t?.type === 'type_identifier') return `.${t.text}`;
  return undefined;
}

/**
 * The type of an expression's value, or undefined when syntax does not show it. With the
 * package view, a field of a struct, a package-level variable or a function declared in
 * another file of the package is looked up there.
 */
export function valueType(facts: FileFacts, expr: Node, pkg?: PackageView, depth = 0): string | undefined {
  const e = unparen(expr);
  if (depth > MAX_DEPTH) return undefined;
  switch (e.type) {
    case 'identifier': {
      for (const d of definitionsOf(facts, e)) {
        const t = defType(facts, d, pkg, depth);
        if (t) return t;
      }
      const written = typeName(facts, writtenType(facts, e));
      if (written || !pkg || facts.resolveName(e.text, e) !== 'unknown') return written;
      // A package-level variable of another file: its written type or its value's.
      const v = pkg.variable(e.text);
      if (!v) return undefined;
      const value = v.node.childForFieldName('value')?.namedChild(0);
      return typeName(v.facts, v.node.childForFieldName('type')) ?? (value ? valueType(v.facts, value, pkg, depth + 1) : undefined);
    }
    case 'selector_expression': {
      const q = facts.qualified(e);
      if (q) return PACKAGE_VARS.get(`${q.path}.${q.name}`);
      const written = typeName(facts, writtenType(facts, e));
      if (written || !pkg) return written;
      // A field of a struct type declared in another file.
      const owner = pkg.typeOf(e.childForFieldName('operand')!, facts);
      const field = owner ? pkg.field(owner, e.childForFieldName('field')?.text ?? '') : undefined;
      return field ? typeName(field.decl.facts, field.type) : undefined;
    }
    case 'call_expression':
      return resultType(facts, e, 0, pkg, depth);
    case 'unary_expression':
    case 'composite_literal': {
      const type = literalType(e);
      return type ? typeName(facts, type) : undefined;
    }
    default:
      return undefined;
  }
}

function defType(facts: FileFacts, d: Def, pkg: PackageView | undefined, depth: number): string | undefined {
  const byType = typeName(facts, d.type);
  if (byType) return byType;
  if (d.value) return valueType(facts, d.value, pkg, depth + 1);
  if (d.multi) return resultType(facts, d.multi.call, d.multi.index, pkg, depth + 1);
  return undefined;
}

/**
 * The type of result `index` of `call`: a known constructor or method, or the declared
 * result of a function of the file (or, with the package view, of another file).
 */
export function resultType(facts: FileFacts, call: Node, index: number, pkg?: PackageView, depth = 0): string | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'selector_expression') {
    const q = facts.qualified(fn);
    if (q) return index === 0 ? CONSTRUCTORS.get(`${unversioned(q.path)}.${q.name}`) : undefined;
    const recv = fn.childForFieldName('operand');
    const method = fn.childForFieldName('field')?.text;
    if (!recv || !method || index !== 0 || depth > MAX_DEPTH) return undefined;
    const rt = valueType(facts, recv, pkg, depth + 1);
    return rt ? METHODS.get(`${rt}.${method}`) : undefined;
  }
  if (fn.type !== 'identifier') return undefined;
  const where = facts.resolveName(fn.text, fn);
  if (where === 'package') {
    const decl = funcsOf(facts).byName().get(fn.text)?.find((d) => d.type === 'function_declaration');
    return decl ? typeName(facts, resultTypes(decl)[index] ?? null) : undefined;
  }
  const other = where === 'unknown' ? pkg?.func(fn.text) : undefined;
  return other ? typeName(other.facts, resultTypes(other.node)[index] ?? null) : undefined;
}
