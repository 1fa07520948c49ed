// Runs wire, unwire and status over the tools' targets: decide per file, back up, write atomically, keep the record.
import { existsSync, readFileSync } from 'node:fs';
import { MalformedError } from './jsonc.js';
import { backup, loadRecord, readState, removeFile, saveRecord, sha256, writeAtomic, type FileRecord, type FileState, type WireRecord } from './files.js';
import type { EntryFacts, EntryState, Target } from './targets.js';
import { isDetected, type Tool } from './tools.js';

export type Action =
  | 'added'
  | 'updated'
  | 'unchanged'
  | 'conflict'
  | 'error'
  | 'restored'
  | 'removed'
  | 'deleted'
  | 'not-wired'
  | 'left'
  | 'skipped';

export interface Outcome {
  tool: string;
  role: string;
  file: string;
  action: Action;
  /** Planned only (--dry-run). */
  planned: boolean;
  message?: string;
  diff?: string;
  transport?: string;
}

export const FAILED: ReadonlySet<Action> = new Set(['conflict', 'error']);

function errorText(error: unknown): string {
  if (error instanceof MalformedError) return `malformed: ${error.message}; left untouched`;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code ? `${code}: ${(error as Error).message}` : error instanceof Error ? error.message : String(error);
}

/** A minimal one-hunk line diff: the lines that differ between the common head and tail. */
export function lineDiff(file: string, before: string | null, after: string | null): string {
  const a = before === null ? [] : before.split('\n');
  const b = after === null ? [] : after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const strip = (l: string): string => l.replace(/\r$/, '');
  const out = [`--- ${before === null ? '/dev/null' : file}`, `+++ ${after === null ? '/dev/null' : file}`, `@@ line ${head + 1} @@`];
  for (const l of a.slice(head, a.length - tail)) out.push(`-${strip(l)}`);
  for (const l of b.slice(head, b.length - tail)) out.push(`+${strip(l)}`);
  return out.join('\n');
}

function mergeCreated(a: string[][], b: string[][]): string[][] {
  const seen = new Set(a.map((p) => JSON.stringify(p)));
  return [...a, ...b.filter((p) => !seen.has(JSON.stringify(p)))];
}

type RestorePoint = Pick<FileRecord, 'before_sha256' | 'before_mode' | 'backup'>;

/** Stands in for a record that is gone when an entry is recognised by its content alone. */
function unrecorded(target: Target): FileRecord {
  return { tool: target.tool, role: target.role, before_sha256: null, after_sha256: '', backup: null, entry: null, created: [], wired_at: '' };
}

/**
 * What unwire brings the file back to. Untouched since the last wire: what that wire kept. Otherwise the file as it is
 * now, less anything an earlier wire left in it: a restore must not bring back an entry wire has since replaced.
 */
function restorePoint(target: Target, state: FileState, found: EntryState, recorded: FileRecord | undefined, backupPath: string | null): RestorePoint {
  if (recorded !== undefined && recorded.after_sha256 === sha256(state.text)) {
    return { before_sha256: recorded.before_sha256, before_mode: recorded.before_mode ?? null, backup: recorded.backup };
  }
  if (found === 'stale' && state.text !== null) {
    const withoutOurs = target.remove(state.text, recorded ?? unrecorded(target));
    if (withoutOurs !== state.text) {
      const createdByWire = recorded?.before_sha256 === null && target.isEmpty(withoutOurs);
      // No backup holds these bytes: unwire takes our entry out instead, which leaves exactly them.
      return { before_sha256: createdByWire ? null : sha256(withoutOurs), before_mode: state.mode, backup: null };
    }
  }
  return { before_sha256: sha256(state.text), before_mode: state.mode, backup: backupPath };
}

