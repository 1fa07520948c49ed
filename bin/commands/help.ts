// `brains --help`, `brains help CMD` and the unknown-command error, all rendered from the command table.
import { COMMANDS, commandWords, findCommand, type Command } from '../command-table.js';
import { EXIT } from './exit-codes.js';
import { nearestName } from '../../rpc/nearest-name.js';

export function helpCommand(args: string[]): number {
  const name = args[0];
  if (name === undefined) {
    process.stdout.write(formatOverview());
    return EXIT.OK;
  }
  const command = findCommand(name);
  if (!command) {
    const listed = COMMANDS.filter((c) => !c.hidden).map((c) => c.name);
    process.stderr.write(`brains help: no command ${JSON.stringify(name)}; ${didYouMean(name)}commands: ${listed.join(', ')}\n`);
    return EXIT.USAGE;
  }
  process.stdout.write(formatOne(command));
  return EXIT.OK;
}

/** `brains WORD` where WORD names no command. */
export function unknownCommand(word: string): number {
  process.stderr.write(`brains: unknown command ${JSON.stringify(word)}; ${didYouMean(word)}run brains --help for the list\n`);
  return EXIT.USAGE;
}

/** "did you mean status? " when a command is a likely typo away from `word`, else nothing. */
function didYouMean(word: string): string {
  const nearest = nearestName(word, commandWords());
  return nearest === undefined ? '' : `did you mean ${nearest}? `;
}

function formatOverview(): string {
  const listed = COMMANDS.filter((command) => !command.hidden);
  const nameWidth = Math.max(...listed.map((command) => command.name.length)) + 2;
  return [
    'brains — one local daemon that coordinates your coding agents; every face is a client of its JSON-RPC socket.',
    '',
    'Commands:',
    ...listed.map((command) => `  ${command.name.padEnd(nameWidth)}${command.summary}`),
    '',
    'Examples:',
    ...listed.flatMap((command) => command.examples.slice(0, 1).map((example) => `  ${example}`)),
    '',
    'State lives in $BRAINS_HOME (default ~/.brains): brains.db, brains.sock, daemon.pid, logs/.',
    'brains help COMMAND shows a command in full.',
    '',
  ].join('\n');
}

function formatOne(command: Command): string {
  return [
    `usage: ${command.usage}`,
    '',
    command.summary,
    ...(command.details ? ['', ...command.details] : []),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}
