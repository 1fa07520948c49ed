// Latencies of the messages plane over the socket: a parked receiver woken by a send, a broadcast to 100 members, and a
// broadcast waking 100 parked receivers (time until the last one has its answer).
import type { BrainsClient } from '../rpc/client.js';
import { closeAll, connectAll, names, projectWith, untilWaiting } from './messages-setup.js';
import { elapsedSince, now, sortDurations } from './stats.js';

const WAIT = { wait: true, timeout_seconds: 60 } as const;

/** Sorted times from issuing message.send until the parked receiver's answer arrives, one to one. */
export async function wakeLatencies(socket: string, admin: BrainsClient, samples: number): Promise<bigint[]> {
  await projectWith(admin, 'wake', ['tx', 'rx']);
  const [sender, receiver] = (await connectAll(socket, 2)) as [BrainsClient, BrainsClient];
  try {
    const times: bigint[] = [];
    const warmup = Math.min(100, samples);
    for (let i = 0; i < samples + warmup; i += 1) {
      const parked = receiver.call('message.receive', { project_id: 'wake', agent_name: 'rx', ...WAIT });
      await untilWaiting(sender, 1);
      const start = now();
      const sent = sender.call('message.send', { project_id: 'wake', from_agent: 'tx', to_agent: 'rx', payload: { i } });
      const got = await parked;
      const took = elapsedSince(start);
      await sent;
      if (got.count !== 1) throw new Error(`the woken receive returned ${got.count} messages`);
      await receiver.call('message.ack', { project_id: 'wake', agent_name: 'rx', delivery_tokens: [got.messages[0]!.delivery_token] });
      if (i >= warmup) times.push(took);
    }
    return sortDurations(times);
  } finally {
    await closeAll([sender, receiver]);
  }
}

/** Sorted round trips of message.send with broadcast: true in a project of `members` members besides the sender. */
export async function broadcastLatencies(socket: string, admin: BrainsClient, members: number, samples: number): Promise<bigint[]> {
  await projectWith(admin, 'bcast', ['lead', ...names('m', members)]);
  const [sender] = (await connectAll(socket, 1)) as [BrainsClient];
  try {
    const times: bigint[] = [];
    const warmup = Math.min(20, samples);
    for (let i = 0; i < samples + warmup; i += 1) {
      const start = now();
      const sent = await sender.call('message.send', { project_id: 'bcast', from_agent: 'lead', broadcast: true, payload: { i, note: 'all hands' } });
      const took = elapsedSince(start);
      if (sent.recipients.length !== members + 1) throw new Error(`a broadcast reached ${sent.recipients.length} recipients`);
      if (i >= warmup) times.push(took);
    }
    return sortDurations(times);
  } finally {
    await closeAll([sender]);
  }
}

/** Sorted times from issuing a broadcast until the last of `members` parked receivers has its answer. */
export async function fanOutLatencies(socket: string, admin: BrainsClient, members: number, rounds: number): Promise<bigint[]> {
  const memberNames = names('f', members);
  await projectWith(admin, 'fan', ['lead', ...memberNames]);
  const receivers = await connectAll(socket, members);
  const [sender] = (await connectAll(socket, 1)) as [BrainsClient];
  try {
    const times: bigint[] = [];
    const warmup = Math.min(3, rounds);
    for (let round = 0; round < rounds + warmup; round += 1) {
      const parked = receivers.map((client, i) => client.call('message.receive', { project_id: 'fan', agent_name: memberNames[i]!, ...WAIT }));
      await untilWaiting(sender, members);
      const start = now();
      const sent = sender.call('message.send', { project_id: 'fan', from_agent: 'lead', broadcast: true, payload: { round } });
      const answers = await Promise.all(parked);
      const took = elapsedSince(start);
      await sent;
      if (answers.some((a) => a.count !== 1)) throw new Error('a parked receiver did not get exactly the broadcast');
      await Promise.all(
        answers.map((a, i) => receivers[i]!.call('message.ack', { project_id: 'fan', agent_name: memberNames[i]!, delivery_tokens: [a.messages[0]!.delivery_token] })),
      );
      if (round >= warmup) times.push(took);
    }
    return sortDurations(times);
  } finally {
    await closeAll([...receivers, sender]);
  }
}
