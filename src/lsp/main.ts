// `leakhound lsp [--stdio]`: the language server on stdin/stdout. stdout carries the protocol
// alone, so anything printed through `console` goes to the client's log instead; an error
// that escapes a handler is logged there too, and the server goes on.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.js';

export const LSP_HELP = `Usage: leakhound lsp [--stdio]

Runs the leakhound language server over stdin and stdout (the Language Server
Protocol), for editors: diagnostics for open Go files as you type and when you
save, quick fixes, and suppressions. The configuration is the project's
leakhound.config.json or .leakhound.yaml, found from each file's folder upward;
the client's "leakhound" settings (the same shape) override it. README.md shows
the setup for Neovim, Helix and VS Code.

Options:
      --stdio       talk over stdin and stdout (the default and only transport)
  -h, --help        show this help`;

export class LspUsageError extends Error {}

/** Starts the server; returns at once (the process lives as long as stdin is open). */
export function runLsp(argv: string[], version: string): 'help' | 'started' {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--stdio') continue;
    // Some clients add the editor's process id (the protocol's initialize request carries it
    // too, and the server exits when that process is gone).
    if (a.startsWith('--clientProcessId=')) continue;
    if (a === '--clientProcessId' && i + 1 < argv.length) {
      i++;
      continue;
    }
    throw new LspUsageError(`lsp: unknown argument '${a}' (see leakhound lsp --help)`);
  }
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  const say = (level: 'log' | 'info' | 'warn' | 'error') => (...args: unknown[]) => connection.console[level](args.map(String).join(' '));
  console.log = say('log');
  console.info = say('info');
  console.warn = say('warn');
  console.error = say('error');
  process.on('uncaughtException', (e) => connection.console.error(`leakhound: internal error: ${e?.stack ?? String(e)}`));
  process.on('unhandledRejection', (e) => connection.console.error(`leakhound: internal error: ${(e as Error)?.stack ?? String(e)}`));
  startServer(connection, { version });
  return 'started';
}
