// Every face answers a mistake in a short sentence that says what to do: CLI options and MCP tool arguments.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, startDaemon, tempHome, type TestDaemon } from '../helpers/daemon.js';
import { callError, openMcp, type Mcp } from '../helpers/mcp-stdio.js';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

describe('CLI options', () => {
  const home = tempHome();
  after(() => rmSync(home, { recursive: true, force: true }));

  for (const [args, typed, meant] of [
    [['rpc', 'system.ping', '--prety'], '--prety', '--pretty'],
    [['rpc', '--lst'], '--lst', '--list'],
    [['demo', '--stp'], '--stp', '--stop'],
    [['tui', '--pan', 'inbox'], '--pan', '--pane'],
    [['mcp', '--no-strat'], '--no-strat', '--no-start'],
    [['wire', '--dryrun'], '--dryrun', '--dry-run'],
    [['unwire', '--dry-rn'], '--dry-rn', '--dry-run'],
    [['daemon', '--mcp-prot', '3'], '--mcp-prot', '--mcp-port'],
  ] as const) {
    test(`brains ${args.join(' ')}: the nearest option, not parseArgs' text`, async () => {
      const result = await runCli([...args], { home, env: { BRAINS_MCP_PORT: 'off' } });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`^brains ${args[0]}: unknown option ${typed}; did you mean ${meant}\\?`));
      assert.doesNotMatch(result.stderr, /To specify a positional argument/);
    });
  }

  test('brains hook names the nearest event, option and tool, and still exits 0 so a mistyped hook never breaks the agent tool', async () => {
    for (const [args, said] of [
      [['hook', 'sesion-start', '--no-start'], 'unknown event "sesion-start"; did you mean session-start?'],
      [['hook', 'stop', '--tol', 'codex', '--no-start'], 'unknown option "--tol"; did you mean --tool?'],
      [['hook', 'stop', '--tool', 'codx', '--no-start'], 'unknown --tool "codx"; did you mean codex?'],
      [['hook', `x\u202e${'y'.repeat(5000)}`, '--no-start'], 'unknown event "x\\u202Eyyy'],
    ] as const) {
      const result = await runCli([...args], { home, input: '{}' });
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stderr.startsWith(`brains hook: ${said}`), result.stderr);
      assert.ok(result.stderr.length < 400, result.stderr);
    }
  });

  test('an option nothing is near lists what the command takes; a hostile one is cut short', async () => {
    const far = await runCli(['demo', '--zzzzzzzz'], { home });
    assert.match(far.stderr, /^brains demo: unknown option --zzzzzzzz; it takes --stop, --clean, --status, --json/);
    const long = await runCli(['wire', `--${'x'.repeat(5000)}`], { home });
    assert.equal(long.code, 2);
    assert.ok(long.stderr.length < 400, long.stderr);
  });
});

describe('MCP tool arguments', () => {
  let daemon: TestDaemon;
  let mcp: Mcp;
  before(async () => {
    daemon = await startDaemon();
    mcp = await openMcp(daemon);
  });
  after(async () => {
    await mcp?.close();
    await daemon?.cleanup();
  });

  test('are refused in the daemon\'s words, with the tool\'s name: missing and Required:, the nearest argument, union shapes', async () => {
    assert.equal(
      await callError(mcp, 'send_message', { project_id: 'p' }),
      'INVALID: Invalid params for send_message: missing payload\nRequired: project_id, payload',
    );
    assert.match(await callError(mcp, 'send_message', { projct_id: 'p', payload: 'x' }), /^INVALID: Invalid params for send_message: missing project_id; unknown param "projct_id"; did you mean project_id\?\nRequired: /);
    assert.equal(
      await callError(mcp, 'lock_acquire', { key: 'k', project_id: 'p', holder: { agent: 'x' } }),
      'INVALID: Invalid params for lock_acquire: holder: expected {session_id} or {project_id, agent_name}',
    );
    const flood = await callError(mcp, 'list_projects', Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])));
    assert.ok(flood.length < 400, flood);
  });

  test('an unknown tool is answered with the nearest one, not only "Tool X not found"', async () => {
    assert.equal(await callError(mcp, 'send_mesage', { payload: 'x' }), 'NOT_FOUND: no tool send_mesage; did you mean send_message? tools/list lists them all');
    assert.equal(await callError(mcp, 'zzzzzzzzzz'), 'NOT_FOUND: no tool zzzzzzzzzz; tools/list lists them all');
    const hostile = await callError(mcp, `x${'\u202e'.repeat(3)}${'y'.repeat(5000)}`);
    assert.ok(hostile.length < 400 && !hostile.includes('\u202e'), hostile);
  });
});

describe('a daemon that cannot start', () => {
  test('brains up and an MCP client hear its reason in one line, without log timestamps or levels, not "Connection closed"', async () => {
    const home = tempHome();
    try {
      writeFileSync(join(home, 'config.json'), '{bad');
      const up = await runCli(['up'], { home });
      assert.notEqual(up.code, 0);
      assert.match(up.stderr, /^brains up: the daemon exited \(code 1\) before answering: .*config\.json is not valid JSON .*; fix or delete it/);
      assert.doesNotMatch(up.stderr, /\d{4}-\d\d-\d\dT\d\d:\d\d|\bERROR\b/);

      const mcp = await openMcp({ home }, { start: true });
      try {
        const said = await callError(mcp, 'list_projects');
        assert.match(said, /^UNAVAILABLE: the brains daemon cannot be reached: the daemon exited \(code 1\) before answering: .*config\.json is not valid JSON/);
        assert.doesNotMatch(said, /\d{4}-\d\d-\d\dT\d\d:\d\d|\bERROR\b|Connection closed/);
      } finally {
        await mcp.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('a value outside a fixed set of choices', () => {
  test('names the nearest choice, lists them when they are few, and quotes a hostile value cut short', async () => {
    const daemon = await startDaemon();
    try {
      const typo = await runCli(['rpc', 'config.set', 'key=backup_evry_hours', 'value=1'], { home: daemon.home });
      assert.equal(typo.code, 2);
      assert.match(typo.stderr, /key: backup_evry_hours is not one of its \d+ choices; did you mean backup_every_hours\?/);
      const few = await runCli(['rpc', 'lock.acquire', 'key=x', 'holder.session_id=s', 'mode=exclusiv'], { home: daemon.home });
      assert.match(few.stderr, /mode: exclusiv is not one of exclusive, shared; did you mean exclusive\?/);
      const far = await runCli(['rpc', 'config.set', 'key=zzzzzzzzzz', 'value=1'], { home: daemon.home });
      assert.match(far.stderr, /zzzzzzzzzz is not one of its \d+ choices; brains rpc --describe config\.set lists them/);
      const hostile = await runCli(['rpc', 'config.set', `key=x\u202e${'y'.repeat(5000)}`, 'value=1'], { home: daemon.home });
      assert.ok(hostile.stderr.length < 600, hostile.stderr);
      assert.ok(!hostile.stderr.includes('\u202e'), 'the bidi override is escaped');
    } finally {
      await daemon.cleanup();
    }
  });
});
