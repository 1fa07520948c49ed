// The event catalogue: every emitted type is declared, every method's emits names declared types, and mutate refuses the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { contract } from '../../rpc/contract/index.js';
import { catalogue, catalogueEntries, eventDef } from '../../rpc/contract/catalogue.js';
import { describeContract } from '../../rpc/contract/json-schema.js';
import type { EventDef } from '../../rpc/contract/define.js';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events/bus.js';
import { createMutate, UndeclaredEventError, type Emit } from '../../daemon/events/mutate.js';
import { outsideCall, runInCall } from '../../daemon/principals/call-scope.js';
import { OPERATOR_PRINCIPAL } from '../../daemon/principals/principal.js';
import type { EventRecord } from '../../rpc/contract/index.js';

function withStore(fn: (store: Store) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'bt-cat-'));
  const store = Store.open(join(dir, 'brains.db'));
  try {
    fn(store);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("every method's emits names a declared event type (or user.*)", () => {
  for (const [method, def] of Object.entries(contract)) {
    for (const type of def.emits) assert.ok(type === 'user.*' || eventDef(type) !== null, `${method} emits ${type}, which rpc/contract/catalogue.ts does not declare`);
  }
});

test('every declared type has a summary, a subject and a data schema; the catalogue is published as JSON Schema', () => {
  for (const [type, def] of catalogueEntries()) {
    assert.match(type, /^[a-z]+(\.[a-z_]+)+$|^user\.\*$/, type);
    assert.ok(def.summary.length > 10 && !def.summary.includes('\n'), `${type} summary`);
    assert.ok(def.subject.length > 0, `${type} subject`);
  }
  const described = describeContract().events;
  assert.equal(described.length, Object.keys(catalogue).length + 1);
  assert.deepEqual(described.find((e) => e.type === 'session.active')?.delivery, 'log');
  assert.equal((described.find((e) => e.type === 'message.sent')!.data_schema as { required: string[] }).required.includes('preview'), true);
});

test('emitting an undeclared type, or declared data of the wrong shape, fails the mutation and stores nothing', () => {
  withStore((store) => {
    const checked = createMutate(store, new EventBus(), { checkEvents: true });
    const mutate = (<T>(fn: (emit: Emit) => T): T => outsideCall(() => checked(fn))) as typeof checked;
    const loose = mutate as unknown as <T>(fn: (emit: (type: string, subject: string | null, data: unknown) => EventRecord) => T) => T;
    assert.throws(() => loose((emit) => emit('message.sennt', 'p', {})), UndeclaredEventError);
    assert.throws(() => mutate((emit) => emit('project.left', 'p', { agent_name: 7 } as never)), /data of project.left does not match/);
    assert.equal(store.events.count(), 0);
    mutate((emit: Emit) => emit('project.left', 'p', { agent_name: 'bob' }));
    assert.equal(store.events.count(), 1);
  });
});

test('a live-only type reaches listeners after commit but is never kept in the log', () => {
  withStore((store) => {
    const bus = new EventBus();
    const heard: EventRecord[] = [];
    bus.listen(undefined, (e) => heard.push(e));
    const live: EventDef = { summary: 'an agent output delta', subject: 'agent', delivery: 'live', project: () => null, data: z.object({ text: z.string() }) };
    const checked = createMutate(store, bus, { checkEvents: true, lookup: (type) => (type === 'agent.output' ? live : eventDef(type)) });
    const mutate = (<T>(fn: (emit: Emit) => T): T => outsideCall(() => checked(fn))) as typeof checked;
    const loose = mutate as unknown as <T>(fn: (emit: (type: string, subject: string | null, data: unknown) => EventRecord) => T) => T;
    loose((emit) => {
      emit('project.left', 'p', { agent_name: 'bob' });
      emit('agent.output', 'a1', { text: 'hello' });
    });
    assert.deepEqual(heard.map((e) => [e.type, e.seq, e.live ?? false]), [
      ['project.left', 1, false],
      ['agent.output', 1, true],
    ]);
    assert.deepEqual(store.events.after(0, undefined, 10).map((e) => e.type), ['project.left']);
  });
});

test("in checking mode a call may emit only what its contract entry lists, and a change must belong to a call or be marked background", () => {
  withStore((store) => {
    const mutate = createMutate(store, new EventBus(), { checkEvents: true });
    const scope = { method: 'project.join', mutates: true, emits: ['project.joined'], principal: OPERATOR_PRINCIPAL, rawParams: {}, actingAs: null, sessionId: null, subject: null, audited: false, finished: false };
    runInCall(scope, () => mutate((emit) => emit('project.joined', 'p', { agent_name: 'a', role: 'contributor', rejoined: false })));
    assert.throws(
      () => runInCall(scope, () => mutate((emit) => emit('project.left', 'p', { agent_name: 'a' }))),
      /project\.join emitted project\.left, which its contract entry does not list in emits/,
    );
    assert.throws(() => mutate((emit) => emit('project.left', 'p', { agent_name: 'a' })), /a change outside any call/);
    outsideCall(() => mutate((emit) => emit('project.left', 'p', { agent_name: 'a' })));
    assert.deepEqual(store.events.after(0, undefined, 10).map((e) => e.type), ['project.joined', 'project.left']);
  });
});
