// `leakhound lsp` driven through the protocol, with a client from the same libraries: the
// server as an editor starts it (a child process on stdio), and in this process where a test
// injects a rule that fails. Every expectation is what the command line says about the same
// text: the server is a layer over the engine, not a second analyzer.
import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { allRules } from '../rules/index.js';
import { defineRule, type AnyRule } from '../src/engine/types.js';
import { startServer } from '../src/lsp/server.js';
import { suppressionEdit } from '../src/lsp/convert.js';
import { CHECKED_CLIENT_LEAK_GO, runCli } from './helpers.js';
import { tempTree as newTree } from './inproc.js';
import { applyLspEdits, editsOf, LspClient, uriOf } from './support/lsp.js';

const LEAK = CHECKED_CLIENT_LEAK_GO;

// Two findings with a fix each, and one without (a channel nobody closes).
const MANY = `package main

import (
	"context"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"cloud.google.com/go/storage"
)

func first(ctx context.Context) error {
	sm, err := secretmanager.NewClient(ctx)
	if err != nil {
		return err
	}
	_ = sm
	return nil
}

func second(ctx context.Context) error {
	st, err := storage.NewClient(ctx)
	if err != nil {
		return err
	}
	_ = st.Bucket("b")
	return nil
}
`;

const dirs: string[] = [];
function tempTree(files: Record<string, string>): string {
  const dir = realpathSync(newTree(files));
  dirs.push(dir);
  return dir;
}

/** The command line's findings for a file, as (0-based line, 0-based column, rule, severity 1|2). */
function cliFindings(dir: string, file: string): string[] {
  const r = runCli(['--no-cache', '-f', 'json', file], dir);
  const json = JSON.parse(r.stdout) as { messages: { line: number; column: number; ruleId: string; severity: number; message: string }[] }[];
  return json.flatMap((f) => f.messages.map((m) => `${m.line - 1}:${m.column - 1} ${m.ruleId} ${m.severity === 2 ? 1 : 2} ${m.message}`));
}

