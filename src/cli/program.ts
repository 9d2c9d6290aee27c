// The leakhound command (started by src/cli.cts). Internal errors are one line, never a stack trace
// (LEAKHOUND_DEBUG=1 shows it); a failing stdout is handled by guardStdout.
import { EXIT, main } from './main.js';
import { guardStdout, errnoWords } from './output.js';
import { printable } from '../report/printable.js';

let outputFailed = false;
guardStdout(process.stdout, process.stderr, (code) => {
  outputFailed = true;
  process.exitCode = code;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = outputFailed ? EXIT.error : code;
  },
  (e: unknown) => {
    const err = e as NodeJS.ErrnoException;
    // A file system error that escaped the checks still names its file, in words.
    const what = err?.path && err.code ? `${printable(err.path)}: ${errnoWords(err)}` : `internal error: ${err?.message ?? String(e)}`;
    process.stderr.write(`leakhound: ${what}\n`);
    if (process.env.LEAKHOUND_DEBUG) process.stderr.write(String(err?.stack) + '\n');
    process.exitCode = EXIT.error;
  },
);
