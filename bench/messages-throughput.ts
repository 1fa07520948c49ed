// Sustained messages per second end to end: several senders pipeline message.send while their receivers take them
// (receive with wait, up to 100 at a time) and acknowledge them; the clock stops when the last ack is answered.
// Every message is accounted for: lost = sent and never received, duplicates = received twice.
import type { BrainsClient } from '../rpc/client.js';
import { closeAll, connectAll, names, projectWith } from './messages-setup.js';
import { pipelinedRun } from './round-trips.js';
import { elapsedSince, now } from './stats.js';

export interface ThroughputOutcome {
  messages: number;
  elapsedNs: bigint;
  lost: number;
  duplicates: number;
  unreadAfter: number;
}

const WARMUP_MESSAGES = 2_000;
/** A receiver that hears nothing for this long after its senders finished stops: what it lacks is counted lost. */
const QUIET_SECONDS = 3;

/** A short run first (in a project of its own) so the measured one starts warm, then the measured run. */
export async function sustainedThroughput(socket: string, admin: BrainsClient, total: number, pairs: number, depth: number): Promise<ThroughputOutcome> {
  await run(socket, admin, 'flow-warmup', Math.min(WARMUP_MESSAGES, total), pairs, depth);
  return run(socket, admin, 'flow', total, pairs, depth);
}

async function run(socket: string, admin: BrainsClient, project: string, total: number, pairs: number, depth: number): Promise<ThroughputOutcome> {
  const senderNames = names('s', pairs);
  const receiverNames = names('r', pairs);
  await projectWith(admin, project, [...senderNames, ...receiverNames]);
  const senders = await connectAll(socket, pairs);
  const receivers = await connectAll(socket, pairs);
  const share = (i: number) => Math.floor((total * (i + 1)) / pairs) - Math.floor((total * i) / pairs);
  let sendersDone = false;
  try {
    const start = now();
    const receiving = receivers.map((client, i) => drain(client, project, receiverNames[i]!, share(i), () => sendersDone));
    await Promise.all(
      senders.map((client, i) => {
        let n = 0;
        const send = () => client.call('message.send', { project_id: project, from_agent: senderNames[i]!, to_agent: receiverNames[i]!, payload: { n: n++, text: 'work item' } });
        return pipelinedRun(send, share(i), depth);
      }),
    );
    sendersDone = true;
    const received = await Promise.all(receiving);
    const elapsedNs = elapsedSince(start);
    const unreadAfter = (await admin.call('message.unread_counts', { project_id: project })).total_unread;
    return {
      messages: total,
      elapsedNs,
      lost: received.reduce((sum, r, i) => sum + (share(i) - r.distinct), 0),
      duplicates: received.reduce((sum, r) => sum + r.duplicates, 0),
      unreadAfter,
    };
  } finally {
    sendersDone = true;
    await closeAll([...senders, ...receivers]);
  }
}

/** Receive until `expected` distinct messages were acknowledged, or nothing arrives for a while after the senders stopped. */
async function drain(client: BrainsClient, project: string, agent: string, expected: number, sendersDone: () => boolean): Promise<{ distinct: number; duplicates: number }> {
  const seen = new Set<string>();
  let duplicates = 0;
  let acked = 0;
  const acks: Array<Promise<void>> = [];
  while (seen.size < expected) {
    const got = await client.call('message.receive', { project_id: project, agent_name: agent, limit: 100, wait: true, timeout_seconds: QUIET_SECONDS });
    if (got.count === 0) {
      if (sendersDone()) break;
      continue;
    }
    for (const m of got.messages) {
      if (seen.has(m.message_id)) duplicates += 1;
      else seen.add(m.message_id);
    }
    // The ack is not awaited before the next receive: a consumer pipelines them on its one connection.
    acks.push(
      client.call('message.ack', { project_id: project, agent_name: agent, delivery_tokens: got.messages.map((m) => m.delivery_token) }).then((r) => {
        acked += r.acknowledged.length;
      }),
    );
  }
  await Promise.all(acks);
  return { distinct: Math.min(seen.size, acked), duplicates };
}