const shown = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.severity} ${d.message}`);
const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code ?? `info: ${d.message}`);
/** A diagnostic's message (plain text: the server never sends markup). */
const messageOf = (d: Diagnostic) => d.message as string;

const lsp = suite('lsp');
lsp.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

lsp('open: the buffer is analysed as the command line analyses the file; code, docs link, severity, source, related locations', async () => {
  const example = readFileSync(join('examples', 'producer-consumer', 'main.go'), 'utf8');
  const dir = tempTree({ 'main.go': LEAK, 'pc/main.go': example });
  const c = await LspClient.spawn({ root: dir });
  try {
    const p = await c.open(uriOf(join(dir, 'main.go')), LEAK);
    assert.equal(shown(p), cliFindings(dir, 'main.go'));
    assert.is(p.diagnostics.length, 1);
    const d = p.diagnostics[0]!;
    assert.is(d.code, 'unclosed-client');
    assert.is(d.source, 'leakhound');
    assert.is(d.severity, 1, 'an error-severity rule is an Error');
    assert.is(d.codeDescription?.href, 'https://github.com/leakhound/leakhound/blob/main/docs/rules/unclosed-client.md');
    assert.equal(d.range, { start: { line: 9, character: 1 }, end: { line: 9, character: 7 } });

    // A rule that points at a second place: related information in the same document.
    const pcUri = uriOf(join(dir, 'pc', 'main.go'));
    const q = await c.open(pcUri, example);
    assert.equal(shown(q), cliFindings(dir, 'pc/main.go'));
    const withRelated = q.diagnostics.filter((x) => x.relatedInformation?.length);
    assert.ok(withRelated.length > 0, 'some finding has related locations');
    for (const x of withRelated) {
      for (const r of x.relatedInformation!) {
        assert.is(r.location.uri, pcUri);
        assert.ok(r.message.length > 0);
      }
    }
    const json = JSON.parse(runCli(['--no-cache', '-f', 'json', 'pc/main.go'], dir).stdout) as { messages: { related?: { line: number; message: string }[] }[] }[];
    const cliRelated = json[0]!.messages.flatMap((m) => (m.related ?? []).map((r) => `${r.line - 1} ${r.message}`));
    assert.equal(withRelated.flatMap((x) => x.relatedInformation!.map((r) => `${r.location.range.start.line} ${r.message}`)), cliRelated);
  } finally {
    assert.is(await c.shutdown(), 0, 'shutdown then exit: exit code 0');
  }
});

lsp('change: the text in memory is analysed, not the file; a range edit that closes the client clears the finding', async () => {
  const dir = tempTree({ 'main.go': 'package main\n' }); // the disk has no leak
  const c = await LspClient.spawn({ root: dir });
  try {
    const uri = uriOf(join(dir, 'main.go'));
    assert.is((await c.open(uri, LEAK)).diagnostics.length, 1);
    // Insert `defer client.Close()` after the error check, as a range edit.
    const at = { line: 13, character: 0 };
    const p = await c.change(uri, 2, '\tdefer client.Close()\n', { start: at, end: at });
    assert.equal(p.diagnostics, []);
    const back = await c.change(uri, 3, LEAK);
    assert.equal(codes(back), ['unclosed-client']);
  } finally {
    await c.shutdown();
  }
});

lsp('code action: the quick fix gives the --fix result; fix-all gives it for the whole file; applied, the findings go', async () => {
  const dir = tempTree({ 'one/main.go': LEAK, 'many/main.go': MANY });
  const fixedDir = tempTree({ 'one/main.go': LEAK, 'many/main.go': MANY });
  const fix = runCli(['--no-cache', '--fix', 'one/main.go', 'many/main.go'], fixedDir);
  assert.match(fix.stderr, 'fixed 3 problems in 2 files');
  const c = await LspClient.spawn({ root: dir });
  try {
    const one = uriOf(join(dir, 'one', 'main.go'));
    const p = await c.open(one, LEAK);
    const actions = await c.codeActions(one, p.diagnostics[0]!.range);
    const preferred = actions.filter((a) => a.isPreferred);
    assert.is(preferred.length, 1);
    assert.is(preferred[0]!.kind, 'quickfix');
    assert.equal(preferred[0]!.diagnostics?.map((d) => d.code), ['unclosed-client']);
    const fixedText = applyLspEdits(LEAK, editsOf(preferred[0]!, one));
    assert.is(fixedText, readFileSync(join(fixedDir, 'one', 'main.go'), 'utf8'));
    assert.equal((await c.change(one, 2, fixedText)).diagnostics, []);

    const many = uriOf(join(dir, 'many', 'main.go'));
    const q = await c.open(many, MANY);
    assert.is(q.diagnostics.length, 2);
    const all = await c.codeActions(many, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['source.fixAll']);
    assert.equal(all.map((a) => a.kind), ['source.fixAll.leakhound']);
    const allText = applyLspEdits(MANY, editsOf(all[0]!, many));
    assert.is(allText, readFileSync(join(fixedDir, 'many', 'main.go'), 'utf8'));
    assert.equal((await c.change(many, 2, allText)).diagnostics, []);
    // Asked for quick fixes only, a cursor away from any finding gets none.
    assert.equal(await c.codeActions(many, { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, ['quickfix']), []);
  } finally {
    await c.shutdown();
  }
});

lsp('code action: suppressing writes //leakhound:ignore <rule> and leaves the reason to the user, which leakhound-directive asks for', async () => {
  const dir = tempTree({ 'main.go': LEAK });
  const c = await LspClient.spawn({ root: dir });
  try {
    const uri = uriOf(join(dir, 'main.go'));
    const p = await c.open(uri, LEAK);
    const actions = await c.codeActions(uri, p.diagnostics[0]!.range);
    const suppress = actions.find((a) => /^Suppress unclosed-client/.test(a.title));
    assert.ok(suppress, actions.map((a) => a.title).join(', '));
    const text = applyLspEdits(LEAK, editsOf(suppress!, uri));
    assert.match(text, '\t//leakhound:ignore unclosed-client\n\tclient, err := secretmanager.NewClient(ctx)\n');
    const q = await c.change(uri, 2, text);
    assert.equal(codes(q), ['leakhound-directive']);
    assert.match(messageOf(q.diagnostics[0]!), 'gives no reason');
    const reasoned = text.replace('//leakhound:ignore unclosed-client', '//leakhound:ignore unclosed-client closed by the caller');
    assert.equal((await c.change(uri, 3, reasoned)).diagnostics, []);
  } finally {
    await c.shutdown();
  }
});

lsp('suppression edit: joins a directive that already covers the line, and goes to the line end under another tool\'s', () => {
  const finding = { ruleId: 'unclosed-client', severity: 'error' as const, message: 'm', span: { start: { line: 3, column: 2 }, end: { line: 3, column: 3 } } };
  const apply = (text: string) => applyLspEdits(text, [suppressionEdit(TextDocument.create('file:///a.go', 'go', 1, text), finding)]);
  assert.is(apply('func f() {\n\t//leakhound:ignore other-rule kept for the demo\n\tx := g()\n}\n'), 'func f() {\n\t//leakhound:ignore other-rule,unclosed-client kept for the demo\n\tx := g()\n}\n');
  assert.is(apply('func f() {\n\t//nolint:errcheck // demo\n\tx := g()\n}\n'), 'func f() {\n\t//nolint:errcheck // demo\n\tx := g() //leakhound:ignore unclosed-client\n}\n');
  assert.is(apply('func f() {\n\ty := 1\n\tx := g()\n}\n'), 'func f() {\n\ty := 1\n\t//leakhound:ignore unclosed-client\n\tx := g()\n}\n');
});

lsp('configuration: the project file from the document folder, re-read when it changes (reported or not); workspace settings override it', async () => {
  const dir = tempTree({ 'svc/api/main.go': LEAK, 'svc/.leakhound.yaml': 'rules:\n  unclosed-client: warning\n' });
  const c = await LspClient.spawn({ root: dir });
  try {
    const uri = uriOf(join(dir, 'svc', 'api', 'main.go'));
    const p = await c.open(uri, LEAK);
    assert.equal(p.diagnostics.map((d) => [d.code, d.severity]), [['unclosed-client', 2]], 'warning from the YAML two folders up');

    // Turned off, and the client reports the change: published again without an edit. Waited
    // for by its content: the server analyses open documents again once it has pulled the
    // workspace settings, and on a busy machine that publish of version 1 (still a warning)
    // came after \`since\` (the wait times out if the change is never seen).
    let since = c.published.length;
    writeFileSync(join(dir, 'svc', '.leakhound.yaml'), 'rules:\n  unclosed-client: "off"\n');
    await c.filesChanged(join(dir, 'svc', '.leakhound.yaml'));
    assert.equal((await c.waitFor(uri, (x) => x.diagnostics.length === 0, since)).diagnostics, []);

    // Changed again without a report: seen at the next edit.
    writeFileSync(join(dir, 'svc', '.leakhound.yaml'), 'rules:\n  unclosed-client: error # back on\n');
    assert.equal((await c.change(uri, 2, LEAK + '\n')).diagnostics.map((d) => [d.code, d.severity]), [['unclosed-client', 1]]);

    // Workspace settings win over the file, field by field.
    since = c.published.length;
    await c.configChanged({ rules: { 'unclosed-client': { severity: 'warning' } } });
    assert.equal((await c.waitFor(uri, (x) => x.diagnostics[0]?.severity === 2, since)).diagnostics.map((d) => d.code), ['unclosed-client']);

    // A broken file: one line that names the key, no findings guessed from defaults.
    since = c.published.length;
    writeFileSync(join(dir, 'svc', '.leakhound.yaml'), 'rules:\n  unclosed-client: sometimes\n');
    await c.filesChanged(join(dir, 'svc', '.leakhound.yaml'));
    const broken = await c.waitFor(uri, (x) => x.diagnostics[0]?.severity === 3, since);
    assert.is(broken.diagnostics.length, 1);
    assert.is(broken.diagnostics[0]!.severity, 3);
    assert.match(messageOf(broken.diagnostics[0]!), 'svc/.leakhound.yaml: rules.unclosed-client: expected "off", "on", "error", "warning" or an object, got "sometimes"');

    // Bad settings: named once to the user, and on the document.
    writeFileSync(join(dir, 'svc', '.leakhound.yaml'), 'rules: {}\n');
    since = c.published.length;
    await c.configChanged({ rules: { 'no-such-rule': 'on' } });
    const bad = await c.waitFor(uri, () => true, since);
    assert.match(messageOf(bad.diagnostics[0]!), 'workspace settings (leakhound): rules.no-such-rule: unknown rule');
    assert.ok(c.shown.some((m) => m.includes('rules.no-such-rule')), c.shown.join('\n'));
  } finally {
    await c.shutdown();
  }
});

lsp('configuration: settings from initializationOptions; files the command line skips (testdata/, ignore globs) get no diagnostics', async () => {
  const dir = tempTree({ 'leakhound.config.json': '{ "ignore": ["gen/**"] }\n', 'a.go': LEAK, 'testdata/a.go': LEAK, 'gen/a.go': LEAK });
  const c = await LspClient.spawn({ root: dir, initializationOptions: { leakhound: { rules: { 'unclosed-client': 'warning' } } } });
  try {
    assert.equal((await c.open(uriOf(join(dir, 'a.go')), LEAK)).diagnostics.map((d) => d.severity), [2]);
    assert.equal((await c.open(uriOf(join(dir, 'testdata', 'a.go')), LEAK)).diagnostics, []);
    assert.equal((await c.open(uriOf(join(dir, 'gen', 'a.go')), LEAK)).diagnostics, []);
    await c.waitForLog(/testdata\/a\.go is in a directory leakhound skips by default/);
    await c.waitForLog(/gen\/a\.go matches an ignore glob of leakhound\.config\.json/);
  } finally {
    await c.shutdown();
  }
});

lsp('configuration: a config file the editor shows the server is not analysed as Go, and saving it applies it', async () => {
  const dir = tempTree({ 'a.go': LEAK, 'leakhound.config.json': '{}\n' });
  const c = await LspClient.spawn({ root: dir });
  try {
    const goUri = uriOf(join(dir, 'a.go'));
    const configUri = uriOf(join(dir, 'leakhound.config.json'));
    assert.equal(codes(await c.open(goUri, LEAK)), ['unclosed-client']);
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: configUri, languageId: 'json', version: 1, text: '{}\n' } });
    writeFileSync(join(dir, 'leakhound.config.json'), '{ "rules": { "unclosed-client": "off" } }\n');
    const since = c.published.length;
    await c.save(configUri);
    assert.equal((await c.waitFor(goUri, () => true, since)).diagnostics, []);
    assert.equal(c.published.filter((p) => p.uri === configUri), [], 'nothing published for the JSON file');
  } finally {
    await c.shutdown();
  }
});

lsp('package view: a sibling is read from its open buffer first, then from the disk once it is closed', async () => {
  const a = `package store

