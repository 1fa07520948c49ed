// A send hands a parked receive its take inside the send's own transaction: what commits with the send is handed over,
// what rolls back (the send's part, the take alone, the whole transaction) is not, and one take per receive per try.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events/bus.js';
import { createMutate, type Emit } from '../../daemon/events/mutate.js';
import { ParkedReceives, type ParkedReceive } from '../../daemon/planes/messages/handoff.js';
import type { EventRecord } from '../../rpc/contract/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bh-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function rig() {
  const store = Store.open(join(dir, `db${++n}.sqlite`));
  const bus = new EventBus();
  const order: string[] = [];
  bus.listen(undefined, (e: EventRecord) => order.push(`published ${e.type}`));
  const mutate = createMutate(store, bus);
  return { store, bus, mutate, order };
}

const parkedFor = (parked: ParkedReceives<string>, agent_name: string, signal = new AbortController().signal) =>
  parked.park({ project_id: 'p', agent_name, limit: 10, page: {}, signal, within: (fn) => fn() });

test('afterCommit runs once the outermost transaction commits, before its events are published', () => {
  const { mutate, order } = rig();
  mutate((emit) => {
    emit('user.t.one', null, 1);
    mutate.afterCommit(() => order.push('hook'));
    assert.deepEqual(order, [], 'nothing runs inside the transaction');
  });
  assert.deepEqual(order, ['hook', 'published user.t.one']);
  assert.equal(mutate.openTransaction, null);
  assert.throws(() => mutate.afterCommit(() => {}), /only inside a mutation/);
});

test('afterCommit hooks of a rolled-back savepoint, or of a rolled-back transaction, never run', () => {
  const { mutate, order } = rig();
  mutate(() => {
    mutate.afterCommit(() => order.push('outer'));
    assert.throws(() =>
      mutate(() => {
        mutate.afterCommit(() => order.push('inner, rolled back'));
        throw new Error('inner fails');
      }),
    );
    mutate(() => mutate.afterCommit(() => order.push('inner, kept')));
  });
  assert.deepEqual(order, ['outer', 'inner, kept']);
  order.length = 0;
  assert.throws(() =>
    mutate(() => {
      mutate.afterCommit(() => order.push('whole transaction rolled back'));
      throw new Error('all of it fails');
    }),
  );
  assert.deepEqual(order, []);
});

test('beforeCommit runs inside the outermost transaction after all its work; a rolled-back part drops its own', () => {
  const { store, mutate, order } = rig();
  mutate((emit) => {
    mutate.beforeCommit(() => {
      order.push(`finishing, ${store.events.count()} stored`);
      mutate((inner) => inner('user.t.from-hook', null, 0));
    });
    assert.throws(() =>
      mutate(() => {
        mutate.beforeCommit(() => order.push('dropped with its savepoint'));
        throw new Error('inner fails');
      }),
    );
    emit('user.t.work', null, 0);
  });
  assert.deepEqual(order, ['finishing, 1 stored', 'published user.t.work', 'published user.t.from-hook']);
  assert.throws(() => mutate.beforeCommit(() => {}), /only inside a mutation/);
});

test('each try of a transaction is told apart', () => {
  const { mutate } = rig();
  const seen: Array<object | null> = [];
  mutate(() => {
    seen.push(mutate.openTransaction);
    mutate(() => seen.push(mutate.openTransaction));
  });
  mutate(() => seen.push(mutate.openTransaction));
  assert.ok(seen[0]);
  assert.equal(seen[1], seen[0], 'a savepoint belongs to its transaction');
  assert.notEqual(seen[2], seen[0], 'the next transaction is another');
});

test('a committed send hands the longest-waiting receive of each recipient its take; others wait on', () => {
  const { mutate } = rig();
  const parked = new ParkedReceives<string>();
  const first = parkedFor(parked, 'carol');
  const second = parkedFor(parked, 'carol');
  const dave = parkedFor(parked, 'dave');
  const taken: string[] = [];
  const take = (emit: Emit, entry: ParkedReceive<string>) => {
    emit('user.t.took', null, entry.agent_name);
    taken.push(entry.agent_name);
    return `for ${entry.agent_name}`;
  };
  mutate(() => {
    parked.handOff(mutate, 'p', ['carol', 'dave', 'erin'], take);
    assert.equal(first.handed, null, 'handed only after the commit');
  });
  assert.equal(first.handed, 'for carol');
  assert.equal(second.handed, null);
  assert.equal(dave.handed, 'for dave');
  assert.deepEqual(taken, ['carol', 'dave']);
});

