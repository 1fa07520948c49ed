// brains doctor against real setups: a healthy daemon, and each broken one (wrong modes, a port taken, a dangling wire entry,
// a corrupted database copy, a daemon of another protocol or one that does not answer, agent CLIs that answer, fail or hang).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, writeFileSync, closeSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CLI, envFor, runCli, startDaemon, tempHome, withEmptyHome, type CliResult } from '../helpers/daemon.js';
import { statePaths } from '../../rpc/paths.js';
import { PROTOCOL_VERSION } from '../../rpc/protocol.js';
import { VERSION } from '../../daemon/version.js';
import type { Check } from '../../bin/doctor/check.js';

interface Report {
  ok: boolean;
  exit_code: number;
  checks: Check[];
}

/** A place of its own for HOME (so no real agent tool is seen) and for fake agent CLIs on PATH. */
function sandbox(): { root: string; home: string; bin: string } {
  const root = mkdtempSync(join(tmpdir(), 'bdi-'));
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  mkdirSync(home);
  mkdirSync(bin);
  return { root, home, bin };
}

const NO_AGENT_PATHS = { BRAINS_CLAUDE_PATH: '', BRAINS_CODEX_PATH: '', BRAINS_GEMINI_PATH: '', BRAINS_COPILOT_PATH: '' };

async function doctor(state: string, box: { home: string; bin: string }, env: NodeJS.ProcessEnv = {}, args: string[] = ['--json']): Promise<CliResult & { report: Report }> {
  const result = await runCli(['doctor', ...args], { home: state, env: { HOME: box.home, PATH: box.bin, ...NO_AGENT_PATHS, ...env } });
  const report = args.includes('--json') ? (JSON.parse(result.stdout) as Report) : ({ ok: false, exit_code: -1, checks: [] } as Report);
  if (args.includes('--json')) assert.equal(result.code, report.exit_code, `the exit code is the report's: ${result.stdout}`);
  return { ...result, report };
}

