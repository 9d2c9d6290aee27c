// One file → diagnostics. Parse once, collect the node types the file's rules subscribe to
// in one WASM-side pass, dispatch in document order (with `type:exit` after descendants),
// and always free the tree.
import { readFile } from 'node:fs/promises';
import type { Node, Parser } from 'web-tree-sitter';
import { buildIgnored } from '../go/build.js';
import { FileFacts, FUNCTION_TYPES, seedFunctionIndex } from '../go/facts.js';
import { PackageView } from '../go/package.js';
import { MAX_DECL_CHARS, MAX_DEPTH, type SkippedDecl, Syntax } from '../go/syntax.js';
import { loneFile, Packages, scanDeps, type ScanDeps } from './packages.js';
import { compareGo, type GoVersion } from '../go/gomod.js';
import { isBlank, triggered, wordsOf } from './prefilter.js';
import { applySuppressions } from './suppressions.js';
import { triggerParts, triggersOf, type ActiveRule, type Diagnostic, type FileResult, type GoVersionRange, type Handler, type Notice, type ReportDescriptor, type Span } from './types.js';

const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

export function spanOf(n: Node): Span {
  return {
    start: { line: n.startPosition.row + 1, column: n.startPosition.column + 1 },
    end: { line: n.endPosition.row + 1, column: n.endPosition.column + 1 },
  };
}

/** Fills `{{name}}` placeholders; unknown ones are left as they are (the meta test catches them). */
export function fillMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}

/** True for files that say they are generated (Go's convention, before the package clause). */
export function isGenerated(text: string): boolean {
  const pkg = text.search(/^package\s/m);
  const head = pkg >= 0 ? text.slice(0, pkg) : text.slice(0, 4096);
  return GENERATED.test(head);
}

/** True when a rule declared for `range` applies to a file built with `go`. */
export function goApplies(range: GoVersionRange | undefined, go: GoVersion): boolean {
  if (range?.before === undefined) return true;
  if (go.go === undefined) return false; // no go.mod: the newest Go is assumed
  if (compareGo(go.go, range.before) < 0) return true;
  if (!range.godebug) return false;
  const [k, v] = range.godebug.split('=');
  return go.godebug?.[k!] === v;
}

/**
 * Rules that apply to the file's Go version and whose cheap text triggers appear in it;
 * `found` is the search of the file's words already made (on its bytes: the same answer for
 * these ASCII words, see triggerwords.ts).
 */
