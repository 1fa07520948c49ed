// Runs the cockpit on a terminal: takes the screen, filters pastes out of the key stream, renders at most 30 frames a
// second, rings for what needs the human, and gives the terminal back however it ends.
import { render } from 'ink';
import { BrainsClient } from '../rpc/client.js';
import { connectOrStart } from '../rpc/autostart.js';
import { statePaths } from '../rpc/paths.js';
import { App } from './app.js';
import { Cockpit, type Connector } from './model/cockpit.js';
import type { PaneName } from './keys.js';
import { filteredStdin } from './terminal/paste-filter.js';
import { notificationSequence } from './terminal/notify.js';
import { takeTerminal } from './terminal/screen.js';

export interface CockpitOptions {
  only?: PaneName;
  agent?: string;
  project?: string;
  /** Start the daemon when it is not running (the default). */
  autoStart: boolean;
  /** Ring the bell and send a desktop notification when something needs the human (the default). */
  bell: boolean;
  banner?: string;
}

/** `onStartingStopped` is told before the first connect starts a daemon the user stopped with brains down. */
export function socketConnector(autoStart: boolean, env: NodeJS.ProcessEnv = process.env, onStartingStopped: () => void = () => {}): Connector {
  const paths = statePaths(env);
  return {
    // Only the first connect may start the daemon: after `brains down` the cockpit waits instead of undoing it.
    connect: (first) => (first ? connectOrStart(paths, { autoStart, onStartingStopped, env }) : BrainsClient.connect(paths.socket)),
  };
}

export async function runCockpit(opts: CockpitOptions): Promise<number> {
  const cockpit = new Cockpit(socketConnector(opts.autoStart));
  let pasteHandler: (text: string) => void = () => {};
  const stdin = filteredStdin(process.stdin, (text) => pasteHandler(text));
  const restore = takeTerminal(process.stdout, process.stdin);
  if (opts.bell) cockpit.onAttention((attention) => process.stdout.write(notificationSequence(`brains: ${attention.text}`)));
  const running = cockpit.start();
  const app = render(
    <App
      cockpit={cockpit}
      {...(opts.only ? { only: opts.only } : {})}
      {...(opts.agent ? { agent: opts.agent } : {})}
      {...(opts.project ? { project: opts.project } : {})}
      {...(opts.banner ? { banner: opts.banner } : {})}
      onPasteRegister={(handler) => (pasteHandler = handler)}
    />,
    { stdin, exitOnCtrlC: false, maxFps: 30, patchConsole: true, incrementalRendering: true },
  );
  try {
    await app.waitUntilExit();
  } finally {
    await cockpit.stop();
    await running.catch(() => {});
    restore();
    // Our stdin listener would keep the process alive after the last frame.
    process.stdin.removeAllListeners('data');
    process.stdin.pause();
  }
  return 0;
}
