// A managed agent in a git worktree of its own, on a real temporary repository through a real daemon: made on its
// branch, its changes diffed against its base, removed with it (refused while it holds uncommitted work), bad input refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDaemon } from '../helpers/with-daemon.js';
import { failure, invalidParams, refusedWith } from '../helpers/rpc-assert.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'bwt-')));
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
const branches = (repo: string): string[] => git(repo, 'branch', '--format=%(refname:short)').split('\n').filter(Boolean);
const worktrees = (repo: string): string[] =>
  git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));

describe('agent worktrees', () => {
  const { daemon, client: c } = withDaemon();
  let repo: string;
  let first: string;

  before(() => {
    repo = join(work, 'shop');
    mkdirSync(join(repo, 'src'), { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(repo, 'README.md'), '# shop\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'first');
    first = git(repo, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(repo, 'src', 'b.ts'), 'export const b = 2;\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'second');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('agent.create worktree: true makes a worktree on brains/<agent> from HEAD, and the agent works at the same place inside it', async () => {
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const created = await c.call('agent.create', { agent_name: 'wt1', backend: 'echo', working_directory: join(repo, 'src'), worktree: true });
    const path = join(daemon.home, 'worktrees', 'wt1');
    assert.deepEqual(created.worktree, { path, branch: 'brains/wt1', base: head, repository: repo });
    assert.equal(created.working_directory, join(path, 'src'));
    assert.ok(existsSync(join(path, 'src', 'b.ts')));
    assert.ok(branches(repo).includes('brains/wt1'));
    assert.ok(worktrees(repo).includes(path));
    assert.equal(git(path, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'brains/wt1');
    assert.deepEqual((await c.call('agent.info', { agent_name: 'wt1' })).worktree, created.worktree);

    const clean = await c.call('agent.diff', { agent_name: 'wt1' });
    assert.equal(clean.diff, '');
    assert.deepEqual(clean.files, []);
    assert.equal(clean.truncated, false);

    const turn = await c.call('agent.send', { agent_name: 'wt1', text: 'hello' });
    assert.ok(turn.turn_id, 'the agent runs in its worktree like any other');
  });

  test('base starts the worktree from another commit; agent.diff shows commits, staged, unstaged, deleted and new files against it', async () => {
    const created = await c.call('agent.create', { agent_name: 'wt2', backend: 'echo', working_directory: repo, worktree: true, base: first });
    const path = created.worktree!.path;
    assert.equal(created.worktree!.base, first);
    assert.equal(existsSync(join(path, 'src', 'b.ts')), false, 'b.ts came after the base');

    writeFileSync(join(path, 'src', 'c.ts'), 'export const c = 3;\n');
    git(path, 'add', 'src/c.ts');
    git(path, 'commit', '-q', '-m', 'c');
    writeFileSync(join(path, 'src', 'a.ts'), 'export const a = 10;\n');
    unlinkSync(join(path, 'README.md'));
    writeFileSync(join(path, 'notes.txt'), 'one\ntwo\n');

    const shown = await c.call('agent.diff', { agent_name: 'wt2' });
    assert.equal(shown.branch, 'brains/wt2');
    assert.equal(shown.base, first);
    assert.match(shown.diff, /^diff --git a\/src\/a\.ts b\/src\/a\.ts$/m);
    assert.match(shown.diff, /^-export const a = 1;$/m);
    assert.match(shown.diff, /^\+export const a = 10;$/m);
    assert.match(shown.diff, /^\+export const c = 3;$/m, 'a commit on the branch is part of the diff');
    assert.match(shown.diff, /^deleted file mode/m);
    assert.match(shown.diff, /^\+two$/m, 'a new file is shown whole');
    const byPath = Object.fromEntries(shown.files.map((file) => [file.path, file]));
    assert.deepEqual(byPath['src/a.ts'], { path: 'src/a.ts', status: 'modified', additions: 1, deletions: 1 });
    assert.deepEqual(byPath['src/c.ts'], { path: 'src/c.ts', status: 'added', additions: 1, deletions: 0 });
    assert.deepEqual(byPath['README.md'], { path: 'README.md', status: 'deleted', additions: 0, deletions: 1 });
    assert.deepEqual(byPath['notes.txt'], { path: 'notes.txt', status: 'untracked', additions: 2, deletions: 0 });
    assert.equal(shown.files.length, 4);
  });

  test('agent.remove refuses while the worktree holds uncommitted changes, changing nothing; after a commit (or with force) it goes and the branch stays', async () => {
    const path = join(daemon.home, 'worktrees', 'wt2');
    const refused = await refusedWith(c.call('agent.remove', { agent_name: 'wt2' }), 'CONFLICT');
    assert.match(refused.message, /wt2's worktree .* has 3 uncommitted changes .*; commit them on brains\/wt2, or pass force: true to drop them/);
    assert.equal((await c.call('agent.info', { agent_name: 'wt2' })).agent_name, 'wt2', 'the agent is still there');
    assert.ok(existsSync(join(path, 'notes.txt')), 'and so is its work');

    git(path, 'add', '-A');
    git(path, 'commit', '-q', '-m', 'work');
    const removed = await c.call('agent.remove', { agent_name: 'wt2' });
    assert.deepEqual(removed, { agent_name: 'wt2', removed: true, worktree_removed: true, branch: 'brains/wt2', worktree_error: null });
    assert.equal(existsSync(path), false);
    assert.ok(branches(repo).includes('brains/wt2'), 'the branch keeps the commits');
    assert.equal(worktrees(repo).includes(path), false);
    await refusedWith(c.call('agent.info', { agent_name: 'wt2' }), 'NOT_FOUND');

    const wt1 = join(daemon.home, 'worktrees', 'wt1');
    writeFileSync(join(wt1, 'scratch.txt'), 'draft\n');
    const forced = await c.call('agent.remove', { agent_name: 'wt1', force: true });
    assert.equal(forced.worktree_removed, true);
    assert.equal(existsSync(wt1), false);
  });

  test('locks taken in an agent\'s worktree are scoped to the repository: the same path in the main checkout conflicts', async () => {
    const created = await c.call('agent.create', { agent_name: 'wt3', backend: 'echo', working_directory: repo, worktree: true });
    const held = await c.call('lock.acquire', { key: 'src/a.ts', project_id: created.project_id, agent_name: 'wt3', working_directory: created.working_directory, ttl_seconds: 60 });
    assert.equal(held.timed_out, false);
    if (held.timed_out) return;
    assert.equal(held.scope, join(repo, '.git'));
    const blocked = await failure(c.call('lock.acquire', { key: 'src/a.ts', project_id: created.project_id, agent_name: 'operator', working_directory: repo, ttl_seconds: 60 }));
    assert.equal(blocked.appCode, 'CONFLICT');
    assert.match(blocked.message, /held by wt3/);
    await c.call('lock.release', { lease_id: held.lease_id, fencing_token: held.fencing_token });
    await c.call('agent.remove', { agent_name: 'wt3' });
  });

  test('bad input is refused with what to do, and leaves no agent, worktree or branch behind', async () => {
    const plain = join(work, 'plain');
    mkdirSync(plain, { recursive: true });
    const notGit = await refusedWith(c.call('agent.create', { agent_name: 'x1', backend: 'echo', working_directory: plain, worktree: true }), 'INVALID');
    assert.match(notGit.message, /is not inside a git repository; worktree: true needs one/);

    const noBase = await refusedWith(c.call('agent.create', { agent_name: 'x2', backend: 'echo', working_directory: repo, worktree: true, base: 'no-such-branch' }), 'INVALID');
    assert.match(noBase.message, /base no-such-branch is not a commit in /);

    const baseAlone = await refusedWith(c.call('agent.create', { agent_name: 'x3', backend: 'echo', working_directory: repo, base: 'main' }), 'INVALID');
    assert.match(baseAlone.message, /base goes with worktree: true/);

    for (const base of ['--upload-pack=touch /tmp/pwned', 'main branch', 'a\u0000b', 'x'.repeat(257), '']) {
      await invalidParams(c.call('agent.create', { agent_name: 'x4', backend: 'echo', working_directory: repo, worktree: true, base }));
    }
    await invalidParams(c.call('agent.create', { agent_name: 'x4', backend: 'echo', working_directory: repo, worktree: 'yes' as unknown as boolean }));
    await invalidParams(c.call('agent.remove', { agent_name: 'x4', force: 1 as unknown as boolean }));
    await invalidParams(c.call('agent.diff', { agent_name: 'x4', path: '/' } as never));
    await invalidParams(c.call('agent.diff', {} as never));
    for (const agent_name of ['x'.repeat(300), '../../etc/passwd', 'a b', '']) await invalidParams(c.call('agent.diff', { agent_name }));
    await invalidParams(c.call('agent.remove', { agent_name: 'x'.repeat(300), force: true }));

    git(repo, 'branch', 'brains/x5');
    const taken = await refusedWith(c.call('agent.create', { agent_name: 'x5', backend: 'echo', working_directory: repo, worktree: true }), 'CONFLICT');
    assert.match(taken.message, /branch brains\/x5 exists already .*; delete it \(git branch -D brains\/x5\) or choose another agent_name/);

    await c.call('agent.create', { agent_name: 'x6', backend: 'echo', working_directory: plain });
    await refusedWith(c.call('agent.create', { agent_name: 'x6', backend: 'echo', working_directory: repo, worktree: true }), 'CONFLICT');
    const noWorktree = await refusedWith(c.call('agent.diff', { agent_name: 'x6' }), 'INVALID');
    assert.match(noWorktree.message, /x6 has no worktree of its own/);
    await refusedWith(c.call('agent.diff', { agent_name: 'nobody' }), 'NOT_FOUND');

    const names = (await c.call('agent.list', {})).agents.map((agent) => agent.agent_name);
    for (const name of ['x1', 'x2', 'x3', 'x4', 'x5']) assert.equal(names.includes(name), false, `${name} was not stored`);
    assert.deepEqual(branches(repo).filter((b) => /^brains\/x[1-46]$/.test(b)), []);
    assert.deepEqual(worktrees(repo).filter((p) => p.startsWith(join(daemon.home, 'worktrees'))), []);
  });
});
