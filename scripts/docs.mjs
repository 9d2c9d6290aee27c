#!/usr/bin/env node
// Regenerates the README rule table and docs/rules/*.md from rule metadata (after a build).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { allRules } = await import(join(root, 'dist', 'rules', 'index.js'));
const { rulePage, withRuleTable } = await import(join(root, 'dist', 'src', 'report', 'docs.js'));

const readmePath = join(root, 'README.md');
writeFileSync(readmePath, withRuleTable(readFileSync(readmePath, 'utf8'), allRules));
const dir = join(root, 'docs', 'rules');
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.md')) rmSync(join(dir, f));
for (const r of allRules) writeFileSync(join(dir, `${r.meta.id}.md`), rulePage(r));
console.log(`wrote README.md rule table and ${allRules.length} rule pages`);