import "context"

func list(ctx context.Context) error {
	c, err := newStorageClient(ctx)
	if err != nil {
		return err
	}
	_ = c
	return nil
}
`;
  const b = (body: string) => `package store

import (
	"context"

	"cloud.google.com/go/storage"
)

func newStorageClient(ctx context.Context) (*storage.Client, error) {
	${body}
}
`;
  const dir = tempTree({ 'a.go': a, 'b.go': b('return nil, nil') });
  const c = await LspClient.spawn({ root: dir });
  try {
    const ua = uriOf(join(dir, 'a.go'));
    const ub = uriOf(join(dir, 'b.go'));
    assert.equal((await c.open(ua, a)).diagnostics, [], 'on disk, the helper makes no client');
    // The unsaved buffer of b.go makes one: a.go is analysed again with it.
    let since = c.published.length;
    await c.open(ub, b('return storage.NewClient(ctx)'));
    const withBuffer = await c.waitFor(ua, (p) => p.diagnostics.length > 0, since);
    assert.match(messageOf(withBuffer.diagnostics[0]!), 'client c from newStorageClient is never closed');
    // Closed without saving: the disk's b.go again.
    since = c.published.length;
    await c.close(ub);
    assert.equal((await c.waitFor(ua, () => true, since)).diagnostics, []);
  } finally {
    await c.shutdown();
  }
});

lsp('robust: a huge buffer and a binary one get one line each; a document without a file is analysed from its text', async () => {
  const dir = tempTree({});
  const c = await LspClient.spawn({ root: dir });
  try {
    const huge = LEAK + `// ${'x'.repeat(2 * 1024 * 1024)}\n`;
    const h = await c.open(uriOf(join(dir, 'huge.go')), huge);
    assert.is(h.diagnostics.length, 1);
    assert.match(messageOf(h.diagnostics[0]!), /too large to analyse as you type \(2\.0 MB; the limit is 2\.0 MB\)/);
    const bin = await c.open(uriOf(join(dir, 'bin.go')), 'package main\n\x00\x01\x02');
    assert.equal(bin.diagnostics.map((d) => [d.severity, d.message]), [[3, 'leakhound: binary file, not Go source; skipped']]);
    const untitled = await c.open('untitled:Untitled-1', LEAK);
    assert.equal(codes(untitled), ['unclosed-client']);
  } finally {
    await c.shutdown();
  }
});

