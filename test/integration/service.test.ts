// brains service against a fake systemctl / launchctl on PATH that really runs the unit's daemon: install, status, brains
// up and down through the manager, auto-start through it, uninstall with and without --stop, someone else's file, bad
// input, and a container with no user manager.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { answers, runCli, tempHome, withEmptyHome } from '../helpers/daemon.js';
import { fakeServiceManager, type FakeServiceManager } from '../helpers/fake-service.js';
import { processAlive } from '../../rpc/autostart.js';
import { statePaths } from '../../rpc/paths.js';
import { serviceIdentity } from '../../rpc/service-start.js';

/** Flags that keep the service's daemon off the default ports (its environment is the unit's, not the test's). */
const QUIET_PORTS = ['--mcp-port', 'off', '--gateway-port', 'off'];

interface Setup {
  fake: FakeServiceManager;
  brainsHome: string;
  run(args: string[], extra?: NodeJS.ProcessEnv): ReturnType<typeof runCli>;
  socket: string;
  file: string;
  name: string;
  cleanup(): Promise<void>;
}

function setup(kind: 'systemd' | 'launchd', opts: { defaultHome?: boolean; env?: NodeJS.ProcessEnv } = {}): Setup {
  const fake = fakeServiceManager(kind, opts.env);
  const brainsHome = opts.defaultHome ? join(fake.home, '.brains') : tempHome();
  const paths = statePaths({ BRAINS_HOME: brainsHome });
  const saved = process.env.HOME;
  process.env.HOME = fake.home;
  const id = serviceIdentity(paths, { BRAINS_SERVICE_MANAGER: kind })!;
  process.env.HOME = saved;
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { home: brainsHome, env: { ...fake.env, ...extra } });
  return {
    fake,
    brainsHome,
    run,
    socket: paths.socket,
    file: id.file,
    name: id.name,
    cleanup: async () => {
      if (await answers(paths.socket)) await runCli(['down'], { home: brainsHome, env: { ...fake.env, FAKE_SYSTEMCTL_NO_BUS: '', FAKE_LAUNCHCTL_NO_DOMAIN: '' } });
      await fake.cleanup();
      rmSync(brainsHome, { recursive: true, force: true });
    },
  };
}

async function daemonPid(s: Setup): Promise<number> {
  const status = await s.run(['status', '--json']);
  assert.equal(status.code, 0, `the daemon answers: ${status.stdout}${status.stderr}`);
  return (JSON.parse(status.stdout) as { pid: number }).pid;
}

const verbs = (calls: string[][]) => calls.map((argv) => argv.filter((a) => a !== '--user').join(' '));

