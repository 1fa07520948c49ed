// `brains mcp`: an MCP server on stdio that forwards every tool call to the daemon over its socket; logs only to stderr, ends with stdin.
// It is one agent instance: it registers at start (or presents BRAINS_AGENT_TOKEN), and every connection it opens says so.
// It never starts a daemon stopped with brains down: it stays up, says so to every tool call, and carries on after brains up.
import { connectOrStart } from '../../rpc/autostart.js';
import { DaemonUnreachableError, RpcCallError, type BrainsClient } from '../../rpc/client.js';
import { BrainsError } from '../../rpc/errors.js';
import { statePaths, type StatePaths } from '../../rpc/paths.js';
import { DaemonStoppedError, stoppedByUser } from '../../rpc/stopped.js';
import { VERSION } from '../../daemon/version.js';
import type { CallOptions, DaemonCall } from '../../daemon/mcp/server.js';
import { paramsTooDeep } from '../../daemon/store/json-limits.js';
import { EXIT } from './exit-codes.js';
import { parseFlags } from './flags.js';
import { agentPid } from './agent-pid.js';

const PROGRESS_ENV = 'BRAINS_MCP_PROGRESS_MS';
/** A managed agent's credential: one agent of one project (not BRAINS_MCP_TOKEN, which wire uses for Codex over HTTP). */
const TOKEN_ENV = 'BRAINS_AGENT_TOKEN';
const IDENTIFIER = /^[A-Za-z0-9_-]{1,256}$/;
const TOOLS = new Set(['claude-code', 'codex', 'copilot', 'gemini', 'cursor', 'managed', 'other']);

/**
 * How each connection of this process introduces itself: with the agent's token, or as the instance the first
 * connection registered (its secret). After a daemon restart the secret still works; if the instance was ended
 * meanwhile, the next connection registers a new one (the working directory resumes the identity).
 */
export class InstanceLogin {
  private secret: string | null = null;
  private registering: Promise<void> | null = null;

  constructor(
    private readonly token: string | undefined,
    private readonly registration: Record<string, unknown>,
  ) {}

  async present(client: BrainsClient): Promise<void> {
    if (this.token !== undefined) {
      await client.callRaw('session.authenticate', { token: this.token });
      return;
    }
    if (this.secret !== null) {
      try {
        await client.callRaw('session.authenticate', { secret: this.secret });
        return;
      } catch (error) {
        if (!(error instanceof RpcCallError) || (error.appCode !== 'CONFLICT' && error.appCode !== 'PERMISSION_DENIED')) throw error;
        this.secret = null;
      }
    }
    if (this.registering) {
      await this.registering;
      return this.present(client);
    }
    this.registering = (async () => {
      const started = (await client.callRaw('session.start', { ...this.registration, bind: true })) as { secret: string | null; session_id: string };
      this.secret = started.secret;
    })();
    try {
      await this.registering;
    } finally {
      this.registering = null;
    }
  }
}

/**
 * A variable's value, or undefined when it is unset, empty, or a reference the tool that started us left unexpanded
 * (`${BRAINS_AGENT}`, `$BRAINS_AGENT`, `${env:BRAINS_AGENT}`): wire writes such references for tools that expand them.
 */
export function givenEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '' || /^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(value)) return undefined;
  return value;
}

/** What this process registers as: the tool process's pid, this directory, and who it says it is (BRAINS_AGENT). */
export function registrationFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const tool = givenEnv(env, 'BRAINS_TOOL');
  const out: Record<string, unknown> = { tool: tool !== undefined && TOOLS.has(tool) ? tool : 'other', working_directory: process.cwd(), label: 'brains mcp' };
  out.pid = agentPid() ?? process.pid;
  const agent = givenEnv(env, 'BRAINS_AGENT');
  if (agent !== undefined) {
    if (IDENTIFIER.test(agent)) out.agent_name = agent;
    else log(`BRAINS_AGENT=${JSON.stringify(agent)} is not a name brains accepts (letters, digits, _ and -); ignored`);
  }
  const clientId = givenEnv(env, 'BRAINS_CLIENT_ID') ?? givenEnv(env, 'BRAINSTORM_CLIENT_ID');
  if (clientId !== undefined && IDENTIFIER.test(clientId)) out.client_id = clientId;
  return out;
}

/** A managed agent's token, when this process was given one. */
export function agentTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return givenEnv(env, TOKEN_ENV);
}

function log(message: string): void {
  process.stderr.write(`brains mcp: ${message}\n`);
}

/** Connections kept open for the next wait once one ends by itself: an agent that listens in a loop reconnects for none. */
const IDLE_WAIT_CONNECTIONS = 2;

/**
 * Quick calls share one connection (reopened if the daemon restarts, or opened by the first call when brains mcp started
 * while the daemon was stopped); a call that parks gets a connection of its own, closed when the MCP client cancels it,
 * which makes the daemon release the wait. A wait that ended by itself (answered, timed out) leaves its connection for
 * the next one.
 */
