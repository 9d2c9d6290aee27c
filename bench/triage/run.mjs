#!/usr/bin/env node
// Practical precision on the triage corpus: scan every project of projects.tsv as a user would
// (default configuration and skips), join each finding with its verdict in verdicts/<rule>.tsv
// on a fingerprint, and print real / all per rule. Findings nobody has read yet are listed, so
// that every new finding is read rather than assumed.
//
//   node bench/triage/run.mjs [--rules a,b] [--projects p,q] [--config FILE] [--todo] [--check]
//                             [--list N] [--json FILE]
//
// --todo   appends the untriaged findings to verdicts/<rule>.tsv with verdict `?` (fill them in)
// --check  exits 1 when a finding has no verdict (or verdict `?`)
// --config a leakhound config file: turns on rules or options that are off by default
// --list N lists at most N untriaged findings (default 60)
// --json   also writes every finding with its verdict to FILE
//
// A fingerprint is a hash of rule, project, path, message and the text of the reported line
// without white space, so it survives lines moving; a second identical finding in the same
// file gets a `~2` suffix. Run `npm run build` first: this scans with dist/.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const cli = join(root, 'dist', 'src', 'cli.cjs');
const verdictDir = join(here, 'verdicts');
const GOCODE = '/usr/share/gocode/src';
const VERDICTS = new Set(['real', 'noise', 'wrong']);
const HEADER = ['fingerprint', 'project', 'version', 'location', 'verdict', 'reason', 'message'];

const { values: args } = parseArgs({
  options: {
    rules: { type: 'string' },
    projects: { type: 'string' },
    config: { type: 'string' },
    todo: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    list: { type: 'string', default: '60' },
    json: { type: 'string' },
  },
});

if (!existsSync(cli)) fail('dist/ is missing: run `npm run build` first');
const listOf = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
const onlyRules = listOf(args.rules);
const onlyProjects = listOf(args.projects);

