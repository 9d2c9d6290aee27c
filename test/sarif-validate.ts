// Validates a SARIF log against the official 2.1.0 schema (test/sarif/, draft-04) and the
// limits GitHub code scanning adds on upload.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { packageRoot } from './helpers.js';

const schema = JSON.parse(readFileSync(join(packageRoot, 'test', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
// ajv-draft-04 and ajv-formats are CommonJS; their default export sits on `.default` under NodeNext.
/* eslint-disable @typescript-eslint/no-explicit-any */
const AjvClass: any = (Ajv as any).default ?? Ajv;
const formats: any = (addFormats as any).default ?? addFormats;
const ajv: any = new AjvClass({ strict: false, allErrors: true });
formats(ajv);
const validate: any = ajv.compile(schema);

const MAX_DESCRIPTION = 1024;

/** Throws with every problem found; returns nothing when the log is one GitHub accepts. */
export function assertGithubSarif(log: unknown): void {
  if (!validate(log)) {
    throw new Error('SARIF fails the schema: ' + ajv.errorsText(validate.errors, { separator: '; ' }));
  }
  const problems: string[] = [];
  const runs = (log as { runs: any[] }).runs;
  for (const run of runs) {
    const rules: any[] = run.tool.driver.rules ?? [];
    for (const r of rules) {
      if (!r.id) problems.push('rule without id');
      for (const k of ['shortDescription', 'fullDescription'] as const) {
        const t = r[k]?.text;
        if (typeof t !== 'string' || t.trim() === '') problems.push(`rule ${r.id}: empty ${k}`);
        else if (t.length > MAX_DESCRIPTION) problems.push(`rule ${r.id}: ${k} longer than ${MAX_DESCRIPTION}`);
      }
      if (!r.help?.text?.trim() || !r.help?.markdown?.trim()) problems.push(`rule ${r.id}: empty help`);
      if ((r.properties?.tags ?? []).length > 20) problems.push(`rule ${r.id}: more than 20 tags`);
      if ('security-severity' in (r.properties ?? {})) problems.push(`rule ${r.id}: security-severity on a non-security tool`);
    }
    for (const res of run.results ?? []) {
      if (rules[res.ruleIndex]?.id !== res.ruleId) problems.push(`result ${res.ruleId}: ruleIndex ${res.ruleIndex} names ${rules[res.ruleIndex]?.id}`);
      if (!res.message?.text?.trim()) problems.push(`result ${res.ruleId}: empty message`);
      if ((res.locations ?? []).length !== 1) problems.push(`result ${res.ruleId}: expected one location`);
      if ((res.relatedLocations ?? []).length > 1000) problems.push(`result ${res.ruleId}: over 1000 related locations`);
      for (const loc of [...(res.locations ?? []), ...(res.relatedLocations ?? [])]) {
        const a = loc.physicalLocation?.artifactLocation;
        if (!a?.uri) problems.push(`result ${res.ruleId}: location without uri`);
        if (a?.uriBaseId && (a.uri.startsWith('/') || /^[a-z]+:/i.test(a.uri))) problems.push(`result ${res.ruleId}: relative uri expected`);
        const reg = loc.physicalLocation?.region;
        if (!reg || !(reg.startLine >= 1) || !(reg.startColumn >= 1)) problems.push(`result ${res.ruleId}: region must be 1-based`);
      }
      const fp = res.partialFingerprints?.primaryLocationLineHash;
      if (fp !== undefined && !/^[0-9a-f]{1,16}:\d+$/.test(fp)) problems.push(`result ${res.ruleId}: bad primaryLocationLineHash ${fp}`);
    }
  }
  if (problems.length) throw new Error('SARIF breaks GitHub limits: ' + problems.join('; '));
}
