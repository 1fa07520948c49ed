// brains version --json: what this build speaks, the database's schema and the running daemon's, never starting one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { migrate, migrations, LATEST_SCHEMA_VERSION } from '../../daemon/store/migrations/index.js';
import { openDatabase } from '../../daemon/store/open.js';
import { PROTOCOL_VERSION } from '../../rpc/protocol.js';
import { runCli, startDaemon, withEmptyHome } from '../helpers/daemon.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

test('with no state yet and no daemon: this build\'s versions, an absent database, nothing started', async () => {
  await withEmptyHome(async (home) => {
    const out = await runCli(['version', '--json'], { home });
    assert.equal(out.code, 0, out.stderr);
    const facts = JSON.parse(out.stdout);
    assert.equal(facts.version, pkg.version);
    assert.equal(facts.protocol_version, PROTOCOL_VERSION);
    assert.equal(facts.schema_version, LATEST_SCHEMA_VERSION);
    assert.deepEqual(facts.database, { path: join(home, 'brains.db'), schema_version: null, state: 'absent' });
    assert.equal(facts.daemon.running, false);
    const older = openDatabase(join(home, 'brains.db'));
    migrate(older, migrations.filter((m) => m.version <= 20));
    older.close();
    const again = JSON.parse((await runCli(['version', '--json'], { home })).stdout);
    assert.equal(again.database.schema_version, 20);
    assert.match(again.database.state, /^older: migrated \(after a backup\)/);
    const typo = await runCli(['version', '--jsn'], { home });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean --json\?/);
  });
});

test('with a daemon running: its version and protocol match the CLI, and scheduled backups show as configured', async () => {
  const daemon = await startDaemon();
  try {
    const c = await daemon.client();
    await c.call('config.set', { key: 'backup_every_hours', value: 24 });
    const facts = JSON.parse((await runCli(['version', '--json'], { home: daemon.home })).stdout);
    assert.equal(facts.daemon.running, true);
    assert.equal(facts.daemon.pid, daemon.proc.pid);
    assert.equal(facts.daemon.same_as_cli, true);
    assert.equal(facts.daemon.protocol_version, PROTOCOL_VERSION);
    assert.equal(facts.database.state, 'current');
    assert.equal(facts.parts.mcp_http.state, 'disabled');
    assert.deepEqual(facts.parts.scheduled_backups, { every_hours: 24, keep: 7, kept: 0 });
  } finally {
    await daemon.cleanup();
  }
});