lsp('command line: `leakhound lsp --help` and a bad argument', () => {
  const help = runCli(['lsp', '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, 'Usage: leakhound lsp');
  const bad = runCli(['lsp', '--tcp']);
  assert.is(bad.code, 2);
  assert.is(bad.stderr, "leakhound: lsp: unknown argument '--tcp' (see leakhound lsp --help)\n");
  assert.match(runCli(['--help']).stdout, 'leakhound lsp');
});

lsp.run();

// The server in this process: rules that fail, and a debounce long enough to see.
async function inProcess(rules: AnyRule[], debounceMs?: number): Promise<LspClient> {
  return LspClient.inProcess((reader, writer) => startServer(createConnection(ProposedFeatures.all, reader, writer), { rules, ...(debounceMs ? { debounceMs } : {}) }));
}

const failing = defineRule({
  meta: { ...allRules[0]!.meta, id: 'failing-rule', triggers: ['BOOM'] },
  create(ctx) {
    if (ctx.text.includes('BOOM()')) throw new Error('BOOM in create');
    return {
      call_expression(n) {
        if (n.text.startsWith('BOOMHERE')) throw new Error('BOOM in a handler');
      },
    };
  },
});

const crash = suite('lsp crash');

crash('a crash in one document is logged to the client and shown on it; the server goes on with the others', async () => {
  const c = await inProcess([...allRules, failing]);
  try {
    const p = await c.open('file:///nowhere/boom.go', 'package main\n\nfunc main() { BOOM() }\n');
    assert.equal(p.diagnostics.map((d) => [d.severity, d.message]), [[3, 'leakhound: this file could not be analysed (an internal error, written to the language server log)']]);
    await c.waitForLog(/the analysis of \/nowhere\/boom\.go failed: Error: BOOM in create/);
    // A rule that fails at one node is skipped there; the other rules still report.
    const q = await c.open('file:///nowhere/handler.go', LEAK.replace('return nil\n}', 'BOOMHERE()\n\treturn nil\n}'));
    assert.equal(codes(q), ['unclosed-client', 'info: leakhound: rule failing-rule failed here and was skipped: BOOM in a handler']);
    await c.waitForLog(/handler\.go:15:2: rule failing-rule failed here/);
    assert.equal(codes(await c.open('file:///nowhere/ok.go', LEAK)), ['unclosed-client']);
  } finally {
    await c.shutdown();
  }
});

crash('changes are debounced: a burst of edits is analysed once, at its last version', async () => {
  const c = await inProcess(allRules, 300);
  try {
    const uri = 'file:///nowhere/burst.go';
    await c.open(uri, LEAK);
    const since = c.published.length;
    for (let v = 2; v <= 5; v++) {
      await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: LEAK + '\n'.repeat(v) }] });
      await new Promise((r) => setTimeout(r, 20));
    }
    const last = await c.waitFor(uri, (p) => p.version === 5, since);
    assert.equal(codes(last), ['unclosed-client']);
    assert.equal(c.published.slice(since).map((p) => p.version), [5]);
  } finally {
    await c.shutdown();
  }
});

crash.run();
