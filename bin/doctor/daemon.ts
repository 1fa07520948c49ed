// Doctor: the daemon, asked without starting it: does it run, does it answer, and is it the same brains as this CLI.
import { BrainsClient, DaemonUnreachableError } from '../../rpc/client.js';
import type { Result } from '../../rpc/contract/index.js';
import { RpcCallError } from '../../rpc/errors.js';
import type { StatePaths } from '../../rpc/paths.js';
import { processAlive } from '../../rpc/process-alive.js';
import { PROTOCOL_VERSION } from '../../rpc/protocol.js';
import { stoppedByUser } from '../../rpc/stopped.js';
import { readPidfile } from '../../daemon/lifecycle/pidfile.js';
import { VERSION } from '../../daemon/version.js';
import { check, tilde, type Check } from './check.js';

/** A daemon that has not answered by then is reported as not answering, not waited for. */
export const ANSWER_WITHIN_MS = 2000;

/** What system.info said; an older daemon may leave fields out, so every one is read with care. */
export type DaemonInfo = Partial<Result<'system.info'>>;

export type DaemonProbe =
  | { state: 'down'; stopped: boolean }
  | { state: 'silent'; pid: number | null; reason: string }
  | { state: 'up'; info: DaemonInfo; time: string | null };

class TimedOut extends Error {}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new TimedOut()), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export async function probeDaemon(paths: StatePaths, timeoutMs = ANSWER_WITHIN_MS): Promise<DaemonProbe> {
  const pid = readPidfile(paths.pidfile);
  const seconds = `${timeoutMs / 1000} s`;
  const connecting = BrainsClient.connect(paths.socket);
  let client: BrainsClient;
  try {
    client = await within(connecting, timeoutMs);
  } catch (error) {
    if (error instanceof TimedOut) {
      connecting.then((late) => late.destroy(), () => {});
      return { state: 'silent', pid, reason: `its socket took no connection within ${seconds}` };
    }
    if (pid !== null && processAlive(pid)) return { state: 'silent', pid, reason: `its socket ${tilde(paths.socket)} takes no connection` };
    return { state: 'down', stopped: stoppedByUser(paths) };
  }
  try {
    const [info, ping] = await within(Promise.all([client.callRaw('system.info'), client.callRaw('system.ping')]), timeoutMs);
    const time = (ping as { time?: unknown } | null)?.time;
    await client.close();
    return { state: 'up', info: (info ?? {}) as DaemonInfo, time: typeof time === 'string' ? time : null };
  } catch (error) {
    client.destroy();
    const reason =
      error instanceof TimedOut
        ? `it took the connection but did not answer within ${seconds}`
        : error instanceof RpcCallError
          ? `it answered system.info with an error: ${error.message}`
          : error instanceof DaemonUnreachableError
            ? `it closed the connection: ${error.message}`
            : `${(error as Error).message}`;
    return { state: 'silent', pid, reason };
  }
}

function uptime(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '';
  const s = Math.floor(seconds);
  const text = s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : s < 86400 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
  return `, up ${text}`;
}

export function daemonChecks(probe: DaemonProbe, paths: StatePaths, mine = { version: VERSION, protocol: PROTOCOL_VERSION }): Check[] {
  if (probe.state === 'down') {
    const why = probe.stopped ? 'stopped with brains down; brains up starts it' : 'commands start it on first use, or brains up';
    return [check('daemon', 'running', 'info', `not running (${why})`)];
  }
  if (probe.state === 'silent') {
    const who = probe.pid === null ? 'something holds its socket' : `running (pid ${probe.pid})`;
    const stop = probe.pid === null ? `remove the socket (rm ${paths.socket}) if no brains daemon runs` : `stop it: kill ${probe.pid} (kill -9 ${probe.pid} if it stays)`;
    return [
      check('daemon', 'running', 'problem', `${who} but not answering: ${probe.reason}`, {
        fix: `look at ${paths.daemonLog}, then ${stop}, and brains up`,
      }),
    ];
  }
  const { info } = probe;
  const pid = typeof info.pid === 'number' ? `pid ${info.pid}` : 'pid ?';
  return [check('daemon', 'running', 'ok', `running (${pid}${uptime(info.uptime_seconds)}), answering at ${tilde(paths.socket)}`), ...handshakeChecks(info, mine)];
}

const RESTART = 'restart the daemon with this brains: brains down && brains up';

/** The daemon's version and socket protocol against this CLI's: another protocol is a problem, another version a warning. */
export function handshakeChecks(info: { version?: unknown; protocol_version?: unknown }, mine: { version: string; protocol: number }): Check[] {
  const version = typeof info.version === 'string' ? info.version : '?';
  const theirs = info.protocol_version;
  let protocol: Check;
  if (typeof theirs !== 'number') {
    protocol = check('daemon', 'protocol', 'warn', `the daemon (brains ${version}) is older than the protocol handshake; this CLI speaks protocol ${mine.protocol}`, { fix: 'brains down && brains up' });
  } else if (theirs === mine.protocol) {
    protocol = check('daemon', 'protocol', 'ok', `protocol ${theirs}, the same as this CLI`);
  } else {
    protocol = check('daemon', 'protocol', 'problem', `the daemon speaks protocol ${theirs}, this CLI ${mine.protocol}: calls may be misread`, {
      fix: theirs < mine.protocol ? RESTART : 'this CLI is older than the daemon: run the brains that started it, or upgrade this one; then brains down && brains up',
    });
  }
  const same = version === mine.version;
  const versionCheck = same
    ? check('daemon', 'version', 'ok', `brains ${version}, the same as this CLI`)
    : check('daemon', 'version', 'warn', `the daemon runs brains ${version}, this CLI is ${mine.version}`, { fix: RESTART });
  return [versionCheck, protocol];
}
