// A command's flags parsed with node's parseArgs; a mistyped one is answered with the nearest real one and the command's usage.
import { parseArgs } from 'node:util';
import { nearestName } from '../../rpc/nearest-name.js';
import { escapeInvisible } from '../../rpc/visible-text.js';
import { usageOf, type CommandName } from '../command-table.js';
import { EXIT } from './exit-codes.js';

type FlagSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

const HELP = { type: 'boolean', short: 'h' } as const;

/** The parsed flags and positionals, or null once a usage error has been printed (exit with EXIT.USAGE). */
export function parseFlags<const O extends Record<string, FlagSpec>>(name: CommandName, argv: string[], options: O, positionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: HELP }, allowPositionals: positionals, strict: true });
  } catch (error) {
    printUsageError(name, explain(error as NodeJS.ErrnoException, Object.keys(options)));
    return null;
  }
}

/** `brains NAME: message`, then the command's usage; returns the usage exit code. */
export function printUsageError(name: CommandName, message: string): number {
  process.stderr.write(`brains ${name}: ${message}\nusage: ${usageOf(name)}\n`);
  return EXIT.USAGE;
}

function explain(error: NodeJS.ErrnoException, known: string[]): string {
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'([^']+)'/.exec(error.message)?.[1] ?? '';
    const nearest = nearestName(given.replace(/^-+/, ''), [...known, 'help']);
    return `unknown option ${escapeInvisible(given.length > 40 ? `${given.slice(0, 40)}…` : given)}; ${nearest ? `did you mean --${nearest}?` : `it takes ${known.map((k) => `--${k}`).join(', ')}`}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const given = /'([^']*)'/.exec(error.message)?.[1] ?? '';
    return `unexpected argument ${JSON.stringify(given.length > 40 ? `${given.slice(0, 40)}…` : given)}; it takes only flags`;
  }
  return error.message.replace(/\.$/, '');
}
