// The configuration a document is analysed with, resolved as the command line resolves it
// for a scan run from the project's root:
//   1. the rules' defaults;
//   2. the nearest leakhound.config.json / .leakhound.yaml from the document's folder upward,
//      re-read whenever its size, mtime or inode changed (so an edit is seen on the next
//      analysis even with a client that does not report file changes);
//   3. the workspace settings (the client's `leakhound` section, the same shape as the file),
//      which win, field by field.
// A file the command line would not scan (a default skip such as vendor/ or testdata/ below
// the root, an ignore glob) gets no diagnostics. A broken config file is not guessed around:
// the document gets one line that names the key, as the command line's exit 2 would.
import { statSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { activeRules, defaultRuleSettings, type RuleSetting } from '../cli/config.js';
import { ConfigError, findConfigFile, loadConfigFile, resolveRules, validateConfig, type FileConfig } from '../cli/configfile.js';
import { inSkippedDir } from '../cli/files.js';
import { DIRECTIVE_RULE_ID } from '../engine/suppressions.js';
import type { ActiveRule, AnyRule } from '../engine/types.js';

export interface DocumentConfig {
  rules: ActiveRule[];
  /** The verdict on directive problems (`leakhound-directive`). */
  directives: RuleSetting;
  /** Why the document is left alone (a default skip, an ignore glob), in words. */
  skip?: string;
  /** A configuration error: the document is not analysed, and this line says why. */
  error?: string;
}

/** Rules and ignore matchers for one state of a config file and of the settings. */
interface Resolved {
  rules: ActiveRule[];
  directives: RuleSetting;
  fileIgnore?: (rel: string) => boolean;
  settingsIgnore?: (rel: string) => boolean;
}

interface ReadConfig {
  stamp: string;
  config?: FileConfig;
  error?: string;
}

const NO_CONFIG: FileConfig = { rules: {}, ignore: [] };
const SETTINGS_NAME = 'workspace settings (leakhound)';

const slashes = (p: string) => p.split(sep).join('/');
const matcher = (globs: string[]) => (globs.length ? picomatch(globs, { dot: true }) : undefined);

/** The config file's rules under the settings' rules: a setting's fields win, options merge. */
function overlay(file: FileConfig, settings: FileConfig): FileConfig {
  const rules = { ...file.rules };
  for (const [id, s] of Object.entries(settings.rules)) {
    const f = rules[id] ?? {};
    rules[id] = { ...f, ...s, ...(f.options || s.options ? { options: { ...f.options, ...s.options } } : {}) };
  }
  return { rules, ignore: [] };
}

export class ProjectConfigs {
  private settings: FileConfig = NO_CONFIG;
  private settingsError?: string;
  private readonly files = new Map<string, ReadConfig>();
  private readonly resolved = new Map<string, Resolved>();

  constructor(private readonly ruleList: AnyRule[]) {}

  /** The client's `leakhound` settings (undefined or null: none). Returns the error, if any. */
  setSettings(raw: unknown): string | undefined {
    this.resolved.clear();
    try {
      this.settings = validateConfig(raw ?? null, SETTINGS_NAME, this.ruleList);
      this.settingsError = undefined;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.settings = NO_CONFIG;
      this.settingsError = e.message;
    }
    return this.settingsError;
  }

  /** Forgets the config files read so far (the client reported a change). */
  invalidate(): void {
    this.files.clear();
    this.resolved.clear();
  }

  /**
   * The configuration of the document at `path` (absolute; undefined for a buffer with no
   * file, which gets the settings alone); `root` is the workspace folder holding it, if any:
   * default skips and the settings' ignore globs are relative to it.
   */
  async forFile(path: string | undefined, root?: string): Promise<DocumentConfig> {
    const fail = (error: string): DocumentConfig => ({ rules: [], directives: { enabled: false, severity: 'warning', options: {} }, error });
    if (this.settingsError) return fail(this.settingsError);
    let configPath: string | undefined;
    try {
      configPath = path === undefined ? undefined : findConfigFile(dirname(path));
    } catch (e) {
      if (e instanceof ConfigError) return fail(e.message);
      throw e;
    }
    let read: ReadConfig = { stamp: '' };
    if (configPath) {
      const st = statSync(configPath, { throwIfNoEntry: false });
      const stamp = st ? `${st.size}:${st.mtimeMs}:${st.ino}` : 'gone';
      read = this.files.get(configPath) ?? { stamp: '' };
      if (read.stamp !== stamp) {
        try {
          read = { stamp, config: (await loadConfigFile(configPath, root ?? dirname(configPath), this.ruleList)).config };
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          read = { stamp, error: e.message };
        }
        this.files.set(configPath, read);
      }
      if (read.error) return fail(read.error);
    }
    const key = `${configPath ?? ''}\0${read.stamp}`;
    let r = this.resolved.get(key);
    if (!r) {
      const file = read.config ?? NO_CONFIG;
      const settings = resolveRules(defaultRuleSettings(this.ruleList), overlay(file, this.settings), { only: [], disabled: [] });
      r = {
        rules: activeRules({ rules: settings }, this.ruleList),
        directives: settings[DIRECTIVE_RULE_ID]!,
        fileIgnore: matcher(file.ignore),
        settingsIgnore: matcher(this.settings.ignore),
      };
      this.resolved.set(key, r);
    }
    const out: DocumentConfig = { rules: r.rules, directives: r.directives };
    if (path === undefined) return out;
    const base = root ?? (configPath ? dirname(configPath) : dirname(path));
    const rel = slashes(relative(base, path));
    const inside = !rel.startsWith('../') && rel !== '..';
    if (inside && inSkippedDir(rel)) out.skip = `${rel} is in a directory leakhound skips by default (vendor/, testdata/, node_modules/, dot and underscore directories)`;
    else if (configPath && r.fileIgnore?.(slashes(relative(dirname(configPath), path)))) out.skip = `${rel} matches an ignore glob of ${slashes(relative(base, configPath))}`;
    else if (inside && r.settingsIgnore?.(rel)) out.skip = `${rel} matches an ignore glob of the ${SETTINGS_NAME}`;
    return out;
  }
}
