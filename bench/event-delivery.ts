// Events per second reaching one subscriber while another connection publishes user.* events in pipelined batches.
import { BrainsClient } from '../rpc/client.js';
import { elapsedSince, now } from './stats.js';

export interface DeliveryPlan {
  events: number;
  eventsPerPublish: number;
  publishesInFlight: number;
  /** The writer waits while it is this many events ahead of the subscriber. */
  maxLead: number;
}

const STALL_MS = 15_000;

export async function measureEventDelivery(socket: string, plan: DeliveryPlan): Promise<bigint> {
  const subscriber = await BrainsClient.connect(socket);
  const writer = await BrainsClient.connect(socket);
  try {
    return await deliver(subscriber, writer, plan);
  } finally {
    await Promise.all([subscriber.close(), writer.close()]);
  }
}

function sampleBatch(size: number): Array<{ type: string; subject: string; data: unknown }> {
  return Array.from({ length: size }, (_, i) => ({ type: 'user.bench.tick', subject: `bench-${i}`, data: { i, note: 'bench' } }));
}

async function deliver(subscriber: BrainsClient, writer: BrainsClient, plan: DeliveryPlan): Promise<bigint> {
  const batch = sampleBatch(plan.eventsPerPublish);
  let published = 0;
  let received = 0;
  let publishing = 0;
  let lastProgress = Date.now();
  let start = 0n;
  let settle!: { resolve: (ns: bigint) => void; reject: (error: unknown) => void };
  const done = new Promise<bigint>((resolve, reject) => (settle = { resolve, reject }));

  const pump = (): void => {
    while (publishing < plan.publishesInFlight && published < plan.events && published - received < plan.maxLead) {
      const size = Math.min(plan.eventsPerPublish, plan.events - published);
      published += size;
      publishing += 1;
      writer.call('events.publish', { events: size === batch.length ? batch : batch.slice(0, size) }).then(() => {
        publishing -= 1;
        pump();
      }, settle.reject);
    }
  };

  subscriber.onNotification((method) => {
    if (method !== 'events.event') return;
    received += 1;
    lastProgress = Date.now();
    if (received >= plan.events) settle.resolve(elapsedSince(start));
    else pump();
  });
  subscriber.onClose(() => settle.reject(new Error(`the subscriber was disconnected after ${received} events`)));
  await subscriber.call('events.subscribe', { types: ['user.*'] });

  const watchdog = setInterval(() => {
    if (Date.now() - lastProgress > STALL_MS) settle.reject(new Error(`event delivery stalled at ${received}/${plan.events}`));
  }, 1000);
  start = now();
  pump();
  try {
    return await done;
  } finally {
    clearInterval(watchdog);
  }
}
