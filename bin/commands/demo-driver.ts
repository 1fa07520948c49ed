// The demo's driver process (`brains demo --driver`, started detached by `brains demo`): sets up the three managed echo
// agents and plays the script as them over the socket until SIGTERM, waits for the daemon and carries on when it restarts,
// and has them give back their locks and tasks when it stops (the agents stay).
import { setTimeout as sleep } from 'node:timers/promises';
import { BrainsClient, DaemonUnreachableError, RpcCallError } from '../../rpc/client.js';
import { statePaths, type StatePaths } from '../../rpc/paths.js';
import { acquireInstanceLock } from '../../daemon/lifecycle/instance-lock.js';
import { removePidfile, writePidfile } from '../../daemon/lifecycle/pidfile.js';
import { DemoAgent } from './demo-agent.js';
import { CAST, DEMO_BACKEND, DEMO_PROJECT_ID, type AgentName } from './demo-cast.js';
import { DemoScenario } from './demo-scenario.js';
import { DemoOverError, setStage } from './demo-stage.js';
import { DEMO_ALREADY_RUNNING_EXIT, demoIntervalMs, type DriverReport } from './demo-handshake.js';

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5000;
const PUT_DOWN_TIMEOUT_MS = 3000;

/** The driver's main: one per state dir (the demo lock), pidfile while it runs. Resolves to the exit code. */
export async function runDemoDriver(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const paths = statePaths(env);
  const lock = acquireInstanceLock(paths.demoLock);
  if (!lock) {
    report({ type: 'failed', message: 'the demo is already running', already_running: true });
    return DEMO_ALREADY_RUNNING_EXIT;
  }
  writePidfile(paths.demoPidfile);
  const driver = new DemoDriver(paths, demoIntervalMs(env));
  const stop = () => driver.stop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Started from a terminal that then closes: carry on.
  process.on('SIGHUP', () => {});
  try {
    return await driver.run();
  } finally {
    removePidfile(paths.demoPidfile);
    lock.release();
    driverLog('stopped');
  }
}

function report(message: DriverReport): void {
  // Started by hand, or the `brains demo` that started it has gone: nobody to tell.
  if (!process.send || !process.connected) return;
  process.send(message, undefined, {}, () => {
    // The one message is all the parent waits for; after it this process must not be held by the channel.
    if (process.connected) process.disconnect();
  });
}

