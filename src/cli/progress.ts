// A progress line on stderr for long scans: only when stderr is a terminal, never in CI, and
// never when stdout carries a machine-readable report. It appears after a second, is redrawn
// at most ten times a second, and is erased when the scan ends.

export interface Progress {
  update(done: number, total: number): void;
  end(): void;
}

export function wantsProgress(opts: { format: string; outputFile?: string }, env: NodeJS.ProcessEnv = process.env, stderr: { isTTY?: boolean } = process.stderr): boolean {
  if (!stderr.isTTY || env.CI) return false;
  const machine = opts.format === 'json' || opts.format === 'sarif';
  return !(machine && !opts.outputFile);
}

export function progressLine(stream: { write(s: string): unknown }, now = () => Date.now(), delayMs = 1000): Progress {
  const start = now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const t = now();
      if (t - start < delayMs || (t - last < 100 && done < total)) return;
      last = t;
      shown = true;
      stream.write(`\r\x1b[Kleakhound: ${done}/${total} files (${Math.floor((100 * done) / Math.max(1, total))}%)`);
    },
    end() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
