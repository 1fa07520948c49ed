// Log rotation in a real daemon started by `brains up`: past log_max_bytes it copies daemon.log to daemon.log.1 and
// truncates it, keeps log_keep_files copies, loses and splits no line; `brains logs` reads across the cut, and -f follows it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { runCli, runningCli, tempHome, waitFor } from '../helpers/daemon.js';
import { openHttp, type Http } from '../helpers/mcp-http.js';
import { parseLogLine } from '../../rpc/log-lines.js';
import { rotatedLogs } from '../../rpc/log-files.js';
import { statePaths } from '../../rpc/paths.js';

const LIMIT = 64 * 1024;
const home = tempHome();
const paths = statePaths({ BRAINS_HOME: home });
let http: Http;

before(async () => {
  const up = await runCli(['up', '--log-level', 'debug', '--mcp-port', '0', '--quiet'], { home });
  assert.equal(up.code, 0, up.stderr);
  for (const [key, value] of [['log_max_bytes', LIMIT], ['log_keep_files', 20]] as const) {
    const set = await runCli(['rpc', 'config.set', `key=${key}`, `value=${value}`], { home });
    assert.equal(set.code, 0, set.stderr);
  }
  const status = JSON.parse((await runCli(['status', '--json'], { home })).stdout) as { mcp_http: { url: string } };
  http = await openHttp(status.mcp_http.url, readFileSync(paths.adminKey, 'utf8').trim());
});

after(async () => {
  await http?.client.close().catch(() => {});
  await runCli(['down'], { home });
  rmSync(home, { recursive: true, force: true });
});

/** One MCP tool call; with --log-level debug the daemon logs two lines for it (called, answered) naming the session. */
async function loudCall(): Promise<void> {
  const result = await http.client.callTool({ name: 'list_projects', arguments: {} });
  assert.notEqual(result.isError, true);
}

function newestCopy(): string {
  try {
    const stat = statSync(`${paths.daemonLog}.1`, { bigint: true });
    return `${stat.ino}:${stat.mtimeNs}:${stat.size}`;
  } catch {
    return '';
  }
}

/** Loud calls, a few at a time, until daemon.log.1 is a new copy: exactly one rotation happened. Returns how many calls. */
async function callsUntilRotated(): Promise<number> {
  const before = newestCopy();
  let calls = 0;
  while (newestCopy() === before) {
    assert.ok(calls < 5000, 'the log rotated within 5000 calls');
    for (let i = 0; i < 10; i++) await loudCall();
    calls += 10;
  }
  return calls;
}

function keptFilesOldestFirst(): string[] {
  return [...rotatedLogs(paths.daemonLog).map(({ path }) => path).reverse(), paths.daemonLog];
}

function linesOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), `${path} ends with a whole line`);
  return text.split('\n').filter(Boolean);
}

async function sighupMarker(): Promise<void> {
  const pid = Number(readFileSync(paths.pidfile, 'utf8'));
  const count = () => readFileSync(paths.daemonLog, 'utf8').split('SIGHUP ignored').length;
  const before = count();
  process.kill(pid, 'SIGHUP');
  await waitFor(() => count() > before, 10_000, 'the SIGHUP line');
}

const sessionOf = () => http.transport.sessionId!;
const calledLines = (lines: string[]) => lines.filter((l) => l.includes(`list_projects (project.list): called session=${sessionOf()}`)).length;

test('the daemon rotates its log past log_max_bytes: whole lines, none lost, at most log_keep_files copies, 0600', async () => {
  let calls = 0;
  for (let rotation = 0; rotation < 3; rotation++) calls += await callsUntilRotated();
  const copies = rotatedLogs(paths.daemonLog);
  assert.ok(copies.length >= 3, `three rotations made copies: ${copies.map((c) => c.n).join(',')}`);
  assert.ok(statSync(paths.daemonLog).size <= LIMIT, 'the log itself is under the limit');
  for (const { path } of copies) {
    const size = statSync(path).size;
    assert.ok(size > LIMIT && size < LIMIT + 4096, `${path} was cut just past the limit (${size} bytes)`);
  }
  const all = keptFilesOldestFirst().flatMap(linesOf);
  for (const line of all) assert.equal(parseLogLine(line).raw, false, `a whole log line: ${line.slice(0, 120)}`);
  assert.equal(calledLines(all), calls, 'every call logged once, across the cuts');
  for (const path of keptFilesOldestFirst()) assert.equal(statSync(path).mode & 0o777, 0o600, path);

  // Fewer copies kept applies at the next rotation, without a restart: the oldest go.
  assert.equal((await runCli(['rpc', 'config.set', 'key=log_keep_files', 'value=2'], { home })).code, 0);
  await callsUntilRotated();
  assert.deepEqual(rotatedLogs(paths.daemonLog).map((c) => c.n), [1, 2]);
});

test('brains logs reads back across the cut: -n, --level, --json', async () => {
  await sighupMarker();
  const current = linesOf(paths.daemonLog);
  const copy = linesOf(`${paths.daemonLog}.1`);
  const n = current.length + 3;
  const shown = await runCli(['logs', '-n', String(n)], { home });
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual(shown.stdout.trimEnd().split('\n'), [...copy.slice(-3), ...current], 'the last lines of daemon.log.1, then daemon.log');

  const info = await runCli(['logs', '--level', 'info', '-n', '1'], { home });
  assert.match(info.stdout, /^\S+Z INFO {2}SIGHUP ignored; use brains down to stop\n$/);
  const noDebug = await runCli(['logs', '--level', 'info', '-n', '1000'], { home });
  assert.ok(!/ DEBUG /.test(noDebug.stdout));

  const json = await runCli(['logs', '--json', '-n', '6'], { home });
  const entries = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(entries.length, 6);
  assert.deepEqual(entries.at(-1), { time: entries.at(-1)!.time, level: 'info', msg: 'SIGHUP ignored; use brains down to stop' });
  const call = entries.find((e) => e.method === 'project.list');
  assert.ok(call, json.stdout);
  assert.equal(call.level, 'debug');
  assert.equal(call.session, sessionOf());
  assert.match(String(call.time), /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
});

test('brains logs -f as a child process picks up new lines and carries on through a rotation, losing none', async () => {
  await sighupMarker();
  const { child, out, err, exited } = runningCli(['logs', '-f', '-n', '1'], home);
  try {
    const markers = () => out().split('SIGHUP ignored').length - 1;
    await waitFor(() => markers() >= 1, 10_000, 'the last line, the marker');
    assert.equal(out().split('\n').length, 2, `one line: ${out()}`);
    const calls = await callsUntilRotated();
    await sighupMarker();
    await waitFor(() => markers() >= 2, 10_000, 'the marker after the rotation');
    assert.equal(markers(), 2);
    const lines = out().trimEnd().split('\n');
    for (const line of lines) assert.equal(parseLogLine(line).raw, false, `a whole line: ${line.slice(0, 120)}`);
    assert.equal(calledLines(lines), calls, 'every call made while following was shown once, across the rotation');
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(err(), '');
  } finally {
    child.kill('SIGKILL');
  }
});
