// What the message figures share: their run sizes, a project with members, and helpers to park receivers and wait for them.
import { BrainsClient } from '../rpc/client.js';
import type { BenchSizes } from './config.js';
import { sleep } from './child.js';

export interface MessagePlan {
  wakeSamples: number;
  throughputMessages: number;
  senders: number;
  sendDepth: number;
  broadcastSamples: number;
  broadcastMembers: number;
  fanOutRounds: number;
  storedMessages: number;
  storedProjects: number;
  agentsPerProject: number;
  receiveSamples: number;
}

const FULL: MessagePlan = {
  wakeSamples: 2_000,
  throughputMessages: 100_000,
  senders: 4,
  sendDepth: 32,
  broadcastSamples: 500,
  broadcastMembers: 100,
  fanOutRounds: 50,
  storedMessages: 1_000_000,
  storedProjects: 10,
  agentsPerProject: 100,
  receiveSamples: 2_000,
};

const QUICK: MessagePlan = {
  ...FULL,
  wakeSamples: 200,
  throughputMessages: 10_000,
  broadcastSamples: 50,
  fanOutRounds: 10,
  storedMessages: 100_000,
  storedProjects: 2,
  agentsPerProject: 50,
  receiveSamples: 200,
};

export function messagePlan(sizes: BenchSizes): MessagePlan {
  return sizes.mode === 'quick' ? QUICK : FULL;
}

export function phase(name: string): void {
  process.stderr.write(`bench: messages: ${name}\n`);
}

/** Create a project and join its members, one call each (as agents do). */
export async function projectWith(client: BrainsClient, projectId: string, members: readonly string[]): Promise<void> {
  await client.call('project.create', { project_id: projectId, name: projectId });
  for (const agent_name of members) await client.call('project.join', { project_id: projectId, agent_name });
}

export function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** Resolve once the daemon has at least `count` calls parked (system.info counts.waiting). */
export async function untilWaiting(client: BrainsClient, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (((await client.call('system.info')).counts.waiting ?? 0) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} receives parked after ${timeoutMs} ms`);
    await sleep(0);
  }
}

export async function connectAll(socket: string, count: number): Promise<BrainsClient[]> {
  return Promise.all(Array.from({ length: count }, () => BrainsClient.connect(socket)));
}

export async function closeAll(clients: readonly BrainsClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.close()));
}
