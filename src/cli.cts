#!/usr/bin/env node
// The leakhound command: runs the program (src/cli/program.ts) from the one file the build
// bundles it into, dist/src/cli.bundle.cjs, with the V8 code cache the build made for that
// file (src/bundled.cts). Loading the ~90 compiled modules one by one through the ES module
// loader was about a third of a pre-commit run (bench/precommit.mjs). Without a bundle
// (LEAKHOUND_NO_BUNDLE=1, or a build without esbuild) the modules load as they are. This file
// is CommonJS (dist/src/cli.cjs, the package's bin): Node starts it without its ES module
// loader, about 10 ms of every run (a warm run of the heavy corpus, 0.355 -> 0.34 s);
// dist/src/cli.js (src/cli.ts) runs it for those who call that file.
import { join } from 'node:path';
import { runBundle } from './bundled.cjs';

// The scan's code (the engine, the rules, the language server) is a bundle of its own, run
// at its first use: a run the result cache answers never loads it.
if (!runBundle(join(__dirname, 'cli.bundle.cjs'), { 'leakhound:scan': join(__dirname, 'scan.bundle.cjs') })) void import('./cli/program.js');
