#!/usr/bin/env node
// The `brains` command: looks the subcommand up in the command table and imports only that face, so `brains rpc` never loads React or Ink.

import module from 'node:module';

// Node 22+ caches compiled code between runs; Node 20 has no such call and goes on without it.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const [word, ...args] = process.argv.slice(2);

// A reader that goes away (`brains watch | head`, a closed MCP client) ends the command quietly, as other Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

async function main(): Promise<number> {
  // Imported here, not at the top, so the compile cache enabled above covers the table too.
  const { DEFAULT_COMMAND, findCommand } = await import('./command-table.js');
  const name = word ?? DEFAULT_COMMAND;
  const command = findCommand(name);
  if (command) return command.run(args);
  return (await import('./commands/help.js')).unknownCommand(name);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`brains: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