function find(report: Report, id: string): Check {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, `${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
}

function notOk(report: Report): Array<[string, string]> {
  return report.checks.filter((c) => c.status !== 'ok' && c.status !== 'info').map((c) => [c.id, c.status]);
}

describe('a healthy setup, then wrong modes', () => {
  test('a running daemon: exit 0, only ok and notes (agent CLIs not installed are notes); then a key 0644 and the dir 0755, fixed by the fixes doctor gives', async () => {
    const box = sandbox();
    const daemon = await startDaemon({ env: { BRAINS_MCP_PORT: '0' } });
    try {
      const { report, code } = await doctor(daemon.home, box);
      assert.equal(code, 0, JSON.stringify(notOk(report)));
      assert.equal(report.ok, true);
      assert.deepEqual(notOk(report), []);
      for (const id of ['node.version', 'state.dir', 'state.keys-dir', 'state.files', 'daemon.running', 'daemon.version', 'daemon.protocol', 'database.size', 'database.integrity', 'database.schema', 'disk.free', 'ports.mcp', 'clock.sane']) {
        assert.equal(find(report, id).status, 'ok', id);
      }
      assert.match(find(report, 'daemon.protocol').summary, new RegExp(`^protocol ${PROTOCOL_VERSION}, the same as this CLI$`));
      assert.match(find(report, 'ports.mcp').summary, /^MCP HTTP on http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      assert.equal(find(report, 'ports.gateway').status, 'info', 'turned off is a note');
      for (const cli of ['claude', 'codex', 'gemini', 'copilot']) assert.equal(find(report, `agents.${cli}`).status, 'info', cli);
      assert.equal(find(report, 'wire.none').status, 'info');

      const human = await doctor(daemon.home, box, {}, []);
      assert.equal(human.code, 0);
      assert.match(human.stdout, /^daemon\n {2}✓ running \(pid \d+, up \d+\w\), answering at /m);
      assert.match(human.stdout, /^ {2}✓ quick_check: ok$/m);
      assert.match(human.stdout, /^ {2}· claude: not found on PATH/m);
      assert.match(human.stdout, /\n\n\d+ ok, \d+ notes\n$/);
      assert.ok(!human.stdout.includes('\u001b'), 'no colour in a pipe');

      chmodSync(daemon.paths.adminKey, 0o644);
      chmodSync(daemon.home, 0o755);
      const broken = await doctor(daemon.home, box);
      assert.equal(broken.code, 2);
      const key = find(broken.report, 'state.mode:keys/admin.key');
      assert.equal(key.status, 'problem');
      assert.equal(key.fix, `chmod 600 ${daemon.paths.adminKey}`);
      const dir = find(broken.report, 'state.dir');
      assert.equal(dir.status, 'warn');
      assert.equal(dir.fix, `chmod 700 ${daemon.home}`);
      const text = await doctor(daemon.home, box, {}, []);
      assert.equal(text.code, 2);
      assert.match(text.stdout, new RegExp(`^ {2}✗ keys/admin\\.key is 0644: open to group and others .*\\n {6}fix: chmod 600 ${daemon.paths.adminKey}$`, 'm'));
      assert.match(text.stdout, /\n\n1 problem, 1 warning, \d+ ok, \d+ notes\n$/);

      for (const fix of [key.fix, dir.fix]) execFileSync('sh', ['-c', fix!]);
      assert.equal((statSync(daemon.paths.adminKey).mode & 0o777).toString(8), '600');
      assert.equal((await doctor(daemon.home, box)).code, 0, 'the fixes fix it');
    } finally {
      await daemon.cleanup();
      rmSync(box.root, { recursive: true, force: true });
    }
  });
});

async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('ports with no daemon running (doctor starts none)', () => {
  test('a port asked for and taken by another process is a problem (the daemon would not start); freed, it is ok; off is a note; a bad value names the setting', async () => {
    const box = sandbox();
    try {
      await withEmptyHome(async (home) => {
        const { port, server } = await holdPort();
        let taken;
        try {
          taken = await doctor(home, box, { BRAINS_MCP_PORT: String(port), BRAINS_GATEWAY_PORT: 'off' });
        } finally {
          await new Promise((resolve) => server.close(resolve));
        }
        assert.equal(taken.code, 2);
        const mcp = find(taken.report, 'ports.mcp');
        assert.equal(mcp.status, 'problem');
        assert.match(mcp.summary, new RegExp(`^port ${port} is taken by another process, and --mcp-port \\(or BRAINS_MCP_PORT\\) asks for it: the daemon will not start$`));
        assert.match(mcp.fix ?? '', /set BRAINS_MCP_PORT to another port/);
        assert.equal(find(taken.report, 'ports.gateway').status, 'info');
        assert.equal(find(taken.report, 'daemon.running').status, 'info');
        assert.match(find(taken.report, 'daemon.running').summary, /^not running/);

        const free = await doctor(home, box, { BRAINS_MCP_PORT: String(port), BRAINS_GATEWAY_PORT: 'off' });
        assert.equal(find(free.report, 'ports.mcp').status, 'ok');
        assert.equal(free.code, 0, JSON.stringify(notOk(free.report)));

        const bad = await doctor(home, box, { BRAINS_MCP_PORT: 'nine', BRAINS_GATEWAY_PORT: 'off' });
        assert.equal(bad.code, 2);
        assert.match(find(bad.report, 'ports.settings').summary, /BRAINS_MCP_PORT\) must be a whole number from 0 to 65535, not "nine"/);
      });
    } finally {
      rmSync(box.root, { recursive: true, force: true });
    }
  });
});

describe('wired tools', () => {
  test('a wired entry whose command is gone (brains taken off PATH) is a problem, fixed by wiring again', async () => {
    const box = sandbox();
    symlinkSync(CLI, join(box.bin, 'brains'));
    const state = join(box.root, 'state');
    try {
      const wired = await runCli(['wire', '--tool', 'claude-code'], { home: state, env: { HOME: box.home, PATH: box.bin } });
      assert.equal(wired.code, 0, wired.stdout + wired.stderr);
      const good = await doctor(state, box);
      assert.equal(find(good.report, 'wire.claude-code').status, 'ok');
      assert.match(find(good.report, 'wire.claude-code').summary, /^claude-code: wired \(stdio\) in /);

      rmSync(join(box.bin, 'brains'));
      const dangling = await doctor(state, box);
      assert.equal(dangling.code, 2);
      const entry = find(dangling.report, 'wire.claude-code');
      assert.equal(entry.status, 'problem');
      assert.match(entry.summary, /the brains entry in .*\.claude\.json runs a command that no longer exists/);
      assert.match(entry.detail ?? '', /brains not found/);
      assert.equal(entry.fix, 'brains wire --tool claude-code');
    } finally {
      rmSync(box.root, { recursive: true, force: true });
    }
  });
});

describe('the database, in copies of a stopped daemon’s state', () => {
  test('intact: ok; a garbage page: a problem that names the backup to restore; not a database: a problem; the newest event in the future: the clock; locked: said so', async () => {
    const box = sandbox();
    const source = await startDaemon();
    const copies: string[] = [];
    const copy = (): string => {
      const home = tempHome();
      copies.push(home);
      copyFileSync(source.paths.db, join(home, 'brains.db'));
      chmodSync(join(home, 'brains.db'), 0o600);
      return home;
    };
    try {
      const c = await source.client();
      for (let i = 0; i < 20; i++) await c.call('project.create', { project_id: `p${i}`, name: `project ${i}`, description: 'x'.repeat(2000) });
      assert.equal(await source.stop(), 0);

      const intact = copy();
      const fine = await doctor(intact, box);
      assert.equal(fine.code, 0, JSON.stringify(notOk(fine.report)));
      assert.equal(find(fine.report, 'database.integrity').status, 'ok');

      const damaged = copy();
      const db = join(damaged, 'brains.db');
      const pages = statSync(db).size / 4096;
      const fd = openSync(db, 'r+');
      writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(pages / 2) * 4096);
      closeSync(fd);
      const broken = await doctor(damaged, box);
      assert.equal(broken.code, 2);
      const integrity = find(broken.report, 'database.integrity');
      assert.equal(integrity.status, 'problem');
      assert.match(integrity.fix ?? '', /brains restore FILE \(none in .*backups\)/);
      mkdirSync(join(damaged, 'backups'));
      writeFileSync(join(damaged, 'backups', 'brains-2030-01-01.db'), 'a backup');
      const withBackup = find((await doctor(damaged, box)).report, 'database.integrity');
      assert.equal(withBackup.fix, `restore a backup: brains restore ${join(damaged, 'backups', 'brains-2030-01-01.db')} (the newest in ${join(damaged, 'backups')})`);

      const garbage = tempHome();
      copies.push(garbage);
      writeFileSync(join(garbage, 'brains.db'), 'not a database at all '.repeat(500), { mode: 0o600 });
      const notDb = await doctor(garbage, box);
      assert.equal(notDb.code, 2);
      assert.match(find(notDb.report, 'database.integrity').summary, /brains\.db is damaged: file is not a database/);

      const future = copy();
      const writer = new Database(join(future, 'brains.db'));
      writer.prepare('UPDATE events SET time = ? WHERE seq = (SELECT MAX(seq) FROM events)').run(new Date(Date.now() + 3 * 3600_000).toISOString());
      writer.close();
      const ahead = await doctor(future, box);
      assert.equal(ahead.code, 1);
      assert.equal(find(ahead.report, 'clock.events').status, 'warn');
      assert.match(find(ahead.report, 'clock.events').summary, /3 h ahead of now: the clock moved back/);

      const locked = copy();
      const holder = new Database(join(locked, 'brains.db'));
      try {
        holder.pragma('locking_mode = EXCLUSIVE');
        holder.exec('BEGIN EXCLUSIVE');
        const busy = await doctor(locked, box);
        assert.equal(busy.code, 1, JSON.stringify(notOk(busy.report)));
        assert.match(find(busy.report, 'database.integrity').summary, /it is locked by another process$/);
      } finally {
        holder.close();
      }
    } finally {
      await source.cleanup();
      for (const home of copies) rmSync(home, { recursive: true, force: true });
      rmSync(box.root, { recursive: true, force: true });
    }
  });
});

/** Stands in for a daemon on the socket: answers system.info and system.ping as `answer` says, or never when it returns undefined. */
async function fakeDaemon(socket: string, answer: (method: string) => unknown): Promise<Server> {
  const server = createServer((connection) => {
    let buffer = '';
    connection.on('error', () => {});
    connection.on('data', (chunk) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const request = JSON.parse(buffer.slice(0, nl)) as { id: number; method: string };
        buffer = buffer.slice(nl + 1);
        const result = answer(request.method);
        if (result !== undefined) connection.write(`${JSON.stringify({ jsonrpc: '2.0', id: request.id, result })}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  chmodSync(socket, 0o600);
  return server;
}

