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

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = outputFailed ? EXIT.error : code;
    // A scan is over once its report is out: exit now rather than let V8 finish its
    // incremental marking and tear the heap down, 20-30 ms of a warm run of a big tree
    // (0.3 s). Not for the language server, which lives on after main returns; not while
    // stdout or stderr holds bytes unwritten (writes to files, pipes and terminals are
    // synchronous on Linux; a pipe on macOS may still be draining); not after a write failed
    // (its 'error' event, still to come, decides the exit code).
    const settled = (s: NodeJS.WriteStream) => !s.writableLength && !s.errored;
    if (argv[0] !== 'lsp' && settled(process.stdout) && settled(process.stderr)) process.exit();
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
