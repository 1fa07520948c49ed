// Lock scopes through a real daemon and real git checkouts: a key belongs to the holder's repository, so two repositories never block each other.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrainsClient } from '../../rpc/client.js';
import type { Result } from '../../rpc/contract/index.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { arrived, failure, invalidParams } from '../helpers/rpc-assert.js';
import { call, callError, openMcp } from '../helpers/mcp-stdio.js';

type Lease = Extract<Result<'lock.acquire'>, { timed_out: false }>;

/** The daemon's HOME: every checkout lives under it, so lock.list can show them as ~/…. */
const home = realpathSync(mkdtempSync(join(tmpdir(), 'bls-home-')));
const work = join(home, 'work');

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'ignore' });
}

/** A real repository with one commit (so worktrees can be added), at ~/work/NAME. */
function repository(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'init');
  return dir;
}

/** An agent of a project, working in `dir` with `tool`: a live session of its identity, joined under `name`. */
async function agent(c: BrainsClient, project: string, name: string, dir: string | null, tool: 'claude-code' | 'codex' | 'copilot' | 'gemini' | 'other' = 'claude-code'): Promise<void> {
  const client_id = `${project}-${name}`;
  await c.call('session.start', { tool, client_id, ...(dir ? { working_directory: dir } : {}) });
  const exists = (await c.call('project.list', {})).projects.some((p) => p.project_id === project);
  if (exists) await c.call('project.join', { project_id: project, agent_name: name, client_id });
  else await c.call('project.create', { project_id: project, name: project, agent_name: name, client_id });
}

const acquire = (c: BrainsClient, project: string, name: string, key: string, extra: Record<string, unknown> = {}): Promise<Lease> =>
  arrived(c.call('lock.acquire', { key, project_id: project, agent_name: name, ttl_seconds: 600, ...extra }));