test('a second send in the same transaction does not take again for a receive already taken for', () => {
  const { mutate } = rig();
  const parked = new ParkedReceives<string>();
  const carol = parkedFor(parked, 'carol');
  let takes = 0;
  mutate(() => {
    parked.handOff(mutate, 'p', ['carol'], () => `take ${++takes}`);
    parked.handOff(mutate, 'p', ['carol'], () => `take ${++takes}`);
  });
  assert.equal(carol.handed, 'take 1');
  assert.equal(takes, 1);
});

test('when the send rolls back, its take does too and the receive is handed nothing; the next try may take again', () => {
  const { store, mutate } = rig();
  const parked = new ParkedReceives<string>();
  const carol = parkedFor(parked, 'carol');
  const eventsBefore = store.events.count();
  assert.throws(() =>
    mutate(() => {
      parked.handOff(mutate, 'p', ['carol'], (emit) => (emit('user.t.took', null, 1), 'lost'));
      throw new Error('the send fails after the hand-off');
    }),
  );
  assert.equal(carol.handed, null);
  assert.equal(store.events.count(), eventsBefore, 'the take rolled back with it');
  mutate(() => {
    assert.throws(() =>
      mutate(() => {
        parked.handOff(mutate, 'p', ['carol'], () => 'rolled back with its savepoint');
        throw new Error('the send part fails');
      }),
    );
  });
  assert.equal(carol.handed, null);
  mutate(() => parked.handOff(mutate, 'p', ['carol'], () => 'kept'));
  assert.equal(carol.handed, 'kept');
});

test('a take that fails is rolled back alone: the send commits, the receive waits on', () => {
  const { store, mutate } = rig();
  const parked = new ParkedReceives<string>();
  const carol = parkedFor(parked, 'carol');
  mutate((emit) => {
    emit('user.t.sent', null, 1);
    parked.handOff(mutate, 'p', ['carol'], (takeEmit) => {
      takeEmit('user.t.half-taken', null, 1);
      throw new Error('the receiver left meanwhile');
    });
  });
  assert.equal(carol.handed, null);
  const types = store.events.after(0, undefined, 100).map((e) => e.type);
  assert.ok(types.includes('user.t.sent'));
  assert.ok(!types.includes('user.t.half-taken'), 'the failed take left nothing behind');
});

test('nothing is taken for a receive whose caller went away, one that takes for itself, or one that was unparked', () => {
  const { mutate } = rig();
  const parked = new ParkedReceives<string>();
  const gone = new AbortController();
  const away = parkedFor(parked, 'carol', gone.signal);
  gone.abort();
  const busy = parkedFor(parked, 'dave');
  busy.taking = true;
  const left = parkedFor(parked, 'erin');
  parked.unpark(left);
  let takes = 0;
  mutate(() => parked.handOff(mutate, 'p', ['carol', 'dave', 'erin'], () => `take ${++takes}`));
  assert.equal(takes, 0);
  assert.deepEqual([away.handed, busy.handed, left.handed], [null, null, null]);
});

test('the take is made just before the commit, so it takes what the whole transaction sent', () => {
  const { store, mutate } = rig();
  const parked = new ParkedReceives<string>();
  const carol = parkedFor(parked, 'carol');
  mutate((emit) => {
    parked.handOff(mutate, 'p', ['carol'], () => `${store.events.count()} stored when taking`);
    emit('user.t.sent-later', null, 0);
  });
  assert.equal(carol.handed, '1 stored when taking');
});

test('a take that finds nothing due hands nothing over', () => {
  const { mutate } = rig();
  const parked = new ParkedReceives<string>();
  const carol = parkedFor(parked, 'carol');
  mutate(() => parked.handOff(mutate, 'p', ['carol'], () => null));
  assert.equal(carol.handed, null);
});
