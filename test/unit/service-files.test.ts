// The systemd unit and launchd plist brains service writes: their content, their names per state dir, quoting that
// survives hostile paths, and (where the tools exist here) systemd-analyze and Python's plistlib accepting them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../../rpc/autostart.js';
import { statePaths } from '../../rpc/paths.js';
import { SERVICE_MARKER, serviceIdentity, serviceManagerKind } from '../../rpc/service-start.js';
import { plistProgramArguments, plistText } from '../../bin/service/plist.js';
import { serviceSpec, specProblem, type ServiceSpec } from '../../bin/service/spec.js';
import { unitEnvironment, unitExecStart, unitFileText } from '../../bin/service/unit-file.js';
import { cliPath } from '../../bin/wire/launcher.js';

/** Run fn with HOME (what os.homedir() reads) pointing at a temp dir. */
function withHome<T>(fn: (home: string) => T): T {
  const home = mkdtempSync(join(tmpdir(), 'bsu-'));
  const saved = process.env.HOME;
  process.env.HOME = home;
  try {
    return fn(home);
  } finally {
    process.env.HOME = saved;
    rmSync(home, { recursive: true, force: true });
  }
}

const HOSTILE = `/tmp/a "b" 'c' 50% $HOME \\x <d>&amp; ]]> é`;

test('the default state dir gets brains.service in ~/.config/systemd/user and the label dev.brains.daemon; ExecStart, Environment, Restart, the appended log', () => {
  withHome((home) => {
    const env = { HOME: home, BRAINS_SERVICE_MANAGER: 'systemd', PATH: '/opt/agents/bin:/usr/bin' };
    const paths = statePaths({ ...env, BRAINS_HOME: join(home, '.brains') });
    const id = serviceIdentity(paths, env)!;
    assert.deepEqual(id, { kind: 'systemd', name: 'brains.service', file: join(home, '.config/systemd/user/brains.service') });
    assert.deepEqual(serviceIdentity(statePaths({ HOME: home }), env), id, 'BRAINS_HOME unset is the same state dir');
    assert.deepEqual(serviceIdentity(paths, { ...env, BRAINS_SERVICE_MANAGER: 'launchd' }), {
      kind: 'launchd',
      name: 'dev.brains.daemon',
      file: join(home, 'Library/LaunchAgents/dev.brains.daemon.plist'),
    });

    const text = unitFileText(serviceSpec(paths, env, ['--mcp-port', '9900', '--log-level=debug']));
    const lines = text.split('\n');
    assert.ok(lines[0]!.startsWith(`# ${SERVICE_MARKER}`), 'the marker opens the file');
    assert.equal(lines.filter((l) => l.startsWith('ExecStart=')).length, 1);
    assert.deepEqual(unitExecStart(text), [process.execPath, ...DAEMON_NODE_FLAGS, cliPath(), 'daemon', '--mcp-port', '9900', '--log-level=debug']);
    assert.deepEqual(unitEnvironment(text), [
      ['BRAINS_HOME', join(home, '.brains')],
      ['MALLOC_ARENA_MAX', '2'],
      ['NO_COLOR', '1'],
      ['PATH', '/opt/agents/bin:/usr/bin'],
    ]);
    for (const line of [
      `StandardOutput=append:${join(home, '.brains/logs/daemon.log')}`,
      `StandardError=append:${join(home, '.brains/logs/daemon.log')}`,
      'Restart=on-failure',
      'RestartSec=2',
      'RestartPreventExitStatus=2 4',
      'KillMode=mixed',
      'WantedBy=default.target',
      '[Service]',
      '[Install]',
    ]) {
      assert.ok(lines.includes(line), `the unit has ${line}`);
    }
  });
});

test('any other state dir gets a name of its own (a short hash of the dir), the same for systemd and launchd; XDG_CONFIG_HOME moves the unit dir', () => {
  withHome((home) => {
    const one = statePaths({ BRAINS_HOME: '/srv/brains-one' });
    const two = statePaths({ BRAINS_HOME: '/srv/brains-two' });
    const a = serviceIdentity(one, { BRAINS_SERVICE_MANAGER: 'systemd' })!;
    const b = serviceIdentity(two, { BRAINS_SERVICE_MANAGER: 'systemd' })!;
    assert.match(a.name, /^brains-[0-9a-f]{8}\.service$/);
    assert.notEqual(a.name, b.name);
    assert.equal(serviceIdentity(statePaths({ BRAINS_HOME: '/srv/brains-one/./' }), { BRAINS_SERVICE_MANAGER: 'systemd' })!.name, a.name, 'the resolved dir decides');
    const hash = a.name.slice('brains-'.length, -'.service'.length);
    assert.equal(serviceIdentity(one, { BRAINS_SERVICE_MANAGER: 'launchd' })!.name, `dev.brains.daemon.${hash}`);
    assert.equal(serviceIdentity(one, { BRAINS_SERVICE_MANAGER: 'systemd', XDG_CONFIG_HOME: '/etc/xdg-me' })!.file, `/etc/xdg-me/systemd/user/${a.name}`);
    assert.equal(serviceIdentity(one, { BRAINS_SERVICE_MANAGER: 'systemd', XDG_CONFIG_HOME: 'relative' })!.file, join(home, '.config/systemd/user', a.name));
  });
});