function wireTarget(target: Target, record: WireRecord, dryRun: boolean): Outcome {
  const base = { tool: target.tool, role: target.role, file: target.file, planned: dryRun };
  const transport = target.transport ? { transport: target.transport } : {};
  const recorded = record.files[target.file];
  try {
    const state = readState(target.file);
    const inspection = target.inspect(state.text, recorded);
    if (inspection.state === 'foreign') {
      return { ...base, action: 'conflict', message: target.conflict ?? `a "brains" ${target.role === 'rules' ? 'block' : 'entry'} that wire did not write is already there; left as is` };
    }
    if (inspection.state === 'ours') return { ...base, ...transport, action: 'unchanged' };
    const next = target.add(state.text, recorded);
    if (next.text === state.text) return { ...base, ...transport, action: 'unchanged' };
    const action: Action = inspection.state === 'stale' ? 'updated' : 'added';
    if (dryRun) return { ...base, ...transport, action, diff: lineDiff(target.file, state.text, next.text) };

    const backupPath = state.text === null ? null : backup(target.file);
    const mode = state.mode ?? target.newFileMode;
    // A key must not sit in a file others can read.
    const privateMode = target.secret ? mode & ~0o077 : mode;
    writeAtomic(target.file, next.text, privateMode);
    const after = sha256(next.text) as string;
    const notes = [...(backupPath ? [`backup ${backupPath}`] : []), ...(privateMode !== mode ? [`now ${privateMode.toString(8).padStart(4, '0')}: it holds a brains key`] : [])];
    const before = restorePoint(target, state, inspection.state, recorded, backupPath);
    record.files[target.file] = {
      tool: target.tool,
      role: target.role,
      ...before,
      after_sha256: after,
      entry: target.entry,
      created: mergeCreated(recorded?.created ?? [], next.created),
      wired_at: new Date().toISOString(),
    };
    return { ...base, ...transport, action, ...(notes.length > 0 ? { message: notes.join('; ') } : {}) };
  } catch (error) {
    return { ...base, action: 'error', message: errorText(error) };
  }
}

function originalBytes(rec: FileRecord): string | null | undefined {
  if (rec.before_sha256 === null) return null;
  if (!rec.backup || !existsSync(rec.backup)) return undefined;
  const text = readFileSync(rec.backup).toString('utf8');
  return sha256(text) === rec.before_sha256 ? text : undefined;
}

function unwireTarget(target: Target, record: WireRecord, dryRun: boolean): Outcome {
  const base = { tool: target.tool, role: target.role, file: target.file, planned: dryRun };
  const rec = record.files[target.file];
  if (!rec) return { ...base, action: 'not-wired' };
  try {
    const state = readState(target.file);
    if (state.text === null) {
      if (!dryRun) delete record.files[target.file];
      return { ...base, action: 'not-wired', message: 'the file is gone' };
    }
    const untouchedSinceWire = sha256(state.text) === rec.after_sha256;
    const original = untouchedSinceWire ? originalBytes(rec) : undefined;
    let next: string | null;
    let action: Action;
    if (original !== undefined) {
      next = original;
      action = original === null ? 'deleted' : 'restored';
    } else {
      target.inspect(state.text, rec);
      const removed = target.remove(state.text, rec);
      if (rec.before_sha256 === null && target.isEmpty(removed)) {
        next = null;
        action = 'deleted';
      } else {
        next = removed;
        action = removed === state.text ? 'left' : 'removed';
      }
    }
    if (action === 'left') {
      if (!dryRun) delete record.files[target.file];
      return { ...base, action, message: 'nothing of ours is left in it (changed since wire); left as is' };
    }
    if (dryRun) return { ...base, action, diff: lineDiff(target.file, state.text, next) };
    // Bytes that are exactly what wire wrote can be rebuilt by wire; anything else is backed up first.
    const backupPath = untouchedSinceWire ? null : backup(target.file);
    if (next === null) removeFile(target.file);
    else writeAtomic(target.file, next, action === 'restored' && typeof rec.before_mode === 'number' ? rec.before_mode : (state.mode ?? target.newFileMode));
    delete record.files[target.file];
    return { ...base, action, ...(backupPath ? { message: `backup ${backupPath}` } : {}) };
  } catch (error) {
    return { ...base, action: 'error', message: errorText(error) };
  }
}