test('systemd: install writes the unit, daemon-reload + enable --now start the daemon, status shows it, down and up go through stop and start', async () => {
  const s = setup('systemd', { defaultHome: true });
  try {
    const install = await s.run(['service', 'install', ...QUIET_PORTS]);
    assert.equal(install.code, 0, install.stderr);
    assert.equal(s.name, 'brains.service');
    assert.equal(s.file, join(s.fake.home, '.config/systemd/user/brains.service'));
    assert.match(install.stdout, new RegExp(`^brains service: wrote ${s.file}\\n`));
    assert.match(install.stdout, /brains daemon started \(run by systemd: brains\.service\); it starts at login and again if it crashes; the log is .*\/logs\/daemon\.log\./);
    const calls = verbs(s.fake.calls());
    assert.deepEqual(calls.filter((c) => !/^(is-active|is-enabled|show) /.test(c)), ['daemon-reload', 'enable --now brains.service'], 'only questions besides reload and enable --now');
    assert.ok(await answers(s.socket), 'the daemon the fake systemd started answers on the socket');
    const unit = readFileSync(s.file, 'utf8');
    assert.match(unit, new RegExp(`^Environment=BRAINS_HOME=${s.brainsHome}$`, 'm'));
    assert.match(unit, /^ExecStart=\S+ --max-semi-space-size=2 --heap-growing-percent=10 \S+\/dist\/bin\/brains\.js daemon --mcp-port off --gateway-port off$/m);
    assert.match(readFileSync(join(s.brainsHome, 'logs/daemon.log'), 'utf8'), /INFO {2}listening socket=/, 'the daemon writes its log where the unit appends it');

    const pid = await daemonPid(s);
    const status = await s.run(['service', 'status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^brains service: installed, enabled, running \\(pid ${pid}\\)\\n`));
    assert.match(status.stdout, /\n {2}manager {3}systemd: brains\.service \(user\)\n/);
    assert.match(status.stdout, new RegExp(`\\n  file      ${s.file}\\n`));
    assert.match(status.stdout, /\n {2}runs {6}\S+node\S* --max-semi-space-size=2 .*brains\.js daemon --mcp-port off --gateway-port off\n/);
    const json = JSON.parse((await s.run(['service', 'status', '--json'])).stdout) as Record<string, unknown>;
    assert.deepEqual(
      { installed: json.installed, reachable: json.reachable, enabled: json.enabled, running: json.running, pid: json.pid, state: json.state, missing: json.missing, name: json.name },
      { installed: true, reachable: true, enabled: true, running: true, pid, state: 'active', missing: [], name: 'brains.service' },
    );
    const up = await s.run(['up']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /^brains daemon was already running \(run by systemd: brains\.service\)\.\n/);

    s.fake.clearCalls();
    const down = await s.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout, `brains daemon stopped (pid ${pid}, run by systemd: brains.service); it stays stopped until brains up.\n`);
    assert.ok(verbs(s.fake.calls()).includes('stop brains.service'), 'down asked systemd to stop it');
    assert.equal(processAlive(pid), false, 'the daemon is gone');
    assert.equal(existsSync(join(s.brainsHome, 'stopped')), true, 'down left its stop mark');
    const stopped = await s.run(['service', 'status']);
    assert.equal(stopped.code, 3);
    assert.match(stopped.stdout, /^brains service: installed, enabled, not running \(inactive\)\n[\s\S]*brains up starts it\n$/);

    s.fake.clearCalls();
    const again = await s.run(['up', '--log-level', 'debug']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^brains daemon started \(run by systemd: brains\.service\)\.\n/);
    assert.match(again.stderr, /the daemon runs as systemd: brains\.service with the flags in .*brains\.service, so --log-level debug did not apply; brains service install --log-level debug changes them/);
    assert.ok(verbs(s.fake.calls()).includes('start brains.service'), 'up asked systemd to start it');
    assert.notEqual(await daemonPid(s), pid);
  } finally {
    await s.cleanup();
  }
});

test('systemd: an agent-side auto-start after brains down starts the service too (brains rpc), not a second daemon beside it', async () => {
  const s = setup('systemd');
  try {
    assert.equal((await s.run(['service', 'install', ...QUIET_PORTS])).code, 0);
    assert.match(s.name, /^brains-[0-9a-f]{8}\.service$/, 'a state dir other than ~/.brains gets a hashed name');
    assert.equal((await s.run(['down'])).code, 0);
    s.fake.clearCalls();
    const ping = await s.run(['rpc', 'system.ping']);
    assert.equal(ping.code, 0, ping.stderr);
    assert.ok(verbs(s.fake.calls()).includes(`start ${s.name}`), 'auto-start went through systemctl start');
    const pid = await daemonPid(s);
    const json = JSON.parse((await s.run(['service', 'status', '--json'])).stdout) as { pid: number };
    assert.equal(json.pid, pid, 'the daemon that answers is the one systemd runs');
  } finally {
    await s.cleanup();
  }
});

test('systemd: uninstall leaves the daemon running unless --stop; --stop stops it and it stays stopped', async () => {
  const s = setup('systemd');
  try {
    assert.equal((await s.run(['service', 'install', ...QUIET_PORTS])).code, 0);
    const pid = await daemonPid(s);
    s.fake.clearCalls();
    const keep = await s.run(['service', 'uninstall']);
    assert.equal(keep.code, 0, keep.stderr);
    assert.deepEqual(verbs(s.fake.calls()).filter((c) => !c.startsWith('is-active')), [`disable ${s.name}`, 'daemon-reload'], 'plain disable (not --now), then reload');
    assert.match(keep.stdout, new RegExp(`^brains service: removed ${s.file} \\(${s.name.replace('.', '\\.')} disabled\\)\\n`));
    assert.match(keep.stdout, new RegExp(`The daemon keeps running \\(pid ${pid}\\) until brains down or the end of the login session`));
    assert.equal(existsSync(s.file), false);
    assert.equal(await daemonPid(s), pid, 'still the same daemon');
    const gone = await s.run(['service', 'uninstall']);
    assert.equal(gone.code, 0);
    assert.match(gone.stdout, /not installed \(no .*\); nothing to remove/);

    // With the service gone, brains down stops the daemon the normal way.
    s.fake.clearCalls();
    const down = await s.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout, `brains daemon stopped (pid ${pid}); it stays stopped until brains up.\n`);
    assert.deepEqual(verbs(s.fake.calls()), [], 'no service, no systemctl');

    assert.equal((await s.run(['service', 'install', ...QUIET_PORTS])).code, 0);
    const second = await daemonPid(s);
    s.fake.clearCalls();
    const stop = await s.run(['service', 'uninstall', '--stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.ok(verbs(s.fake.calls()).includes(`disable ${s.name}`));
    assert.ok(verbs(s.fake.calls()).includes(`stop ${s.name}`));
    assert.match(stop.stdout, new RegExp(`brains daemon stopped \\(pid ${second}, run by systemd: ${s.name.replace('.', '\\.')}\\); it stays stopped until brains up\\.`));
    assert.equal(processAlive(second), false);
    assert.equal(existsSync(s.file), false);
    assert.equal(existsSync(join(s.brainsHome, 'stopped')), true);
  } finally {
    await s.cleanup();
  }
});

test('systemd: a daemon started by hand before the install is left alone (enabled, not started); down stops it, up hands it to systemd', async () => {
  const s = setup('systemd');
  try {
    assert.equal((await s.run(['up', '--quiet', ...QUIET_PORTS])).code, 0);
    const byHand = await daemonPid(s);
    s.fake.clearCalls();
    const install = await s.run(['service', 'install', ...QUIET_PORTS]);
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, new RegExp(`A brains daemon started without the service is running \\(pid ${byHand}\\), so ${s.name.replace('.', '\\.')} is enabled but not started now`));
    const calls = verbs(s.fake.calls());
    assert.ok(calls.includes(`enable ${s.name}`) && !calls.some((c) => c.startsWith('enable --now')), calls.join(', '));
    const down = await s.run(['down']);
    assert.equal(down.stdout, `brains daemon stopped (pid ${byHand}); it stays stopped until brains up.\n`, 'not the service: daemon.shutdown');
    const up = await s.run(['up']);
    assert.match(up.stdout, new RegExp(`^brains daemon started \\(run by systemd: ${s.name.replace('.', '\\.')}\\)\\.`));
  } finally {
    await s.cleanup();
  }
});

test('systemd: a service daemon that exits at once is reported by brains up with its own error, not after a timeout', async () => {
  const s = setup('systemd');
  try {
    assert.equal((await s.run(['service', 'install', ...QUIET_PORTS])).code, 0);
    assert.equal((await s.run(['down'])).code, 0);
    // A flag the daemon refuses (exit 2), put into the unit by hand and loaded as systemd would after daemon-reload.
    writeFileSync(s.file, readFileSync(s.file, 'utf8').replace(/^(ExecStart=.*)$/m, '$1 --log-level loud'));
    assert.equal(spawnSync('systemctl', ['--user', 'daemon-reload'], { env: { ...process.env, ...s.fake.env } }).status, 0);
    const up = await s.run(['up']);
    assert.equal(up.code, 3);
    assert.match(up.stderr, new RegExp(`^brains up: the daemon run by systemd: ${s.name.replace('.', '\\.')} stopped before answering \\(failed\\): .*--log-level \\(or BRAINS_LOG_LEVEL\\) must be one of debug, info, warn, error, not "loud"`));
    const status = await s.run(['service', 'status']);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /installed, enabled, not running \(failed\)/);
  } finally {
    await s.cleanup();
  }
});