function infoOf(fields: Record<string, unknown>) {
  const off = { state: 'disabled', url: null, port: null, reason: 'turned off', sessions: 0 };
  return (method: string) =>
    method === 'system.ping'
      ? { pong: true, time: new Date().toISOString() }
      : { schema_version: 22, pid: process.pid, uptime_seconds: 5, mcp_http: off, gateway: { ...off, config_problem: null }, ...fields };
}

describe('the daemon against this CLI', () => {
  async function withFake(answer: (method: string) => unknown, run: (home: string, box: { home: string; bin: string }) => Promise<void>): Promise<void> {
    const box = sandbox();
    const home = tempHome();
    const server = await fakeDaemon(statePaths(envFor(home)).socket, answer);
    try {
      await run(home, box);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(home, { recursive: true, force: true });
      rmSync(box.root, { recursive: true, force: true });
    }
  }

  test('a daemon older than the handshake (no protocol_version): warnings to restart it, exit 1', async () => {
    await withFake(infoOf({ version: '0.0.1' }), async (home, box) => {
      const { report, code } = await doctor(home, box);
      assert.equal(code, 1, JSON.stringify(notOk(report)));
      assert.equal(find(report, 'daemon.running').status, 'ok');
      const protocol = find(report, 'daemon.protocol');
      assert.equal(protocol.status, 'warn');
      assert.match(protocol.summary, /^the daemon \(brains 0\.0\.1\) is older than the protocol handshake/);
      assert.equal(protocol.fix, 'brains down && brains up');
      assert.match(find(report, 'daemon.version').summary, new RegExp(`^the daemon runs brains 0\\.0\\.1, this CLI is ${VERSION.replace(/\./g, '\\.')}$`));
    });
  });

  test('a daemon of another protocol: a problem, exit 2', async () => {
    await withFake(infoOf({ version: VERSION, protocol_version: PROTOCOL_VERSION + 1 }), async (home, box) => {
      const { report, code } = await doctor(home, box);
      assert.equal(code, 2);
      assert.equal(find(report, 'daemon.protocol').status, 'problem');
      assert.match(find(report, 'daemon.protocol').fix ?? '', /this CLI is older than the daemon/);
      assert.equal(find(report, 'daemon.version').status, 'ok');
    });
  });

  test('a daemon that takes the connection but never answers: "running (pid N) but not answering", exit 2, and doctor does not hang', async () => {
    await withFake(() => undefined, async (home, box) => {
      writeFileSync(statePaths(envFor(home)).pidfile, `${process.pid}\n`);
      const { report, code } = await doctor(home, box);
      assert.equal(code, 2);
      const running = find(report, 'daemon.running');
      assert.equal(running.status, 'problem');
      assert.equal(running.summary, `running (pid ${process.pid}) but not answering: it took the connection but did not answer within 2 s`);
      assert.match(running.fix ?? '', new RegExp(`kill ${process.pid}`));
      assert.equal(find(report, 'ports.ports').status, 'info', 'ports are not tried while a daemon may hold them');
    });
  });
});

