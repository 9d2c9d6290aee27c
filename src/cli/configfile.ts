// The configuration file: `leakhound.config.json` or `.leakhound.yaml` (`.yml`), found from
// the working directory upward, or named with --config. Validated strictly: an unknown key
// or a wrong type is an error that names the key's path, e.g.
//   leakhound.config.json: rules.unclosed-client.options.releaseMethods: expected an array of strings
//
//   { "rules": { "unbounded-read": "off",
//                "unclosed-client": { "severity": "warning", "options": { "releaseMethods": ["Close", "Shutdown"] } } },
//     "ignore": ["internal/gen/**", "**/*_mock.go"] }
//
// A rule's value is "off" | "on" | "error" | "warning" | true | false, or an object with
// `enabled`, `severity` and `options` (checked against the types of meta.defaultOptions).
// Ignore globs are relative to the config file's directory. The pseudo-rule that reports bad
// suppression directives, `leakhound-directive`, takes "off" or a severity like a rule.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { AnyRule, Severity } from '../engine/types.js';
import { defaultRuleSettings, type Config, type RuleSetting } from './config.js';
import { DIRECTIVE_RULE_ID } from '../engine/suppressions.js';
import { errnoWords } from './output.js';

export const CONFIG_NAMES = ['leakhound.config.json', '.leakhound.yaml', '.leakhound.yml'];

export class ConfigError extends Error {}

export interface FileRuleSetting {
  enabled?: boolean;
  severity?: Severity;
  options?: Record<string, unknown>;
}

export interface FileConfig {
  rules: Record<string, FileRuleSetting>;
  /** Globs relative to the config file's directory. */
  ignore: string[];
}

export interface LoadedConfig {
  /** Absolute path of the file. */
  path: string;
  config: FileConfig;
}

/** The nearest config file from `cwd` upward, if any; two in one directory is an error naming both. */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = CONFIG_NAMES.map((name) => join(dir, name)).filter((p) => existsSync(p));
    if (found.length > 1) {
      const shown = found.map((p) => relative(cwd, p).split(sep).join('/') || p);
      throw new ConfigError(`${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}: more than one config file in one directory; keep one`);
    }
    if (found.length) return found[0];
    if (dirname(dir) === dir) return undefined;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(def: unknown): string {
  if (Array.isArray(def)) {
    const el = def.length ? def[0] : '';
    return `an array of ${describe(el).replace(/^an? /, '')}s`;
  }
  if (isObject(def)) return 'an object';
  return typeof def === 'number' ? 'a number' : typeof def === 'boolean' ? 'a boolean' : 'a string';
}

