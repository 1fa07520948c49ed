// `brains inbox`: the operator's mail across projects, unread first; a thin caller of message.inbox that marks nothing read.
import type { Result } from '../../rpc/contract/index.js';
import { EXIT } from './exit-codes.js';
import { withDaemon } from './daemon-call.js';
import { parseFlags, printUsageError } from './flags.js';
import { age, colourFor, columns, lineWidth, oneLine } from './human.js';
import { formatJson, outputMode } from './output.js';

type InboxEntry = Result<'message.inbox'>['messages'][number];

export async function inboxCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('inbox', argv, {
    project: { type: 'string' },
    all: { type: 'boolean' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    'no-start': { type: 'boolean' },
  });
  if (!parsed) return EXIT.USAGE;
  const { values } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['inbox']);
  if (values.limit !== undefined && !/^[0-9]{1,6}$/.test(values.limit)) return printUsageError('inbox', `--limit takes a whole number (1 to 200), not ${JSON.stringify(oneLine(values.limit, 40))}`);
  const json = values.json ?? false;
  return withDaemon('inbox', { noStart: values['no-start'] ?? false, json }, async (client) => {
    const inbox = await client.call('message.inbox', {
      unread_only: !values.all,
      ...(values.project !== undefined ? { project_id: values.project } : {}),
      ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
    });
    process.stdout.write(json ? `${formatJson(inbox, outputMode({}))}\n` : formatInbox(inbox, values.all ?? false, values.project));
    return EXIT.OK;
  });
}

export function formatInbox(inbox: Result<'message.inbox'>, all: boolean, project: string | undefined, now = Date.now()): string {
  const paint = colourFor();
  const where = project === undefined ? '' : ` in ${project}`;
  const unread = `${inbox.total_unread} unread message${inbox.total_unread === 1 ? '' : 's'}${where}`;
  if (inbox.count === 0) return all ? `No messages${where}.\n` : `No unread messages${where}. (brains inbox --all shows read ones)\n`;
  const lines = [all ? `${unread}; newest first, unread before read:` : `${unread}, newest first:`];
  const width = lineWidth();
  // The preview goes last, after columns of equal width, and is cut to what the terminal has left.
  const prefixes = columns(inbox.messages.map((m) => [m.unread ? '●' : ' ', m.state, age(m.created_at, now), oneLine(m.project_id, 40), sender(m), '']), [2]);
  inbox.messages.forEach((m, i) => {
    const mark = m.reply_expected ? '↩ ' : '';
    const room = Math.max(20, width - [...prefixes[i]!].length - mark.length);
    const text = `${prefixes[i]}${mark}${oneLine(m.preview, room)}`;
    lines.push(m.unread ? paint('bold', text) : paint('dim', text));
  });
  if (inbox.has_more) lines.push(`… more than ${inbox.count}; pass --limit (at most 200) or --project to see others`);
  if (inbox.messages.some((m) => m.reply_expected && m.unread)) lines.push('↩ expects a reply: brains send AGENT TEXT --project P');
  return `${lines.join('\n')}\n`;
}

function sender(m: InboxEntry): string {
  return oneLine(m.broadcast ? `${m.from_agent} (to all)` : m.from_agent, 60);
}