describe('agent CLIs on PATH', () => {
  test('one answering with its version is ok; one failing, one hanging past 5 s and a BRAINS_*_PATH naming nothing are warnings; exit 1', async () => {
    const box = sandbox();
    const script = (name: string, body: string) => writeFileSync(join(box.bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    script('claude', 'echo "2.1.3 (Claude Code)"');
    // PATH holds only these fakes, so what they run is named by its full path.
    script('codex', `${JSON.stringify(process.execPath)} -e 'setInterval(() => {}, 1000)' & wait`);
    script('gemini', 'echo "gemini: cannot read settings" >&2; exit 1');
    try {
      await withEmptyHome(async (home) => {
        const { report, code } = await doctor(home, box, { BRAINS_COPILOT_PATH: join(box.root, 'no-copilot') });
        assert.equal(code, 1, JSON.stringify(notOk(report)));
        assert.equal(find(report, 'agents.claude').summary, `claude 2.1.3 (Claude Code) (${join(box.bin, 'claude')})`);
        assert.equal(find(report, 'agents.claude').status, 'ok');
        assert.equal(find(report, 'agents.codex').status, 'warn');
        assert.match(find(report, 'agents.codex').summary, /did not answer --version within 5 s/);
        assert.equal(find(report, 'agents.gemini').status, 'warn');
        assert.match(find(report, 'agents.gemini').summary, /--version failed: exit 1: gemini: cannot read settings/);
        assert.equal(find(report, 'agents.copilot').status, 'warn');
        assert.match(find(report, 'agents.copilot').summary, /BRAINS_COPILOT_PATH names .*no-copilot, which is not an executable file/);
        assert.deepEqual(notOk(report).map(([id]) => id).sort(), ['agents.codex', 'agents.copilot', 'agents.gemini']);
      });
    } finally {
      rmSync(box.root, { recursive: true, force: true });
    }
  });
});

test('usage: a mistyped flag gets the nearest one; an argument is refused', async () => {
  await withEmptyHome(async (home) => {
    const typo = await runCli(['doctor', '--jsn'], { home });
    assert.equal(typo.code, 2);
    assert.equal(typo.stderr, 'brains doctor: unknown option --jsn; did you mean --json?\nusage: brains doctor [--json]\n');
    const extra = await runCli(['doctor', 'now'], { home });
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /^brains doctor: unexpected argument "now"; it takes only flags\n/);
    const help = await runCli(['doctor', '--help'], { home });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: brains doctor \[--json\]/);
  });
});
