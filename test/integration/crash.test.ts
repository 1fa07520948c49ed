// kill -9 under load: every send the daemon answered is there after restart, no broadcast is partial, the file is intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { startDaemon } from '../helpers/daemon.js';

test('SIGKILL while clients send and broadcast loses nothing acknowledged and leaves no partial broadcast', async () => {
  const daemon = await startDaemon();
  try {
    const setup = await daemon.client();
    const members = Array.from({ length: 10 }, (_, i) => `agent${i}`);
    await setup.call('project.create', { project_id: 'crash', name: 'crash', agent_name: members[0]!, client_id: 'c0' });
    for (const name of members.slice(1)) await setup.call('project.join', { project_id: 'crash', agent_name: name, client_id: `c-${name}` });

    const answered = new Set<string>();
    const senders = await Promise.all(members.slice(0, 4).map(() => daemon.client()));
    let killed = false;
    const loops = senders.map(async (client, i) => {
      for (let n = 0; !killed; n += 1) {
        const broadcast = n % 3 === 0;
        try {
          const sent = await client.call('message.send', {
            project_id: 'crash',
            from_agent: members[i]!,
            ...(broadcast ? { broadcast: true } : { to_agent: members[(i + 1) % members.length]! }),
            payload: { n, from: members[i] },
          });
          answered.add(sent.message_id);
        } catch {
          return; // the daemon died under us
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await daemon.kill();
    killed = true;
    await Promise.all(loops);
    assert.ok(answered.size > 10, `enough sends were answered before the kill (${answered.size})`);

    const db = new Database(daemon.paths.db);
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const stored = new Set(db.prepare("SELECT message_id FROM messages WHERE project_id = 'crash'").pluck().all() as string[]);
      for (const id of answered) assert.ok(stored.has(id), `answered message ${id} survived the kill`);
      const partial = db
        .prepare(
          `SELECT m.message_id, count(d.recipient) AS n FROM messages m LEFT JOIN deliveries d ON d.message_id = m.message_id
           WHERE m.project_id = 'crash' AND m.broadcast = 1 GROUP BY m.message_id HAVING n != ?`,
        )
        .all(members.length) as Array<{ message_id: string; n: number }>;
      // A broadcast goes to every member but the sender, plus the operator: members.length recipients.
      assert.deepEqual(partial, [], 'every broadcast reached all its recipients or none');
    } finally {
      db.close();
    }

    const again = await startDaemon({ home: daemon.home });
    try {
      const c = await again.client();
      const inbox = await c.call('message.receive', { project_id: 'crash', agent_name: 'operator', limit: 100 });
      assert.ok(inbox.count > 0, 'the restarted daemon serves the stored messages');
    } finally {
      await again.stop();
    }
  } finally {
    await daemon.cleanup();
  }
});