export function rulesFor(text: string, rules: ActiveRule[], go: GoVersion = {}, found?: Uint8Array): ActiveRule[] {
  const w = wordsOf(rules);
  const f = found ?? w.words.find(text);
  return rules.filter((r) => goApplies(r.rule.meta.goVersions, go) && triggered(r, w, f));
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.span.start.line - b.span.start.line ||
    a.span.start.column - b.span.start.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Where a scan finds the file's package, and where it says what it consulted there. */
export interface ScanEnv {
  /** The packages to open (default: the file alone, for text that is not on disk). */
  packages?: Packages;
  /** Receives what the scan consulted outside the file, when it did. */
  deps?: (d: ScanDeps) => void;
  /** Parse the whole file in one piece instead of the declarations that can matter. */
  wholeFile?: boolean;
  /** Receives how much of the text was parsed (UTF-16 code units). */
  parsed?: (chars: number) => void;
  /** The rules' trigger words found in the file's bytes (scanBuffer's search: not made again). */
  found?: Uint8Array;
}

/** A declaration the guards left out, as a notice. */
function skippedNotice(s: SkippedDecl): Notice {
  const what = s.decl.kind === 'func' || s.decl.kind === 'method' ? `function ${s.decl.names[0]?.name ?? ''}` : 'this declaration';
  const why =
    s.why === 'depth'
      ? `nests brackets ${s.decl.depth} deep (more than ${MAX_DEPTH})`
      : `is ${((s.decl.end - s.decl.start) / (1 << 20)).toFixed(1)} MB (more than ${MAX_DECL_CHARS >> 20} MB)`;
  return { kind: 'skipped', message: `${what} ${why}; it was not analysed`, line: s.line, column: s.column };
}

/** Analyses source text that is already in memory. */
export function scanText(parser: Parser, filePath: string, text: string, rules: ActiveRule[], go: GoVersion = {}, env: ScanEnv = {}): FileResult {
  const result: FileResult = { filePath, diagnostics: [], notices: [] };
  const active = rulesFor(text, rules, go, env.found);
  if (active.length === 0) return result;

  let syntax: Syntax;
  try {
    syntax = new Syntax(parser, text, { wholeFile: env.wholeFile });
  } catch {
    result.notices.push({ kind: 'parse-error', message: 'the parser could not read this file' });
    return result;
  }
  let view: PackageView | undefined;
  try {
    const root = syntax.root;
    const facts = new FileFacts(syntax, text);
    const packages = env.packages;
    view = new PackageView(() => (packages ?? loneFile(filePath, text)).packageOf(filePath, text), parser, { path: filePath, facts });
    const pkg = view;
    const enter = new Map<string, Handler[]>();
    const exit = new Map<string, Handler[]>();
    for (const ar of active) {
      const meta = ar.rule.meta;
      const handlers = ar.rule.create({
        filePath,
        text,
        options: ar.options,
        facts,
        pkg,
        go,
        report(d: ReportDescriptor<string>) {
          const span = d.span ?? (d.node ? spanOf(d.node) : undefined);
          if (!span) throw new Error(`rule ${meta.id} reported without a node or span`);
          const template = (meta.messages as Record<string, string>)[d.messageId];
          if (template === undefined) throw new Error(`rule ${meta.id} has no message ${d.messageId}`);
          const diag: Diagnostic = { ruleId: meta.id, severity: ar.severity, message: fillMessage(template, d.data), span };
          if (d.related?.length) {
            diag.related = d.related.map((r) => ({
              span: r.span ?? spanOf(r.node!),
              message: fillMessage(r.message, d.data),
            }));
          }
          if (d.suggestions?.length) diag.suggestions = d.suggestions;
          result.diagnostics.push(diag);
        },
      });
      for (const [key, fn] of Object.entries(handlers)) {
        const isExit = key.endsWith(':exit');
        const type = isExit ? key.slice(0, -5) : key;
        const table = isExit ? exit : enter;
        const guarded: Handler = (node) => {
          try {
            fn(node);
          } catch (e) {
            result.notices.push({
              kind: 'rule-error',
              message: `rule ${meta.id} failed here and was skipped: ${(e as Error).message}`,
              line: node.startPosition.row + 1,
              column: node.startPosition.column + 1,
            });
          }
        };
        const list = table.get(type);
        if (list) list.push(guarded);
        else table.set(type, [guarded]);
      }
    }
    const types = [...new Set([...enter.keys(), ...exit.keys()])];
    const fileLevel = types.filter((t) => t === 'source_file');
    const subscribed = types.filter((t) => t !== 'source_file');
    let nodes: Node[] = [];
    if (subscribed.length && !syntax.lazy) {
      // Functions ride along in the one collection pass: facts index them for enclosingFunction.
      nodes = syntax.descendantsOfType([...new Set([...subscribed, ...FUNCTION_TYPES])]);
      seedFunctionIndex(root.tree, nodes);
    } else if (subscribed.length) {
      // Per declaration, and only in declarations that can hold one of the types.
      nodes = syntax.descendantsOfType(subscribed);
    }
    if (fileLevel.length) nodes.unshift(root);
    // descendantsOfType yields nodes in document (pre-)order; a stack of open nodes gives
    // the exit calls without another walk.
    const open: Node[] = [];
    const close = (until: number) => {
      while (open.length && open[open.length - 1]!.endIndex <= until) {
        const n = open.pop()!;
        for (const h of exit.get(n.type) ?? []) h(n);
      }
    };
    for (const n of nodes) {
      if (!n) continue;
      close(n.startIndex);
      for (const h of enter.get(n.type) ?? []) h(n);
      if (exit.has(n.type)) open.push(n);
    }
    close(Number.POSITIVE_INFINITY);
    const notice = syntax.notice();
    if (notice) result.notices.push(notice);
    for (const s of syntax.skipped) result.notices.push(skippedNotice(s));
    if (env.deps) {
      const deps = scanDeps(view.opened, view.deps());
      if (deps) env.deps(deps);
    }
  } finally {
    view?.release();
    env.parsed?.(syntax.parsedChars);
    syntax.delete();
  }
  result.diagnostics.sort(compareDiagnostics);
  return result;
}

export interface ScanFileOptions {
  rules: ActiveRule[];
  /** Skip files that say they are generated (default true). */
  skipGenerated?: boolean;
  /** Every rule id leakhound knows, so that a directive naming another one is reported. */
  knownRules?: string[];
  /** Parse each file whole instead of the declarations that can matter (the reference mode). */
  wholeFile?: boolean;
}

/** Reads and analyses one file; every problem with the file becomes a notice. */
export async function scanFile(parser: Parser, filePath: string, opts: ScanFileOptions): Promise<FileResult> {
  let buf: Buffer;
  try {
    buf = await readFile(filePath);
  } catch (e) {
    return readErrorResult(filePath, e);
  }
  const packages = new Packages();
  try {
    return scanBuffer(parser, filePath, buf, opts, {}, {}, packages);
  } finally {
    packages.dispose();
  }
}

/** A file that could not be read, as a result with one notice. */
export function readErrorResult(filePath: string, e: unknown): FileResult {
  const err = e as NodeJS.ErrnoException;
  const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
  return { filePath, diagnostics: [], notices: [{ kind: 'read-error', message: `cannot read file: ${why}` }] };
}

/** Why scanBuffer did not parse a file (for statistics), and what else it consulted. */
export interface ScanInfo {
  /** Characters parsed (declarations that mattered, or the whole file). */
  parsedChars?: number;
  skipped?: 'prefilter' | 'generated' | 'never-built';
  /** Declarations of the package the rules consulted (for the result cache), when wantsDeps. */
  deps?: ScanDeps;
  /** Set by the caller that keeps deps: hashing what was consulted is ~3-5% of a pre-commit run. */
  wantsDeps?: boolean;
}

/** A file's bytes that the scan may let go of once it has decoded them, or its text already decoded. */
export interface HeldBytes {
  buf?: Buffer;
  /** The file's text as read by its package (the bytes decoded as UTF-8): used as it is. */
  text?: string;
}

/** What a variable that held a file's bytes holds once they are let go of. */
export const NO_BYTES = Buffer.alloc(0);

/**
 * Analyses a file's bytes, built with Go `go`; its package is read from disk through
 * `packages`. Bytes passed held are dropped once decoded: a big file's bytes are no longer
 * kept through its scan (17 MB less peak RSS on a 24 MB generated file).
 */
export function scanBuffer(
  parser: Parser,
  filePath: string,
  bytes: Buffer | HeldBytes,
  opts: ScanFileOptions,
  info: ScanInfo = {},
  go: GoVersion = {},
  packages?: Packages,
): FileResult {
  const decoded = Buffer.isBuffer(bytes) ? undefined : bytes.text;
  let buf = Buffer.isBuffer(bytes) ? bytes : (bytes.buf ?? NO_BYTES);
  if (!Buffer.isBuffer(bytes)) bytes.buf = bytes.text = undefined;
  // The checks below answer the same on the text as on its bytes: the words are ASCII, and
  // UTF-8 decoding makes a NUL character of a NUL byte only.
  const src: Buffer | string = decoded ?? buf;
  // Go source never holds a NUL byte (the compiler rejects it): one memchr over the whole
  // file tells binaries, wherever their first NUL is, before the prefilter can skip them.
  if (decoded !== undefined ? decoded.includes('\0') : buf.indexOf(0) !== -1) {
    return { filePath, diagnostics: [], notices: [{ kind: 'binary', message: 'binary file, not Go source; skipped' }] };
  }
  if (isBlank(src)) {
    return { filePath, diagnostics: [], notices: [{ kind: 'empty', message: 'empty file; nothing to analyse' }] };
  }
  // No enabled rule can fire: do not even decode the bytes (but still check directives,
  // so that an unused one is reported the same way whatever the prefilter decides). The
  // search of the bytes is the whole of it, not ended at the first trigger: which rules run
  // on the file is read from it, where a search of the decoded text was made again.
  const words = wordsOf(opts.rules);
  const found = words.words.find(src);
  const mayHave = words.marks.some((i) => found[i] === 1); // mayHaveDirectives
  if (!opts.rules.some((r) => triggered(r, words, found))) {
    info.skipped = 'prefilter';
    const empty: FileResult = { filePath, diagnostics: [], notices: [] };
    if (!mayHave) return empty;
    return suppress(empty, decoded ?? buf.toString('utf8'), opts, mayHave);
  }
  const text = decoded ?? buf.toString('utf8');
  buf = NO_BYTES;
  if ((opts.skipGenerated ?? true) && isGenerated(text)) {
    info.skipped = 'generated';
    return { filePath, diagnostics: [], notices: [] };
  }
  // `//go:build ignore`: a helper (a generator, an example run with go run) that belongs to no package.
  if ((opts.skipGenerated ?? true) && buildIgnored(text)) {
    info.skipped = 'never-built';
    return { filePath, diagnostics: [], notices: [] };
  }
  const env: ScanEnv = { parsed: (n) => (info.parsedChars = n), wholeFile: opts.wholeFile, found };
  if (info.wantsDeps) env.deps = (d) => (info.deps = d);
  if (packages) env.packages = packages;
  return suppress(scanText(parser, filePath, text, opts.rules, go, env), text, opts, mayHave);
}

// The sets of rule ids the directives are checked against, made once per list (not per file).
const activeIds = new WeakMap<ActiveRule[], Set<string>>();
const knownIds = new WeakMap<string[], Set<string>>();

function suppress(result: FileResult, text: string, opts: ScanFileOptions, mayHave: boolean): FileResult {
  let known: Set<string> | undefined;
  if (opts.knownRules) {
    known = knownIds.get(opts.knownRules);
    if (!known) knownIds.set(opts.knownRules, (known = new Set(opts.knownRules)));
  }
  let active = activeIds.get(opts.rules);
  if (!active) activeIds.set(opts.rules, (active = new Set(opts.rules.map((r) => r.rule.meta.id))));
  return applySuppressions(result, text, { active, known, mayHave });
}
