// Scans a list of files on this thread, in order. (The worker pool builds on this.)
import { getParser } from './parser.js';
import { scanFile, type ScanFileOptions } from './scan.js';
import type { FileResult } from './types.js';

export async function scanFiles(files: string[], opts: ScanFileOptions): Promise<FileResult[]> {
  const parser = await getParser();
  const out: FileResult[] = [];
  for (const f of files) out.push(await scanFile(parser, f, opts));
  return out;
}