test('BRAINS_SERVICE_MANAGER takes systemd or launchd; anything else is refused with the nearest name', () => {
  assert.equal(serviceManagerKind({ BRAINS_SERVICE_MANAGER: 'launchd' }), 'launchd');
  assert.equal(serviceManagerKind({ BRAINS_SERVICE_MANAGER: ' ' }), process.platform === 'darwin' ? 'launchd' : process.platform === 'linux' ? 'systemd' : null);
  assert.throws(() => serviceManagerKind({ BRAINS_SERVICE_MANAGER: 'systemdd' }), /must be systemd or launchd, not "systemdd"; did you mean systemd\?/);
  assert.throws(() => serviceManagerKind({ BRAINS_SERVICE_MANAGER: `\u001b[2J${'x'.repeat(500)}` }), (error: Error) => {
    assert.ok(!error.message.includes('\u001b'), 'no raw escape in the message');
    assert.ok(error.message.length < 120);
    return true;
  });
});

function hostileSpec(): ServiceSpec {
  return {
    stateDir: HOSTILE,
    argv: [process.execPath, ...DAEMON_NODE_FLAGS, `${HOSTILE}/dist/bin/brains.js`, 'daemon', '--log-level', 'debug'],
    environment: [
      ['BRAINS_HOME', HOSTILE],
      ['PATH', `${HOSTILE}:/usr/bin`],
    ],
    log: `${HOSTILE}/logs/daemon.log`,
  };
}

test('quotes, spaces, %, $ and backslashes in paths come back unchanged from the unit file', () => {
  const spec = hostileSpec();
  const text = unitFileText(spec);
  assert.deepEqual(unitExecStart(text), spec.argv);
  assert.deepEqual(unitEnvironment(text), spec.environment);
  assert.ok(text.includes('50%%'), '% is written as %% (a literal percent, not a specifier)');
  assert.ok(text.includes('$$HOME'), '$ in ExecStart is written as $$ (no variable expansion)');
});

test('systemd-analyze verify accepts the unit file without a warning (skipped where systemd-analyze is missing)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bsu-'));
  try {
    const file = join(dir, 'brains-test.service');
    writeFileSync(file, unitFileText(hostileSpec()));
    const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    if (result.error) {
      t.skip('systemd-analyze is not installed here');
      return;
    }
    assert.equal(result.status, 0, result.stderr);
    const aboutOurs = result.stderr.split('\n').filter((line) => line.includes(file));
    assert.deepEqual(aboutOurs, [], 'no complaint about any line of the unit');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the plist is a valid XML property list with Label, ProgramArguments, EnvironmentVariables, the log, RunAtLoad and KeepAlive', (t) => {
  const spec = hostileSpec();
  const text = plistText('dev.brains.daemon.0123abcd', spec);
  assert.ok(text.includes(SERVICE_MARKER));
  assert.deepEqual(plistProgramArguments(text), spec.argv);
  const python = spawnSync('python3', ['-c', 'import json, plistlib, sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'], { input: text, encoding: 'utf8' });
  if (python.error) {
    t.skip('python3 is not installed here to parse the plist independently');
    return;
  }
  assert.equal(python.status, 0, python.stderr);
  assert.deepEqual(JSON.parse(python.stdout), {
    Label: 'dev.brains.daemon.0123abcd',
    ProgramArguments: spec.argv,
    EnvironmentVariables: Object.fromEntries(spec.environment),
    StandardOutPath: spec.log,
    StandardErrorPath: spec.log,
    RunAtLoad: true,
    KeepAlive: { SuccessfulExit: false },
  });
});

test('a line break or control character in a path, the PATH or a flag is refused before any file is written', () => {
  const base = hostileSpec();
  assert.equal(specProblem(base), null);
  assert.match(specProblem({ ...base, argv: [...base.argv, '--x\nExecStartPre=/bin/rm'] }) ?? '', /argument "--x\\nExecStartPre=\/bin\/rm" holds a line break/);
  assert.match(specProblem({ ...base, environment: [['PATH', '/bin\n[Service]']] }) ?? '', /^PATH holds a line break/);
  assert.match(specProblem({ ...base, log: '/tmp/\u0007log' }) ?? '', /^the log path holds/);
});
