// A daemon log line read back: the human format (`<ISO time> LEVEL msg key=value …`), a JSON object, or anything else.

export type LogLineLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LINE_LEVELS: readonly LogLineLevel[] = ['debug', 'info', 'warn', 'error'];
const ORDER: Record<LogLineLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogEntry {
  /** ISO time, when the line has one. */
  time?: string;
  level: LogLineLevel;
  msg: string;
  fields: Record<string, unknown>;
  /**
   * True for a line in neither format (a crash trace, a runtime warning): msg is the line as it is, and its level is
   * error so `--level error` keeps it.
   */
  raw: boolean;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;
// `2024-05-01T10:00:00.000Z INFO  listening socket=/x` (the level padded to 5); colour codes, if any, are dropped first.
const HUMAN = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (DEBUG|INFO |WARN |ERROR) (.*)$/s;
// A line that only carries a time (brains demo's log): read as info.
const TIMED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/s;
const TRAILING_FIELD = /\s([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|[^\s"=]+)$/s;
const COLOUR = /\u001b\[[0-9;]*m/g;

export function parseLogLine(line: string): LogEntry {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.startsWith('{')) {
    const entry = jsonEntry(text);
    if (entry) return entry;
  }
  const human = HUMAN.exec(text.replace(COLOUR, ''));
  if (human) {
    const { msg, fields } = splitFields(human[3]!);
    return { time: human[1]!, level: human[2]!.trim().toLowerCase() as LogLineLevel, msg, fields, raw: false };
  }
  const timed = TIMED.exec(text);
  if (timed) return { time: timed[1]!, level: 'info', msg: timed[2]!, fields: {}, raw: false };
  return { level: 'error', msg: text, fields: {}, raw: true };
}

export function isLogLineLevel(value: unknown): value is LogLineLevel {
  return typeof value === 'string' && Object.hasOwn(ORDER, value);
}

/** True when the entry is at or above the level (debug < info < warn < error). */
export function atLeast(entry: LogEntry, level: LogLineLevel): boolean {
  return ORDER[entry.level] >= ORDER[level];
}

/**
 * The entry as one JSON object, the shape `--log-format json` writes: {time, level, msg, ...fields}; a raw line is
 * {level: 'error', msg: <the line>, raw: true}. Fields never overwrite time, level or msg.
 */
export function entryJson(entry: LogEntry): Record<string, unknown> {
  if (entry.raw) return { level: entry.level, msg: entry.msg, raw: true };
  const { time: _time, level: _level, msg: _msg, ...fields } = entry.fields;
  return { ...(entry.time ? { time: entry.time } : {}), level: entry.level, msg: entry.msg, ...fields };
}

function jsonEntry(text: string): LogEntry | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { time, level, msg, ...fields } = value as Record<string, unknown>;
  if (!isLogLineLevel(level) || typeof msg !== 'string') return null;
  return { ...(typeof time === 'string' && ISO_TIME.test(time) ? { time } : {}), level, msg, fields, raw: false };
}

/** `msg key=value key="quoted value"`: fields are peeled off the end, so a message may hold spaces. */
function splitFields(body: string): { msg: string; fields: Record<string, unknown> } {
  const peeled: Array<[string, unknown]> = [];
  let rest = body;
  for (;;) {
    const found = TRAILING_FIELD.exec(rest);
    if (!found) break;
    peeled.push([found[1]!, fieldValue(found[2]!)]);
    rest = rest.slice(0, found.index);
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of peeled.reverse()) {
    if (key !== '__proto__') fields[key] = value;
  }
  return { msg: rest, fields };
}

/** A quoted value is a string; a bare one is a number, true, false or null when it reads as one (the logger wrote it so), else a string. */
function fieldValue(text: string): unknown {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text;
    }
  }
  if (/^(?:-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|true|false|null)$/i.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
