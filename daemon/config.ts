// The daemon's settings, from flags first, then BRAINS_* environment variables, then defaults; bad values stop it with a clear message.
import { DEFAULT_MAX_FRAME_BYTES } from '../rpc/frame.js';
import type { LogFormat, LogLevel } from './log.js';
import { nearestName } from '../rpc/nearest-name.js';

export interface DaemonConfig {
  logFormat: LogFormat;
  logLevel: LogLevel;
  maxFrameBytes: number;
  /** Events older than this are pruned; null keeps them by age forever. */
  eventRetentionSeconds: number | null;
  /** At most this many newest events are kept; null means no count limit. */
  eventRetentionMax: number | null;
  maintenanceIntervalMs: number;
  checkpointIdleMs: number;
  shutdownGraceMs: number;
  checkResults: boolean;
  detached: boolean;
  /** MCP Streamable HTTP on 127.0.0.1: the port (0 picks a free one), or null when off. */
  mcpPort: number | null;
  /** True when mcpPort is the default, not asked for: a port already in use then leaves MCP HTTP off instead of failing. */
  mcpPortIsDefault: boolean;
  /** An MCP HTTP session with no request open for this long is closed. */
  mcpIdleMs: number;
  /** The model gateway (OpenAI / Anthropic HTTP) on 127.0.0.1: the port (0 picks a free one), or null when off. */
  gatewayPort: number | null;
  /** True when gatewayPort is the default: a port already in use then leaves the gateway off instead of failing the start. */
  gatewayPortIsDefault: boolean;
  /** A managed agent's failed turn is retried after this, doubling per attempt (BRAINS_AGENT_BACKOFF_MS; tests shorten it). */
  agentBackoffMs: number;
}

export const DEFAULT_MCP_PORT = 9877;
export const DEFAULT_GATEWAY_PORT = 8787;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface Setting {
  flag: string;
  env: string;
}

const S = {
  logFormat: { flag: '--log-format', env: 'BRAINS_LOG_FORMAT' },
  logLevel: { flag: '--log-level', env: 'BRAINS_LOG_LEVEL' },
  maxFrameBytes: { flag: '--max-frame-bytes', env: 'BRAINS_MAX_FRAME_BYTES' },
  eventRetention: { flag: '--event-retention', env: 'BRAINS_EVENT_RETENTION' },
  eventRetentionMax: { flag: '--event-retention-max', env: 'BRAINS_EVENT_RETENTION_MAX' },
  maintenanceInterval: { flag: '--maintenance-interval', env: 'BRAINS_MAINTENANCE_INTERVAL' },
  mcpPort: { flag: '--mcp-port', env: 'BRAINS_MCP_PORT' },
  mcpIdle: { flag: '--mcp-idle', env: 'BRAINS_MCP_IDLE' },
  gatewayPort: { flag: '--gateway-port', env: 'BRAINS_GATEWAY_PORT' },
} satisfies Record<string, Setting>;

/** Every flag `brains daemon` takes, and so `brains up`, which passes them on. */
export const DAEMON_FLAGS = Object.values(S).map((s) => s.flag);

/**
 * The daemon's settings from its flags and environment; throws ConfigError naming the flag and what it takes.
 * `ownFlags` are the calling command's other flags (`brains up --quiet`), offered too when a flag is mistyped.
 */
export function loadConfig(args: readonly string[], env: NodeJS.ProcessEnv = process.env, ownFlags: readonly string[] = []): DaemonConfig {
  const flags = parseFlags(args, ownFlags);
  const get = (s: Setting): string | undefined => flags.get(s.flag) ?? nonEmpty(env[s.env]);
  return {
    logFormat: oneOf(get(S.logFormat), ['human', 'json'] as const, 'human', S.logFormat),
    logLevel: oneOf(get(S.logLevel), ['debug', 'info', 'warn', 'error'] as const, 'info', S.logLevel),
    maxFrameBytes: integer(get(S.maxFrameBytes), DEFAULT_MAX_FRAME_BYTES, 1024, 256 * 1024 * 1024, S.maxFrameBytes),
    eventRetentionSeconds: optionalDuration(get(S.eventRetention), 7 * 24 * 3600, S.eventRetention),
    eventRetentionMax: optionalInteger(get(S.eventRetentionMax), 1_000_000, S.eventRetentionMax),
    maintenanceIntervalMs: (optionalDuration(get(S.maintenanceInterval), 60, S.maintenanceInterval) ?? 60) * 1000,
    checkpointIdleMs: 2000,
    shutdownGraceMs: 10_000,
    checkResults: env.BRAINS_CHECK_RESULTS === '1',
    detached: flags.has('--detached'),
    mcpPort: get(S.mcpPort) === 'off' ? null : integer(get(S.mcpPort), DEFAULT_MCP_PORT, 0, 65535, S.mcpPort),
    mcpPortIsDefault: get(S.mcpPort) === undefined,
    mcpIdleMs: (optionalDuration(get(S.mcpIdle), 3600, S.mcpIdle) ?? 365 * 86400) * 1000,
    gatewayPort: get(S.gatewayPort) === 'off' ? null : integer(get(S.gatewayPort), DEFAULT_GATEWAY_PORT, 0, 65535, S.gatewayPort),
    gatewayPortIsDefault: get(S.gatewayPort) === undefined,
    agentBackoffMs: Number(env.BRAINS_AGENT_BACKOFF_MS) > 0 ? Number(env.BRAINS_AGENT_BACKOFF_MS) : 1000,
  };
}

function parseFlags(args: readonly string[], ownFlags: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--detached') {
      out.set(arg, 'true');
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!DAEMON_FLAGS.includes(name)) throw new ConfigError(unknownFlag(name, ownFlags));
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`${name} needs a value; see brains help daemon`);
    out.set(name, value);
  }
  return out;
}

function unknownFlag(given: string, ownFlags: readonly string[]): string {
  if (!given.startsWith('-')) return `unexpected argument ${shown(given)}; it takes only flags (see brains help daemon)`;
  const known = [...DAEMON_FLAGS, ...ownFlags];
  const nearest = nearestName(given.replace(/^-+/, ''), known.map((flag) => flag.replace(/^-+/, '')));
  return `unknown option ${shown(given).slice(1, -1)}; ${nearest ? `did you mean --${nearest}?` : `it takes ${known.join(', ')}`}`;
}

/** A value as the person typed it, quoted, escaped and cut short so an error line stays one short line. */
function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function describe(s: Setting): string {
  return `${s.flag} (or ${s.env})`;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, s: Setting): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`${describe(s)} must be one of ${allowed.join(', ')}, not ${shown(value)}`);
}

function integer(value: string | undefined, fallback: number, min: number, max: number, s: Setting): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${describe(s)} must be a whole number from ${min} to ${max}, not ${shown(value)}`);
  return n;
}

function optionalInteger(value: string | undefined, fallback: number, s: Setting): number | null {
  if (value === 'off') return null;
  return integer(value, fallback, 1, Number.MAX_SAFE_INTEGER, s);
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `30s`, `15m`, `12h`, `7d` (a bare number is seconds); `off` means no limit. */
export function optionalDuration(value: string | undefined, fallbackSeconds: number, s: Setting): number | null {
  if (value === undefined) return fallbackSeconds;
  if (value === 'off') return null;
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(value);
  if (!match) throw new ConfigError(`${describe(s)} must be a duration such as 30s, 15m, 12h or 7d (or off), not ${shown(value)}`);
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's']!;
}
