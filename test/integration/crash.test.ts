// kill -9 under load: every send the daemon answered is there after restart, no broadcast is partial, the file is intact,
// and no stored change is without its audit row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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

test('SIGKILL under load leaves no stored change without its audit row (sends, task creates, lock acquires)', async () => {
  const daemon = await startDaemon();
  try {
    const setup = await daemon.client();
    await setup.call('project.create', { project_id: 'aud', name: 'aud' });
    const agents = ['a0', 'a1', 'a2', 'a3'];
    for (const name of agents) await setup.call('project.join', { project_id: 'aud', agent_name: name, client_id: `aud-${name}` });

    /** The digest the daemon keeps of params as sent: SHA-256 of their JSON. */
    const digest = (params: unknown) => createHash('sha256').update(JSON.stringify(params)).digest('hex');
    const sentParams = new Map<string, string>();
    const clients = await Promise.all(agents.map(() => daemon.client()));
    let killed = false;
    const loops = clients.map(async (client, i) => {
      const pending: Array<Promise<unknown>> = [];
      for (let n = 0; !killed && !client.isClosed; n += 1) {
        const tag = `${agents[i]}-${n}`;
        const calls: Array<[string, Record<string, unknown>]> = [
          ['message.send', { project_id: 'aud', from_agent: agents[i]!, to_agent: agents[(i + 1) % agents.length]!, payload: { tag } }],
          ['task.create', { project_id: 'aud', title: `task ${tag}`, created_by: agents[i]! }],
          ['lock.acquire', { key: `aud/${tag}`, project_id: 'aud', agent_name: agents[i]!, ttl_seconds: 600 }],
        ];
        for (const [method, params] of calls) {
          sentParams.set(`${method} ${tag}`, digest(params));
          pending.push(client.callRaw(method, params).catch(() => undefined));
        }
        if (pending.length >= 24) await Promise.all(pending.splice(0));
      }
      await Promise.all(pending);
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await daemon.kill();
    killed = true;
    await Promise.all(loops);

    const db = new Database(daemon.paths.db, { readonly: true });
    try {
      const audited = new Map<string, Set<string>>();
      for (const row of db.prepare("SELECT method, params_digest FROM audit WHERE outcome = 'ok'").all() as Array<{ method: string; params_digest: string }>) {
        if (!audited.has(row.method)) audited.set(row.method, new Set());
        audited.get(row.method)!.add(row.params_digest);
      }
      const stored: Array<[string, string]> = [
        ...(db.prepare("SELECT json_extract(payload, '$.tag') FROM messages WHERE project_id = 'aud'").pluck().all() as string[]).map((tag): [string, string] => ['message.send', tag]),
        ...(db.prepare("SELECT substr(title, 6) FROM tasks WHERE project_id = 'aud'").pluck().all() as string[]).map((tag): [string, string] => ['task.create', tag]),
        ...(db.prepare("SELECT substr(key, 5) FROM lock_leases WHERE key LIKE 'aud/%'").pluck().all() as string[]).map((tag): [string, string] => ['lock.acquire', tag]),
      ];
      assert.ok(stored.length > 30, `enough changes were stored before the kill (${stored.length})`);
      const missing = stored.filter(([method, tag]) => !audited.get(method)?.has(sentParams.get(`${method} ${tag}`)!));
      assert.deepEqual(missing, [], 'every stored change has its audit row');
    } finally {
      db.close();
    }
    const again = await startDaemon({ home: daemon.home });
    try {
      const verified = await (await again.client()).call('audit.verify', {});
      assert.equal(verified.ok, true, verified.reason ?? '');
    } finally {
      await again.stop();
    }
  } finally {
    await daemon.cleanup();
  }
});
