#!/usr/bin/env node
// How long after the last keystroke `leakhound lsp` publishes the diagnostics of a 2,000-line
// Go file (the bar: 150 ms). Drives the built server as an editor does: a child process on
// stdio, a client from the protocol's libraries (dist/test/support/lsp.js). Each round types
// a burst of three one-character edits 15 ms apart (faster than the debounce, as typing is),
// and times from the last edit sent to the diagnostics of its version received. The file's
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

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (x) => x.toFixed(1);

async function measure(label, text) {
  const dir = mkdtempSync(join(tmpdir(), 'leakhound-bench-lsp-'));
  const path = join(dir, 'main.go');
  writeFileSync(path, text);
  const cliRun = spawnSync(process.execPath, [cli, '--no-cache', '-f', 'json', 'main.go'], { cwd: dir, encoding: 'utf8' });
  const expected = JSON.parse(cliRun.stdout)[0]?.messages.length ?? 0;
  const client = await LspClient.spawn({ root: dir });
  const uri = uriOf(path);
  try {
    let t = performance.now();
    const opened = await client.open(uri, text);
    const openMs = performance.now() - t;
    if (opened.diagnostics.length !== expected) throw new Error(`${label}: ${opened.diagnostics.length} diagnostics, the command line reports ${expected}`);
    // Type at the end of a comment line in the middle of the file: the findings stay the same.
    const lines = text.split('\n');
    const row = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('// '));
    let col = lines[row].length;
    let version = 1;
    const latencies = [];
    for (let r = 0; r < WARMUP + rounds; r++) {
      let last = 0;
      for (let k = 0; k < 3; k++) {
        version++;
        const at = { line: row, character: col++ };
        if (k > 0) await new Promise((res) => setTimeout(res, 15));
        last = performance.now();
        await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: at, end: at }, text: 'x' }] });
      }
      const since = client.published.length;
      const v = version;
      const p = await client.waitFor(uri, (x) => x.version === v, since);
      const ms = performance.now() - last;
      if (p.diagnostics.length !== expected) throw new Error(`${label}: round ${r}: ${p.diagnostics.length} diagnostics, expected ${expected}`);
      if (r >= WARMUP) latencies.push(ms);
    }
    t = performance.now();
    return { label, lines: lines.length, kb: Buffer.byteLength(text) / 1024, findings: expected, openMs, latencies };
  } finally {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

const inputs = process.argv.slice(3).length
  ? process.argv.slice(3).map((f) => [f, readFileSync(f, 'utf8')])
  : [['generated 2,000-line file', generated(2000)], ...(existsSync('/usr/share/go-1.19/src/net/http/transport.go') ? [['net/http/transport.go (Go 1.19)', readFileSync('/usr/share/go-1.19/src/net/http/transport.go', 'utf8')]] : [])];

const load0 = loadavg()[0];
console.log(`leakhound lsp: last edit → diagnostics published (debounce ${DEBOUNCE_MS} ms; ${rounds} rounds after ${WARMUP} warm-up; load average ${load0.toFixed(2)} on ${process.platform}, Node ${process.version})`);
console.log('| file | lines | KB | findings | first open ms | median ms | p90 ms | max ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
let worst = 0;
for (const [label, text] of inputs) {
  const m = await measure(label, text);
  worst = Math.max(worst, pct(m.latencies, 90));
  console.log(`| ${m.label} | ${m.lines} | ${fmt(m.kb)} | ${m.findings} | ${fmt(m.openMs)} | ${fmt(pct(m.latencies, 50))} | ${fmt(pct(m.latencies, 90))} | ${fmt(Math.max(...m.latencies))} |`);
}
console.log(`load average at the end: ${loadavg()[0].toFixed(2)}; the bar is ${BAR_MS} ms at p90: ${worst <= BAR_MS ? 'met' : 'NOT met'}`);
