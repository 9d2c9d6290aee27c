// Where the report goes, and what may reach a terminal or a CI log.
// - stdout that fails: a reader that closed the pipe (`| head`) ends the output quietly; any
//   other write error (`> /dev/full`) is one line on stderr and exit code 2, never a trace.
import { writeFileSync } from 'node:fs';
import { printable } from '../report/printable.js';

/** An errno code in words (for reading and writing alike). */
export function errnoWords(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return err.code ?? err.message;
  }
}

interface Guardable {
  on(event: 'error', listener: (e: NodeJS.ErrnoException) => void): unknown;
  write(chunk: string): boolean;
}

/**
 * Handles errors of a stream the report is written to: EPIPE stops further output without a
 * word, anything else is reported once and sets the exit code to 2.
 */
export function guardStdout(stream: Guardable, stderr: { write(s: string): unknown }, setExit: (code: number) => void): void {
  let broken = false;
  stream.on('error', (e) => {
    if (broken) return;
    broken = true;
    if (e.code === 'EPIPE') return;
    stderr.write(`leakhound: cannot write the report to stdout: ${errnoWords(e)}\n`);
    setExit(2);
  });
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string, ...rest: unknown[]) => (broken ? true : (write as (...a: unknown[]) => boolean)(chunk, ...rest))) as Guardable['write'];
}

export class OutputError extends Error {}

/** Writes the report to `-o FILE`; a failure names the file. */
export function writeReportFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new OutputError(`cannot write the report to ${printable(path)}: ${errnoWords(e)}`);
  }
}
