// Assertions and small steps every integration test of the fabric uses: expected refusals, projects, events, parked waits.
import assert from 'node:assert/strict';
import type { BrainsClient } from '../../rpc/client.js';
import type { EventRecord } from '../../rpc/contract/index.js';
import { RpcCallError } from '../../rpc/errors.js';
import { waitFor } from './daemon.js';

/** The call must fail with an RPC error; returns it. */
export async function failure(promise: Promise<unknown>): Promise<RpcCallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof RpcCallError, `expected an RPC error, got ${String(error)}`);
  return error;
}

/** The call must fail with this application code (NOT_FOUND, CONFLICT, ...). */
export async function refusedWith(promise: Promise<unknown>, code: string): Promise<RpcCallError> {
  const error = await failure(promise);
  assert.equal(error.appCode, code, `expected ${code}, got ${error.appCode}: ${error.message}`);
  return error;
}

/** The call must be refused as invalid params (-32602) before any handler ran. */
export async function invalidParams(promise: Promise<unknown>): Promise<void> {
  const error = await failure(promise);
  assert.equal(error.code, -32602, `expected invalid params, got ${error.code}: ${error.message}`);
}

/** A project whose first agent is the coordinator; each agent has its own identity (client_id). */
export async function projectWith(c: BrainsClient, projectId: string, agents: string[]): Promise<void> {
  await c.call('project.create', { project_id: projectId, name: projectId });
  for (const agent of agents) await c.call('project.join', { project_id: projectId, agent_name: agent, client_id: `${projectId}-${agent}` });
}

export async function headSeq(c: BrainsClient): Promise<number> {
  return (await c.call('system.info')).event_seq;
}

export async function eventsSince(c: BrainsClient, after: number, type: string): Promise<EventRecord[]> {
  return (await c.call('events.list', { after, types: [type], limit: 1000 })).events;
}

export async function waitingCount(c: BrainsClient): Promise<number> {
  return (await c.call('system.info')).counts.waiting ?? 0;
}

/** Resolves once one more call is parked on the bus than `before`: the wait really waits. */
export async function parkedBeyond(c: BrainsClient, before: number): Promise<void> {
  await waitFor(async () => (await waitingCount(c)) > before, 10_000, 'the call to park');
}

/** A waiting method's answer that must not have timed out (a lease, a resource, a project): its arrived branch. */
export async function arrived<T extends { timed_out: boolean }>(promise: Promise<T>): Promise<Exclude<T, { timed_out: true }>> {
  const result = await promise;
  assert.equal(result.timed_out, false, `expected it to arrive, but the wait ran out: ${JSON.stringify(result)}`);
  return result as Exclude<T, { timed_out: true }>;
}
