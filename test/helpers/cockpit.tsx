// The cockpit under ink-testing-library against a real daemon: a terminal size of our choosing, keys in, frames out.
import { render } from 'ink-testing-library';
import { BrainsClient } from '../../rpc/client.js';
import { App, type AppProps } from '../../tui/app.js';
import { Cockpit } from '../../tui/model/cockpit.js';
import type { TestDaemon } from './daemon.js';
import { waitFor } from './daemon.js';

export interface RenderedCockpit {
  cockpit: Cockpit;
  frame(): string;
  /** Type keys one write at a time (each as a terminal would send it), letting the cockpit take each in turn. */
  press(...keys: string[]): Promise<void>;
  waitForFrame(check: (frame: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  paste(text: string): void;
  close(): Promise<void>;
}

export const KEYS = { enter: '\r', escape: '\u001b', tab: '\t', down: '\u001b[B', up: '\u001b[A', pageUp: '\u001b[5~', ctrlJ: '\n' } as const;

export async function renderCockpit(daemon: TestDaemon, opts: Partial<AppProps> & { columns?: number; rows?: number } = {}): Promise<RenderedCockpit> {
  const cockpit = new Cockpit({ connect: () => BrainsClient.connect(daemon.paths.socket) });
  let pasteHandler: (text: string) => void = () => {};
  const { columns = 160, rows = 40, ...props } = opts;
  const running = cockpit.start();
  const tree = <App cockpit={cockpit} size={{ columns, rows }} onPasteRegister={(h) => (pasteHandler = h)} {...props} />;
  const ui = render(tree);
  // ink-testing-library's stdout is 100 columns wide; Ink lays out to whatever it says, so make it say our width.
  Object.defineProperty(ui.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(ui.stdout, 'rows', { value: rows, configurable: true });
  ui.rerender(tree);
  const frame = () => ui.lastFrame() ?? '';
  const rendered: RenderedCockpit = {
    cockpit,
    frame,
    press: async (...keys) => {
      for (const key of keys) {
        ui.stdin.write(key);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    },
    waitForFrame: async (check, what, timeoutMs = 10_000) => {
      try {
        await waitFor(() => check(frame()), timeoutMs, what);
      } catch (error) {
        throw new Error(`${(error as Error).message}; the last frame was:\n${frame()}`);
      }
      return frame();
    },
    paste: (text) => pasteHandler(text),
    close: async () => {
      ui.unmount();
      await cockpit.stop();
      await running.catch(() => {});
    },
  };
  await rendered.waitForFrame((f) => f.includes('● live'), 'the cockpit to go live');
  return rendered;
}
