// What a run needs to scan files on its own thread: the parser, the engine and through it
// the rules. run.ts loads this module only when a file is left to scan on this thread, so
// that a run the result cache answers does not load that code: the command's bundle leaves
// this module's graph to a bundle of its own, dist/src/scan.bundle.cjs (scripts/build.mjs).
export { getParser } from './parser.js';
export { Packages } from './packages.js';
export { runTask } from './task.js';
