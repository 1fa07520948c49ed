// `brains hook <event>`: the command agent tools (Claude Code, Codex) run on their hook events. It reads the tool's
// hook JSON on stdin, makes one call to the daemon, and prints what the daemon says (usually nothing). It runs on
// every prompt, so it stays thin (no zod, no contract at run time) and it never breaks the agent: whatever goes
// wrong, it exits 0 and prints nothing.
import { nearestName } from '../../rpc/nearest-name.js';
import { escapeInvisible } from '../../rpc/visible-text.js';
import { BrainsClient } from '../../rpc/client.js';
import { statePaths } from '../../rpc/paths.js';
import { agentPid } from './agent-pid.js';
import { usageOf } from '../command-table.js';

const EVENTS = new Set(['session-start', 'user-prompt-submit', 'stop', 'session-end']);
const TOOLS = new Set(['claude-code', 'codex']);
/** More than any hook input brains reads; a bigger one (a huge pasted prompt) is not parsed. */
const MAX_INPUT_BYTES = 1024 * 1024;
/** The agent waits for the hook: give up well before the tool's own hook timeout. */
const CALL_TIMEOUT_MS = 5_000;

interface HookArgs {
  event: string;
  tool: string;
  autoStart: boolean;
}

export async function hookCommand(argv: string[]): Promise<number> {
  const args = parseHookArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args}\nusage: ${usageOf('hook')}\n`);
    return 0;
  }
  if (process.stdin.isTTY) {
    process.stderr.write(`brains hook reads the agent tool's hook JSON on stdin; it is run by the tool (see brains wire).\nusage: ${usageOf('hook')}\n`);
    return 0;
  }
  const payload = pickPayload(await readInput());
  if (!payload) return quietly('stdin was not a hook input with a session_id');
  const answer = await ask(args, { tool: args.tool, event: args.event, payload, pid: agentPid() });
  if (answer?.stdout) process.stdout.write(`${answer.stdout}\n`);
  return answer?.exit_code === 2 ? 2 : 0;
}

function parseHookArgs(argv: string[]): HookArgs | string {
  let event: string | undefined;
  let tool = 'claude-code';
  let autoStart = true;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--no-start') autoStart = false;
    else if (arg === '--tool') tool = argv[++i] ?? '';
    else if (arg.startsWith('--tool=')) tool = arg.slice('--tool='.length);
    else if (arg === '--help' || arg === '-h') return 'brains hook: run by an agent tool on its hook events; prints context for the agent, or nothing.';
    else if (arg.startsWith('-')) return `brains hook: unknown option ${shown(arg)}${suggest(arg.replace(/^-+/, ''), HOOK_OPTIONS, '--')}`;
    else if (event === undefined) event = arg;
    else return `brains hook: unexpected argument ${shown(arg)}`;
  }
  if (event === undefined || !EVENTS.has(event)) return `brains hook: unknown event ${shown(event ?? '')}${suggest(event ?? '', [...EVENTS])}`;
  if (!TOOLS.has(tool)) return `brains hook: unknown --tool ${shown(tool)}${suggest(tool, [...TOOLS])}`;
  return { event, tool, autoStart };
}

const HOOK_OPTIONS = ['tool', 'no-start', 'help'];

/** A value from the command line, quoted, cut and with invisible characters escaped. */
function shown(value: string): string {
  return `"${escapeInvisible(value.length > 40 ? `${value.slice(0, 40)}…` : value)}"`;
}

function suggest(word: string, names: readonly string[], prefix = ''): string {
  const nearest = word.length > 0 && word.length <= 80 ? nearestName(word, names) : undefined;
  return nearest ? `; did you mean ${prefix}${nearest}?` : '';
}

/** All of stdin, or null when it is larger than any hook input brains reads (the rest is drained, not kept). */
async function readInput(): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_INPUT_BYTES) chunks.push(chunk);
  }
  return size <= MAX_INPUT_BYTES ? Buffer.concat(chunks).toString('utf8') : null;
}

/** The fields of the tool's input that brains uses, each only when it has the documented type; null without a session_id. */
function pickPayload(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  const fields = input as Record<string, unknown>;
  if (typeof fields.session_id !== 'string') return null;
  const picked: Record<string, unknown> = { session_id: fields.session_id };
  for (const key of ['cwd', 'transcript_path', 'hook_event_name', 'source', 'reason'] as const) {
    if (typeof fields[key] === 'string') picked[key] = fields[key];
  }
  if (typeof fields.stop_hook_active === 'boolean') picked.stop_hook_active = fields.stop_hook_active;
  return picked;
}

interface HookAnswer {
  stdout: string | null;
  exit_code: number;
}

/** One call to the daemon; null (and silence) when it cannot be reached, refuses, or takes too long. */
async function ask(args: HookArgs, params: Record<string, unknown>): Promise<HookAnswer | null> {
  const client = await connect(args);
  if (!client) return null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), CALL_TIMEOUT_MS)));
    const answer = (await Promise.race([client.callRaw('hook.handle', params), timeout])) as HookAnswer | null;
    if (!answer) quietly('the daemon did not answer in time');
    return answer;
  } catch (error) {
    quietly(error instanceof Error ? error.message : String(error));
    return null;
  } finally {
    clearTimeout(timer);
    client.close().catch(() => {});
  }
}

/** Connect; only a session start may start the daemon (a prompt never waits for one to boot), and never one stopped with brains down. */
async function connect(args: HookArgs): Promise<BrainsClient | null> {
  const paths = statePaths();
  try {
    return await BrainsClient.connect(paths.socket);
  } catch {
    if (!args.autoStart || args.event !== 'session-start') return null;
  }
  try {
    const { connectOrStart } = await import('../../rpc/autostart.js');
    return await connectOrStart(paths, { autoStart: true });
  } catch (error) {
    quietly(error instanceof Error ? error.message : String(error));
    return null;
  }
}

/** Hooks stay silent for the agent; BRAINS_HOOK_DEBUG=1 shows why one said nothing. */
function quietly(why: string): number {
  if (process.env.BRAINS_HOOK_DEBUG) process.stderr.write(`brains hook: ${why}\n`);
  return 0;
}