function driverLog(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

/** How a failed call leaves the driver: the daemon is gone (wait for it), the demo's footing is gone (set up again), or just this call failed. */
function failureKind(error: unknown): 'lost' | 'setup' | 'call' {
  if (error instanceof DaemonUnreachableError) return 'lost';
  if (error instanceof RpcCallError) {
    if (error.appCode === 'UNAVAILABLE') return 'lost';
    if (error.appCode === 'NOT_FOUND' || error.appCode === 'PERMISSION_DENIED' || error.appCode === 'INVALID') return 'setup';
  }
  return 'call';
}

class DemoDriver {
  private readonly agents: Record<AgentName, DemoAgent>;
  private readonly scenario: DemoScenario;
  private readonly stopping = new AbortController();
  /** Aborted when the connection of any agent is lost, or the driver stops. */
  private period: AbortController | null = null;
  private needsSetup = false;
  private exitCode = 0;
  /** Why the last connected period ended, for the log. */
  private lostBecause = '';
  /** The driver's own connection, as the operator: for what the demo checks backstage, never to act as an agent. */
  private backstage: BrainsClient | null = null;

  constructor(
    private readonly paths: StatePaths,
    private readonly intervalMs: number,
  ) {
    const agents = {} as Record<AgentName, DemoAgent>;
    for (const name of CAST) agents[name] = new DemoAgent(name);
    this.agents = agents;
    this.scenario = new DemoScenario(agents, () => this.backstageClient(), driverLog);
  }

  stop(): void {
    driverLog('stopping');
    this.stopping.abort();
    this.period?.abort();
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  async run(): Promise<number> {
    let ready = false;
    let wait = RECONNECT_FIRST_MS;
    while (!this.stopped) {
      try {
        await this.connectAll(!ready);
        await this.scenario.setup();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!ready || error instanceof DemoOverError) {
          driverLog(`cannot run the demo: ${message}`);
          await this.disconnectAll();
          report({ type: 'failed', message });
          return 1;
        }
        await this.disconnectAll();
        if (wait === RECONNECT_FIRST_MS) driverLog(`waiting for the daemon (${message})`);
        await this.pause(wait);
        wait = Math.min(wait * 2, RECONNECT_MAX_MS);
        continue;
      }
      driverLog(`${ready ? 'reconnected' : 'running'}: ${CAST.join(', ')} (${DEMO_BACKEND} agents) in project ${DEMO_PROJECT_ID}`);
      if (!ready) {
        ready = true;
        report({ type: 'ready', pid: process.pid, project_id: DEMO_PROJECT_ID, agents: CAST.map((name) => ({ name, backend: DEMO_BACKEND })) });
      }
      wait = RECONNECT_FIRST_MS;
      const period = new AbortController();
      this.period = period;
      if (this.stopped) period.abort();
      for (const client of [this.backstageClient(), ...Object.values(this.agents).map((agent) => agent.rpc)]) {
        client.onClose(() => {
          if (!period.signal.aborted) this.lostBecause = 'the daemon closed the connection';
          period.abort();
        });
      }
      await this.live(period);
      if (this.stopped) await this.putDown();
      else driverLog(`reconnecting: ${this.lostBecause}`);
      await this.disconnectAll();
    }
    return this.exitCode;
  }

  /** One connected period: a step per interval, until a connection is lost or the driver stops. */
  private async live(period: AbortController): Promise<void> {
    while (!period.signal.aborted) {
      await this.pause(this.intervalMs, period.signal);
      if (period.signal.aborted) break;
      try {
        if (this.needsSetup) {
          await setStage(this.backstageClient(), this.paths.home, false, driverLog);
          await this.scenario.setup();
          this.needsSetup = false;
        }
        await this.scenario.step();
      } catch (error) {
        this.handle(error, period);
      }
    }
  }

  private handle(error: unknown, period: AbortController): void {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof DemoOverError) {
      driverLog(message);
      this.exitCode = 1;
      this.stop();
      return;
    }
    const kind = failureKind(error);
    if (kind === 'lost') {
      if (!period.signal.aborted) this.lostBecause = message;
      period.abort();
      return;
    }
    if (kind === 'setup') this.needsSetup = true;
    driverLog(`a call failed: ${message}`);
  }

  /** The operator's connection, the stage set through it, then a connection as each agent. */
  private async connectAll(mayCreate: boolean): Promise<void> {
    const backstage = await BrainsClient.connect(this.paths.socket);
    this.backstage = backstage;
    await setStage(backstage, this.paths.home, mayCreate, driverLog);
    for (const agent of Object.values(this.agents)) await agent.connect(this.paths.socket, backstage);
  }

  private backstageClient(): BrainsClient {
    if (!this.backstage || this.backstage.isClosed) throw new DaemonUnreachableError('the driver is not connected');
    return this.backstage;
  }

  /** The workers give back what they hold, given a few seconds; what is left runs out with its lock's ttl. */
  private async putDown(): Promise<void> {
    await Promise.race([this.scenario.putDown(), sleep(PUT_DOWN_TIMEOUT_MS, undefined, { ref: false })]).catch((error: unknown) =>
      driverLog(`giving back locks and tasks failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  private async disconnectAll(): Promise<void> {
    const backstage = this.backstage;
    this.backstage = null;
    await Promise.all([backstage?.close(), ...Object.values(this.agents).map((agent) => agent.disconnect())]);
  }

  /** Sleep, cut short when the driver stops (or the given signal aborts). */
  private async pause(ms: number, signal: AbortSignal = this.stopping.signal): Promise<void> {
    await sleep(ms, undefined, { signal }).catch(() => {});
  }
}
