#!/usr/bin/env node
// The leakhound CLI as the benchmark runs it (the built dist/, registered rules).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
