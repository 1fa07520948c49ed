// `brains wire` / `brains unwire`: register brains with every detected agent tool, and remove exactly that.
import { homedir } from 'node:os';
import { stateHome, statePaths } from '../../rpc/paths.js';
import { ensureClientKey, peekClientKey, revokeClientKey } from '../../daemon/http/client-keys.js';
import { usageOf } from '../command-table.js';
import { EXIT } from './exit-codes.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { FAILED, runStatus, runUnwire, runWire, type Outcome, type ToolStatus } from '../wire/engine.js';
import { loadRecord } from '../wire/files.js';
import { backupsOf } from '../wire/backups.js';
import { missingParts } from '../wire/launcher.js';
import { daemonEndpoint, endpointProblem } from '../wire/mcp-endpoint.js';
import { isDetected, TOOL_NAMES, tools, type Tool } from '../wire/tools.js';
import type { ToolName, Transport } from '../wire/targets.js';

class UsageError extends Error {}

interface Flags {
  tools: ToolName[];
  transport: Transport;
  rules: boolean;
  hooks: boolean;
  dryRun: boolean;
  status: boolean;
  json: boolean;
  help: boolean;
}

/** "unknown option --dryrun; did you mean --dry-run?", or the flags it takes when nothing is near. */
function unknownFlag(given: string, allowed: ReadonlySet<string>): string {
  const flags = [...allowed].filter((flag) => flag.startsWith('--')).map((flag) => flag.slice(2));
  const shown = JSON.stringify(given.length > 40 ? `${given.slice(0, 40)}…` : given);
  if (!given.startsWith('-')) return `unexpected argument ${shown}; it takes only flags`;
  const nearest = nearestName(given.replace(/^-+/, ''), flags);
  return `unknown option ${given.length > 40 ? shown : given}; ${nearest ? `did you mean --${nearest}?` : `it takes ${flags.map((flag) => `--${flag}`).join(', ')}`}`;
}

const DEFAULT_FLAGS: Readonly<Flags> = { tools: [], transport: 'stdio', rules: true, hooks: true, dryRun: false, status: false, json: false, help: false };

function parseFlags(args: string[], allowed: ReadonlySet<string>): Flags {
  const flags: Flags = { ...DEFAULT_FLAGS, tools: [] };
  for (let k = 0; k < args.length; k++) {
    const arg = args[k] as string;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!allowed.has(name)) throw new UsageError(unknownFlag(name, allowed));
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[++k];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--tool': {
        const tool = value();
        if (!(TOOL_NAMES as readonly string[]).includes(tool)) throw new UsageError(`unknown tool ${JSON.stringify(tool)}; tools: ${TOOL_NAMES.join(', ')}`);
        if (!flags.tools.includes(tool as ToolName)) flags.tools.push(tool as ToolName);
        break;
      }
      case '--transport': {
        const transport = value();
        if (transport !== 'stdio' && transport !== 'http') throw new UsageError('--transport is stdio or http');
        flags.transport = transport;
        break;
      }
      case '--no-rules':
        flags.rules = false;
        break;
      case '--no-hooks':
        flags.hooks = false;
        break;
      case '--dry-run':
        flags.dryRun = true;
        break;
      case '--status':
        flags.status = true;
        break;
      case '--json':
        flags.json = true;
        break;
      default:
        flags.help = true;
    }
  }
  return flags;
}

