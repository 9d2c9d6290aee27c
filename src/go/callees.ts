// User lists of functions, as rule options write them: `importPath.Func` names, bare import
// paths (a path covers its sub-packages), and regular expressions over a function's name.
// Option values come from config files: anything of the wrong type is dropped, never thrown.

/** A compiled list: exact `path.Func` names, import-path prefixes and name regexes. */
export interface CalleeList {
  /** `cloud.google.com/go/storage.NewClient` */
  funcs: Set<string>;
  /** Names of the funcs above, for a cheap first test on a call's name. */
  funcNames: Set<string>;
  /** `github.com/sendgrid` covers `github.com/sendgrid/sendgrid-go`. */
  paths: string[];
  regexes: RegExp[];
}

const IDENT = /^[A-Za-z_]\w*$/;
/** `a.b/c/d.Func`: path characters only, ending in `.` + an exported name. */
const PATH_FUNC = /^[\w.~-]+(\/[\w.~-]+)*\.[A-Z]\w*$/;
/** `a.b/c`: path characters only, with a slash. */
const PATH = /^[\w.~-]+(\/[\w.~-]+)+\/?$/;

/** Strings only; a non-array is an empty list. */
export function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : [];
}

/**
 * Compiles entries: a plain identifier matches that function name; `path.Func` (path
 * characters only, ending in an exported name) that one function; a bare import path (when
 * `allowPaths`) every function of the package and its sub-packages; anything else is a
 * regex over the function name. An invalid regex is dropped.
 */
export function compileCalleeList(entries: unknown, allowPaths: boolean): CalleeList {
  const out: CalleeList = { funcs: new Set(), funcNames: new Set(), paths: [], regexes: [] };
  for (const e of stringList(entries)) {
    if (IDENT.test(e)) {
      out.regexes.push(new RegExp(`^${e}$`));
    } else if (PATH_FUNC.test(e)) {
      out.funcs.add(e);
      out.funcNames.add(e.slice(e.lastIndexOf('.') + 1));
    } else if (allowPaths && PATH.test(e)) {
      out.paths.push(e.replace(/\/+$/, ''));
    } else {
      try {
        out.regexes.push(new RegExp(e));
      } catch {
        // not a valid regex: dropped here, reported by the config validator
      }
    }
  }
  return out;
}

/** True when `path` is `prefix` or one of its sub-packages. */
export function underPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}

/** Does the list name `path.name` (exactly, by import path, or by a name regex)? */
export function listHas(list: CalleeList, path: string | undefined, name: string): 'func' | 'path' | 'regex' | undefined {
  if (path !== undefined && list.funcs.has(`${path}.${name}`)) return 'func';
  if (path !== undefined && list.paths.some((p) => underPath(path, p))) return 'path';
  if (list.regexes.some((r) => r.test(name))) return 'regex';
  return undefined;
}

/** A cheap test on the name alone: could this call be in the list? */
export function nameMayBeIn(list: CalleeList, name: string): boolean {
  return list.funcNames.has(name) || list.regexes.some((r) => r.test(name));
}
