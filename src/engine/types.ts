// The contract between the engine, the rules and the reporters.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../go/facts.js';
import type { PackageView } from '../go/package.js';
import type { GoVersion } from '../go/gomod.js';

export type Severity = 'error' | 'warning';

/** 1-based line and column (UTF-16 code units), like ESLint. */
export interface Position {
  line: number;
  column: number;
}

export interface Span {
  start: Position;
  end: Position;
}

/** A text edit on the file: replace [start, end) offsets (UTF-16) with text. */
export interface TextEdit {
  /** 0-based UTF-16 offsets into the file text. */
  range: [number, number];
  text: string;
}

export interface Suggestion {
  desc: string;
  edits: TextEdit[];
}

export interface RelatedLocation {
  span: Span;
  message: string;
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  span: Span;
  related?: RelatedLocation[];
  suggestions?: Suggestion[];
}

/** A problem with a file itself (unreadable, binary, syntax errors): never a crash. */
export interface Notice {
  kind: 'read-error' | 'parse-error' | 'binary' | 'empty' | 'skipped' | 'rule-error';
  message: string;
  line?: number;
  column?: number;
}

export interface FileResult {
  filePath: string;
  diagnostics: Diagnostic[];
  notices: Notice[];
}

/** Precision as GitHub code scanning understands it. */
export type Precision = 'very-high' | 'high' | 'medium' | 'low';

export interface RuleMeta<MessageIds extends string = string> {
  /** Kebab-case; equals the rule's file name and fixture folder. */
  id: string;
  /** Sentence case, describes the defect, no trailing period. */
  title: string;
  severity: Severity;
  precision: Precision;
  tags: string[];
  /** The four documentation parts (ruff style). */
  docs: {
    whatItDoes: string;
    whyIsThisBad: string;
    /** Go source that the rule must flag. */
    example: string;
    /** Go source, the fixed version, that the rule must leave alone. */
    useInstead: string;
    /** The go.mod `go` line the example is written for, when the rule depends on it. */
    goVersion?: string;
  };
  /** Message templates keyed by id; `{{name}}` placeholders are filled from report data. */
  messages: Record<MessageIds, string>;
  /**
   * Cheap text triggers: if a file contains none of these substrings the rule cannot
   * fire, and when no enabled rule can fire the file is not even parsed.
   * A trigger may join several substrings with ` && `: it is present when all of them are
   * (`'defer && Close()'`), for rules whose one word alone is in most files.
   */
  triggers: string[];
  /** True when findings carry a suggestion that `--fix` applies. */
  fixable?: boolean;
  /** Default option values (documented and validated against their types by config). */
  defaultOptions: Record<string, unknown>;
  /**
   * The Go versions the rule applies to, from the go.mod that governs each file: the engine
   * does not run it on other files. Absent: every version (a rule may still ask ctx.go).
   */
  goVersions?: GoVersionRange;
}

export interface GoVersionRange {
  /** Applies to go lines older than this (`1.23`). */
  before?: string;
  /** …and to newer ones whose go.mod sets this godebug (`asynctimerchan=1`). */
  godebug?: string;
}

export interface ReportDescriptor<MessageIds extends string> {
  node?: Node;
  span?: Span;
  messageId: MessageIds;
  data?: Record<string, string | number>;
  related?: { node?: Node; span?: Span; message: string }[];
  suggestions?: Suggestion[];
}

export interface RuleContext<MessageIds extends string = string, Options = Record<string, unknown>> {
  readonly filePath: string;
  readonly text: string;
  readonly options: Options;
  /** Shared syntax facts for this file, memoized. */
  readonly facts: FileFacts;
  /**
   * The file's package: declarations of sibling files and function summaries
   * (src/go/package.ts). Opened on the first question, so a rule that never asks costs nothing.
   */
  readonly pkg: PackageView;
  /** The Go version from the go.mod that governs the file (`go` undefined: none, newest assumed). */
  readonly go: GoVersion;
  report(d: ReportDescriptor<MessageIds>): void;
}

export type Handler = (node: Node) => void;
/** Keyed by tree-sitter node type, or `type:exit` (called after the node's descendants). */
export type Handlers = Record<string, Handler>;

export interface Rule<MessageIds extends string = string, Options = Record<string, unknown>> {
  meta: RuleMeta<MessageIds>;
  /**
   * Triggers that the rule's options add to meta.triggers (a configured constructor name,
   * say). An empty string means the options let the rule fire on any file.
   */
  optionTriggers?(options: Options): string[];
  create(ctx: RuleContext<MessageIds, Options>): Handlers;
}

/** Any rule, whatever its message ids (for lists of rules). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any, any>;

/** A rule as the engine runs it: enabled, with its resolved severity and options. */
export interface ActiveRule {
  rule: AnyRule;
  severity: Severity;
  options: Record<string, unknown>;
}

const triggersMemo = new WeakMap<ActiveRule, string[]>();

/** The substrings a trigger needs, all of them (`'defer && Close()'` → defer, Close()). */
export function triggerParts(trigger: string): string[] {
  return trigger.split(' && ');
}

/** True when `text` holds a trigger: every one of its parts. */
export function hasTrigger(text: string, trigger: string): boolean {
  return triggerParts(trigger).every((p) => text.includes(p));
}

/** A rule's prefilter triggers under its resolved options. */
export function triggersOf(ar: ActiveRule): string[] {
  let t = triggersMemo.get(ar);
  if (!t) {
    t = [...ar.rule.meta.triggers, ...(ar.rule.optionTriggers?.(ar.options) ?? [])];
    triggersMemo.set(ar, t);
  }
  return t;
}

export function defineRule<M extends string, O = Record<string, unknown>>(r: Rule<M, O>): Rule<M, O> {
  return r;
}
