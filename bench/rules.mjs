// The rules the benchmark measures: the registered ones, with default severity and options.
import { allRules } from '../dist/rules/index.js';

/** { rules } as the engine's ActiveRule list. */
export async function benchRules() {
  return { rules: allRules.map((rule) => ({ rule, severity: rule.meta.severity, options: structuredClone(rule.meta.defaultOptions) })) };
}
