// The backends a managed agent can run on, by name. Each backend's code loads when an agent first starts on it: a
// daemon that runs no claude agent never holds the claude protocol in memory (about 2 MiB of resident memory for all).
import type { AgentDriver, AgentSpec, DriverSession } from '../driver.js';
import type { AcpDriverOptions } from './acp.js';

export interface DriverOptions {
  /** BRAINS_GEMINI_PATH and BRAINS_COPILOT_PATH of the daemon. */
  acpPaths?: AcpDriverOptions['paths'];
  /** BRAINS_CLAUDE_PATH of the daemon: where the claude CLI is, when not on PATH. */
  claudePath?: string;
  /** BRAINS_CODEX_PATH of the daemon: where the codex CLI is, when not on PATH. */
  codexPath?: string;
  /** brains' version, as it introduces itself to a CLI that asks (codex's initialize). */
  version?: string;
  log?: (message: string) => void;
}

/** A backend whose driver is made on its first start, from a module imported then. */
class DriverOnFirstStart implements AgentDriver {
  private driver: Promise<AgentDriver> | null = null;

  constructor(
    readonly backend: string,
    private readonly make: () => Promise<AgentDriver>,
  ) {}

  start(spec: AgentSpec): Promise<DriverSession> {
    this.driver ??= this.make().catch((error: unknown) => {
      this.driver = null;
      throw error;
    });
    return this.driver.then((driver) => driver.start(spec));
  }
}

export function createDrivers(options: DriverOptions = {}): Map<string, AgentDriver> {
  const log = options.log ? { log: options.log } : {};
  const version = options.version ? { version: options.version } : {};
  const acp: AcpDriverOptions = { ...(options.acpPaths ? { paths: options.acpPaths } : {}), ...log, ...version };
  const drivers: AgentDriver[] = [
    new DriverOnFirstStart('echo', async () => new (await import('./echo.js')).EchoDriver()),
    new DriverOnFirstStart('command', async () => new (await import('./command.js')).CommandDriver()),
    new DriverOnFirstStart('claude', async () => new (await import('./claude.js')).ClaudeDriver({ ...(options.claudePath ? { binaryPath: options.claudePath } : {}), ...log })),
    new DriverOnFirstStart('codex', async () => new (await import('./codex.js')).CodexDriver({ ...(options.codexPath ? { binaryPath: options.codexPath } : {}), ...log, ...version })),
    ...(['acp', 'gemini', 'copilot'] as const).map((preset) => new DriverOnFirstStart(preset, async () => new (await import('./acp.js')).AcpDriver(preset, acp))),
  ];
  return new Map(drivers.map((driver) => [driver.backend, driver]));
}