test('a service file brains did not write is never overwritten or removed, and status says so', async () => {
  const s = setup('systemd');
  try {
    mkdirSync(dirname(s.file), { recursive: true });
    const theirs = '[Service]\nExecStart=/usr/bin/true\n';
    writeFileSync(s.file, theirs);
    const install = await s.run(['service', 'install']);
    assert.equal(install.code, 1);
    assert.equal(install.stderr, `brains service install: ${s.file} exists and brains did not write it; it is left alone. Move it away, then run brains service install again\n`);
    const uninstall = await s.run(['service', 'uninstall', '--stop']);
    assert.equal(uninstall.code, 1);
    assert.match(uninstall.stderr, /was not written by brains; it is left alone/);
    const status = await s.run(['service', 'status']);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /not installed; .* exists but brains did not write it/);
    assert.equal(readFileSync(s.file, 'utf8'), theirs);
    assert.deepEqual(s.fake.calls(), [], 'the manager was never asked anything');
    assert.equal(await answers(s.socket), false, 'nothing started');
  } finally {
    await s.cleanup();
  }
});

test('status notes a node or script path in the unit that no longer exists and says to install again', async () => {
  const s = setup('systemd', { env: { FAKE_SYSTEMCTL_NO_BUS: '1' } });
  try {
    await s.run(['service', 'install']);
    const unit = readFileSync(s.file, 'utf8').replace(/^ExecStart=\S+/m, 'ExecStart=/gone/node-18/bin/node');
    writeFileSync(s.file, unit);
    const status = await s.run(['service', 'status', '--json'], { FAKE_SYSTEMCTL_NO_BUS: '' });
    assert.deepEqual((JSON.parse(status.stdout) as { missing: string[] }).missing, ['/gone/node-18/bin/node']);
    const text = await s.run(['service', 'status'], { FAKE_SYSTEMCTL_NO_BUS: '' });
    assert.match(text.stdout, /\n {2}\/gone\/node-18\/bin\/node no longer exists \(a moved checkout or a changed Node\?\); run brains service install again/);
  } finally {
    await s.cleanup();
  }
});

