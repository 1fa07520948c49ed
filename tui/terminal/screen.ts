// Taking the terminal for the cockpit and always giving it back: alternate screen and bracketed paste on at start, and
// off again on quit, on a crash and on SIGTERM/SIGHUP, so the shell is never left broken.
import { writeSync } from 'node:fs';

const ENTER = '\u001b[?1049h\u001b[?2004h';
const LEAVE = '\u001b[?2004l\u001b[?25h\u001b[?1049l';

export function takeTerminal(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): () => void {
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      /* the terminal is already gone */
    }
    try {
      writeSync((stdout as unknown as { fd: number }).fd ?? 1, LEAVE);
    } catch {
      /* the terminal is already gone */
    }
  };
  stdout.write(ENTER);
  process.once('exit', restore);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      restore();
      process.exit(signal === 'SIGTERM' ? 143 : 129);
    });
  }
  process.once('uncaughtException', (error) => {
    restore();
    process.stderr.write(`brains tui: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
  return restore;
}