/** projects.tsv → [{ project, pkg, dir }] */
function readProjects() {
  const rows = readFileSync(join(here, 'projects.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .filter((c) => c[0] !== 'project');
  const all = rows.map(([project, pkg, r]) => ({ project, pkg, dir: isAbsolute(r) ? r : join(GOCODE, r) }));
  if (onlyProjects) {
    const unknown = onlyProjects.filter((p) => !all.some((x) => x.project === p));
    if (unknown.length) fail(`unknown project(s): ${unknown.join(', ')}`);
    return all.filter((x) => onlyProjects.includes(x.project));
  }
  return all;
}

function versionOf(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.trim() : 'unknown';
}

function fingerprint(rule, project, path, message, lineText) {
  return createHash('sha256')
    .update([rule, project, path, message, lineText.replace(/\s+/g, '')].join('\0'))
    .digest('hex')
    .slice(0, 12);
}

/**
 * The files the project's Debian package installed: another package can put files in the
 * same folder later (golang-github-minio-minio-go-dev, v6, beside the corpus's v7 package),
 * and the corpus is the package's files. Null when dpkg does not know the package.
 */
function packageFiles(pkg) {
  const r = spawnSync('dpkg-query', ['-L', pkg], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.status === 0 ? new Set(r.stdout.split('\n').filter(Boolean)) : null;
}

/** Scans one project; returns its findings with fingerprints. */
function scan({ project, pkg, dir }) {
  if (!existsSync(dir)) {
    console.error(`${project}: ${dir} is missing (run bench/triage/setup.sh); skipped`);
    return null;
  }
  const argv = [cli, '--no-cache', '--format', 'json'];
  if (onlyRules) argv.push('--rule', onlyRules.join(','));
  if (args.config) argv.push('--config', resolve(args.config));
  argv.push('.');
  const r = spawnSync(process.execPath, argv, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  let results;
  try {
    results = JSON.parse(r.stdout);
  } catch {
    fail(`${project}: leakhound exited ${r.status} without a JSON report: ${(r.stderr || '').trim().split('\n')[0]}`);
  }
  const version = versionOf(pkg);
  const own = packageFiles(pkg);
  const findings = [];
  for (const res of results) {
    const msgs = res.messages.filter((m) => m.ruleId);
    if (!msgs.length || (own && !own.has(join(dir, res.filePath)))) continue;
    const lines = readFileSync(join(dir, res.filePath), 'utf8').split(/\r?\n|\r/);
    const seen = new Map();
    for (const m of msgs) {
      let fp = fingerprint(m.ruleId, project, res.filePath, m.message, lines[m.line - 1] ?? '');
      const n = (seen.get(fp) ?? 0) + 1;
      seen.set(fp, n);
      if (n > 1) fp += `~${n}`;
      findings.push({ fingerprint: fp, rule: m.ruleId, project, version, location: `${res.filePath}:${m.line}`, message: m.message });
    }
  }
  return findings;
}

/** verdicts/<rule>.tsv → Map fingerprint → row */
function readVerdicts(rule) {
  const file = join(verdictDir, `${rule}.tsv`);
  const rows = new Map();
  if (!existsSync(file)) return rows;
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line || line.startsWith('#') || line.startsWith('fingerprint\t')) return;
    const c = line.split('\t');
    if (c.length < 6) fail(`${file}:${i + 1}: expected ${HEADER.length} tab-separated columns`);
    const [fingerprint, project, version, location, verdict, reason, message = ''] = c;
    if (verdict !== '?' && !VERDICTS.has(verdict)) fail(`${file}:${i + 1}: verdict must be real, noise, wrong or ?, not "${verdict}"`);
    rows.set(fingerprint, { fingerprint, project, version, location, verdict, reason, message });
  });
  return rows;
}

function writeVerdicts(rule, rows) {
  mkdirSync(verdictDir, { recursive: true });
  const sorted = [...rows.values()].sort((a, b) =>
    a.project !== b.project ? (a.project < b.project ? -1 : 1) : a.location.localeCompare(b.location, 'en', { numeric: true }),
  );
  const body = sorted.map((r) => HEADER.map((h) => String(r[h] ?? '').replace(/[\t\n]/g, ' ')).join('\t'));
  writeFileSync(join(verdictDir, `${rule}.tsv`), [HEADER.join('\t'), ...body].join('\n') + '\n');
}

function fail(msg) {
  console.error(`triage: ${msg}`);
  process.exit(2);
}

const projects = readProjects();
const findings = [];
for (const p of projects) {
  const t0 = Date.now();
  const f = scan(p);
  if (f) findings.push(...f);
  process.stderr.write(`\r${p.project}: ${f ? f.length : 0} findings (${((Date.now() - t0) / 1000).toFixed(1)} s)`.padEnd(70));
}
process.stderr.write('\n');

const scanned = new Set(projects.map((p) => p.project));
const rules = new Set(findings.map((f) => f.rule));
if (existsSync(verdictDir)) for (const f of readdirSync(verdictDir)) if (f.endsWith('.tsv')) rules.add(f.slice(0, -4));
if (onlyRules) for (const r of [...rules]) if (!onlyRules.includes(r)) rules.delete(r);

const table = [];
const untriaged = [];
for (const rule of [...rules].sort()) {
  const verdicts = readVerdicts(rule);
  const mine = findings.filter((f) => f.rule === rule);
  const count = { real: 0, noise: 0, wrong: 0, untriaged: 0 };
  const current = new Set();
  for (const f of mine) {
    current.add(f.fingerprint);
    const v = verdicts.get(f.fingerprint);
    f.verdict = v?.verdict ?? '?';
    f.reason = v?.reason ?? '';
    if (VERDICTS.has(f.verdict)) count[f.verdict]++;
    else {
      count.untriaged++;
      untriaged.push(f);
    }
  }
  // Verdicts of findings that no longer appear (in the projects scanned now).
  const gone = [...verdicts.values()].filter((v) => scanned.has(v.project) && !current.has(v.fingerprint));
  const judged = count.real + count.noise + count.wrong;
  table.push({ rule, findings: mine.length, ...count, gone: gone.length, precision: judged ? count.real / judged : null });
  if (args.todo && count.untriaged) {
    for (const f of mine) {
      if (verdicts.has(f.fingerprint)) continue;
      verdicts.set(f.fingerprint, { ...f, verdict: '?', reason: '' });
    }
    writeVerdicts(rule, verdicts);
  }
}

const cols = ['rule', 'findings', 'real', 'noise', 'wrong', 'untriaged', 'precision', 'gone'];
const cell = (r, c) => (c === 'precision' ? (r.precision === null ? '–' : r.precision.toFixed(2)) : String(r[c]));
const widths = cols.map((c) => Math.max(c.length, ...table.map((r) => cell(r, c).length)));
const line = (vals) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
console.log(`triage corpus: ${projects.length} projects, ${findings.length} findings${args.config ? ` (config ${args.config})` : ''}`);
console.log(line(cols));
for (const r of table) console.log(line(cols.map((c) => cell(r, c))));
console.log('precision = real / (real + noise + wrong) over the findings of this run; gone = verdicts of findings no longer made');

const max = Number(args.list);
if (untriaged.length) {
  console.log(`\n${untriaged.length} finding(s) not triaged yet${args.todo ? ' (added to the verdict files with verdict ?)' : ' (--todo adds them to the verdict files)'}:`);
  for (const f of untriaged.slice(0, max)) console.log(`  ${f.rule}  ${f.project}/${f.location}  ${f.message}`);
  if (untriaged.length > max) console.log(`  … and ${untriaged.length - max} more (--list N)`);
}
if (args.json) writeFileSync(args.json, JSON.stringify(findings, null, 2) + '\n');
if (args.check && untriaged.length) process.exit(1);