test('no systemd user manager (a container): install writes the unit but says it is NOT enabled (exit 1); status says so; brains up still works', async () => {
  const s = setup('systemd', { env: { FAKE_SYSTEMCTL_NO_BUS: '1' } });
  try {
    const install = await s.run(['service', 'install', ...QUIET_PORTS]);
    assert.equal(install.code, 1);
    assert.equal(existsSync(s.file), true, 'the unit is written, ready for a session that has systemd');
    assert.match(install.stdout, /^brains service: wrote /);
    assert.match(
      install.stderr,
      new RegExp(
        `^brains service install: no systemd user manager is reachable here \\(Failed to connect to bus: No medium found\\), so ${s.name.replace('.', '\\.')} is NOT enabled or started\\.\\n` +
          '  Run the daemon here with brains up instead, or in a login session with a service manager run:\\n' +
          `  systemctl --user daemon-reload && systemctl --user enable --now ${s.name.replace('.', '\\.')}\\n$`,
      ),
    );
    const status = await s.run(['service', 'status']);
    assert.equal(status.code, 1);
    assert.match(status.stdout, /^brains service: installed, but no systemd user manager is reachable here \(Failed to connect to bus: No medium found\): not enabled or running here\n/);
    assert.match(status.stdout, /brains up runs the daemon here without the service\n$/);
    const json = JSON.parse((await s.run(['service', 'status', '--json'])).stdout) as { reachable: boolean; unreachable_reason: string };
    assert.equal(json.reachable, false);
    assert.match(json.unreachable_reason, /Failed to connect to bus/);

    const up = await s.run(['up', '--quiet', ...QUIET_PORTS]);
    assert.equal(up.code, 0, up.stderr);
    assert.ok(await answers(s.socket), 'brains up started a daemon of its own');
    const down = await s.run(['down']);
    assert.match(down.stdout, /^brains daemon stopped \(pid \d+\); it stays stopped until brains up\.\n$/);
    const uninstall = await s.run(['service', 'uninstall']);
    assert.equal(uninstall.code, 0, uninstall.stderr);
    assert.match(uninstall.stdout, /removed .*\n {2}no systemd user manager is reachable here .*, so the service manager was not told\.\n/);
    assert.equal(existsSync(s.file), false);
  } finally {
    await s.cleanup();
  }
});

