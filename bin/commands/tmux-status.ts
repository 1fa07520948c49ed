// `brains status --tmux`: one short line for tmux's status-right, from one connection and two calls; never starts a daemon.
import { BrainsClient } from '../../rpc/client.js';
import { EXIT } from './exit-codes.js';

/** tmux runs this every few seconds: a daemon that does not answer by then is shown as such, not waited for. */
const ANSWER_WITHIN_MS = 2000;

export const TMUX_NOT_RUNNING = 'brains ○';
export const TMUX_NO_ANSWER = 'brains ?';

export async function tmuxStatus(socket: string): Promise<number> {
  let client: BrainsClient;
  try {
    client = await BrainsClient.connect(socket);
  } catch {
    process.stdout.write(`${TMUX_NOT_RUNNING}\n`);
    return EXIT.UNREACHABLE;
  }
  const timer = setTimeout(() => {
    process.stdout.write(`${TMUX_NO_ANSWER}\n`);
    // A daemon that hangs may never close the connection either; a status line must not wait for it.
    process.exit(EXIT.UNREACHABLE);
  }, ANSWER_WITHIN_MS);
  try {
    const [approvals, unread] = await Promise.all([
      client.call('approval.list', { status: 'pending', limit: 1 }),
      client.call('message.unread_counts', { agent_name: 'operator' }),
    ]);
    process.stdout.write(`${tmuxLine(approvals.total, unread.total_unread)}\n`);
    return EXIT.OK;
  } catch {
    process.stdout.write(`${TMUX_NO_ANSWER}\n`);
    return EXIT.METHOD_ERROR;
  } finally {
    clearTimeout(timer);
    await client.close();
  }
}

/** `brains ⚑2 ✉3`: approvals waiting for the operator, unread messages to it; `brains ✓` when nothing waits. */
export function tmuxLine(pendingApprovals: number, unreadMessages: number): string {
  const parts = [pendingApprovals > 0 ? `⚑${pendingApprovals}` : '', unreadMessages > 0 ? `✉${unreadMessages}` : ''].filter(Boolean);
  return `brains ${parts.length > 0 ? parts.join(' ') : '✓'}`;
}