/** Checks `value` against the type of the default `def`; returns the first problem as [path, message]. */
export function checkOption(value: unknown, def: unknown, path: string): [string, string] | undefined {
  if (Array.isArray(def)) {
    const el = def.length ? def[0] : '';
    if (!Array.isArray(value)) return [path, `expected ${describe(def)}`];
    for (let i = 0; i < value.length; i++) {
      const bad = checkOption(value[i], el, `${path}[${i}]`);
      if (bad) return [path, `expected ${describe(def)}`];
    }
    return undefined;
  }
  if (isObject(def)) {
    if (!isObject(value)) return [path, 'expected an object'];
    const keys = Object.keys(def);
    if (keys.length === 0) return undefined; // a free-form map: any JSON object
    for (const [k, v] of Object.entries(value)) {
      if (!(k in def)) return [`${path}.${k}`, `unknown key (expected one of: ${keys.join(', ')})`];
      const bad = checkOption(v, def[k], `${path}.${k}`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof def === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return [path, 'expected a number'];
    // Sizes, counts and thresholds: a zero or negative one would flag everything or nothing.
    if (def > 0 && value <= 0) return [path, `expected a number above 0 (the default is ${def})`];
    return undefined;
  }
  if (typeof value !== typeof def) return [path, `expected ${describe(def)}`];
  return undefined;
}

const RULE_WORDS: Record<string, FileRuleSetting> = {
  off: { enabled: false },
  on: { enabled: true },
  error: { enabled: true, severity: 'error' },
  warning: { enabled: true, severity: 'warning' },
};

/** Validates parsed config data; `shown` is how the file is named in messages. */
export function validateConfig(data: unknown, shown: string, rules: AnyRule[]): FileConfig {
  const fail = (path: string, msg: string): never => {
    throw new ConfigError(`${shown}: ${path ? path + ': ' : ''}${msg}`);
  };
  if (data === null || data === undefined) return { rules: {}, ignore: [] };
  if (!isObject(data)) fail('', 'expected an object at the top level');
  const top = data as Record<string, unknown>;
  const out: FileConfig = { rules: {}, ignore: [] };
  for (const key of Object.keys(top)) {
    if (!['$schema', 'rules', 'ignore'].includes(key)) fail(key, 'unknown key (expected one of: rules, ignore)');
  }
  if (top.ignore !== undefined) {
    if (!Array.isArray(top.ignore) || top.ignore.some((g) => typeof g !== 'string' || g === '')) {
      fail('ignore', 'expected an array of glob strings');
    }
    out.ignore = top.ignore as string[];
  }
  if (top.rules !== undefined) {
    if (!isObject(top.rules)) fail('rules', 'expected an object keyed by rule id');
    const byId = new Map<string, Pick<AnyRule, 'meta'>>(rules.map((r) => [r.meta.id, r]));
    byId.set(DIRECTIVE_RULE_ID, { meta: { defaultOptions: {} } as AnyRule['meta'] });
    for (const [id, v] of Object.entries(top.rules as Record<string, unknown>)) {
      const path = `rules.${id}`;
      const rule = byId.get(id);
      if (!rule) fail(path, `unknown rule (leakhound --list-rules lists the rule ids)`);
      if (typeof v === 'boolean') {
        out.rules[id] = { enabled: v };
      } else if (typeof v === 'string') {
        const s = RULE_WORDS[v];
        if (!s) fail(path, `expected "off", "on", "error", "warning" or an object, got "${v}"`);
        out.rules[id] = { ...s };
      } else if (isObject(v)) {
        const s: FileRuleSetting = {};
        for (const [k, x] of Object.entries(v)) {
          if (k === 'enabled') {
            if (typeof x !== 'boolean') fail(`${path}.enabled`, 'expected a boolean');
            s.enabled = x as boolean;
          } else if (k === 'severity') {
            if (x !== 'error' && x !== 'warning') fail(`${path}.severity`, 'expected "error" or "warning"');
            s.severity = x as Severity;
          } else if (k === 'options') {
            const defaults = rule!.meta.defaultOptions;
            if (id === DIRECTIVE_RULE_ID) fail(`${path}.options`, 'this pseudo-rule has no options');
            const bad = checkOption(x, defaults, `${path}.options`);
            if (bad) fail(bad[0], bad[1]);
            s.options = x as Record<string, unknown>;
          } else {
            fail(`${path}.${k}`, 'unknown key (expected one of: enabled, severity, options)');
          }
        }
        out.rules[id] = s;
      } else {
        fail(path, 'expected "off", "on", "error", "warning", a boolean or an object');
      }
    }
  }
  return out;
}

/** Reads, parses and validates a config file. */
export async function loadConfigFile(path: string, cwd: string, rules: AnyRule[]): Promise<LoadedConfig> {
  const abs = resolve(cwd, path);
  const shown = relative(cwd, abs).split(sep).join('/') || abs;
  let text: string;
  try {
    text = readFileSync(abs, 'utf8').replace(/^\uFEFF/, ''); // editors on Windows add a BOM
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${shown}: cannot read config file: ${code === 'ENOENT' ? 'no such file' : errnoWords(e)}`);
  }
  let data: Json;
  if (/\.ya?ml$/i.test(abs)) {
    const YAML = await import('yaml');
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    if (doc.errors.length) {
      const err = doc.errors[0]!;
      const where = err.linePos?.[0] ? `line ${err.linePos[0].line}: ` : '';
      throw new ConfigError(`${shown}: ${where}invalid YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:$/, '')}`);
    }
    try {
      data = doc.toJS() as Json; // the yaml package refuses an alias bomb here (maxAliasCount)
    } catch (e) {
      throw new ConfigError(`${shown}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    try {
      data = JSON.parse(text) as Json;
    } catch (e) {
      throw new ConfigError(`${shown}: invalid JSON: ${(e as Error).message}`);
    }
  }
  return { path: abs, config: validateConfig(data, shown, rules) };
}

/** A glob relative to the config file's directory, made relative to `cwd` (where files.ts matches). */
export function rebaseGlob(glob: string, configDir: string, cwd: string): string {
  if (glob.startsWith('**/')) return glob;
  // `sub/gen/**` seen from `sub/` is `gen/**`: move the literal leading segments, keep the rest.
  const parts = glob.split('/');
  const literal = parts.findIndex((p) => /[*?[\]{}()!]/.test(p));
  const head = literal < 0 ? parts : parts.slice(0, literal);
  const rest = literal < 0 ? [] : parts.slice(literal);
  const moved = relative(cwd, join(configDir, ...head)).split(sep).join('/');
  return [moved, ...rest].filter(Boolean).join('/');
}

export interface RuleFlags {
  /** --rule: run only these. */
  only: string[];
  /** --disable: turn these off. */
  disabled: string[];
}

/**
 * Rule settings from defaults, then the config file, then the command line (flags win:
 * `--rule x` runs x even when the file turns it off).
 */
export function resolveRules(defaults: Record<string, RuleSetting>, file: FileConfig | undefined, flags: RuleFlags): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  const all = { ...defaults, [DIRECTIVE_RULE_ID]: { enabled: true, severity: 'warning' as const, options: {} } };
  for (const [id, d] of Object.entries(all)) {
    const f = file?.rules[id] ?? {};
    let enabled = f.enabled ?? d.enabled;
    if (flags.only.length && id !== DIRECTIVE_RULE_ID) enabled = flags.only.includes(id);
    if (flags.disabled.includes(id)) enabled = false;
    out[id] = { enabled, severity: f.severity ?? d.severity, options: { ...d.options, ...(f.options ?? {}) } };
  }
  return out;
}

/** The config with the config file (found upward from cwd, or --config) applied under the flags. */
export async function applyConfigFile(config: Config, flags: RuleFlags, cwd: string, rules: AnyRule[]): Promise<{ config: Config; configFile?: string }> {
  const path = config.configFile ?? findConfigFile(cwd);
  if (!path) return { config };
  const loaded = await loadConfigFile(path, cwd, rules);
  const dir = dirname(loaded.path);
  return {
    configFile: loaded.path,
    config: {
      ...config,
      rules: resolveRules(defaultRuleSettings(rules), loaded.config, flags),
      ignore: [...config.ignore, ...loaded.config.ignore.map((g) => rebaseGlob(g, dir, cwd))],
    },
  };
}
