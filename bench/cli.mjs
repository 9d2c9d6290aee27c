#!/usr/bin/env node
// The leakhound CLI as the benchmark runs it: the registered rules, or, while rules/index.ts
// lists none, the stand-in rules of standin-rules.mjs (in this thread and in the workers).
import { allRules } from '../dist/rules/index.js';
import { setDefaultRulesModule } from '../dist/src/engine/run.js';
import { main } from '../dist/src/main.js';
import { standinUrl } from './rules.mjs';

if (allRules.length === 0) {
  allRules.push(...(await import(standinUrl)).allRules);
  setDefaultRulesModule(standinUrl);
}
process.exitCode = await main(process.argv.slice(2));