/** A tool whose MCP entry could not be written gets nothing else: rules or hooks that name a server it lacks would half-wire it. */
function wireTool(tool: Tool, record: WireRecord, dryRun: boolean): Outcome[] {
  const mcp = tool.targets.find((target) => target.role === 'mcp');
  const first = mcp === undefined ? [] : [wireTarget(mcp, record, dryRun)];
  const rest = tool.targets.filter((target) => target !== mcp);
  const retired = tool.retired.filter((target) => record.files[target.file]);
  if (first.some((outcome) => FAILED.has(outcome.action))) {
    const skipped = (target: Target): Outcome => ({
      tool: target.tool,
      role: target.role,
      file: target.file,
      planned: dryRun,
      action: 'skipped',
      message: 'its MCP entry was not written; fix that and run brains wire again',
    });
    return [...first, ...rest.map(skipped)];
  }
  return [...first, ...rest.map((target) => wireTarget(target, record, dryRun)), ...retired.map((target) => unwireTarget(target, record, dryRun))];
}

/** Wire each tool's targets, and take out what an earlier wire wrote to files these settings no longer want. */
export function runWire(selected: Tool[], stateHome: string, dryRun: boolean): Outcome[] {
  const record = loadRecord(stateHome);
  const before = JSON.stringify(record);
  const outcomes = selected.flatMap((tool) => wireTool(tool, record, dryRun));
  if (!dryRun && JSON.stringify(record) !== before) saveRecord(stateHome, record);
  return outcomes;
}

/** Unwire works from the record: every file wire touched for these tools, whatever options wire ran with. */
export function runUnwire(selected: Tool[], stateHome: string, dryRun: boolean): Outcome[] {
  const record = loadRecord(stateHome);
  const before = JSON.stringify(record);
  const outcomes: Outcome[] = [];
  for (const tool of selected) {
    for (const target of [...tool.targets, ...tool.retired]) {
      if (record.files[target.file]) outcomes.push(unwireTarget(target, record, dryRun));
    }
  }
  if (!dryRun && JSON.stringify(record) !== before) saveRecord(stateHome, record);
  return outcomes;
}

export interface TargetStatus {
  role: string;
  file: string;
  exists: boolean;
  state: string;
  wired: boolean;
  by_wire: boolean;
  transport: string | null;
  note?: string;
  /** What the entry launches or points at (MCP entries). */
  facts?: EntryFacts;
}

export interface ToolStatus {
  tool: string;
  detected: boolean;
  wired: boolean;
  file: string;
  transport: string | null;
  targets: TargetStatus[];
  notes: string[];
}

export function runStatus(all: Tool[], stateHome: string): ToolStatus[] {
  const record = loadRecord(stateHome);
  return all.map((tool) => {
    const targets = tool.targets.map((target): TargetStatus => {
      const rec = record.files[target.file];
      let state: string;
      let transport: string | null = null;
      let exists = false;
      let facts: EntryFacts | undefined;
      try {
        const file = readState(target.file);
        exists = file.text !== null;
        const inspection = target.inspect(file.text, rec);
        state = inspection.state;
        transport = inspection.transport ?? null;
        if (inspection.facts !== undefined) facts = inspection.facts;
      } catch (error) {
        state = error instanceof MalformedError ? `malformed (${error.message})` : `error (${errorText(error)})`;
      }
      // An entry of ours from another transport or older paths still counts as wired.
      const wired = state === 'ours' || state === 'stale';
      const out: TargetStatus = { role: target.role, file: target.file, exists, state, wired, by_wire: rec !== undefined, transport };
      if (target.note !== undefined) out.note = target.note;
      if (facts !== undefined) out.facts = facts;
      return out;
    });
    const mcp = targets.find((t) => t.role === 'mcp') as TargetStatus;
    return { tool: tool.name, detected: isDetected(tool), wired: mcp.wired, file: mcp.file, transport: mcp.transport, targets, notes: tool.notes };
  });
}
