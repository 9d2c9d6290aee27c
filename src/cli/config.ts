// Command-line flags (and, later, the config file) → one resolved Config.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { ActiveRule, AnyRule, Severity } from '../engine/types.js';
import { allRules } from '../../rules/index.js';

export const FORMATS = ['pretty', 'line', 'json', 'sarif', 'github'] as const;
/** Other names peers use for a format: ESLint calls the one-line-per-finding format `unix`. */
const FORMAT_ALIASES: Record<string, string> = { unix: 'line' };
export type Format = (typeof FORMATS)[number] | (string & {});

export class UsageError extends Error {}

export interface RuleSetting {
  enabled: boolean;
  severity: Severity;
  options: Record<string, unknown>;
}

export interface Config {
  paths: string[];
  format: Format;
  outputFile?: string;
  rules: Record<string, RuleSetting>;
  /** Extra ignore globs, matched against cwd-relative paths. */
  ignore: string[];
  /** vendor/, testdata/, dot and underscore dirs, .gitignore, generated files. */
  defaultSkips: boolean;
  fix: boolean;
  color: boolean;
  quiet: boolean;
  maxWarnings?: number;
  /** --config: the config file to use instead of searching from the working directory. */
  configFile?: string;
  /** --baseline / --write-baseline / --new-from-rev (baseline.ts, gitdiff.ts). */
  baseline?: string;
  writeBaseline?: string;
  newFromRev?: string;
  /** Threads to scan with (--jobs; default: available cores). */
  jobs: number;
  /** Reuse results of unchanged files (--no-cache turns it off). */
  cache: boolean;
  cacheLocation?: string;
  /** Scan only shard `index` (1-based) of `count` (--shard K/N). */
  shard?: { index: number; count: number };
  /** Print scan statistics on stderr (--stats). */
  stats: boolean;
  /** Parse each file whole instead of the declarations that can matter (hidden --whole-file). */
  wholeFile: boolean;
}

export interface CliRequest {
  kind: 'scan' | 'help' | 'version' | 'list-rules' | 'print-config';
  config: Config;
  /** --rule and --disable as given, re-applied over the config file (flags win). */
  ruleFlags: { only: string[]; disabled: string[] };
}

export const HELP = `Usage: leakhound [options] [paths...]

Finds memory, goroutine and resource leaks in Go source. Directories are scanned
recursively for .go files; files are scanned as given. Default: the current directory.

Options:
  -f, --format <name>        pretty (default), line (file:line:col: message (rule-id),
                             also called unix), json, sarif or github
  -o, --output-file <file>   write the report to a file instead of stdout
      --rule <ids>           run only these rules (comma-separated, repeatable)
      --disable <ids>        turn these rules off (comma-separated, repeatable)
      --fix                  apply the suggested fixes to the files
      --quiet                report errors only, not warnings
      --max-warnings <n>     let up to n warnings pass with exit 0 (default 0)
      --no-default-skips     also scan vendor/, testdata/, dot/underscore dirs,
                             .gitignored and generated files
      --color / --no-color   force or disable colors in pretty output
      --config <file>        use this config file (default: leakhound.config.json or
                             .leakhound.yaml, searched from the working directory up)
      --print-config         print the effective configuration as JSON and exit
      --baseline <file>      report only findings that are not in this baseline
      --write-baseline <file>
                             record the current findings as the baseline and exit
      --new-from-rev <rev>   report only findings on lines changed since git rev
  -j, --jobs <n>             threads to scan with (default and maximum: the
                             available cores)
      --no-cache             do not read or write the result cache
      --cache-location <dir> where the result cache lives (default: the user
                             cache directory, e.g. ~/.cache/leakhound)
      --shard <k/n>          scan only the k-th of n shards of the files (CI
                             matrix); join the JSON reports with 'leakhound merge'
      --stats                print what was scanned, skipped and cached on stderr
      --list-rules           list the rules and exit
  -h, --help                 show this help
  -v, --version              print the version

Merge sharded reports: leakhound merge a.json b.json ... [--format <name>] [-o <file>]
Language server for editors (LSP over stdio): leakhound lsp (see leakhound lsp --help)

Exit codes: 0 nothing reported; 1 findings reported, warnings too (as golangci-lint
and staticcheck do; --max-warnings n lets up to n warnings pass, --quiet drops them);
2 usage, configuration, file or internal error.`;

export function defaultRuleSettings(rules: AnyRule[] = allRules): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const r of rules) {
    out[r.meta.id] = { enabled: true, severity: r.meta.severity, options: structuredClone(r.meta.defaultOptions) };
  }
  return out;
}

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

