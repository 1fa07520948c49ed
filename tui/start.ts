// The cockpit's model started apart from its screen, so it connects and reads the daemon while Ink and React still load.
import { BrainsClient } from '../rpc/client.js';
import { connectOrStart } from '../rpc/autostart.js';
import { statePaths } from '../rpc/paths.js';
import { Cockpit, type Connector } from './model/cockpit.js';
import { notificationSequence } from './terminal/notify.js';

/** `onStartingStopped` is told before the first connect starts a daemon the user stopped with brains down. */
export function socketConnector(autoStart: boolean, env: NodeJS.ProcessEnv = process.env, onStartingStopped: () => void = () => {}): Connector {
  const paths = statePaths(env);
  return {
    // Only the first connect may start the daemon: after `brains down` the cockpit waits instead of undoing it.
    connect: (first) => (first ? connectOrStart(paths, { autoStart, onStartingStopped, env }) : BrainsClient.connect(paths.socket)),
  };
}

export interface StartedCockpit {
  cockpit: Cockpit;
  /** Settles when the cockpit stops. */
  running: Promise<void>;
}

/** A cockpit model following the daemon, ringing (when `bell`) for what needs the human. */
export function startCockpit(opts: { autoStart: boolean; bell: boolean }): StartedCockpit {
  const cockpit = new Cockpit(socketConnector(opts.autoStart));
  if (opts.bell) cockpit.onAttention((attention) => process.stdout.write(notificationSequence(`brains: ${attention.text}`)));
  return { cockpit, running: cockpit.start() };
}
