// The entry of the scan bundle (scripts/build.mjs bundles it into dist/src/scan.bundle.cjs):
// what the command's bundle leaves out so that a run the result cache answers does not load
// it (src/cli.cts runs it at the first use). The engine's in-thread scan (inthread.ts), the
// shipped rules whose metadata alone the command's bundle holds, and the language server.
export { getParser, Packages, runTask } from './inthread.js';
export { allRules } from '../../rules/index.js';
// A require, which the bundler makes a lazy initialisation: the language server's libraries
// load only for `leakhound lsp`.
export const lsp = (): typeof import('../lsp/main.js') => require('../lsp/main.js') as typeof import('../lsp/main.js');
