// `brains daemon`: run the daemon in the foreground (a tmux pane, systemd, or a detached child of `brains up`).
import { runDaemon } from '../../daemon/main.js';

export async function daemonCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) return (await import('./help.js')).helpCommand(['daemon']);
  const code = await runDaemon(args);
  // Exit explicitly: a stopped daemon must not linger on a handle a library left open.
  process.exit(code);
}
