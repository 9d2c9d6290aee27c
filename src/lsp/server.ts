// `leakhound lsp`: the language server. A thin layer over the engine: an open Go document is
// scanned from its buffer (scanBuffer, as the command line scans a file), with the
// configuration the command line would use from the document's folder (project.ts), and
// with the rest of its package read from the open buffers first, then the disk (overlay.ts).
//
//   didOpen / didChange ──debounce──▶ analyse ──▶ publishDiagnostics (with the version)
//   didSave, a config file or a sibling changed ──▶ analyse again
//   codeAction ──▶ the analysed findings' suggestions, a suppression, fix-all (convert.ts)
//
// Analysis runs on the main thread, synchronously once the configuration and the parser are
// ready, so the text it reads is the text it publishes for: no newer change can slip in
// between. Nothing one document does can stop the server: a failed analysis is logged to the
// client and shown as one line on that document.
import { fileURLToPath } from 'node:url';
import { basename, dirname, sep } from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { allRules } from '../../rules/index.js';
import { applyDirectiveSetting } from '../cli/results.js';
import { CONFIG_NAMES } from '../cli/configfile.js';
import { getParser } from '../engine/parser.js';
import { scanBuffer } from '../engine/scan.js';
import type { AnyRule, Diagnostic } from '../engine/types.js';
import { ModuleVersions } from '../go/gomod.js';
import { EditorPackages } from './overlay.js';
import { fixAll, FIX_ALL_KIND, noticeToLsp, quickFixes, toLsp, touches } from './convert.js';
import { ProjectConfigs } from './project.js';

/**
 * Quiet time after the last change before a document is analysed: it merges a burst (a paste,
 * a multi-cursor edit, an editor sending each keystroke of an abbreviation) and adds little to
 * the delay of the last keystroke (bench/lsp.mjs measures the whole delay).
 */
export const DEBOUNCE_MS = 25;
/** Other open files of the package are analysed again this long after a change (they may use what changed). */
export const SIBLING_DELAY_MS = 250;
/** Buffers larger than this (UTF-16 code units) are not analysed as you type. */
export const MAX_CHARS = 2 * 1024 * 1024;

export interface ServerOptions {
  rules?: AnyRule[];
  version?: string;
  debounceMs?: number;
  maxChars?: number;
}

interface Analysis {
  version: number;
  /** Findings after suppressions and the config's verdict on directives. */
  findings: Diagnostic[];
}

const PROJECT_FILES = new Set([...CONFIG_NAMES, 'go.mod']);
const WATCHED = `**/{${[...PROJECT_FILES, '*.go'].join(',')}}`;

/** Go source, whatever the client calls it (an untitled buffer has only its language). */
const isGo = (doc: TextDocument) => doc.languageId === 'go' || /\.go$/.test(doc.uri);

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