function tilde(path: string): string {
  const home = homedir();
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** Stands in for a key that does not exist (status, dry-run, tools not selected). */
const NO_KEY = '<a key brains wire makes>';

function settingsFor(flags: Flags, clientKey: (tool: ToolName) => string = () => NO_KEY, mcpUrl?: string): Parameters<typeof tools>[0] {
  return { transport: flags.transport, rules: flags.rules, hooks: flags.hooks, env: process.env, platform: process.platform, clientKey, ...(mcpUrl ? { mcpUrl } : {}) };
}

function keysDir(): string {
  return statePaths().keysDir;
}

function peekKey(tool: ToolName): string | null {
  try {
    return peekClientKey(keysDir(), tool);
  } catch {
    return null;
  }
}

/** The keys the selected tools present over HTTP: existing ones reused, missing ones made (only peeked at on a dry run). */
function keysFor(names: ToolName[], dryRun: boolean): Map<ToolName, string> {
  const keys = new Map<ToolName, string>();
  for (const name of names) {
    if (name === 'claude-desktop') continue;
    keys.set(name, dryRun ? (peekKey(name) ?? NO_KEY) : ensureClientKey(keysDir(), name).key);
  }
  return keys;
}

/** A tool's key exists only while its config carries it: revoke the keys of tools that no longer use HTTP. Returns the tools revoked. */
function revokeUnused(names: ToolName[], keep: (name: ToolName) => boolean): ToolName[] {
  const revoked: ToolName[] = [];
  for (const name of names) {
    if (name === 'claude-desktop' || keep(name)) continue;
    try {
      if (revokeClientKey(keysDir(), name)) revoked.push(name);
    } catch (error) {
      process.stderr.write(`brains: could not revoke the MCP key of ${name}: ${(error as Error).message}\n`);
    }
  }
  return revoked;
}

/** The tools to act on: those named with --tool (detected or not), else every detected one. */
function select(all: Tool[], flags: Flags): Tool[] {
  return flags.tools.length > 0 ? all.filter((t) => flags.tools.includes(t.name)) : all.filter(isDetected);
}

function describe(outcome: Outcome): string {
  const changes = !['unchanged', 'not-wired', 'left', 'skipped'].includes(outcome.action) && !FAILED.has(outcome.action);
  const verb = outcome.planned && changes ? `would be ${outcome.action}` : outcome.action;
  const what = outcome.role === 'mcp' ? `mcp${outcome.transport ? ` (${outcome.transport})` : ''}` : outcome.role;
  const extra = outcome.message ? ` (${outcome.message})` : '';
  return `${what} ${verb} in ${tilde(outcome.file)}${extra}`;
}

function report(selected: Tool[], outcomes: Outcome[], emptyLine: string): number {
  let failed = false;
  for (const tool of selected) {
    const mine = outcomes.filter((o) => o.tool === tool.name);
    if (mine.some((o) => FAILED.has(o.action))) failed = true;
    const parts = mine.length === 0 ? [emptyLine] : mine.map(describe);
    process.stdout.write(`${tool.name}: ${parts.join('; ')}\n`);
    for (const o of mine) if (o.diff) process.stdout.write(`${o.diff}\n`);
  }
  return failed ? EXIT.METHOD_ERROR : EXIT.OK;
}

export type CheckedStatus = ToolStatus & { launch?: 'brains' | 'absolute' | 'missing'; http_endpoint?: 'answers' | 'fails'; http_key?: 'present' | 'missing' };

/** A wired entry's launch command still exists (and whether it survives a move), or its HTTP URL answers and takes its key. */
async function checkEntry(status: ToolStatus, knownKey: string | null): Promise<CheckedStatus> {
  const mcp = status.targets.find((t) => t.role === 'mcp');
  const facts = mcp?.facts;
  // The key stays out of what --status prints.
  const targets = status.targets.map(({ facts: found, ...rest }) => {
    if (found === undefined) return rest;
    const { bearer: _key, ...shown } = found;
    return { ...rest, facts: shown };
  });
  const out: CheckedStatus = { ...status, targets };
  if (!status.wired || facts === undefined) return out;
  if (facts.command !== undefined) {
    const missing = missingParts(facts.command, facts.args ?? [], process.env);
    if (missing.length > 0) {
      out.launch = 'missing';
      out.notes = [`its command no longer exists (${missing.map(tilde).join(', ')} not found): run brains wire --tool ${status.tool} again`, ...status.notes];
    } else if (facts.command === 'brains') {
      out.launch = 'brains';
    } else {
      out.launch = 'absolute';
      out.notes = [`it launches ${tilde(facts.command)} ${tilde(facts.args?.[0] ?? '')} by absolute path: moving this checkout or changing Node breaks it; put this install's brains on PATH (npm link) and run brains wire again`, ...status.notes];
    }
  } else if (facts.url !== undefined) {
    const problem = await endpointProblem(facts.url, facts.bearer ?? knownKey);
    out.http_endpoint = problem === null ? 'answers' : 'fails';
    if (problem !== null) out.notes = [problem, ...out.notes];
  }
  return out;
}

/**
 * What --status (and brains doctor) reports of each tool, or of those named: wired or not, and each wired entry checked:
 * its HTTP key present, its command still there, its HTTP URL answering and taking its key.
 */
export async function checkedStatuses(names: readonly ToolName[] = [], transport: Transport = 'stdio'): Promise<CheckedStatus[]> {
  const known = new Map(TOOL_NAMES.map((tool) => [tool, peekKey(tool)]));
  const all = tools({ ...settingsFor({ ...DEFAULT_FLAGS, transport }, (tool) => known.get(tool) ?? NO_KEY), rules: true, hooks: true });
  const shown = names.length > 0 ? all.filter((t) => names.includes(t.name)) : all;
  const statuses = runStatus(shown, stateHome()).map((s) => {
    if (!s.wired || s.transport !== 'http' || s.tool === 'claude-desktop') return s;
    const key = (known.get(s.tool as ToolName) ?? null) !== null;
    return { ...s, http_key: key ? 'present' : 'missing', notes: key ? s.notes : [`its MCP key is gone: run brains wire --transport http --tool ${s.tool}`, ...s.notes] };
  });
  return Promise.all(statuses.map((s) => checkEntry(s, known.get(s.tool as ToolName) ?? null)));
}

function printStatus(statuses: ToolStatus[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(statuses, null, process.stdout.isTTY ? 2 : undefined)}\n`);
    return;
  }
  for (const s of statuses) {
    const mcp = s.targets.find((t) => t.role === 'mcp');
    const head = `${s.tool}: ${s.detected ? 'detected' : 'not detected'}, ${s.wired ? `wired (${s.transport ?? '?'})` : mcp?.state === 'foreign' ? 'another "brains" entry' : 'not wired'} in ${tilde(s.file)}`;
    const rest = s.targets
      .filter((t) => t.role !== 'mcp' || !['ours', 'stale', 'absent', 'foreign'].includes(t.state))
      .map((t) => `${t.role} ${t.wired ? 'yes' : t.state === 'absent' ? 'no' : t.state}${t.role === 'mcp' ? '' : ` (${tilde(t.file)})`}`);
    const notes = [...s.targets.flatMap((t) => (t.note ? [t.note] : [])), ...s.notes];
    process.stdout.write(`${[head, ...rest].join('; ')}${notes.length > 0 ? ` [${notes.join('; ')}]` : ''}\n`);
  }
}

const WIRE_FLAGS = new Set(['--tool', '--transport', '--no-rules', '--no-hooks', '--dry-run', '--status', '--json', '--help', '-h']);
const UNWIRE_FLAGS = new Set(['--tool', '--dry-run', '--help', '-h']);

export async function wireCommand(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(args, WIRE_FLAGS);
  } catch (error) {
    process.stderr.write(`brains wire: ${(error as Error).message}\nusage: ${usageOf('wire')}\n`);
    return EXIT.USAGE;
  }
  if (flags.help) return (await import('./help.js')).helpCommand(['wire']);
  if (flags.status) {
    printStatus(await checkedStatuses(flags.tools, flags.transport), flags.json);
    return EXIT.OK;
  }
  const selectedNames = select(tools(settingsFor(flags)), flags).map((t) => t.name);
  if (selectedNames.length === 0) {
    process.stdout.write(`no agent tool detected under ${homedir()}; name one with --tool (${TOOL_NAMES.join(', ')})\n`);
    return EXIT.OK;
  }
  let keys = new Map<ToolName, string>();
  let mcpUrl: string | undefined;
  if (flags.transport === 'http' && selectedNames.some((name) => name !== 'claude-desktop')) {
    const endpoint = await daemonEndpoint(statePaths());
    if ('problem' in endpoint) {
      process.stderr.write(`brains wire: ${endpoint.problem}\n`);
      return EXIT.METHOD_ERROR;
    }
    mcpUrl = endpoint.url;
    try {
      keys = keysFor(selectedNames, flags.dryRun);
    } catch (error) {
      process.stderr.write(`brains wire: ${(error as Error).message}\n`);
      return EXIT.METHOD_ERROR;
    }
  }
  const selected = tools(settingsFor(flags, (tool) => keys.get(tool) ?? NO_KEY, mcpUrl)).filter((t) => selectedNames.includes(t.name));
  const outcomes = runWire(selected, stateHome(), flags.dryRun);
  const code = report(selected, outcomes, 'nothing to do');
  if (!flags.dryRun && flags.transport === 'stdio') {
    // A tool whose entry could not be switched to stdio may still send its key: keep it.
    const notSwitched = (name: ToolName) => !outcomes.some((o) => o.tool === name && o.role === 'mcp' && !FAILED.has(o.action));
    for (const name of revokeUnused(selectedNames, notSwitched)) process.stdout.write(`${name}: its MCP HTTP key is revoked (the tool now uses stdio)\n`);
  }
  return code;
}

export async function unwireCommand(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(args, UNWIRE_FLAGS);
  } catch (error) {
    process.stderr.write(`brains unwire: ${(error as Error).message}\nusage: ${usageOf('unwire')}\n`);
    return EXIT.USAGE;
  }
  if (flags.help) return (await import('./help.js')).helpCommand(['unwire']);
  const all = tools({ ...settingsFor(flags), rules: true, hooks: true });
  const selected = flags.tools.length > 0 ? all.filter((t) => flags.tools.includes(t.name)) : all;
  const outcomes = runUnwire(selected, stateHome(), flags.dryRun);
  if (!flags.dryRun) {
    const stillWired = new Set(Object.values(loadRecord(stateHome()).files).filter((f) => f.role === 'mcp').map((f) => f.tool));
    for (const name of revokeUnused(selected.map((t) => t.name), (name) => stillWired.has(name))) {
      process.stdout.write(`${name}: its MCP HTTP key is revoked\n`);
    }
  }
  const touched = selected.filter((t) => flags.tools.includes(t.name) || outcomes.some((o) => o.tool === t.name));
  if (touched.length === 0) {
    process.stdout.write('nothing to unwire: wire has not changed any tool\n');
    return EXIT.OK;
  }
  const code = report(touched, outcomes, 'not wired');
  if (!flags.dryRun) reportBackups([...new Set(outcomes.map((o) => o.file))]);
  return code;
}

/** Unwire keeps every backup wire and unwire made: say which and where, so they can be deleted once not needed. */
function reportBackups(files: string[]): void {
  const left = files.flatMap(backupsOf);
  if (left.length === 0) return;
  process.stdout.write(`backups left (delete them once you no longer need them):\n${left.map((path) => `  ${tilde(path)}\n`).join('')}`);
}
