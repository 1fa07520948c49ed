// What the service runs, whichever manager runs it: the same node, flags and environment as `brains up` gives its daemon.
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../../rpc/autostart.js';
import type { StatePaths } from '../../rpc/paths.js';
import { cliPath } from '../wire/launcher.js';

export interface ServiceSpec {
  /** The state dir the service's daemon keeps, for the file's description. */
  stateDir: string;
  /** node, its flags, dist/bin/brains.js, `daemon` and the daemon flags given to `brains service install`. */
  argv: string[];
  environment: Array<[string, string]>;
  /** Where the daemon's stdout and stderr are appended (the daemon rotates it itself by copy and truncate). */
  log: string;
}

/** A PATH for a service installed from a shell without one: the usual system directories. */
const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

export function serviceSpec(paths: StatePaths, env: NodeJS.ProcessEnv, daemonArgs: readonly string[]): ServiceSpec {
  const environment: Array<[string, string]> = [['BRAINS_HOME', paths.home]];
  // A moved socket must be where clients look for it, so the service's daemon gets the same BRAINS_SOCKET.
  if (env.BRAINS_SOCKET && env.BRAINS_SOCKET.trim() !== '') environment.push(['BRAINS_SOCKET', paths.socket]);
  environment.push(...Object.entries(DAEMON_ENV), ['NO_COLOR', '1'], ['PATH', env.PATH && env.PATH.trim() !== '' ? env.PATH : FALLBACK_PATH]);
  return {
    stateDir: paths.home,
    argv: [process.execPath, ...DAEMON_NODE_FLAGS, cliPath(), 'daemon', ...daemonArgs],
    environment,
    log: paths.daemonLog,
  };
}

/**
 * Why this spec cannot go into a service file, or null: a line break or other control character in a path, a flag or the
 * environment would end the line early (systemd) or make the XML invalid (launchd), and so run something else.
 */
export function specProblem(spec: ServiceSpec): string | null {
  const parts: Array<[string, string]> = [
    ...spec.argv.map((arg, i): [string, string] => [i === 0 ? 'the node path' : `argument ${JSON.stringify(arg.slice(0, 40))}`, arg]),
    ...spec.environment.map(([key, value]): [string, string] => [key, value]),
    ['the log path', spec.log],
  ];
  for (const [what, value] of parts) {
    if (/[\u0000-\u001f\u007f]/.test(value)) return `${what} holds a line break or other control character, which a service file cannot carry`;
  }
  return null;
}