export function startServer(connection: Connection, opts: ServerOptions = {}): void {
  const ruleList = opts.rules ?? allRules;
  const knownRules = ruleList.map((r) => r.meta.id);
  const debounce = opts.debounceMs ?? DEBOUNCE_MS;
  const maxChars = opts.maxChars ?? MAX_CHARS;
  const documents = new TextDocuments(TextDocument);
  const configs = new ProjectConfigs(ruleList);
  const analysed = new Map<string, Analysis>();
  const packages = EditorPackages.create();
  const timers = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  const told = new Set<string>();
  let folders: string[] = [];
  let versionedEdits = false;
  let pullConfiguration = false;
  let watchFiles = false;
  let folderEvents = false;

  const log = connection.console;
  /** A notification, not the request the library's showErrorMessage sends: nothing to answer. */
  const tell = (message: string) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message });
  /** initializationOptions: the settings until the workspace's own say something. */
  let initSettings: unknown;
  /** Says a thing once per session (a skipped file, a settings error), not at every keystroke. */
  const once = (key: string, say: () => void) => {
    if (told.has(key)) return;
    told.add(key);
    say();
  };

  function rootOf(path: string): string | undefined {
    let best: string | undefined;
    for (const f of folders) if (path.startsWith(f.endsWith(sep) ? f : f + sep) && (!best || f.length > best.length)) best = f;
    return best;
  }

  /** Open Go buffers by path: the package view reads siblings from here before the disk. */
  function buffers(): Map<string, string> {
    const out = new Map<string, string>();
    for (const d of documents.all()) {
      const p = pathOf(d.uri);
      if (p?.endsWith('.go')) out.set(p, d.getText());
    }
    return out;
  }

  function publish(uri: string, version: number | undefined, diagnostics: LspDiagnostic[]): void {
    void connection.sendDiagnostics({ uri, ...(version !== undefined ? { version } : {}), diagnostics });
  }

  async function analyse(uri: string): Promise<Analysis | undefined> {
    const pending = timers.get(uri);
    if (pending) {
      clearTimeout(pending.timer);
      timers.delete(uri);
    }
    let doc = documents.get(uri);
    if (!doc || !isGo(doc)) return undefined;
    const path = pathOf(uri);
    const shown = path ?? uri;
    try {
      if (doc.getText().length > maxChars) {
        const message = `leakhound: this file is too large to analyse as you type (${mb(doc.getText().length)}; the limit is ${mb(maxChars)}); run leakhound on it from the command line`;
        publish(uri, doc.version, [noticeToLsp({ message })]);
        const a = { version: doc.version, findings: [] };
        analysed.set(uri, a);
        return a;
      }
      const config = await configs.forFile(path, path && rootOf(path));
      const parser = await getParser();
      // From here on, synchronous: the text analysed is the text published for.
      doc = documents.get(uri);
      if (!doc) return undefined;
      const version = doc.version;
      const notices: LspDiagnostic[] = [];
      let findings: Diagnostic[] = [];
      if (config.error) {
        notices.push(noticeToLsp({ message: `leakhound: ${config.error}` }));
        once(`config:${config.error}`, () => log.error(`leakhound: ${config.error}`));
      } else if (config.skip) {
        once(`skip:${uri}`, () => log.info(`leakhound: ${config.skip}; not analysed`));
      } else {
        const text = doc.getText();
        const go = path ? new ModuleVersions().forFile(path) : {};
        const pkgs = path ? packages.withBuffers(buffers()) : undefined;
        const scanned = scanBuffer(parser, path ?? 'untitled.go', Buffer.from(text, 'utf8'), { rules: config.rules, skipGenerated: true, knownRules }, {}, go, pkgs);
        const result = applyDirectiveSetting([scanned], config.directives)[0]!;
        findings = result.diagnostics;
        for (const n of result.notices) {
          if (n.kind === 'empty') continue;
          if (n.kind === 'rule-error') once(`rule-error:${shown}:${n.line}:${n.message}`, () => log.error(`leakhound: ${shown}:${n.line}:${n.column}: ${n.message}`));
          notices.push(noticeToLsp({ ...n, message: `leakhound: ${n.message}` }));
        }
      }
      publish(uri, version, [...findings.map((d) => toLsp(d, uri)), ...notices]);
      const a = { version, findings };
      analysed.set(uri, a);
      return a;
    } catch (e) {
      const err = e as Error;
      log.error(`leakhound: the analysis of ${shown} failed: ${err?.stack ?? String(e)}`);
      // A parse cut short may leave the parser mid-document: start the next one clean.
      await getParser().then((p) => p.reset(), () => undefined);
      const now = documents.get(uri);
      if (!now) return undefined;
      publish(uri, now.version, [noticeToLsp({ message: 'leakhound: this file could not be analysed (an internal error, written to the language server log)' })]);
      const a = { version: now.version, findings: [] };
      analysed.set(uri, a);
      return a;
    }
  }

  /** Analyses `uri` after `delay` ms, unless it is already due sooner. */
  function schedule(uri: string, delay: number, keepSooner = false): void {
    const due = Date.now() + delay;
    const pending = timers.get(uri);
    if (pending) {
      if (keepSooner && pending.due <= due) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      timers.delete(uri);
      void analyse(uri);
    }, delay);
    timers.set(uri, { due, timer });
  }

  /** The other open documents of a directory: they may use what changed in its package. */
  function siblings(path: string | undefined, except?: string): void {
    if (!path) return;
    const dir = dirname(path);
    for (const d of documents.all()) {
      const p = pathOf(d.uri);
      if (d.uri !== except && p && dirname(p) === dir) schedule(d.uri, SIBLING_DELAY_MS, true);
    }
  }

  function analyseAll(): void {
    for (const d of documents.all()) if (isGo(d)) schedule(d.uri, 0);
  }

  function applySettings(raw: unknown): void {
    // A client with no `leakhound` settings answers null or {} (VS Code's): the initialization options stand.
    const none = raw === null || raw === undefined || (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0);
    const error = configs.setSettings(none ? initSettings : raw);
    if (error) once(`settings:${error}`, () => tell(`leakhound: ${error}`));
    analyseAll();
  }

  async function pullSettings(): Promise<void> {
    try {
      applySettings(await connection.workspace.getConfiguration('leakhound'));
    } catch (e) {
      log.warn(`leakhound: could not read the workspace settings: ${(e as Error).message}`);
    }
  }

  connection.onInitialize((params): InitializeResult => {
    const caps = params.capabilities;
    versionedEdits = caps.workspace?.workspaceEdit?.documentChanges === true;
    pullConfiguration = caps.workspace?.configuration === true;
    watchFiles = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    folderEvents = caps.workspace?.workspaceFolders === true;
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = uris.map(pathOf).filter((p): p is string => p !== undefined);
    const init = params.initializationOptions as Record<string, unknown> | null | undefined;
    if (init && typeof init === 'object') {
      initSettings = 'leakhound' in init ? init.leakhound : init;
      const error = configs.setSettings(initSettings);
      if (error) once(`settings:${error}`, () => tell(`leakhound: ${error}`));
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'leakhound', ...(opts.version ? { version: opts.version } : {}) },
    };
  });

  connection.onInitialized(() => {
    if (watchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCHED }] }).catch((e: Error) => log.warn(`leakhound: could not watch config files: ${e.message}`));
    }
    if (pullConfiguration) void pullSettings();
    if (folderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((ev) => {
        const gone = new Set(ev.removed.map((f) => pathOf(f.uri)));
        folders = [...folders.filter((f) => !gone.has(f)), ...ev.added.map((f) => pathOf(f.uri)).filter((p): p is string => p !== undefined)];
        analyseAll();
      });
    }
  });

  connection.onDidChangeConfiguration((params) => {
    const s = params.settings as Record<string, unknown> | null | undefined;
    if (s && typeof s === 'object' && 'leakhound' in s) applySettings(s.leakhound);
    else if (pullConfiguration) void pullSettings();
  });

  connection.onDidChangeWatchedFiles((params) => {
    let all = false;
    for (const c of params.changes) {
      const p = pathOf(c.uri);
      if (!p) continue;
      if (p.endsWith('.go')) siblings(p, c.uri);
      else all = true; // a config file or a go.mod
    }
    if (all) {
      configs.invalidate();
      analyseAll();
    }
  });

  documents.onDidChangeContent((e) => {
    schedule(e.document.uri, debounce);
    siblings(pathOf(e.document.uri), e.document.uri);
  });
  documents.onDidSave((e) => {
    const path = pathOf(e.document.uri);
    // A config file or go.mod the client lets the server see (a broad document selector).
    if (path && PROJECT_FILES.has(basename(path))) {
      configs.invalidate();
      analyseAll();
      return;
    }
    schedule(e.document.uri, 0);
    siblings(path, e.document.uri);
  });
  documents.onDidClose((e) => {
    const pending = timers.get(e.document.uri);
    if (pending) clearTimeout(pending.timer);
    timers.delete(e.document.uri);
    analysed.delete(e.document.uri);
    publish(e.document.uri, undefined, []);
    // Its siblings now read it from the disk, which may not hold the buffer's last edits.
    siblings(pathOf(e.document.uri), e.document.uri);
  });

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    try {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      let a = analysed.get(doc.uri);
      if (!a || a.version !== doc.version) a = await analyse(doc.uri);
      const now = documents.get(doc.uri);
      if (!a || !now || a.version !== now.version) return [];
      const only = params.context.only;
      const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
      const out: CodeAction[] = [];
      if (wants(CodeActionKind.QuickFix)) {
        for (const d of a.findings) if (touches(d, params.range)) out.push(...quickFixes(now, d, versionedEdits));
      }
      // Fix-all when asked for by kind, or beside the quick fixes when it does more than one.
      const all = wants(FIX_ALL_KIND) ? fixAll(now, a.findings, versionedEdits) : undefined;
      if (all && (only || a.findings.filter((d) => d.suggestions?.length).length > 1)) out.push(all);
      return out;
    } catch (e) {
      log.error(`leakhound: code actions for ${params.textDocument.uri} failed: ${(e as Error)?.stack ?? String(e)}`);
      return [];
    }
  });

  documents.listen(connection);
  connection.listen();
}
