#!/usr/bin/env node
// The `brains` command: picks the subcommand and imports only that face, so `brains rpc` never loads React or Ink.

import module from 'node:module';

// Node 22+ caches compiled code between runs; Node 20 has no such call and goes on without it.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const [command, ...args] = process.argv.slice(2);

// A reader that goes away (`brains watch | head`, a closed MCP client) ends the command quietly, as other Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

async function main(): Promise<number> {
  switch (command) {
    case 'daemon':
      return (await import('./commands/daemon.js')).daemonCommand(args);
    case 'up':
      return (await import('./commands/lifecycle.js')).upCommand(args);
    case 'down':
      return (await import('./commands/lifecycle.js')).downCommand(args);
    case 'status':
      return (await import('./commands/lifecycle.js')).statusCommand(args);
    case 'rpc':
      return (await import('./commands/rpc.js')).rpcCommand(args);
    case 'watch':
      return (await import('./commands/watch.js')).watchCommand(args);
    case 'mcp':
      return (await import('./commands/mcp.js')).mcpCommand(args);
    case 'wire':
      return (await import('./commands/wire.js')).wireCommand(args);
    case 'unwire':
      return (await import('./commands/wire.js')).unwireCommand(args);
    case 'hook':
      return (await import('./commands/hook.js')).hookCommand(args);
    case 'tui':
      return (await import('./commands/tui.js')).tuiCommand(args);
    case '--version':
    case '-V':
    case 'version':
      return (await import('./commands/help.js')).versionCommand();
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return (await import('./commands/help.js')).helpCommand(args);
    default:
      process.stderr.write(`brains: unknown command ${JSON.stringify(command)}; run brains --help for the list\n`);
      return 2;
  }
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