test('launchd (BRAINS_SERVICE_MANAGER=launchd): install bootstraps the plist, status reads print, down boots it out, up bootstraps it again, uninstall --stop', async () => {
  const s = setup('launchd', { defaultHome: true });
  const domain = `gui/${process.getuid!()}`;
  try {
    const install = await s.run(['service', 'install', ...QUIET_PORTS]);
    assert.equal(install.code, 0, install.stderr);
    assert.equal(s.file, join(s.fake.home, 'Library/LaunchAgents/dev.brains.daemon.plist'));
    assert.match(install.stdout, /brains daemon started \(run by launchd: dev\.brains\.daemon\)/);
    const calls = verbs(s.fake.calls()).filter((c) => !/^print/.test(c));
    assert.deepEqual(calls, [`enable ${domain}/dev.brains.daemon`, `bootstrap ${domain} ${s.file}`]);
    const plist = readFileSync(s.file, 'utf8');
    assert.match(plist, /<key>RunAtLoad<\/key>\n {2}<true\/>/);
    assert.match(plist, /<key>KeepAlive<\/key>\n {2}<dict>\n {4}<key>SuccessfulExit<\/key>\n {4}<false\/>/);
    const pid = await daemonPid(s);
    const status = await s.run(['service', 'status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^brains service: installed, enabled, running \\(pid ${pid}\\)\\n  manager   launchd: dev\\.brains\\.daemon \\(${domain}\\)\\n`));

    s.fake.clearCalls();
    const down = await s.run(['down']);
    assert.equal(down.stdout, `brains daemon stopped (pid ${pid}, run by launchd: dev.brains.daemon); it stays stopped until brains up.\n`);
    assert.ok(verbs(s.fake.calls()).includes(`bootout ${domain}/dev.brains.daemon`));
    assert.equal(processAlive(pid), false);
    assert.match((await s.run(['service', 'status'])).stdout, /installed, enabled, not running \(not loaded\)/);

    s.fake.clearCalls();
    const up = await s.run(['up']);
    assert.match(up.stdout, /^brains daemon started \(run by launchd: dev\.brains\.daemon\)\./);
    assert.ok(verbs(s.fake.calls()).includes(`bootstrap ${domain} ${s.file}`));
    const second = await daemonPid(s);

    s.fake.clearCalls();
    const uninstall = await s.run(['service', 'uninstall', '--stop']);
    assert.equal(uninstall.code, 0, uninstall.stderr);
    assert.ok(verbs(s.fake.calls()).includes(`bootout ${domain}/dev.brains.daemon`));
    assert.equal(processAlive(second), false);
    assert.equal(existsSync(s.file), false);
    assert.match(uninstall.stdout, /brains service: removed .*dev\.brains\.daemon\.plist\n/);
  } finally {
    await s.cleanup();
  }
});

test('launchd with no login session (over ssh): install writes the plist and says how to load it (exit 1)', async () => {
  const s = setup('launchd', { env: { FAKE_LAUNCHCTL_NO_DOMAIN: '1' } });
  try {
    const install = await s.run(['service', 'install']);
    assert.equal(install.code, 1);
    assert.equal(existsSync(s.file), true);
    assert.match(install.stderr, /no launchd login session is reachable here \(Could not find domain for user gui: \d+\), so dev\.brains\.daemon\.[0-9a-f]{8} is NOT enabled or started/);
    assert.match(install.stderr, new RegExp(`launchctl bootstrap gui/\\d+ ${s.file}\\n$`));
  } finally {
    await s.cleanup();
  }
});

test('brains service refuses wrong, missing and hostile input with a short usage error and the nearest valid word', async () => {
  await withEmptyHome(async (home) => {
    const fake = fakeServiceManager('systemd');
    try {
      const refused = async (args: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}) => {
        const result = await runCli(['service', ...args], { home, env: { ...fake.env, ...env } });
        assert.equal(result.code, 2, `brains service ${args.join(' ').slice(0, 60)}: ${result.stderr}`);
        assert.match(result.stderr, pattern);
        assert.match(result.stderr, /\nusage: brains service install \[--log-format/);
        assert.ok(result.stderr.length < 900, `a short answer, not ${result.stderr.length} characters`);
        assert.ok(!result.stderr.includes('\u001b'), 'no raw escape sequence echoed');
        assert.equal(result.stdout, '');
      };
      await refused([], /^brains service: say what to do: install, uninstall or status\n/);
      await refused(['instal'], /^brains service: unknown subcommand "instal"; did you mean install\?/);
      await refused(['statsu'], /did you mean status\?/);
      await refused([`\u001b[2J${'x'.repeat(5000)}`], /unknown subcommand "\\u001b\[2Jx{36}…"; it takes install, uninstall or status/);
      await refused(['install', '--mcp-prot', '9900'], /^brains service: unknown option --mcp-prot; did you mean --mcp-port\?/);
      await refused(['install', '--mcp-port'], /--mcp-port needs a value/);
      await refused(['install', '--log-level', 'loud'], /--log-level \(or BRAINS_LOG_LEVEL\) must be one of debug, info, warn, error, not "loud"/);
      await refused(['install', 'now'], /unexpected argument "now"; it takes only flags/);
      await refused(['uninstall', '--stpo'], /unknown option --stpo; did you mean --stop\?/);
      await refused(['status', '--jsno'], /unknown option --jsno; did you mean --json\?/);
      await refused(['status', 'extra'], /unexpected argument "extra"/);
      await refused(['status'], /^brains service: BRAINS_SERVICE_MANAGER must be systemd or launchd, not "systemdd"; did you mean systemd\?/, { BRAINS_SERVICE_MANAGER: 'systemdd' });
      assert.deepEqual(fake.calls(), [], 'nothing was asked of the manager');
      assert.equal(existsSync(join(fake.home, '.config')), false, 'nothing was written');
      const help = await runCli(['help', 'service'], { home, env: fake.env });
      assert.equal(help.code, 0);
      assert.match(help.stdout, /brains service uninstall \[--stop\]/);
      assert.match(help.stdout, /BRAINS_SERVICE_MANAGER=systemd\|launchd/);
    } finally {
      await fake.cleanup();
    }
  });
});

test('systemd: brains restore stops the service through systemd and starts it again through systemd', async () => {
  const s = setup('systemd');
  try {
    assert.equal((await s.run(['service', 'install', ...QUIET_PORTS])).code, 0);
    const archive = join(s.brainsHome, 'before.tar.gz');
    const backup = await s.run(['backup', archive]);
    assert.equal(backup.code, 0, backup.stderr);
    const pid = await daemonPid(s);
    s.fake.clearCalls();
    const restore = await s.run(['restore', archive]);
    assert.equal(restore.code, 0, restore.stderr + restore.stdout);
    assert.match(restore.stdout, /audit\.verify: ok/);
    const asked = verbs(s.fake.calls());
    assert.ok(asked.includes(`stop ${s.name}`), `restore asked systemd to stop it: ${asked.join(' | ')}`);
    assert.ok(asked.includes(`start ${s.name}`), `and to start it again: ${asked.join(' | ')}`);
    assert.equal(processAlive(pid), false);
    assert.notEqual(await daemonPid(s), pid, 'the daemon answering now is the one systemd started on the restored state');
  } finally {
    await s.cleanup();
  }
});

test('the real systemctl with no user manager (this container): install writes the unit, uninstall removes it and says the manager was not told', { skip: spawnSync('systemctl', ['--version']).status !== 0 ? 'no systemctl on PATH' : false }, async () => {
  const home = tempHome();
  const userHome = tempHome();
  const env = { HOME: userHome, BRAINS_SERVICE_MANAGER: 'systemd' };
  try {
    const install = await runCli(['service', 'install', ...QUIET_PORTS], { home, env });
    const file = join(userHome, '.config/systemd/user', serviceIdentity(statePaths({ BRAINS_HOME: home }), { BRAINS_SERVICE_MANAGER: 'systemd' })!.name);
    assert.equal(existsSync(file), true, `${install.stdout}${install.stderr}`);
    const reachable = install.code === 0;
    const removed = await runCli(['service', 'uninstall'], { home, env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`^brains service: removed ${file.replace(/[.]/g, '\\.')}`));
    if (!reachable) assert.match(removed.stdout, /no systemd user manager is reachable here .*, so the service manager was not told\./);
    assert.equal(existsSync(file), false);
  } finally {
    await runCli(['down'], { home });
    rmSync(home, { recursive: true, force: true });
    rmSync(userHome, { recursive: true, force: true });
  }
});
