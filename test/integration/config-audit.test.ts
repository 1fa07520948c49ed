// Runtime settings change without a restart and persist; every mutating call leaves a chained audit row; tampering shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli, startDaemon } from '../helpers/daemon.js';
import { failure } from '../helpers/rpc-assert.js';

test('config.set applies at once, is saved, survives a restart, and refuses bad values', async () => {
  const daemon = await startDaemon();
  try {
    const c = await daemon.client();
    const before = await c.call('config.get', {});
    assert.equal(before.settings.message_ack_timeout_seconds, 60);
    const set = await c.call('config.set', { key: 'message_ack_timeout_seconds', value: 5 });
    assert.deepEqual(set, { key: 'message_ack_timeout_seconds', value: 5, previous: 60 });
    assert.equal((await c.call('config.get', { key: 'message_ack_timeout_seconds' })).settings.message_ack_timeout_seconds, 5);
    assert.deepEqual(JSON.parse(readFileSync(join(daemon.home, 'config.json'), 'utf8')), { message_ack_timeout_seconds: 5 });
    assert.equal((await failure(c.call('config.set', { key: 'message_max_attempts', value: 0 }))).appCode, 'INVALID');
    assert.equal((await failure(c.callRaw('config.set', { key: 'no_such_key', value: 1 }))).code, -32602);
    assert.equal((await failure(c.callRaw('config.set', { key: 'message_max_attempts', value: 'ten' }))).code, -32602);
    assert.equal((await c.call('config.get', {})).settings.message_max_attempts, 5, 'a refused value changed nothing');
    await c.close();
    await daemon.stop();
    const again = await startDaemon({ home: daemon.home });
    const c2 = await again.client();
    assert.equal((await c2.call('config.get', { key: 'message_ack_timeout_seconds' })).settings.message_ack_timeout_seconds, 5);
    await c2.close();
    await again.stop();
  } finally {
    await daemon.cleanup();
  }
});

test('a broken config.json stops the daemon with a message naming the file', async () => {
  const daemon = await startDaemon();
  await daemon.stop();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(daemon.home, 'config.json'), '{"message_max_attempts": "many"}');
  const result = await runCli(['daemon'], { home: daemon.home });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /config\.json has invalid settings/);
  await daemon.cleanup();
});

test('every mutating call leaves one audit row with actor and outcome; verify passes, then points at an edited row', async () => {
  const daemon = await startDaemon();
  try {
    const c = await daemon.client();
    await c.call('project.create', { project_id: 'aud', name: 'audit me', agent_name: 'lead', client_id: 'c-lead' });
    await c.call('project.join', { project_id: 'aud', agent_name: 'dev', client_id: 'c-dev' });
    await failure(c.call('project.handover', { project_id: 'aud', from_agent: 'dev', to_agent: 'lead' }));
    await c.call('system.ping');
    await c.call('project.info', { project_id: 'aud' });
    const { rows } = await c.call('audit.list', {});
    assert.deepEqual(
      rows.map((r) => [r.method, r.actor, r.acting_as, r.outcome]),
      [
        ['project.create', 'operator', 'aud/lead', 'ok'],
        ['project.join', 'operator', 'aud/dev', 'ok'],
        ['project.handover', 'operator', 'aud/dev', 'PERMISSION_DENIED'],
      ],
      'reads are not audited; failures are',
    );
    assert.equal(rows[0]!.prev_hash, '0'.repeat(64));
    assert.equal(rows[1]!.prev_hash, rows[0]!.hash);
    assert.deepEqual(await c.call('audit.verify', {}), { ok: true, checked: 3, first_broken_seq: null, reason: null });
    assert.deepEqual(
      (await c.call('audit.list', { acting_as: 'aud/dev' })).rows.map((r) => r.method),
      ['project.join', 'project.handover'],
    );

    const db = new Database(daemon.paths.db);
    db.prepare("UPDATE audit SET outcome = 'ok' WHERE seq = ?").run(rows[2]!.seq);
    db.close();
    const tampered = await c.call('audit.verify', {});
    assert.equal(tampered.ok, false);
    assert.equal(tampered.first_broken_seq, rows[2]!.seq);
    assert.match(tampered.reason!, /edited/);
  } finally {
    await daemon.cleanup();
  }
});

test('cutting the newest audit rows off by hand is caught by verify, and stays caught after a restart and new rows', async () => {
  const first = await startDaemon();
  let second: Awaited<ReturnType<typeof startDaemon>> | null = null;
  try {
    const c = await first.client();
    for (const name of ['cut-a', 'cut-b', 'cut-c', 'cut-d', 'cut-e']) await c.call('project.create', { name, agent_name: 'lead', client_id: 'c-lead' });
    const { rows } = await c.call('audit.list', {});
    assert.equal(rows.length, 5);
    assert.equal((await c.call('audit.verify', {})).ok, true);

    const db = new Database(first.paths.db);
    db.prepare('DELETE FROM audit WHERE seq > ?').run(rows[1]!.seq);
    db.close();
    const cut = await c.call('audit.verify', {});
    assert.deepEqual({ ok: cut.ok, checked: cut.checked, first_broken_seq: cut.first_broken_seq }, { ok: false, checked: 2, first_broken_seq: rows[2]!.seq });
    assert.match(cut.reason!, /the newest 3 rows were removed/);

    // A restarted daemon goes on from the recorded head, so new rows do not paper over the gap.
    await c.close();
    await first.stop();
    second = await startDaemon({ home: first.home });
    const again = await second.client();
    await again.call('project.create', { name: 'after the cut', agent_name: 'lead', client_id: 'c-lead' });
    const later = await again.call('audit.verify', {});
    assert.equal(later.ok, false, 'still caught after a restart and a new row');
    assert.equal(later.first_broken_seq, rows[4]!.seq + 1);
    assert.match(later.reason!, /link to the previous row is broken/);
  } finally {
    await second?.cleanup();
    await first.cleanup();
  }
});
