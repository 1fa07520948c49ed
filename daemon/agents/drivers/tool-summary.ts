// A person watching an agent reads one line per tool call (the command, the file and what changes), never its raw JSON.
import { isAbsolute, relative } from 'node:path';
import { escapeInvisible } from '../../../rpc/visible-text.js';

export const SUMMARY_CHARS = 200;

/** The text on one line with its invisible characters escaped, cut to `chars` characters (never inside a surrogate pair). */
export function oneLine(text: string, chars = SUMMARY_CHARS): string {
  const visible = escapeInvisible(text.trim().replace(/\s*\r?\n\s*/g, ' ⏎ '), 'spaces');
  const points = [...visible];
  return points.length <= chars ? visible : `${points.slice(0, chars - 1).join('')}…`;
}

/** A tool's input as the line a person reads: Bash's command, an edit's file and line counts, a read's path. */
export function summarizeToolInput(toolName: string, input: Record<string, unknown>, cwd?: string): string {
  const path = (key: string): string => shortPath(stringField(input, key), cwd);
  switch (toolName) {
    case 'Bash':
      return oneLine(stringField(input, 'command'));
    case 'Read':
      return oneLine(`read ${path('file_path')}`);
    case 'Write':
      return oneLine(`write ${path('file_path')} (${lineCount(stringField(input, 'content'))} lines)`);
    case 'Edit':
      return oneLine(`edit ${path('file_path')} (${lineChange([input])})`);
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? (input.edits as Record<string, unknown>[]) : [];
      return oneLine(`edit ${path('file_path')} (${edits.length} edits, ${lineChange(edits)})`);
    }
    default: {
      const key = NAMED_FIELD[toolName];
      if (key && typeof input[key] === 'string') return oneLine(`${key}: ${input[key]}`);
      return oneLine(compactJson(input));
    }
  }
}

/** A tool's result (a string or an array of content blocks) as one clipped line. */
export function summarizeToolResult(content: unknown): string {
  if (typeof content === 'string') return oneLine(content);
  if (Array.isArray(content)) {
    const texts = content.map((block) => (isRecord(block) && typeof block.text === 'string' ? block.text : isRecord(block) ? `[${String(block.type)}]` : ''));
    return oneLine(texts.filter(Boolean).join(' '));
  }
  return content === undefined || content === null ? '' : oneLine(compactJson(content));
}

const NAMED_FIELD: Record<string, string> = {
  Glob: 'pattern',
  Grep: 'pattern',
  WebFetch: 'url',
  WebSearch: 'query',
  Task: 'description',
  NotebookEdit: 'notebook_path',
};

function lineChange(edits: readonly Record<string, unknown>[]): string {
  let removed = 0;
  let added = 0;
  for (const edit of edits) {
    removed += lineCount(stringField(edit, 'old_string'));
    added += lineCount(stringField(edit, 'new_string'));
  }
  return `-${removed} +${added} lines`;
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function shortPath(path: string, cwd: string | undefined): string {
  if (!cwd || !isAbsolute(path)) return path || '?';
  const inside = relative(cwd, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

function stringField(record: Record<string, unknown>, key: string): string {
  const value = isRecord(record) ? record[key] : undefined;
  return typeof value === 'string' ? value : '';
}

function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
