// Runs the cockpit on a terminal: takes the screen, filters pastes out of the key stream, renders at most 30 frames a
// second, rings for what needs the human, and gives the terminal back however it ends.
import { render } from 'ink';
import { App } from './app.js';
import type { PaneName } from './keys.js';
import { startCockpit, type StartedCockpit } from './start.js';
import { filteredStdin } from './terminal/paste-filter.js';
import { takeTerminal } from './terminal/screen.js';

export { socketConnector } from './start.js';

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

/** `started`: the model already following the daemon (brains tui starts it before this module loads); else started here. */
export async function runCockpit(opts: CockpitOptions & { started?: StartedCockpit }): Promise<number> {
  const { cockpit, running } = opts.started ?? startCockpit(opts);
  let pasteHandler: (text: string) => void = () => {};
  const stdin = filteredStdin(process.stdin, (text) => pasteHandler(text));
  const restore = takeTerminal(process.stdout, process.stdin);
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
