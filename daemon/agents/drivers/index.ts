// The backends a managed agent can run on, by name.
import type { AgentDriver } from '../driver.js';
import { ClaudeDriver } from './claude.js';
import { CodexDriver } from './codex.js';
import { AcpDriver, type AcpDriverOptions } from './acp.js';
import { CommandDriver } from './command.js';
import { EchoDriver } from './echo.js';

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

export function createDrivers(options: DriverOptions = {}): Map<string, AgentDriver> {
  const claude = new ClaudeDriver({ ...(options.claudePath ? { binaryPath: options.claudePath } : {}), ...(options.log ? { log: options.log } : {}) });
  const codex = new CodexDriver({ ...(options.codexPath ? { binaryPath: options.codexPath } : {}), ...(options.log ? { log: options.log } : {}), ...(options.version ? { version: options.version } : {}) });
  const acp: AcpDriverOptions = { ...(options.acpPaths ? { paths: options.acpPaths } : {}), ...(options.log ? { log: options.log } : {}), ...(options.version ? { version: options.version } : {}) };
  const drivers: AgentDriver[] = [new EchoDriver(), new CommandDriver(), claude, codex, new AcpDriver('acp', acp), new AcpDriver('gemini', acp), new AcpDriver('copilot', acp)];
  return new Map(drivers.map((driver) => [driver.backend, driver]));
}
