#!/usr/bin/env node
// How long after the last keystroke `leakhound lsp` publishes the diagnostics of a 2,000-line
// Go file (the bar: 150 ms). Drives the built server as an editor does: a child process on
// stdio, a client from the protocol's libraries (dist/test/support/lsp.js). Each round types
// a statement in a burst of three edits 15 ms apart (closer than the debounce),
// and times from the last edit sent to the diagnostics of its version received. The server's
// CPU time per round (from /proc) is printed beside it: on a machine other jobs keep busy, the
// wall time waits for a core and the CPU time is what an idle core would take. The file's
// findings are checked against the command line's, so a fast wrong answer does not count.
//   node bench/lsp.mjs [rounds] [file.go…]
// Default: a generated 2,000-line file of handlers, workers and clients (leaking and not),
// then /usr/share/go-1.19/src/net/http/transport.go when the Go corpus is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const support = join(root, 'dist', 'test', 'support', 'lsp.js');
const cli = join(root, 'dist', 'src', 'cli.js');
if (!existsSync(support) || !existsSync(cli)) {
  console.error('bench/lsp: build first (npm run build)');
  process.exit(2);
}
const { LspClient, uriOf } = await import(support);
const { DEBOUNCE_MS } = await import(join(root, 'dist', 'src', 'lsp', 'server.js'));

const rounds = Number(process.argv[2] ?? 40);
const WARMUP = 10;
const BAR_MS = 150;

/** One unit of about 20 lines: a leaking client, a fixed one, a worker pool; `i` keeps names apart. */
function unit(i) {
  return `
// fetch${i} reads a secret with a client it never closes.
func fetch${i}(ctx context.Context, name string) ([]byte, error) {
	client, err := secretmanager.NewClient(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := client.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: name})
	if err != nil {
		return nil, err
	}
	return resp.Payload.Data, nil
}

// work${i} fans out and collects every result.
func work${i}(jobs []int) int {
	results := make(chan int, len(jobs))
	for _, j := range jobs {
		go func(j int) { results <- j * 2 }(j)
	}
	sum := 0
	for range jobs {
		sum += <-results
	}
	return sum
}
`;
}

function generated(lines) {
  let text = `package handlers

import (
	"context"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
)
`;
  for (let i = 0; text.split('\n').length < lines; i++) text += unit(i);
  return text;
}

/** User + system CPU of a process, in ms (Linux). */
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks: 100 per second on Linux
  } catch {
    return NaN;
  }
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (x) => x.toFixed(1);

async function measure(label, text, inPlace) {
  // A file of the corpus is edited where it is, among its package's files (read-only: the
  // edits stay in the buffer); a generated one in a directory of its own.
  const dir = inPlace ? dirname(label) : mkdtempSync(join(tmpdir(), 'leakhound-bench-lsp-'));
  const path = inPlace ? label : join(dir, 'main.go');
  if (!inPlace) writeFileSync(path, text);
  const cliRun = spawnSync(process.execPath, [cli, '--no-cache', '-f', 'json', path], { cwd: dir, encoding: 'utf8' });
  const expected = JSON.parse(cliRun.stdout)[0]?.messages.length ?? 0;
  const client = await LspClient.spawn({ root: dir });
  const uri = uriOf(path);
  try {
    const t = performance.now();
    const opened = await client.open(uri, text);
    const openMs = performance.now() - t;
    if (opened.diagnostics.length !== expected) throw new Error(`${label}: ${opened.diagnostics.length} diagnostics, the command line reports ${expected}`);
    // Type a statement into a function in the middle of the file, in three edits (`\t_`,
    // ` = `, `0\n`): the text in between does not parse, the end of each burst does, and its
    // findings are the file's (the new line moves the ones below it, nothing else).
    const lines = text.split('\n');
    const row = lines.findIndex((l, i) => i > lines.length / 2 && /^func .*\{$/.test(l)) + 1;
    if (row === 0) throw new Error(`${label}: no function in the second half to type into`);
    let version = 1;
    const latencies = [];
    const cpu = [];
    for (let r = 0; r < WARMUP + rounds; r++) {
      let last = 0;
      const cpu0 = cpuMs(client.pid);
      let col = 0;
      const since = client.published.length;
      for (const [k, piece] of ['\t_', ' = ', '0\n'].entries()) {
        version++;
        const at = { line: row, character: col };
        col += piece.length;
        if (k > 0) await new Promise((res) => setTimeout(res, 15));
        last = performance.now();
        await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: at, end: at }, text: piece }] });
      }
      const v = version;
      const p = await client.waitFor(uri, (x) => x.version === v, since);
      const ms = performance.now() - last;
      if (p.diagnostics.length !== expected) throw new Error(`${label}: round ${r}: ${p.diagnostics.length} diagnostics, expected ${expected}`);
      if (r >= WARMUP) {
        latencies.push(ms);
        cpu.push(cpuMs(client.pid) - cpu0);
      }
    }
    return { label, lines: lines.length, kb: Buffer.byteLength(text) / 1024, findings: expected, openMs, latencies, cpu };
  } finally {
    await client.shutdown();
    if (!inPlace) rmSync(dir, { recursive: true, force: true });
  }
}

// Real files of about 2,000 lines from the triage corpus, in their packages, when installed.
const CORPUS = [
  '/usr/share/gocode/src/github.com/dgraph-io/badger/value.go',
  '/usr/share/gocode/src/github.com/containers/storage/layers.go',
  '/usr/share/gocode/src/github.com/syncthing/syncthing/lib/api/api.go',
  '/usr/share/go-1.19/src/net/http/transport.go',
];
const given = process.argv.slice(3);
const inputs = given.length
  ? given.map((f) => [f, readFileSync(f, 'utf8'), true])
  : [['generated 2,000-line file', generated(2000), false], ...CORPUS.filter((f) => existsSync(f)).map((f) => [f, readFileSync(f, 'utf8'), true])];

const load0 = loadavg()[0];
console.log(`leakhound lsp: last edit → diagnostics published (debounce ${DEBOUNCE_MS} ms; ${rounds} rounds after ${WARMUP} warm-up; load average ${load0.toFixed(2)} on ${process.platform}, Node ${process.version})`);
console.log('| file | lines | KB | findings | first open ms | median ms | p90 ms | max ms | server CPU per round, median ms | debounce + CPU, median ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const verdicts = [];
for (const [label, text, inPlace] of inputs) {
  const m = await measure(label, text, inPlace);
  const cpu = pct(m.cpu, 50);
  verdicts.push(`${label.replace(/^.*\/src\//, '')}: ${pct(m.latencies, 90) <= BAR_MS ? 'met' : 'not met'} (wall p90), ${DEBOUNCE_MS + cpu <= BAR_MS ? 'met' : 'not met'} (debounce + CPU)`);
  console.log(`| ${m.label.replace(/^.*\/src\//, '')} | ${m.lines} | ${fmt(m.kb)} | ${m.findings} | ${fmt(m.openMs)} | ${fmt(pct(m.latencies, 50))} | ${fmt(pct(m.latencies, 90))} | ${fmt(Math.max(...m.latencies))} | ${fmt(cpu)} | ${fmt(DEBOUNCE_MS + cpu)} |`);
}
console.log(`load average at the end: ${loadavg()[0].toFixed(2)}. The bar, ${BAR_MS} ms:`);
for (const v of verdicts) console.log(`  ${v}`);
