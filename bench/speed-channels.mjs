#!/usr/bin/env node
// Cost of the three channel rules over a Go tree: the same files are scanned with a no-op
// rule that has the same trigger and subscriptions (parse + dispatch only), then with the
// channel rules; the difference is what the rules and their shared facts cost.
// Usage: npm run build && node bench/speed-channels.mjs [dir…]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { getParser } = await import(join(root, 'dist/src/engine/parser.js'));
const { scanText } = await import(join(root, 'dist/src/engine/scan.js'));
const { allRules } = await import(join(root, 'dist/rules/index.js'));

const IDS = ['goroutine-blocked-send', 'unclosed-range-channel', 'consumer-closes-channel'];
const active = (rs) => rs.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...rule.meta.defaultOptions } }));
// the rules, with their handlers timed (the time inside rule code, whatever the load)
let inRules = 0;
const timed = (rule) => ({
  meta: rule.meta,
  create(ctx) {
    const t0 = performance.now();
    const hs = rule.create(ctx);
    inRules += performance.now() - t0;
    return Object.fromEntries(Object.entries(hs).map(([k, h]) => [k, (n) => {
      const t = performance.now();
      try {
        h(n);
      } finally {
        inRules += performance.now() - t;
      }
    }]));
  },
});
const channelRules = active(allRules.filter((r) => IDS.includes(r.meta.id)).map(timed));
const noop = active([{ meta: { ...channelRules[0].rule.meta, id: 'noop' }, create: () => ({ channel_type() {} }) }]);

function* goFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && !['vendor', 'testdata'].includes(e.name) && !e.name.startsWith('.')) yield* goFiles(p);
    else if (e.isFile() && e.name.endsWith('.go')) yield p;
  }
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push('/usr/share/go-1.19/src');
const texts = [];
let bytes = 0;
for (const d of dirs) for (const f of goFiles(d)) {
  const t = readFileSync(f, 'utf8');
  texts.push([f, t]);
  bytes += t.length;
}
const parser = await getParser();
const triggered = texts.filter(([, t]) => t.includes('make(chan'));
// CPU time of this process (user + system), less sensitive to other load than wall time
function run(rules) {
  const t0 = process.cpuUsage();
  let n = 0;
  for (const [f, t] of triggered) n += scanText(parser, f, t, rules).diagnostics.length;
  const d = process.cpuUsage(t0);
  return [(d.user + d.system) / 1000, n];
}
// alternate the two runs and keep the best of three of each (JIT and GC noise)
run(noop);
run(channelRules);
let base = Infinity, withRules = Infinity, findings = 0, handlers = Infinity;
for (let i = 0; i < 3; i++) {
  base = Math.min(base, run(noop)[0]);
  inRules = 0;
  const [t, n] = run(channelRules);
  withRules = Math.min(withRules, t);
  handlers = Math.min(handlers, inRules);
  findings = n;
}
console.log(`${texts.length} files, ${(bytes / 1e6).toFixed(1)} MB; ${triggered.length} contain the trigger "make(chan" (the rest are never parsed for these rules)`);
console.log(`CPU time, best of 3: parse + dispatch: ${base.toFixed(0)} ms; with the three channel rules: ${withRules.toFixed(0)} ms (+${(withRules - base).toFixed(0)} ms); wall time inside the rules' handlers: ${handlers.toFixed(0)} ms; ${findings} findings`);
