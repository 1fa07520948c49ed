// `brains watch`: the headless live feed — events as JSON lines, resuming after a daemon restart without losing any.
import { parseArgs } from 'node:util';
import { BrainsClient } from '../../rpc/client.js';
import { statePaths } from '../../rpc/paths.js';
import type { EventRecord } from '../../rpc/contract/index.js';
import { RpcCallError } from '../../rpc/errors.js';
import { usageOf } from '../command-table.js';
import { EXIT } from './exit-codes.js';
import { connectForCli } from './connect.js';

const RECONNECT_MS = 500;

export async function watchCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        types: { type: 'string' },
        since: { type: 'string' },
        pretty: { type: 'boolean' },
        'no-start': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.help) return (await import('./help.js')).helpCommand(['watch']);
  const types = values.types?.split(',').map((t) => t.trim()).filter(Boolean);
  let since: number | undefined;
  if (values.since !== undefined) {
    since = Number(values.since);
    if (!Number.isInteger(since) || since < 0) return usage(`--since takes a seq (a whole number >= 0), not ${JSON.stringify(values.since)}`);
  }
  const noStart = values['no-start'] ?? false;
  const print = (event: EventRecord) => process.stdout.write(`${values.pretty ? JSON.stringify(event, null, 2) : JSON.stringify(event)}\n`);

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
  while (!stopped) {
    const client = first ? await connectForCli(noStart) : await reconnect(() => stopped);
    first = false;
    if (!client) return stopped ? EXIT.OK : EXIT.UNREACHABLE;
    current = client;
    const closed = new Promise<void>((resolve) => client.onClose(resolve));
    client.onNotification((method, params) => {
      if (method !== 'events.event') return;
      const { event } = params as { event: EventRecord };
      since = event.seq;
      print(event);
    });
    try {
      const { head_seq } = await client.call('events.subscribe', { ...(types ? { types } : {}), ...(since !== undefined ? { since } : {}) });
      if (since === undefined) since = head_seq;
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
  process.stderr.write(`brains watch: ${message}\nusage: ${usageOf('watch')}\n`);
  return EXIT.USAGE;
}
