// The leakhound CLI with the test-only rules of ./rules.ts (speedRules) instead of the shipped
// ones (in this thread and in worker threads), so that CLI tests do not depend on which rules exist.
import { allRules } from '../../rules/index.js';
import { setDefaultRulesModule } from '../../src/engine/run.js';
import { main } from '../../src/cli/main.js';
import { speedRules } from './rules.js';

allRules.splice(0, allRules.length, ...speedRules);
setDefaultRulesModule(new URL('./rules.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
