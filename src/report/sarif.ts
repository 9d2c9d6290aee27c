// `--format sarif`: SARIF 2.1.0 shaped for GitHub code scanning. Rule descriptors are
// generated from rule metadata; results carry a rule index, a %SRCROOT%-relative URI, a
// 1-based region (UTF-16 columns), related locations and GitHub's own line fingerprint.
// File problems (unreadable, syntax errors) are tool execution notifications, not results.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, FileResult, Notice, RuleMeta, Severity, Span } from '../engine/types.js';
import { lineHashes } from './fingerprint.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** GitHub rejects longer rule descriptions. */
export const MAX_DESCRIPTION = 1024;

/** The metadata a rule descriptor is generated from (a rule's meta, or the directive pseudo-rule's). */
export type DescribedRule = Pick<RuleMeta, 'id' | 'title' | 'severity' | 'precision' | 'tags' | 'docs'>;

export interface SarifOptions {
  /** Every rule that ran, in the order of `tool.driver.rules`. */
  rules: DescribedRule[];
  /** Directory the file paths in results are relative to. */
  cwd: string;
  /** Directory result URIs are relative to (`%SRCROOT%`): the repository root. */
  srcRoot: string;
  version: string;
  informationUri: string;
  helpUri: (ruleId: string) => string;
  /** The file text, for fingerprints (undefined: no fingerprint for that file). */
  readText: (filePath: string) => string | undefined;
  /** False when a file could not be read or a rule failed (exit code 2). */
  executionSuccessful: boolean;
  automationId?: string;
  /** `K/N` for a --shard run, kept in the run's properties so that `merge` can tell a shard is missing. */
  shard?: string;
}

const level = (s: Severity) => (s === 'error' ? 'error' : 'warning');

function clip(text: string, max = MAX_DESCRIPTION): string {
  return text.length <= max ? text : text.slice(0, max - 1).trimEnd() + '…';
}

function helpText(r: DescribedRule): { text: string; markdown: string } {
  const d = r.docs;
  const text = [
    `${r.title}.`,
    `What it does: ${d.whatItDoes}`,
    `Why is this bad: ${d.whyIsThisBad}`,
    `Example:\n${d.example.trimEnd()}`,
    `Use instead:\n${d.useInstead.trimEnd()}`,
  ].join('\n\n');
  const markdown = [
    `## What it does\n\n${d.whatItDoes}`,
    `## Why is this bad\n\n${d.whyIsThisBad}`,
    `## Example\n\n\`\`\`go\n${d.example.trimEnd()}\n\`\`\``,
    `## Use instead\n\n\`\`\`go\n${d.useInstead.trimEnd()}\n\`\`\``,
  ].join('\n\n');
  return { text, markdown };
}

function ruleDescriptor(r: DescribedRule, helpUri: string) {
  return {
    id: r.id,
    name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: clip(r.title) },
    fullDescription: { text: clip(`${r.docs.whatItDoes} ${r.docs.whyIsThisBad}`) },
    help: helpText(r),
    helpUri,
    defaultConfiguration: { level: level(r.severity) },
    properties: { tags: r.tags.slice(0, 20), precision: r.precision, 'problem.severity': level(r.severity) },
  };
}

function region(span: Span) {
  return {
    startLine: span.start.line,
    startColumn: span.start.column,
    endLine: span.end.line,
    endColumn: span.end.column,
  };
}

export function artifactLocation(filePath: string, cwd: string, srcRoot: string): { uri: string; uriBaseId?: string } {
  const abs = resolve(cwd, filePath);
  const rel = relative(srcRoot, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function notification(n: Notice, where: { uri: string; uriBaseId?: string }) {
  const fatal = n.kind === 'read-error' || n.kind === 'rule-error';
  const loc: Record<string, unknown> = { artifactLocation: where };
  if (n.line) loc.region = { startLine: n.line, startColumn: n.column ?? 1 };
  return {
    level: fatal ? 'error' : n.kind === 'parse-error' ? 'warning' : 'note',
    message: { text: n.message },
    descriptor: { id: n.kind },
    locations: [{ physicalLocation: loc }],
  };
}

export function toSarif(results: FileResult[], opts: SarifOptions) {
  const sorted = [...results].sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  const rules = [...opts.rules];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarifResults: unknown[] = [];
  const notifications: unknown[] = [];
  for (const fr of sorted) {
    const where = artifactLocation(fr.filePath, opts.cwd, opts.srcRoot);
    for (const n of fr.notices) notifications.push(notification(n, where));
    if (!fr.diagnostics.length) continue;
    const text = opts.readText(fr.filePath);
    const hashes = text === undefined ? undefined : lineHashes(text);
    for (const d of fr.diagnostics) sarifResults.push(result(d, where, index, hashes));
  }
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: 'leakhound',
            semanticVersion: opts.version,
            informationUri: opts.informationUri,
            rules: rules.map((r) => ruleDescriptor(r, opts.helpUri(r.id))),
          },
        },
        automationDetails: { id: opts.automationId ?? 'leakhound/' },
        invocations: [{ executionSuccessful: opts.executionSuccessful, toolExecutionNotifications: notifications }],
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
        ...(opts.shard ? { properties: { shard: opts.shard } } : {}),
      },
    ],
  };
}

function result(d: Diagnostic, where: { uri: string; uriBaseId?: string }, index: Map<string, number>, hashes: string[] | undefined) {
  const ruleIndex = index.get(d.ruleId);
  if (ruleIndex === undefined) throw new Error(`SARIF: result for rule ${d.ruleId}, which is not in the rules list`);
  const out: Record<string, unknown> = {
    ruleId: d.ruleId,
    ruleIndex,
    level: level(d.severity),
    message: { text: d.message },
    locations: [{ physicalLocation: { artifactLocation: where, region: region(d.span) } }],
  };
  const hash = hashes?.[d.span.start.line - 1];
  if (hash) out.partialFingerprints = { primaryLocationLineHash: hash };
  if (d.related?.length) {
    out.relatedLocations = d.related.slice(0, 1000).map((r, i) => ({
      id: i + 1,
      physicalLocation: { artifactLocation: where, region: region(r.span) },
      message: { text: r.message },
    }));
  }
  return out;
}

export function formatSarif(results: FileResult[], opts: SarifOptions): string {
  return JSON.stringify(toSarif(results, opts), null, 2) + '\n';
}
