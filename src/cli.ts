#!/usr/bin/env node
// The leakhound command. Internal errors are one line, never a stack trace
// (LEAKHOUND_DEBUG=1 shows it).
import { EXIT, main } from './cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`leakhound: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.LEAKHOUND_DEBUG) process.stderr.write(String((e as Error)?.stack) + '\n');
    process.exitCode = EXIT.error;
  },
);
