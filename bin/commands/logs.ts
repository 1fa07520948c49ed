// `brains logs`: the daemon's log (or brains demo's) as lines or JSON, the last N, every kept file, or followed; never starts the daemon.
import { nearestName } from '../../rpc/nearest-name.js';
import { atLeast, entryJson, isLogLineLevel, LOG_LINE_LEVELS, parseLogLine, type LogLineLevel } from '../../rpc/log-lines.js';
import { statePaths } from '../../rpc/paths.js';
import { escapeInvisible } from '../../rpc/visible-text.js';
import { EXIT } from './exit-codes.js';
import { parseFlags, printUsageError } from './flags.js';
import { everyLine, followLog, lastLines, markOf } from './log-reader.js';

const DEFAULT_LINES = 50;
const MAX_LINES = 1_000_000;

export async function logsCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('logs', argv, {
    lines: { type: 'string', short: 'n' },
    follow: { type: 'boolean', short: 'f' },
    level: { type: 'string' },
    json: { type: 'boolean' },
    all: { type: 'boolean' },
    demo: { type: 'boolean' },
  });
  if (!parsed) return EXIT.USAGE;
  const { values } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['logs']);
  if (values.all && values.lines !== undefined) return printUsageError('logs', '--all prints every kept line, -n the last N: pick one');
  let count = DEFAULT_LINES;
  if (values.lines !== undefined) {
    count = /^\d{1,7}$/.test(values.lines) ? Number(values.lines) : NaN;
    if (!(count <= MAX_LINES)) return printUsageError('logs', `-n takes a number of lines from 0 to ${MAX_LINES}, not ${shown(values.lines)}`);
  }
  let level: LogLineLevel = 'debug';
  if (values.level !== undefined) {
    const given = values.level.toLowerCase();
    if (!isLogLineLevel(given)) {
      const nearest = nearestName(given, [...LOG_LINE_LEVELS, 'warning']);
      const hint = nearest ? `; did you mean ${nearest === 'warning' ? 'warn' : nearest}?` : '';
      return printUsageError('logs', `--level must be one of ${LOG_LINE_LEVELS.join(', ')}, not ${shown(values.level)}${hint}`);
    }
    level = given;
  }

  const paths = statePaths();
  const logPath = values.demo ? paths.demoLog : paths.daemonLog;
  const keep = (line: string) => level === 'debug' || atLeast(parseLogLine(line), level);
  const print = values.json
    ? (line: string) => process.stdout.write(`${JSON.stringify(entryJson(parseLogLine(line)))}\n`)
    : (line: string) => process.stdout.write(`${escapeInvisible(line, 'spaces')}\n`);
  const printKept = (line: string) => {
    if (keep(line)) print(line);
  };

  const mark = markOf(logPath);
  if (mark.ino === null) {
    process.stderr.write(`brains logs: ${noLogYet(logPath, values.demo === true)}${values.follow ? '; waiting for it' : ''}\n`);
    if (!values.follow) return EXIT.METHOD_ERROR;
  } else if (values.all) {
    everyLine(logPath, mark, printKept);
  } else {
    for (const line of lastLines(logPath, mark, count, keep)) print(line);
  }
  if (!values.follow) return EXIT.OK;

  const following = followLog(logPath, mark, printKept);
  const stop = () => following.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await following.done;
  return EXIT.OK;
}

function noLogYet(logPath: string, demo: boolean): string {
  if (demo) return `no demo log yet at ${logPath}; brains demo writes it`;
  return `no daemon log yet at ${logPath}; a daemon started by brains up (or by a command that starts it) writes it, while brains daemon in the foreground logs to its terminal`;
}

/** A value as the person typed it, quoted, escaped and cut short so an error line stays one short line. */
function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
