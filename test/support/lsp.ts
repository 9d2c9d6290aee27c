// A language client for the tests, from the protocol's own library: it drives `leakhound lsp`
// in a child process (as an editor does) or the server in this process (to inject rules),
// and records what the server publishes and logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type CodeAction,
  type InitializeResult,
  type ProtocolConnection,
  type RegistrationParams,
  type PublishDiagnosticsParams,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { cliPath } from '../helpers.js';

export const uriOf = (path: string) => pathToFileURL(path).href;

export interface ClientOptions {
  /** Workspace folder (absolute path). */
  root?: string;
  initializationOptions?: unknown;
  /** Answered to workspace/configuration for the `leakhound` section. */
  settings?: unknown;
  capabilities?: ClientCapabilities;
}

const CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } },
  textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true } },
};

export class LspClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  readonly shown: string[] = [];
  readonly registrations: string[] = [];
  settings: unknown;
  initialized?: InitializeResult;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly conn: ProtocolConnection,
    private readonly child?: ChildProcess,
  ) {}

  /** `leakhound lsp` as an editor starts it. */
  static async spawn(opts: ClientOptions = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [cliPath, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b) => (stderr += b));
    const c = new LspClient(createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)), child);
    c.stderr = () => stderr;
    await c.start(opts, child.pid ?? null);
    return c;
  }

  /** The server in this process, with `start` wiring it to the streams given. */
  static async inProcess(start: (reader: StreamMessageReader, writer: StreamMessageWriter) => void, opts: ClientOptions = {}): Promise<LspClient> {
    const up = new PassThrough();
    const down = new PassThrough();
    start(new StreamMessageReader(up), new StreamMessageWriter(down));
    const c = new LspClient(createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up)));
    // No process id: the server would poll it and keep this process alive.
    await c.start(opts, null);
    return c;
  }

  stderr: () => string = () => '';

  /** The server's process id (a child process only). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async start(opts: ClientOptions, processId: number | null): Promise<void> {
    const { conn } = this;
    this.settings = opts.settings ?? null;
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      for (const w of this.waiters.splice(0)) w();
    });
    conn.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(p.message);
      for (const w of this.waiters.splice(0)) w();
    });
    conn.onNotification(ShowMessageNotification.method, (p: { message: string }) => {
      this.shown.push(p.message);
    });
    conn.onRequest(RegistrationRequest.method, (p: RegistrationParams) => {
      for (const r of p.registrations) this.registrations.push(r.method);
      return null;
    });
    conn.onRequest(ConfigurationRequest.type, (p) => p.items.map((i) => (i.section === 'leakhound' ? this.settings : null)));
    conn.listen();
    const root = opts.root;
    this.initialized = await conn.sendRequest(InitializeRequest.type, {
      processId,
      rootUri: root ? uriOf(root) : null,
      workspaceFolders: root ? [{ uri: uriOf(root), name: 'root' }] : null,
      capabilities: opts.capabilities ?? CAPABILITIES,
      initializationOptions: opts.initializationOptions,
    });
    await conn.sendNotification(InitializedNotification.type, {});
  }

  /** Resolves with the first publish for `uri` (from now on, or already received after `since`) that `ok` accepts. */
  waitFor(uri: string, ok: (p: PublishDiagnosticsParams) => boolean = () => true, since = this.published.length, ms = 10_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${ms} ms; published: ${JSON.stringify(this.published.filter((p) => p.uri === uri).slice(-3))}; logs: ${this.logs.join(' | ')} ${this.stderr()}`)), ms);
      const check = () => {
        const p = this.published.slice(since).find((x) => x.uri === uri && ok(x));
        if (p) {
          clearTimeout(timer);
          resolve(p);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** Resolves when a log line matches `re`. */
  waitForLog(re: RegExp, ms = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${re}; logs: ${this.logs.join(' | ')}`)), ms);
      const check = () => {
        const l = this.logs.find((x) => re.test(x));
        if (l) {
          clearTimeout(timer);
          resolve(l);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  async open(uri: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
    const since = this.published.length;
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'go', version, text } });
    return this.waitFor(uri, (p) => p.version === version, since);
  }

  /** Replaces the whole text (or one range of it), then waits for the diagnostics of that version. */
  async change(uri: string, version: number, text: string, range?: Range): Promise<PublishDiagnosticsParams> {
    const since = this.published.length;
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [range ? { range, text } : { text }] });
    return this.waitFor(uri, (p) => p.version === version, since);
  }

  async save(uri: string): Promise<void> {
    await this.conn.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async configChanged(settings: unknown): Promise<void> {
    this.settings = settings;
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { leakhound: settings } });
  }

  async filesChanged(...paths: string[]): Promise<void> {
    await this.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: paths.map((p) => ({ uri: uriOf(p), type: FileChangeType.Changed as FileChangeType })) });
  }

  async codeActions(uri: string, range: Range, only?: string[]): Promise<CodeAction[]> {
    const r = await this.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [], ...(only ? { only } : {}) } });
    return (r ?? []) as CodeAction[];
  }

  /** Shuts the server down as an editor does; the child's exit code. */
  async shutdown(): Promise<number | null> {
    await this.conn.sendRequest(ShutdownRequest.type);
    if (!this.child) {
      this.conn.dispose();
      return null;
    }
    const exited = new Promise<number | null>((resolve) => this.child!.on('exit', (code) => resolve(code)));
    await this.conn.sendNotification(ExitNotification.type);
    const code = await exited;
    this.conn.dispose();
    return code;
  }
}

/** The edits of a code action on `uri`, from either shape of workspace edit. */
export function editsOf(action: CodeAction, uri: string): TextEdit[] {
  const e = action.edit!;
  if (e.documentChanges) return e.documentChanges.flatMap((c) => ('textDocument' in c && c.textDocument.uri === uri ? c.edits : [])) as TextEdit[];
  return e.changes?.[uri] ?? [];
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyLspEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const off = (p: { line: number; character: number }) => (starts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}