function checkRuleIds(ids: string[], flag: string, rules: AnyRule[]): void {
  const known = new Set(rules.map((r) => r.meta.id));
  for (const id of ids) {
    if (!known.has(id)) throw new UsageError(`${flag}: unknown rule '${id}' (known: ${[...known].join(', ')})`);
  }
}

/** `K/N` with 1 ≤ K ≤ N. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard: expected K/N with 1 <= K <= N (e.g. 2/3), got '${text}'`);
  }
  return { index, count };
}

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  'output-file': { type: 'string', short: 'o' },
  rule: { type: 'string', multiple: true },
  disable: { type: 'string', multiple: true },
  fix: { type: 'boolean' },
  quiet: { type: 'boolean' },
  'max-warnings': { type: 'string' },
  'no-default-skips': { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'list-rules': { type: 'boolean' },
  config: { type: 'string' },
  'print-config': { type: 'boolean' },
  baseline: { type: 'string' },
  'write-baseline': { type: 'string' },
  'new-from-rev': { type: 'string' },
  jobs: { type: 'string', short: 'j' },
  'no-cache': { type: 'boolean' },
  'cache-location': { type: 'string' },
  shard: { type: 'string' },
  stats: { type: 'boolean' },
  // Hidden: parse every file whole (the reference the per-declaration parse is checked against).
  'whole-file': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/**
 * Where `merge` stands in argv when it is the first argument that is not an option or an
 * option's value (`leakhound --no-cache merge a.json`), else -1. A directory named merge is
 * scanned as ./merge.
 */
export function mergeAt(argv: string[]): number {
  let tokens;
  try {
    tokens = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true, options: OPTIONS }).tokens;
  } catch {
    return -1;
  }
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  return first?.kind === 'positional' && first.value === 'merge' ? first.index : -1;
}

export function parseCli(argv: string[], ruleList: AnyRule[] = allRules): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (e) {
    // parseArgs messages are one line already; drop its hint about `--` for brevity.
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, ''));
  }
  const v = parsed.values;
  const format = FORMAT_ALIASES[v.format ?? ''] ?? v.format ?? 'pretty';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: unknown format '${format}' (expected one of: ${FORMATS.join(', ')})`);
  }
  let maxWarnings: number | undefined;
  if (v['max-warnings'] !== undefined) {
    maxWarnings = Number(v['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) {
      throw new UsageError(`--max-warnings: expected a non-negative integer, got '${v['max-warnings']}'`);
    }
  }
  // More threads than cores only costs memory (each holds a parser): --jobs 1000 is the cores.
  const cores = availableParallelism();
  let jobs = cores;
  if (v.jobs !== undefined) {
    jobs = Number(v.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs: expected a positive integer, got '${v.jobs}'`);
    jobs = Math.min(jobs, cores);
  }
  const shard = v.shard === undefined ? undefined : parseShard(v.shard);
  const rules = defaultRuleSettings(ruleList);
  const only = splitList(v.rule);
  const disabled = splitList(v.disable);
  checkRuleIds(only, '--rule', ruleList);
  checkRuleIds(disabled, '--disable', ruleList);
  for (const [id, s] of Object.entries(rules)) {
    if (only.length && !only.includes(id)) s.enabled = false;
    if (disabled.includes(id)) s.enabled = false;
  }
  const color = v['no-color'] ? false : v.color ? true : !process.env.NO_COLOR && process.stdout.isTTY === true;
  const config: Config = {
    paths: parsed.positionals,
    format,
    outputFile: v['output-file'],
    rules,
    ignore: [],
    defaultSkips: !v['no-default-skips'],
    fix: v.fix ?? false,
    color,
    quiet: v.quiet ?? false,
    maxWarnings,
    configFile: v.config,
    baseline: v.baseline,
    writeBaseline: v['write-baseline'],
    newFromRev: v['new-from-rev'],
    jobs,
    cache: !v['no-cache'],
    cacheLocation: v['cache-location'],
    shard,
    stats: v.stats ?? false,
    wholeFile: v['whole-file'] ?? false,
  };
  const kind = v.help ? 'help' : v.version ? 'version' : v['list-rules'] ? 'list-rules' : v['print-config'] ? 'print-config' : 'scan';
  return { kind, config, ruleFlags: { only, disabled } };
}

/** The enabled rules with their resolved settings, in id order. */
export function activeRules(config: Pick<Config, 'rules'>, rules: AnyRule[] = allRules): ActiveRule[] {
  return rules
    .filter((r) => config.rules[r.meta.id]?.enabled)
    .map((r) => ({ rule: r, severity: config.rules[r.meta.id]!.severity, options: config.rules[r.meta.id]!.options }))
    .sort((a, b) => (a.rule.meta.id < b.rule.meta.id ? -1 : 1));
}
