// One-line structured logs to stderr: readable by default, JSON on request, colour only on a TTY and never with NO_COLOR.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'human' | 'json';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const COLOR: Record<LogLevel, string> = { debug: '\x1b[90m', info: '\x1b[36m', warn: '\x1b[33m', error: '\x1b[31m' };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevel;
  color: boolean;
  write?: (line: string) => void;
}

export function shouldColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined;
}

/** Writes to stderr and drops the line when stderr is gone (closed pipe): logging must never take the daemon down. */
function writeStderr(line: string): void {
  if (process.stderr.destroyed || !process.stderr.writable) return;
  try {
    process.stderr.write(line);
  } catch {
    /* EPIPE and friends: nobody is reading */
  }
}

let stderrGuarded = false;

export function createLogger(opts: LoggerOptions): Logger {
  if (!opts.write && !stderrGuarded) {
    stderrGuarded = true;
    process.stderr.on('error', () => {}); // an async EPIPE would otherwise be an uncaught exception
  }
  const write = opts.write ?? writeStderr;
  const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < ORDER[opts.level]) return;
    const time = new Date().toISOString();
    if (opts.format === 'json') {
      write(`${JSON.stringify({ time, level, msg, ...fields })}\n`);
      return;
    }
    const tag = level.toUpperCase().padEnd(5);
    const rest = Object.entries(fields)
      .map(([key, value]) => `${key}=${formatValue(value)}`)
      .join(' ');
    const head = opts.color ? `${COLOR[level]}${tag}\x1b[0m` : tag;
    write(`${time} ${head} ${msg}${rest ? ` ${rest}` : ''}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const oneLine = (text ?? 'undefined').replace(/\n/g, '\\n');
  return /[\s"=]/.test(oneLine) ? JSON.stringify(oneLine) : oneLine;
}