function socketCaller(first: BrainsClient | null, connect: () => Promise<BrainsClient>): { call: DaemonCall; closeAll(): Promise<void> } {
  let shared: Promise<BrainsClient> | null = first ? Promise.resolve(first) : null;
  const open = new Set<BrainsClient>(first ? [first] : []);
  /** Wait connections between waits, newest last. */
  const idle: BrainsClient[] = [];
  const track = (client: BrainsClient) => {
    open.add(client);
    client.onClose(() => {
      open.delete(client);
      const at = idle.indexOf(client);
      if (at >= 0) idle.splice(at, 1);
    });
    return client;
  };
  if (first) {
    track(first);
    first.onClose(() => (shared = null));
  }
  const sharedClient = (): Promise<BrainsClient> => {
    if (!shared) {
      const next = connect().then(track);
      next.then(
        (client) => client.onClose(() => (shared = shared === next ? null : shared)),
        () => (shared = shared === next ? null : shared),
      );
      shared = next;
    }
    return shared;
  };
  const call: DaemonCall = async (method, params, opts: CallOptions) => {
    // Refused here as the daemon would: encoding params this deep for the socket would overflow the stack.
    const tooDeep = paramsTooDeep(params);
    if (tooDeep) throw tooDeep;
    if (!opts.waits) {
      const work = (await sharedClient()).callRaw(method, params);
      return opts.signal ? abortable(work, opts.signal) : work;
    }
    let client = idle.pop();
    while (client?.isClosed) client = idle.pop();
    client ??= track(await connect());
    const hangUp = () => void client.close();
    opts.signal?.addEventListener('abort', hangUp, { once: true });
    let reusable = false;
    try {
      const result = await client.callRaw(method, params);
      reusable = true;
      return result;
    } catch (error) {
      // The daemon answered with an error: the connection itself is still good.
      reusable = error instanceof RpcCallError;
      throw error;
    } finally {
      opts.signal?.removeEventListener('abort', hangUp);
      if (reusable && !opts.signal?.aborted && !client.isClosed && idle.length < IDLE_WAIT_CONNECTIONS) idle.push(client);
      else void client.close();
    }
  };
  return { call, closeAll: async () => void (await Promise.all([...open].map((c) => c.close()))) };
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('cancelled'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function progressInterval(): number | undefined {
  const value = Number(process.env[PROGRESS_ENV]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Why the first connection failed, for the tool calls that follow (a later start attempt may say less). */
let firstFailure: string | undefined;

/** The first connection; 'stopped' when the user stopped the daemon (brains mcp then serves and says so until brains up). */
async function connectFirst(paths: StatePaths, autoStart: boolean): Promise<BrainsClient | 'stopped' | null> {
  try {
    return await connectOrStart(paths, { autoStart });
  } catch (error) {
    if (error instanceof DaemonStoppedError) {
      log('the daemon was stopped with brains down; tool calls answer "brains is stopped; run brains up" until it runs again');
      return 'stopped';
    }
    firstFailure = (error as Error).message;
    log(`cannot reach the daemon: ${firstFailure}; ${autoStart ? `see ${paths.daemonLog}` : 'start it with brains up, or drop --no-start'}`);
    return null;
  }
}

export async function mcpCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('mcp', argv, { 'no-start': { type: 'boolean' } });
  if (!parsed) return EXIT.USAGE;
  const { values } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['mcp']);
  const noStart = values['no-start'] ?? false;
  const paths = statePaths();
  // The SDK loads while the socket connects: start-up is the slower of the two, not their sum.
  const [first, { createMcpServerWithQuickTools }, { StdioLineTransport }, { QuickCallTransport }] = await Promise.all([
    connectFirst(paths, !noStart),
    import('../../daemon/mcp/server.js'),
    import('../../daemon/mcp/stdio-transport.js'),
    import('../../daemon/mcp/quick-calls.js'),
  ]);
  const token = agentTokenFromEnv();
  const login = new InstanceLogin(token, registrationFromEnv());
  if (first && first !== 'stopped') {
    try {
      await login.present(first);
    } catch (error) {
      log(`the daemon refused this agent: ${(error as Error).message}${token ? ` (check ${TOKEN_ENV})` : ''}`);
      await first.close();
      return EXIT.METHOD_ERROR;
    }
  }
  // With no daemon the server still answers the client, so its tool calls carry why (not a bare "Connection closed").
  const connect = async () => {
    const client = await connectOrStart(paths, { autoStart: !noStart }).catch((error: unknown) => {
      if (error instanceof DaemonStoppedError) throw error;
      const reason = error instanceof DaemonUnreachableError && firstFailure ? firstFailure : (error as Error).message;
      throw new BrainsError('UNAVAILABLE', `the brains daemon cannot be reached: ${reason}; ${noStart ? 'start it with brains up' : `see ${paths.daemonLog}`}`);
    });
    try {
      await login.present(client);
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  };
  const carrier = socketCaller(first === 'stopped' ? null : first, connect);
  const call: DaemonCall = async (method, params, opts) => {
    try {
      return await carrier.call(method, params, opts);
    } catch (error) {
      // A call that brains down cut off says why, as the calls after it do.
      if (error instanceof DaemonUnreachableError && !(error instanceof DaemonStoppedError) && stoppedByUser(paths)) throw new DaemonStoppedError();
      throw error;
    }
  };
  const { server, quickTools } = createMcpServerWithQuickTools({ call, version: VERSION, progressIntervalMs: progressInterval(), workingDirectory: process.cwd() });
  const transport = new QuickCallTransport(new StdioLineTransport(), quickTools);
  transport.onerror = (error) => log(`stdio: ${error.message}`);

  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    process.stdout.once('error', () => resolve());
  });
  await server.connect(transport);
  await ended;
  await server.close().catch(() => {});
  await carrier.closeAll();
  // Anything still holding the event loop (a half-closed socket) must not keep an orphaned proxy alive.
  setTimeout(() => process.exit(EXIT.OK), 1000).unref();
  return EXIT.OK;
}
