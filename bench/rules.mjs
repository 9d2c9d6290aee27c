// The rules the benchmark measures: the registered ones, or the stand-ins while none is.
import { allRules } from '../dist/rules/index.js';

export const standinUrl = new URL('./standin-rules.mjs', import.meta.url).href;

/** { rules, standin } with rules as the engine's ActiveRule (default severity and options). */
export async function benchRules() {
  const standin = allRules.length === 0;
  const list = standin ? (await import(standinUrl)).allRules : allRules;
  return { standin, rules: list.map((rule) => ({ rule, severity: rule.meta.severity, options: structuredClone(rule.meta.defaultOptions) })) };
}
