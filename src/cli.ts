#!/usr/bin/env node
// `node dist/src/cli.js`, as before: the command is dist/src/cli.cjs (src/cli.cts), a CommonJS
// file that Node starts without its ES module loader; the package's bin is that file.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./cli.cjs');
