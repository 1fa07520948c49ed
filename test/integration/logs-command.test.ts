// `brains logs` on log files written by hand in a temp home (no daemon, and it starts none): the last N lines across the
// rotated copies, --all, --level, --json, lines in neither format, hostile text, no log yet, -f through a rotation, bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runningCli, waitFor, withEmptyHome } from '../helpers/daemon.js';

const T = '2024-05-01T10:00:00.000Z';
const line = (level: string, msg: string, fields = '') => `${T} ${level.toUpperCase().padEnd(5)} ${msg}${fields ? ` ${fields}` : ''}`;

function writeLogs(home: string, files: Record<string, string[]>): string {
  const dir = join(home, 'logs');
  mkdirSync(dir, { recursive: true });
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), lines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  return dir;
}

test('brains logs prints the last N lines, reading back into the rotated copies, or every kept file oldest first', async () => {
  await withEmptyHome(async (home) => {
    writeLogs(home, {
      'daemon.log.2': [line('info', 'two-a'), line('info', 'two-b')],
      'daemon.log.1': [line('info', 'one-a'), line('debug', 'one-b')],
      'daemon.log': [line('info', 'now-a'), line('warn', 'now-b', 'code=X')],
    });
    const msgs = (stdout: string) => stdout.trim().split('\n').map((l) => l.split(/\s+/)[2]);
    const all = await runCli(['logs'], { home });
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(msgs(all.stdout), ['two-a', 'two-b', 'one-a', 'one-b', 'now-a', 'now-b'], 'fewer than 50 lines: all of them, oldest first');
    assert.equal(all.stdout.split('\n')[5], line('warn', 'now-b', 'code=X'), 'as written');
    assert.deepEqual(msgs((await runCli(['logs', '-n', '3'], { home })).stdout), ['one-b', 'now-a', 'now-b']);
    assert.deepEqual(msgs((await runCli(['logs', '--lines=1'], { home })).stdout), ['now-b']);
    assert.equal((await runCli(['logs', '-n', '0'], { home })).stdout, '');
    assert.deepEqual(msgs((await runCli(['logs', '--all'], { home })).stdout), ['two-a', 'two-b', 'one-a', 'one-b', 'now-a', 'now-b']);
    assert.deepEqual(msgs((await runCli(['logs', '-n', '2', '--level', 'info'], { home })).stdout), ['now-a', 'now-b'], 'the last N lines at that level');
    assert.deepEqual(msgs((await runCli(['logs', '-n', '3', '--level', 'info'], { home })).stdout), ['one-a', 'now-a', 'now-b'], 'one-b (debug) is skipped');
    assert.deepEqual(msgs((await runCli(['logs', '--level', 'WARN'], { home })).stdout), ['now-b']);
  });
});

test('brains logs --level and --json: JSON lines and human lines alike, lines in neither format kept as errors', async () => {
  await withEmptyHome(async (home) => {
    writeLogs(home, {
      'daemon.log': [
        line('debug', 'service started', 'service=socket'),
        JSON.stringify({ time: T, level: 'warn', msg: 'json warning', port: 9877 }),
        line('error', 'method failed unexpectedly', 'error="boom: bad \\"thing\\""'),
        'TypeError: Cannot read properties of undefined',
        '    at main (/x/main.js:1:1)',
        '',
        line('info', 'stopped'),
      ],
    });
    const errors = await runCli(['logs', '--level', 'error'], { home });
    assert.equal(errors.code, 0, errors.stderr);
    assert.deepEqual(errors.stdout.trim().split('\n'), [line('error', 'method failed unexpectedly', 'error="boom: bad \\"thing\\""'), 'TypeError: Cannot read properties of undefined', '    at main (/x/main.js:1:1)']);
    const warn = await runCli(['logs', '--level', 'warn', '-n', '1'], { home });
    assert.equal(warn.stdout, '    at main (/x/main.js:1:1)\n');
    const json = await runCli(['logs', '--json'], { home });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(json.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown), [
      { time: T, level: 'debug', msg: 'service started', service: 'socket' },
      { time: T, level: 'warn', msg: 'json warning', port: 9877 },
      { time: T, level: 'error', msg: 'method failed unexpectedly', error: 'boom: bad "thing"' },
      { level: 'error', msg: 'TypeError: Cannot read properties of undefined', raw: true },
      { level: 'error', msg: '    at main (/x/main.js:1:1)', raw: true },
      { time: T, level: 'info', msg: 'stopped' },
    ]);
  });
});

test('brains logs shows control and bidi characters escaped, so a log line cannot drive the terminal', async () => {
  await withEmptyHome(async (home) => {
    writeLogs(home, { 'daemon.log': [line('warn', 'agent \u001b]0;pwned\u0007 said \u202Egnp.exe', 'agent_name=\u001b[2Jx'), '\u001b[31mraw\ttrace'] });
    const shown = await runCli(['logs'], { home });
    assert.equal(shown.code, 0, shown.stderr);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/.test(shown.stdout), JSON.stringify(shown.stdout));
    assert.match(shown.stdout, /agent \\u001B\]0;pwned\\u0007 said \\u202Egnp\.exe agent_name=\\u001B\[2Jx\n\\u001B\[31mraw trace\n$/);
    const json = await runCli(['logs', '--json'], { home });
    assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(json.stdout), 'JSON escapes controls');
    assert.equal((JSON.parse(json.stdout.split('\n')[0]!) as { agent_name: string }).agent_name, '\u001b[2Jx', 'the value itself, for a program');
  });
});