describe('lock scopes', () => {
  const { daemon, client: admin } = withDaemon({ env: { HOME: home } });
  let shop: string;
  let shopWorktree: string;
  let blog: string;
  let plain: string;

  before(async () => {
    shop = repository('shop-api');
    blog = repository('blog');
    shopWorktree = join(work, 'shop-api-feature');
    git(shop, 'worktree', 'add', '-q', shopWorktree);
    plain = join(work, 'notes');
    mkdirSync(join(plain, 'sub'), { recursive: true });
    await agent(admin, 'shop', 'alice', shop);
    await agent(admin, 'blog', 'bob', blog, 'codex');
    await agent(admin, 'shop-v2', 'carol', shopWorktree, 'copilot');
    await agent(admin, 'shop', 'dave', join(shop, 'packages'), 'gemini');
    await agent(admin, 'misc', 'erin', plain);
    await agent(admin, 'misc', 'fred', join(plain, 'sub'));
    await agent(admin, 'misc', 'gus', null);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test('the same path in two repositories is two locks: agents of different repositories never block each other', async () => {
    const a = await acquire(admin, 'shop', 'alice', 'src/api/x.ts');
    const b = await acquire(admin, 'blog', 'bob', 'src/api/x.ts');
    assert.equal(a.key, 'src/api/x.ts');
    assert.equal(a.root, shop);
    assert.equal(a.scope, join(shop, '.git'));
    assert.equal(b.scope, join(blog, '.git'));
    assert.match(a.message, /in ~\/work\/shop-api/);
    await admin.call('lock.release', { lease_id: a.lease_id, fencing_token: a.fencing_token });
    await admin.call('lock.release', { lease_id: b.lease_id, fencing_token: b.fencing_token });
  });

  test('worktrees of one repository share its scope: an agent of another project there is blocked, told who holds it and where', async () => {
    const a = await acquire(admin, 'shop', 'alice', 'src/api/y.ts');
    const refused = await failure(admin.call('lock.acquire', { key: 'src/api/y.ts', project_id: 'shop-v2', agent_name: 'carol' }));
    assert.equal(refused.appCode, 'CONFLICT');
    assert.match(refused.message, /lock src\/api\/y\.ts in ~\/work\/shop-api-feature is busy: held by alice in shop \(claude-code, ~\/work\/shop-api\)/);

    const list = await admin.call('lock.list', { key_prefix: 'src/api/y.ts' });
    assert.equal(list.locks.length, 1);
    const [entry] = list.locks;
    assert.equal(entry!.scope, join(shop, '.git'));
    const holder = entry!.holders[0]!;
    assert.equal(holder.holder_text, 'alice in shop (claude-code, ~/work/shop-api)');
    assert.equal(holder.root, shop);
    assert.equal(holder.tool, 'claude-code');
    assert.equal(holder.directory, shop);

    const waiting = arrived(admin.call('lock.acquire', { key: 'src/api/y.ts', project_id: 'shop-v2', agent_name: 'carol', wait: true, timeout_seconds: 60 }));
    for (;;) {
      const now = await admin.call('lock.list', { key_prefix: 'src/api/y.ts' });
      const waiter = now.locks[0]?.waiters[0];
      if (waiter) {
        assert.equal(waiter.holder_text, `carol in shop-v2 (copilot, ~/work/shop-api-feature)`);
        assert.equal(waiter.root, shopWorktree);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await admin.call('lock.release', { lease_id: a.lease_id, fencing_token: a.fencing_token });
    const handed = await waiting;
    assert.equal(handed.scope, join(shop, '.git'));
    assert.equal(handed.root, shopWorktree);
    await admin.call('lock.release', { lease_id: handed.lease_id, fencing_token: handed.fencing_token });
  });

  test('a relative key is taken from the working directory and stored relative to the top level; release takes either spelling', async () => {
    const fromSub = await acquire(admin, 'shop', 'dave', 'src/z.ts');
    assert.equal(fromSub.key, 'packages/src/z.ts');
    assert.equal(fromSub.root, shop);
    await failure(admin.call('lock.acquire', { key: 'packages/src/z.ts', project_id: 'shop', agent_name: 'alice' }));
    await failure(admin.call('lock.acquire', { key: `${shop}/packages/src/**`, project_id: 'shop', agent_name: 'alice' }));
    const released = await admin.call('lock.release', { key: 'src/z.ts', holder: { project_id: 'shop', agent_name: 'dave' }, fencing_token: fromSub.fencing_token });
    assert.equal(released.key, 'packages/src/z.ts');

    const absolute = await acquire(admin, 'shop', 'alice', `${shop}/packages/src/z.ts`);
    assert.equal(absolute.key, 'packages/src/z.ts', 'an absolute path inside the checkout is made relative');
    assert.equal((await admin.call('lock.release', { key: `${shop}/packages/src/z.ts`, fencing_token: absolute.fencing_token })).released, true);

    const outside = await acquire(admin, 'shop', 'alice', '/etc/brains-test-hosts');
    assert.equal(outside.scope, 'global', 'an absolute path outside every checkout is one file for everyone');
    await failure(admin.call('lock.acquire', { key: '/etc/brains-test-hosts', project_id: 'blog', agent_name: 'bob' }));
    await admin.call('lock.release', { lease_id: outside.lease_id, fencing_token: outside.fencing_token });
  });

  test('outside git the directory itself is the scope; a holder with no working directory stays global', async () => {
    const e = await acquire(admin, 'misc', 'erin', 'todo.md');
    assert.equal(e.scope, plain);
    assert.equal(e.root, plain);
    const f = await acquire(admin, 'misc', 'fred', 'todo.md');
    assert.equal(f.scope, join(plain, 'sub'), 'a plain subdirectory is a scope of its own (no repository joins them)');

    const script = await acquire(admin, 'misc', 'gus', 'deploy-prod');
    assert.equal(script.scope, 'global');
    assert.equal(script.root, null);
    const session = await admin.call('session.start', { tool: 'other', client_id: 'scope-script' });
    await failure(admin.call('lock.acquire', { key: 'deploy-prod', holder: { session_id: session.session_id } }));
    const inRepo = await acquire(admin, 'shop', 'alice', 'deploy-prod');
    assert.equal(inRepo.scope, join(shop, '.git'), 'an agent with a working directory locks its repository\'s deploy-prod');
    await failure(admin.call('lock.acquire', { key: 'deploy-prod', project_id: 'shop', agent_name: 'dave', scope: 'global' }));
    for (const lease of [e, f, script, inRepo]) await admin.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
  });

  test('an explicit scope wins, and the operator may pass the working directory a script runs in', async () => {
    const named = await acquire(admin, 'shop', 'alice', 'release', { scope: 'release-train' });
    assert.equal(named.scope, 'release-train');
    assert.equal(named.root, null);
    const blocked = await failure(admin.call('lock.acquire', { key: 'release', project_id: 'blog', agent_name: 'bob', scope: 'release-train' }));
    assert.match(blocked.message, /held by alice in shop \(claude-code, ~\/work\/shop-api\)/);

    const byDir = await acquire(admin, 'blog', 'bob', 'src/b.ts', { scope: shopWorktree });
    assert.equal(byDir.scope, join(shop, '.git'), 'a directory as scope is its repository');
    const session = await admin.call('session.start', { tool: 'other', client_id: 'scope-ops' });
    const busy = await failure(admin.call('lock.acquire', { key: 'src/b.ts', holder: { session_id: session.session_id }, working_directory: shop }));
    assert.match(busy.message, /held by bob in blog \(codex, ~\/work\/blog\)/);
    const elsewhere = await arrived(admin.call('lock.acquire', { key: 'src/b.ts', holder: { session_id: session.session_id }, working_directory: blog }));
    assert.equal(elsewhere.scope, join(blog, '.git'));
    for (const lease of [named, byDir, elsewhere]) await admin.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
  });

  test('lock.list shows one repository (from any of its worktrees or subdirectories), one named scope or the global one', async () => {
    const inShop = await acquire(admin, 'shop', 'alice', 'src/list/a.ts');
    const inBlog = await acquire(admin, 'blog', 'bob', 'src/list/a.ts');
    const global = await acquire(admin, 'misc', 'gus', 'list-deploy');
    const named = await acquire(admin, 'misc', 'gus', 'list-slot', { scope: 'ci-runners' });
    const keysOf = async (filter: Record<string, unknown>) => {
      const list = await admin.call('lock.list', { key_prefix: 'list', ...filter });
      const prefixed = await admin.call('lock.list', { key_prefix: 'src/list', ...filter });
      return [...list.locks, ...prefixed.locks].map((l) => `${l.key}@${l.scope}`).sort();
    };
    try {
      assert.deepEqual(await keysOf({ working_directory: shopWorktree }), [`src/list/a.ts@${join(shop, '.git')}`], 'a worktree lists its repository');
      assert.deepEqual(await keysOf({ working_directory: join(shop, 'packages') }), [`src/list/a.ts@${join(shop, '.git')}`]);
      assert.deepEqual(await keysOf({ scope: blog }), [`src/list/a.ts@${join(blog, '.git')}`], 'a directory as scope stands for its repository');
      assert.deepEqual(await keysOf({ scope: join(blog, '.git') }), [`src/list/a.ts@${join(blog, '.git')}`], 'the scope as lock.list shows it');
      assert.deepEqual(await keysOf({ scope: 'global' }), ['list-deploy@global']);
      assert.deepEqual(await keysOf({ scope: 'ci-runners' }), ['list-slot@ci-runners']);
      assert.deepEqual(await keysOf({ scope: 'no-such-scope' }), []);
      assert.equal((await keysOf({})).length, 4);
      for (const bad of [{ scope: '' }, { scope: 'a\u202Eb' }, { scope: 'x'.repeat(1025) }, { working_directory: 'relative' }, { working_directory: 7 }, { scoep: 'global' }]) {
        await invalidParams(admin.call('lock.list', bad as never));
      }
    } finally {
      for (const lease of [inShop, inBlog, global, named]) await admin.call('lock.release', { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
    }
  });

  test('scope and working_directory: wrong, missing, oversized and hostile values are refused before anything is held', async () => {
    const base = { key: 'k', project_id: 'shop', agent_name: 'alice' };
    for (const bad of [
      { scope: 42 },
      { scope: '' },
      { scope: 'x'.repeat(1025) },
      { scope: 'evil\n/etc' },
      { scope: 'a\u0000b' },
      { working_directory: 'relative/dir' },
      { working_directory: '' },
      { working_directory: `/${'d'.repeat(5000)}` },
      { working_directory: '/tmp/\u001b[31mred' },
      { working_directory: null },
      { scpoe: 'global' },
    ]) {
      await invalidParams(admin.call('lock.acquire', { ...base, ...bad } as never));
    }
    const typo = await failure(admin.call('lock.acquire', { ...base, scpoe: 'global' } as never));
    assert.match(JSON.stringify(typo.data), /scope/, 'a mistyped param is answered with the nearest one');
    assert.equal((await admin.call('lock.list', { key_prefix: 'k' })).holder_count, 0);
    // A missing or unreadable directory is still a place of its own, never an error.
    const missing = await acquire(admin, 'shop', 'alice', 'k', { working_directory: '/no/such/dir/here' });
    assert.equal(missing.scope, '/no/such/dir/here');
    await admin.call('lock.release', { lease_id: missing.lease_id, fencing_token: missing.fencing_token });
  });

  test('agents through brains mcp: locks follow the directory each agent runs in, and the tool carries scope and working_directory', async () => {
    const inShop = await openMcp(daemon, { dir: shop, env: { HOME: home } });
    const inBlog = await openMcp(daemon, { dir: blog, env: { HOME: home } });
    const inWorktree = await openMcp(daemon, { dir: shopWorktree, env: { HOME: home } });
    try {
      const { tools } = await inShop.client.listTools();
      const schema = tools.find((t) => t.name === 'lock_acquire')!.inputSchema as { properties: Record<string, unknown> };
      assert.ok(schema.properties.scope && schema.properties.working_directory, 'lock_acquire takes scope and working_directory');
      const listed = tools.find((t) => t.name === 'lock_list')!.outputSchema as { properties: Record<string, unknown> };
      assert.match(JSON.stringify(listed), /holder_text/);

      const a = await call(inShop, 'lock_acquire', { key: 'src/api/x.ts' });
      const b = await call(inBlog, 'lock_acquire', { key: 'src/api/x.ts' });
      assert.equal(a.scope, join(shop, '.git'));
      assert.equal(b.scope, join(blog, '.git'));
      const refused = await callError(inWorktree, 'lock_acquire', { key: 'src/api/x.ts' });
      assert.match(refused, /held by session [0-9a-f]{8} \(other, ~\/work\/shop-api\)/);
    } finally {
      await Promise.all([inShop.close(), inBlog.close(), inWorktree.close()]);
    }
  });
});
