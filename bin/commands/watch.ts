// `brains watch`: the headless live feed — a readable line per event on a terminal, JSON lines for scripts — resuming
// after a daemon restart without losing any.
import { BrainsClient, type SubscribedEvent } from '../../rpc/client.js';
import { statePaths } from '../../rpc/paths.js';
import { RpcCallError } from '../../rpc/errors.js';
import { EXIT } from './exit-codes.js';
import { connectForCli } from './connect.js';
import { eventLine, startLine } from './event-lines.js';
import { parseFlags, printUsageError } from './flags.js';
import { colourFor, lineWidth } from './human.js';

const RECONNECT_MS = 500;

export async function watchCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('watch', argv, {
    types: { type: 'string' },
    since: { type: 'string' },
    human: { type: 'boolean' },
    json: { type: 'boolean' },
    pretty: { type: 'boolean' },
    'no-start': { type: 'boolean' },
  });
  if (!parsed) return EXIT.USAGE;
  const { values } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['watch']);
  if (values.human && (values.json || values.pretty)) return usage('--human prints readable lines, --json and --pretty print JSON: pick one');
  const types = values.types?.split(',').map((t) => t.trim()).filter(Boolean);
  let since: number | undefined;
  if (values.since !== undefined) {
    since = Number(values.since);
    if (!Number.isInteger(since) || since < 0) return usage(`--since takes a seq (a whole number >= 0), not ${JSON.stringify(values.since)}`);
  }
  const noStart = values['no-start'] ?? false;
  // Readable lines for a person (a terminal, or --human); JSON for everything else, so pipes and scripts keep working.
  const human = values.human || (!values.json && !values.pretty && process.stdout.isTTY === true);
  const paint = colourFor();
  const print = (event: SubscribedEvent) =>
    process.stdout.write(`${human ? eventLine(event, paint, lineWidth()) : values.pretty ? JSON.stringify(event, null, 2) : JSON.stringify(event)}\n`);

  let stopped = false;
  let current: BrainsClient | null = null;
  const stop = () => {
    stopped = true;
    void current?.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', stop); // the reader went away (e.g. `| head`)

  let first = true;
  let announced = false;
  while (!stopped) {
    const client = first ? await connectForCli(noStart) : await reconnect(() => stopped);
    first = false;
    if (!client) return stopped ? EXIT.OK : EXIT.UNREACHABLE;
    current = client;
    const closed = new Promise<void>((resolve) => client.onClose(resolve));
    // Events that arrive with the subscribe answer wait until the first line has said where the feed starts.
    let early: SubscribedEvent[] | null = human ? [] : null;
    client.onEvent((event) => {
      since = event.seq;
      // A managed agent's answer streams in many small pieces; the feed shows its turns, unless asked for them by type.
      if (!types && event.type === 'agent.output') return;
      if (early) early.push(event);
      else print(event);
    });
    try {
      const resumed = since;
      const { head_seq } = await client.call('events.subscribe', { ...(types ? { types } : {}), ...(since !== undefined ? { since } : {}) });
      if (since === undefined) since = head_seq;
      if (human) {
        process.stdout.write(`${announced ? `Reconnected; resuming after seq ${resumed}.` : startLine(head_seq, resumed, types)}\n`);
        announced = true;
        for (const event of early ?? []) print(event);
        early = null;
      }
    } catch (error) {
      await client.close();
      if (error instanceof RpcCallError) {
        if (error.appCode === 'CURSOR_EXPIRED') {
          const pruned = (error.data as { pruned_through: number }).pruned_through;
          process.stderr.write(`brains watch: events after ${since} up to ${pruned} were pruned by retention; continuing from ${pruned}\n`);
          since = pruned;
          continue;
        }
        process.stderr.write(`brains watch: ${error.message}\n`);
        return error.code === -32602 ? EXIT.USAGE : EXIT.METHOD_ERROR;
      }
      if (stopped) break;
      continue;
    }
    await closed;
    if (!stopped) process.stderr.write(`brains watch: lost the daemon after seq ${since}; reconnecting\n`);
  }
  return EXIT.OK;
}

/** Wait for the daemon to come back; never start one here, so `brains down` is not undone by a watcher. */
async function reconnect(isStopped: () => boolean): Promise<BrainsClient | null> {
  const paths = statePaths();
  while (!isStopped()) {
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    if (isStopped()) return null;
    try {
      return await BrainsClient.connect(paths.socket);
    } catch {
      /* keep trying until interrupted */
    }
  }
  return null;
}

function usage(message: string): number {
  return printUsageError('watch', message);
}
