// D in the cockpit shows what a managed agent changed: its worktree's diff against its base, or for an agent without one
// the last diff it reported live (codex's turn/diff/updated), or says there is none.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/daemon.js';
import { KEYS, renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { scratchDir } from '../helpers/agents.js';

const FAKE_CODEX = fileURLToPath(new URL('../../../test/fixtures/fake-codex.mjs', import.meta.url));
const work = realpathSync(mkdtempSync(join(tmpdir(), 'btd-')));
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

describe('D: an agent\'s diff in the cockpit', () => {
  const { daemon, client } = withDaemon({ env: { BRAINS_CODEX_PATH: FAKE_CODEX } });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('a worktree agent: its files and diff against the base in an overlay, Esc closes it', async () => {
    git(work, 'init', '-q', '-b', 'main');
    writeFileSync(join(work, 'app.ts'), 'export const answer = 41;\n');
    git(work, 'add', '.');
    git(work, 'commit', '-q', '-m', 'first');
    const created = await client.call('agent.create', { agent_name: 'differ', backend: 'echo', working_directory: work, worktree: true });
    writeFileSync(join(created.worktree!.path, 'app.ts'), 'export const answer = 42;\n');
    const ui = await renderCockpit(daemon, { agent: 'differ', project: 'agents' });
    try {
      await ui.waitForFrame((f) => f.includes('differ in agents · echo'), 'the conversation with differ');
      await ui.press('D');
      const frame = await ui.waitForFrame((f) => f.includes('+export const answer = 42;'), 'the diff in an overlay');
      assert.match(frame, /differ: its worktree against [0-9a-f]{12}/);
      assert.match(frame, /branch brains\/differ from [0-9a-f]{12} · 1 file/);
      assert.match(frame, /modified +app\.ts +\+1 -1/);
      assert.match(frame, /-export const answer = 41;/);
      await ui.press(KEYS.escape);
      await ui.waitForFrame((f) => !f.includes('+export const answer = 42;'), 'the overlay closed');
    } finally {
      await ui.close();
    }
  });

  test('an agent without a worktree: the diff it last reported (codex), else a line saying there is none', async () => {
    await client.call('agent.create', { agent_name: 'plain', backend: 'echo', working_directory: scratchDir() });
    const state = scratchDir();
    await client.call('agent.create', { agent_name: 'coder', backend: 'codex', working_directory: state, env: { FAKE_CODEX_STATE: state } });
    const plain = await renderCockpit(daemon, { agent: 'plain', project: 'agents' });
    try {
      await plain.waitForFrame((f) => f.includes('plain in agents · echo'), 'the conversation with plain');
      await plain.press('D');
      await plain.waitForFrame((f) => f.includes('plain has no worktree and has reported no diff yet'), 'the reason on the status line');
    } finally {
      await plain.close();
    }

    const ui = await renderCockpit(daemon, { agent: 'coder', project: 'agents' });
    try {
      await ui.waitForFrame((f) => f.includes('coder in agents · codex'), 'the conversation with coder');
      const sent = await client.call('agent.send', { agent_name: 'coder', text: '[edit notes.md] write the notes' });
      let approval: string | undefined;
      await waitFor(async () => {
        approval = (await client.call('approval.list', { status: 'pending', requested_by: 'coder' })).approvals[0]?.approval_id;
        return approval !== undefined;
      }, 30_000, 'the edit permission');
      await client.call('approval.decide', { approval_id: approval!, decision: 'allow' });
      await waitFor(async () => (await client.call('agent.history', { agent_name: 'coder' })).turns.some((t) => t.turn_id === sent.turn_id && t.status === 'done'), 30_000, 'the turn done');
      await ui.press('D');
      const frame = await ui.waitForFrame((f) => f.includes('coder: the change of') && f.includes('notes.md'), 'the reported diff in an overlay');
      assert.match(frame, new RegExp(`coder: the change of ${sent.turn_id}, as it reported it`));
    } finally {
      await ui.close();
    }
  });
});