test('brains logs with no log yet says where it would be and why, exit 1; --demo reads the demo log', async () => {
  await withEmptyHome(async (home) => {
    const none = await runCli(['logs'], { home });
    assert.equal(none.code, 1);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, `brains logs: no daemon log yet at ${join(home, 'logs', 'daemon.log')}; a daemon started by brains up (or by a command that starts it) writes it, while brains daemon in the foreground logs to its terminal\n`);
    const noDemo = await runCli(['logs', '--demo'], { home });
    assert.equal(noDemo.code, 1);
    assert.match(noDemo.stderr, /no demo log yet at .*demo\.log; brains demo writes it/);
    writeLogs(home, { 'demo.log': [`${T} planner: sent backend a message`, `${T} demo driver stopped`], 'daemon.log': [] });
    const demo = await runCli(['logs', '--demo', '--json', '-n', '1'], { home });
    assert.equal(demo.code, 0, demo.stderr);
    assert.deepEqual(JSON.parse(demo.stdout), { time: T, level: 'info', msg: 'demo driver stopped' });
    const empty = await runCli(['logs'], { home });
    assert.deepEqual([empty.code, empty.stdout, empty.stderr], [0, '', ''], 'an empty log: nothing to show, no complaint');
  });
});

test('brains logs refuses wrong, missing and hostile options with a short usage error and the nearest valid one', async () => {
  await withEmptyHome(async (home) => {
    const refused = async (args: string[], pattern: RegExp) => {
      const result = await runCli(['logs', ...args], { home });
      assert.equal(result.code, 2, `brains logs ${args.join(' ').slice(0, 60)}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.match(result.stderr, /\nusage: brains logs \[-n N \| --all\] \[-f\]/);
      assert.ok(result.stderr.length < 600, `a short answer, not ${result.stderr.length} characters`);
      assert.ok(!result.stderr.includes('\u001b'), 'no raw escape sequence echoed');
      assert.equal(result.stdout, '');
    };
    await refused(['--levl', 'warn'], /^brains logs: unknown option --levl; did you mean --level\?/);
    await refused(['--jsno'], /unknown option --jsno; did you mean --json\?/);
    await refused(['--folow'], /did you mean --follow\?/);
    await refused(['--level', 'warning'], /--level must be one of debug, info, warn, error, not "warning"; did you mean warn\?/);
    await refused(['--level', 'eror'], /did you mean error\?/);
    await refused(['--level', 'verbose'], /--level must be one of debug, info, warn, error, not "verbose"\n/);
    await refused(['--level'], /--level/);
    await refused(['-n', 'ten'], /-n takes a number of lines from 0 to 1000000, not "ten"/);
    await refused(['-n', '1.5'], /not "1\.5"/);
    await refused(['-n', '99999999'], /not "99999999"/);
    await refused(['-n', '-5'], /-n/);
    await refused(['-n', '5', '--all'], /--all prints every kept line, -n the last N: pick one/);
    await refused(['daemon.log'], /unexpected argument "daemon\.log"; it takes only flags/);
    await refused([`--${'x'.repeat(10_000)}\u001b[2J`], /unknown option --x{38}…; it takes --lines/);
    await refused(['--level', `\u001b]0;pwned\u0007${'y'.repeat(10_000)}`], /not "\\u001b\]0;pwned\\u0007y{30}…"/);
    const help = await runCli(['help', 'logs'], { home });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /log_max_bytes/);
  });
});

test('brains logs -f prints new lines as they come, waits for a log that does not exist yet, survives copy-truncate and rename, and ends quietly on SIGINT', async () => {
  await withEmptyHome(async (home) => {
    const dir = join(home, 'logs');
    const log = join(dir, 'daemon.log');
    const { child, out, err, exited } = runningCli(['logs', '-f', '--level', 'info'], home);
    try {
      await waitFor(() => err().includes('waiting for it'), 10_000, 'the no-log-yet notice');
      mkdirSync(dir, { recursive: true });
      appendFileSync(log, `${line('info', 'first')}\n${line('debug', 'hidden')}\n`);
      await waitFor(() => out().includes('first'), 10_000, 'the first line');
      // A line half written is held back until its end arrives.
      appendFileSync(log, `${line('info', 'second')}\n${T} INFO  thi`);
      await waitFor(() => out().includes('second'), 10_000, 'the second line');
      // Copy-truncate, as the daemon rotates: the rest of the half line is in the copy, so it is read from there.
      appendFileSync(log, `rd\n${line('info', 'fourth')}\n`);
      copyFileSync(log, `${log}.1`);
      truncateSync(log, 0);
      appendFileSync(log, `${line('info', 'fifth')}\n`);
      await waitFor(() => out().includes('fifth'), 10_000, 'a line after the copy-truncate');
      // A rename, as brains up rotates at start: the old file becomes .1, a new one is made.
      appendFileSync(log, `${line('info', 'sixth')}\n`);
      rmSync(`${log}.1`);
      renameSync(log, `${log}.1`);
      writeFileSync(log, `${line('error', 'seventh')}\n`);
      await waitFor(() => out().includes('seventh'), 10_000, 'a line after the rename');
      assert.deepEqual(out().trim().split('\n').map((l) => l.split(/\s+/)[2]), ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh'], out());
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.equal(err(), `brains logs: no daemon log yet at ${log}; a daemon started by brains up (or by a command that starts it) writes it, while brains daemon in the foreground logs to its terminal; waiting for it\n`);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
