// `brains wire` / `brains unwire`: register brains with every detected agent tool, and remove exactly that.
import { homedir } from 'node:os';
import { stateHome } from '../../rpc/paths.js';
import { EXIT } from './exit-codes.js';
import { FAILED, runStatus, runUnwire, runWire, type Outcome, type ToolStatus } from '../wire/engine.js';
import { isDetected, TOOL_NAMES, tools, type Tool } from '../wire/tools.js';
import type { ToolName, Transport } from '../wire/targets.js';

export const WIRE_USAGE =
  'brains wire [--tool NAME]... [--transport stdio|http] [--no-rules] [--no-hooks] [--dry-run]\n       brains wire --status [--tool NAME]... [--json]';
export const UNWIRE_USAGE = 'brains unwire [--tool NAME]... [--dry-run]';

export const WIRE_DETAILS = [
  'Registers brains as an MCP server in the user-level config of every detected agent tool (or only those named with --tool:',
  'claude-code, codex, copilot, gemini, cursor, vscode, claude-desktop), adds a short "use brains" block to their instruction',
  'files (--no-rules to skip) and Claude Code / Codex hooks that run `brains hook <event>` (--no-hooks to skip).',
  'Transport: stdio (default) runs `brains mcp`; http points at http://127.0.0.1:9877/mcp (BRAINS_MCP_PORT) with the token from',
  '$BRAINS_MCP_TOKEN, and needs the daemon\'s HTTP endpoint (coming next). Claude Desktop is always stdio.',
  'Every change is backed up (<file>.bak-<timestamp>), written atomically, and recorded in $BRAINS_HOME/wire.json; a second run',
  'changes nothing. An entry named brains that wire did not write is left alone and reported. Malformed files are left untouched.',
  'Exit codes: 0 all good; 1 some tool failed or conflicted (the others are still wired); 2 usage.',
];
export const UNWIRE_DETAILS = [
  'Removes what brains wire added, per its record: a file nobody changed since is restored byte for byte (or deleted when wire',
  'created it); otherwise only our entries, blocks and hooks are taken out and the rest of your edits stay.',
];

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

function parseFlags(args: string[], allowed: ReadonlySet<string>): Flags {
  const flags: Flags = { tools: [], transport: 'stdio', rules: true, hooks: true, dryRun: false, status: false, json: false, help: false };
  for (let k = 0; k < args.length; k++) {
    const arg = args[k] as string;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!allowed.has(name)) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
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

function settingsFor(flags: Flags): Parameters<typeof tools>[0] {
  return { transport: flags.transport, rules: flags.rules, hooks: flags.hooks, env: process.env, platform: process.platform };
}

/** The tools to act on: those named with --tool (detected or not), else every detected one. */
function select(all: Tool[], flags: Flags): Tool[] {
  return flags.tools.length > 0 ? all.filter((t) => flags.tools.includes(t.name)) : all.filter(isDetected);
}

function describe(outcome: Outcome): string {
  const changes = !['unchanged', 'not-wired', 'left'].includes(outcome.action) && !FAILED.has(outcome.action);
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
    process.stderr.write(`brains wire: ${(error as Error).message}\nusage: ${WIRE_USAGE}\n`);
    return EXIT.USAGE;
  }
  if (flags.help) {
    process.stdout.write(`usage: ${WIRE_USAGE}\n\n${WIRE_DETAILS.join('\n')}\n`);
    return EXIT.OK;
  }
  if (flags.status) {
    const all = tools({ ...settingsFor(flags), rules: true, hooks: true });
    const shown = flags.tools.length > 0 ? all.filter((t) => flags.tools.includes(t.name)) : all;
    printStatus(runStatus(shown, stateHome()), flags.json);
    return EXIT.OK;
  }
  const selected = select(tools(settingsFor(flags)), flags);
  if (selected.length === 0) {
    process.stdout.write(`no agent tool detected under ${homedir()}; name one with --tool (${TOOL_NAMES.join(', ')})\n`);
    return EXIT.OK;
  }
  return report(selected, runWire(selected, stateHome(), flags.dryRun), 'nothing to do');
}

export async function unwireCommand(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(args, UNWIRE_FLAGS);
  } catch (error) {
    process.stderr.write(`brains unwire: ${(error as Error).message}\nusage: ${UNWIRE_USAGE}\n`);
    return EXIT.USAGE;
  }
  if (flags.help) {
    process.stdout.write(`usage: ${UNWIRE_USAGE}\n\n${UNWIRE_DETAILS.join('\n')}\n`);
    return EXIT.OK;
  }
  const all = tools({ ...settingsFor(flags), rules: true, hooks: true });
  const selected = flags.tools.length > 0 ? all.filter((t) => flags.tools.includes(t.name)) : all;
  const outcomes = runUnwire(selected, stateHome(), flags.dryRun);
  const touched = selected.filter((t) => flags.tools.includes(t.name) || outcomes.some((o) => o.tool === t.name));
  if (touched.length === 0) {
    process.stdout.write('nothing to unwire: wire has not changed any tool\n');
    return EXIT.OK;
  }
  return report(touched, outcomes, 'not wired');
}
