// The backends a managed agent can run on, by name.
import type { AgentDriver } from '../driver.js';
import { ClaudeDriver } from './claude.js';
import { CommandDriver } from './command.js';
import { EchoDriver } from './echo.js';

export interface DriverOptions {
  /** BRAINS_CLAUDE_PATH of the daemon: where the claude CLI is, when not on PATH. */
  claudePath?: string;
  log?: (message: string) => void;
}

export function createDrivers(options: DriverOptions = {}): Map<string, AgentDriver> {
  const claude = new ClaudeDriver({ ...(options.claudePath ? { binaryPath: options.claudePath } : {}), ...(options.log ? { log: options.log } : {}) });
  const drivers: AgentDriver[] = [new EchoDriver(), new CommandDriver(), claude];
  return new Map(drivers.map((driver) => [driver.backend, driver]));
}
