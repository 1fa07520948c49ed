// Why this exists: the `brains` CLI is a contract of its own (params forms, exit codes, output modes, help, watch resume) and only real processes show it.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { CLI, envFor, runCli, startDaemon, tempHome, waitFor, withEmptyHome, type TestDaemon } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';
import { COMMANDS } from '../../bin/command-table.js';
import { UsageError, parsePairs, parseParams, parseValue } from '../../rpc/params.js';
import { contract, type MethodName } from '../../rpc/contract/index.js';
import { filledForOperator } from '../../rpc/contract/required-params.js';
import { RpcCallError, RpcCodes } from '../../rpc/errors.js';
import { catalogueEntries } from '../../rpc/contract/catalogue.js';
import type { BrainsClient } from '../../rpc/client.js';
import { formatMethodList, methodEntries, methodSummary } from '../../bin/commands/describe.js';

const LONG_WAIT = 30_000;

interface EventLine {
  seq: number;
  type: string;
  subject: string | null;
  data: unknown;
}

describe('brains rpc: params forms, exit codes, output modes', () => {
  const { daemon, client } = withDaemon();
  let home: string;

  before(async () => {
    home = daemon.home;
    await client.call('events.publish', { events: [{ type: 'user.one' }, { type: 'user.two' }, { type: 'user.three' }] });
  });

  test('a JSON argument, key=value pairs and - (stdin) give the same call', async () => {
    const expected = await client.call('events.list', { after: 0, limit: 2 });
    assert.equal(expected.events.length, 2);

    const json = await runCli(['rpc', 'events.list', '{"after":0,"limit":2}'], { home });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), expected);

    const pairs = await runCli(['rpc', 'events.list', 'after=0', 'limit=2'], { home });
    assert.equal(pairs.code, 0, pairs.stderr);
    assert.deepEqual(JSON.parse(pairs.stdout), expected);

    const stdin = await runCli(['rpc', 'events.list', '-'], { home, input: '{"after":0,"limit":2}' });
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.deepEqual(JSON.parse(stdin.stdout), expected);
  });

  test('events.publish takes JSON, key=value with a JSON value, and stdin', async () => {
    const json = await runCli(['rpc', 'events.publish', '{"events":[{"type":"user.json","subject":"api","data":{"k":[1,2]}}]}'], { home });
    assert.equal(json.code, 0, json.stderr);
    const [jsonSeq] = (JSON.parse(json.stdout) as { seqs: number[] }).seqs;

    const pairs = await runCli(['rpc', 'events.publish', 'events=[{"type":"user.kv","data":"plain"}]'], { home });
    assert.equal(pairs.code, 0, pairs.stderr);
    const [kvSeq] = (JSON.parse(pairs.stdout) as { seqs: number[] }).seqs;

    const stdin = await runCli(['rpc', 'events.publish', '-'], { home, input: '{"events":[{"type":"user.stdin"}]}\n' });
    assert.equal(stdin.code, 0, stdin.stderr);
    const [stdinSeq] = (JSON.parse(stdin.stdout) as { seqs: number[] }).seqs;

    const list = await runCli(['rpc', 'events.list', `after=${jsonSeq! - 1}`, 'types=["user.*"]', 'limit=3'], { home });
    assert.equal(list.code, 0, list.stderr);
    const events = (JSON.parse(list.stdout) as { events: EventLine[] }).events;
    assert.deepEqual(
      events.map((e) => [e.seq, e.type, e.subject, e.data]),
      [
        [jsonSeq, 'user.json', 'api', { k: [1, 2] }],
        [kvSeq, 'user.kv', null, 'plain'],
        [stdinSeq, 'user.stdin', null, null],
      ],
    );
  });

  test('the example call --describe prints runs as printed, through a real shell, against the daemon', async () => {
    for (const method of ['project.create', 'events.publish']) {
      const described = await runCli(['rpc', '--describe', method], { home });
      const example = /^Example: (brains rpc .*)$/m.exec(described.stdout)?.[1];
      assert.ok(example, `${method} has an example: ${described.stdout}`);
      const ran = await runInShell(example.replace(/^brains /, `'${process.execPath}' '${CLI}' `), home);
      assert.equal(ran.code, 0, `${example}: ${ran.stderr}`);
      assert.equal(ran.stderr, '');
      if (method === 'project.create') {
        assert.equal((JSON.parse(ran.stdout) as { name: string }).name, 'my-name');
        const projects = await client.call('project.list', {});
        assert.ok(projects.projects.some((project) => project.name === 'my-name'), 'the project exists');
      } else {
        const [seq] = (JSON.parse(ran.stdout) as { seqs: number[] }).seqs;
        const { events } = await client.call('events.list', { after: seq! - 1, limit: 1 });
        assert.equal(events[0]!.type, 'user.example');
      }
    }
  });

  test('the actor params --describe leaves out for the operator are filled in by the daemon: no example call is refused for them', async () => {
    const methods = (Object.keys(contract) as MethodName[]).filter((method) => filledForOperator(contract[method]).length > 0);
    for (const method of ['message.send', 'message.receive', 'task.claim', 'handoff.submit'] as const) assert.ok(methods.includes(method), `${method} in ${methods.join(' ')}`);
    for (const method of methods) {
      const example = /^Example: brains rpc (\S+)(.*)$/m.exec(methodSummary(method))!;
      const params = ((await parseParams(shellWords(example[2]!), refuseStdin)) ?? {}) as Record<string, unknown>;
      for (const param of filledForOperator(contract[method])) assert.ok(!(param in params), `${method}: the example leaves ${param} out`);
      // The example's project does not exist: an answer past validation (NOT_FOUND) shows the params were complete.
      const refusal = await (client.call as (m: MethodName, p: unknown) => Promise<unknown>)(method, params).then(
        () => null,
        (error: unknown) => error as RpcCallError,
      );
      assert.ok(refusal === null || refusal instanceof RpcCallError, `${method}: ${String(refusal)}`);
      assert.notEqual(refusal?.code, RpcCodes.INVALID_PARAMS, `${method} ${example[2]}: ${refusal?.message}`);
    }
  });

  test('dotted keys reach the daemon as a nested object', async () => {
    // after.x=1 nests into {after: {x: 1}}, which the daemon rejects at path "after".
    const nested = await runCli(['rpc', 'events.list', 'after.x=1'], { home });
    assert.equal(nested.code, 2);
    const error = JSON.parse(nested.stderr) as { code: number; data: { issues: Array<{ path: string[] }> } };
    assert.equal(error.code, -32602);
    assert.deepEqual(error.data.issues[0]!.path, ['after']);
  });

  test('exit 0 on success, with nothing on stderr', async () => {
    const ping = await runCli(['rpc', 'system.ping'], { home });
    assert.equal(ping.code, 0);
    assert.equal(ping.stderr, '');
    assert.equal(JSON.parse(ping.stdout).pong, true);
  });

  test('exit 1 when the method answers an application error; the error object goes to stderr', async () => {
    const result = await runCli(['rpc', 'events.list', 'after=999999'], { home });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const error = JSON.parse(result.stderr) as { code: number; message: string; data: { code: string } };
    assert.equal(error.code, 4000);
    assert.equal(error.data.code, 'INVALID');
    assert.match(error.message, /after=999999/);
  });

  test('exit 2 for invalid params, an unknown method and bad usage', async () => {
    const unknownKey = await runCli(['rpc', 'events.list', 'bogus=1'], { home });
    assert.equal(unknownKey.code, 2);
    assert.equal(JSON.parse(unknownKey.stderr).code, -32602);

    const wrongType = await runCli(['rpc', 'events.list', 'limit=abc'], { home });
    assert.equal(wrongType.code, 2);
    const wrongTypeError = JSON.parse(wrongType.stderr) as { code: number; data: { code: string; issues: Array<{ path: string[] }> } };
    assert.equal(wrongTypeError.code, -32602);
    assert.equal(wrongTypeError.data.code, 'INVALID');
    assert.deepEqual(wrongTypeError.data.issues[0]!.path, ['limit']);

    const unknownMethod = await runCli(['rpc', 'nope.nothing'], { home });
    assert.equal(unknownMethod.code, 2);
    assert.equal(JSON.parse(unknownMethod.stderr).code, -32601);

    const missingMethod = await runCli(['rpc'], { home });
    assert.equal(missingMethod.code, 2);
    assert.match(missingMethod.stderr, /missing METHOD/);
    assert.match(missingMethod.stderr, /usage: brains rpc/);

    const badJson = await runCli(['rpc', 'events.list', '{"after":'], { home });
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /not valid JSON/);

    const badStdin = await runCli(['rpc', 'events.list', '-'], { home, input: 'not json' });
    assert.equal(badStdin.code, 2);
    assert.match(badStdin.stderr, /standard input is not valid JSON/);

    const notPair = await runCli(['rpc', 'events.list', 'after'], { home });
    assert.equal(notPair.code, 2);
    assert.match(notPair.stderr, /expected key=value/);

    const badFlag = await runCli(['rpc', '--bogus', 'system.ping'], { home });
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /usage: brains rpc/);
  });

  test('piped output is one line of JSON; --pretty is indented; both parse to the answer', async () => {
    const expected = await client.call('events.list', { after: 0, limit: 3 });

    const piped = await runCli(['rpc', 'events.list', 'after=0', 'limit=3'], { home });
    assert.equal(piped.code, 0, piped.stderr);
    assert.ok(piped.stdout.endsWith('\n'));
    assert.equal(piped.stdout.trimEnd().includes('\n'), false, 'a single line');
    assert.deepEqual(JSON.parse(piped.stdout), expected);
    assert.equal(piped.stdout, `${JSON.stringify(expected)}\n`);

    const pretty = await runCli(['rpc', '--pretty', 'events.list', 'after=0', 'limit=3'], { home });
    assert.equal(pretty.code, 0, pretty.stderr);
    assert.ok(pretty.stdout.trimEnd().split('\n').length > 1, 'several lines');
    assert.match(pretty.stdout, /^\{\n {2}"events": \[/);
    assert.deepEqual(JSON.parse(pretty.stdout), expected);

    const compact = await runCli(['rpc', '--compact', 'events.list', 'after=0', 'limit=3'], { home });
    assert.equal(compact.stdout, piped.stdout);

    const prettyError = await runCli(['rpc', '--pretty', 'events.list', 'after=999999'], { home });
    assert.equal(prettyError.code, 1);
    assert.ok(prettyError.stderr.trimEnd().split('\n').length > 1, 'the error is pretty too');
    assert.equal(JSON.parse(prettyError.stderr).data.code, 'INVALID');
  });
});

describe('brains rpc with no daemon', () => {
  test('exit 3 when the daemon is unreachable and --no-start is given', async () => {
    await withEmptyHome(async (home) => {
      const result = await runCli(['rpc', '--no-start', 'system.ping'], { home });
      assert.equal(result.code, 3);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /cannot reach the daemon/);
      assert.match(result.stderr, /brains up/);

      const watch = await runCli(['watch', '--no-start'], { home });
      assert.equal(watch.code, 3);
    });
  });
});

describe('a reader that goes away', () => {
  test('ends the command quietly with its own exit code, no stack trace', async () => {
    const home = tempHome();
    const quoted = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
    // `true` exits long before node has started, so the first write meets a closed pipe (EPIPE).
    const run = spawn('bash', ['-c', `${quoted(process.execPath)} ${quoted(CLI)} help | true; echo "status=\${PIPESTATUS[0]}"`], { env: envFor(home) });
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => run.once('close', resolve));
    assert.equal(stdout.trim(), 'status=0');
    assert.equal(stderr, '');
    rmSync(home, { recursive: true, force: true });
  });
});

describe('the key=value params parser', () => {
  test('dotted keys nest', () => {
    assert.deepEqual(parsePairs(['a.b=1', 'a.c=x']), { a: { b: 1, c: 'x' } });
    assert.deepEqual(parsePairs(['a.b.c=true', 'd=2']), { a: { b: { c: true } }, d: 2 });
  });

  test('a value is JSON when it parses, else the literal string', () => {
    assert.deepEqual(parsePairs(['n=1', 's=abc', 'b=false', 'z=null', 'q="1"', 'o={"x":[1]}', 'e=']), {
      n: 1,
      s: 'abc',
      b: false,
      z: null,
      q: '1',
      o: { x: [1] },
      e: '',
    });
    assert.equal(parseValue('1.5'), 1.5);
    assert.equal(parseValue('{not json'), '{not json');
    assert.deepEqual(parsePairs(['url=http://x/?a=b']), { url: 'http://x/?a=b' }, 'only the first = splits');
  });

  test('prototype keys, duplicates, conflicts and empty keys are rejected', () => {
    for (const words of [['__proto__.x=1'], ['__proto__=1'], ['a.constructor=1'], ['prototype.x=1']]) {
      assert.throws(() => parsePairs(words), UsageError, words.join(' '));
    }
    assert.equal(({} as Record<string, unknown>).x, undefined, 'Object.prototype untouched');
    assert.throws(() => parsePairs(['a=1', 'a=2']), /given twice/);
    assert.throws(() => parsePairs(['a.b=1', 'a.b=2']), /given twice/);
    assert.throws(() => parsePairs(['a=1', 'a.b=2']), /conflicts/);
    assert.throws(() => parsePairs(['=x']), UsageError);
    assert.throws(() => parsePairs(['a..b=1']), UsageError);
    assert.throws(() => parsePairs(['a.=1']), UsageError);
    assert.throws(() => parsePairs(['novalue']), /expected key=value/);
  });

  test('parseParams picks JSON, pairs or stdin', async () => {
    const noStdin = () => Promise.reject(new Error('stdin must not be read'));
    assert.equal(await parseParams([], noStdin), undefined);
    assert.deepEqual(await parseParams(['{"a":1}'], noStdin), { a: 1 });
    assert.deepEqual(await parseParams([' [1,2]'], noStdin), [1, 2]);
    assert.deepEqual(await parseParams(['a=1'], noStdin), { a: 1 });
    assert.deepEqual(await parseParams(['-'], async () => '{"from":"stdin"}'), { from: 'stdin' });
    assert.equal(await parseParams(['-'], async () => '  \n'), undefined);
    await assert.rejects(parseParams(['{"a":'], noStdin), UsageError);
    await assert.rejects(parseParams(['-'], async () => '42'), /must be a JSON object or array/);
  });
});

describe('discovery, help and version', () => {
  test('rpc --list groups methods under a heading per plane, each with its required params and MCP tool', async () => {
    await withEmptyHome(async (home) => {
      const result = await runCli(['rpc', '--list'], { home });
      assert.equal(result.code, 0, result.stderr);
      const planeOfLine = new Map<string, string>();
      let heading: string | undefined;
      const headings: string[] = [];
      for (const line of result.stdout.trimEnd().split('\n')) {
        if (/^[a-z_]+:$/.test(line)) headings.push((heading = line.slice(0, -1)));
        else if (line.startsWith('  ')) planeOfLine.set(line.trim().split(/\s+/)[0]!, heading!);
        else assert.equal(line, '', `only headings, method lines and blank lines: ${JSON.stringify(line)}`);
      }
      const names = Object.keys(contract);
      for (const required of ['system.ping', 'events.subscribe', 'daemon.shutdown', 'project.create', 'message.send', 'handoff.submit']) {
        assert.ok(names.includes(required), `${required} is in the contract`);
      }
      assert.deepEqual([...planeOfLine.keys()].sort(), [...names].sort(), 'every method listed once');
      for (const name of names) assert.equal(planeOfLine.get(name), name.split('.')[0], `${name} sits under its plane`);
      assert.deepEqual(headings, [...new Set(headings)], 'one heading per plane');
      assert.ok(headings.includes('approval') && headings.includes('handoff') && headings.includes('system'));

      const lineOf = (name: string) => result.stdout.split('\n').find((line) => line.trim().split(/\s+/)[0] === name)!;
      assert.match(lineOf('message.send'), /^ {2}message\.send\s+project_id payload\s+send_message\s+/, 'from_agent is filled in for the operator');
      assert.ok(lineOf('message.send').endsWith(contract['message.send'].summary));
      assert.match(lineOf('system.ping'), /^ {2}system\.ping\s+-\s+-\s+Check that the daemon answers\.$/, 'no required params, no MCP tool');
      assert.match(lineOf('resource.store'), /^ {2}resource\.store\s+project_id resource_id name\s+store_resource\s+/, 'a long list stays whole');
      assert.match(lineOf('project.join'), /^ {2}project\.join\s+project_id agent_name\s+join_project\s+/, 'a name to take is never filled in');
      const column = (name: string, word: string) => lineOf(name).indexOf(` ${word}`);
      assert.equal(column('message.send', 'send_message'), column('project.create', 'create_project'), 'the tool column is aligned');
    });
  });

  test('rpc --list --json gives method, plane, required, filled_for_operator, optional, mcp_tool and summary for every method', async () => {
    await withEmptyHome(async (home) => {
      const result = await runCli(['rpc', '--list', '--json'], { home });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trimEnd().split('\n').length, 1, 'one line in a pipe');
      const entries = JSON.parse(result.stdout) as Array<{ method: string; plane: string; required: string[]; filled_for_operator: string[]; optional: string[]; mcp_tool: string | null; summary: string }>;
      assert.deepEqual(entries.map((entry) => entry.method).sort(), Object.keys(contract).sort());
      const send = entries.find((entry) => entry.method === 'message.send')!;
      assert.deepEqual(send, {
        method: 'message.send',
        plane: 'message',
        required: ['project_id', 'payload'],
        filled_for_operator: ['from_agent'],
        optional: ['to_agent', 'broadcast', 'reply_expected', 'metadata', 'reply_to', 'idempotency_key'],
        mcp_tool: 'send_message',
        summary: contract['message.send'].summary,
      });
      assert.equal(entries.find((entry) => entry.method === 'system.ping')!.mcp_tool, null);
    });
  });

  test('the method list is cut to the terminal width, and left whole without one', () => {
    const entries = methodEntries();
    const whole = formatMethodList(entries).trimEnd().split('\n');
    assert.ok(whole.some((line) => line.length > 80), 'some lines are longer than 80 columns');
    const cut = formatMethodList(entries, 80).trimEnd().split('\n');
    assert.equal(cut.length, whole.length);
    for (const [index, line] of cut.entries()) {
      assert.ok(line.length <= 80, `cut to 80: ${line}`);
      if (whole[index]!.length > 80) assert.ok(line.endsWith('…') && whole[index]!.startsWith(line.slice(0, -1)));
      else assert.equal(line, whole[index]);
    }
  });

  test('rpc --describe opens with a summary, typed params, the MCP tool and an example, then the pretty JSON Schema', async () => {
    await withEmptyHome(async (home) => {
      const result = await runCli(['rpc', '--describe', 'message.send'], { home });
      assert.equal(result.code, 0, result.stderr);
      const [human, json] = splitDescribe(result.stdout);
      assert.deepEqual(human.split('\n'), [
        `message.send: ${contract['message.send'].summary}`,
        'Required: project_id (string), payload (any JSON)',
        'from_agent (string): you (operator) unless you act as an agent',
        'Optional: to_agent (string), broadcast (boolean), reply_expected (boolean), metadata (object), reply_to (string), idempotency_key (string)',
        'MCP tool: send_message',
        'Example: brains rpc message.send project_id=my-project payload=hello',
      ]);
      assert.ok(json.split('\n').length > 10, 'pretty by default, in a pipe too');
      const described = JSON.parse(json) as { name: string; params_schema: { required: string[] }; result_schema: unknown; mcp_tool: string };
      assert.equal(described.name, 'message.send');
      assert.deepEqual(described.params_schema.required, ['project_id', 'from_agent', 'payload'], 'still required of agents');
      assert.equal(described.mcp_tool, 'send_message');
      assert.equal(typeof described.result_schema, 'object');

      const internal = await runCli(['rpc', '--describe', 'system.ping'], { home });
      assert.match(internal.stdout, /^Required: none$/m);
      assert.match(internal.stdout, /^MCP tool: - \(not offered to agents\)$/m);
      assert.match(internal.stdout, /^Example: brains rpc system\.ping$/m);
    });
  });

  test('rpc --describe --compact prints the schema on one line; --json prints only the JSON', async () => {
    await withEmptyHome(async (home) => {
      const compact = await runCli(['rpc', '--describe', 'events.subscribe', '--compact'], { home });
      assert.equal(compact.code, 0, compact.stderr);
      const [human, json] = splitDescribe(compact.stdout);
      assert.match(human, /^events\.subscribe: /);
      assert.equal(json.split('\n').length, 1, 'one line');
      const described = JSON.parse(json) as { name: string; params_schema: { properties: Record<string, unknown> } };
      assert.equal(described.name, 'events.subscribe');
      assert.ok('types' in described.params_schema.properties && 'since' in described.params_schema.properties);

      const only = await runCli(['rpc', '--describe', 'events.subscribe', '--json', '--compact'], { home });
      assert.deepEqual(JSON.parse(only.stdout), described);
      assert.equal(only.stdout.trimEnd().split('\n').length, 1);
    });
  });

  test('rpc --describe of an unknown method exits 2 naming the nearest one; long and hostile names are cut and quoted', async () => {
    await withEmptyHome(async (home) => {
      const typo = await runCli(['rpc', '--describe', 'project.creat'], { home });
      assert.equal(typo.code, 2);
      assert.equal(typo.stdout, '');
      assert.equal(typo.stderr, 'brains rpc: no method named "project.creat"; did you mean project.create?; brains rpc --list shows them all\n');

      const nope = await runCli(['rpc', '--describe', 'nope'], { home });
      assert.equal(nope.code, 2);
      assert.equal(nope.stderr, 'brains rpc: no method named "nope"; brains rpc --list shows them all\n');

      const huge = await runCli(['rpc', '--describe', 'x'.repeat(100_000)], { home });
      assert.equal(huge.code, 2);
      assert.equal(huge.stderr, `brains rpc: no method named "${'x'.repeat(59)}…"; brains rpc --list shows them all\n`);

      const hostile = await runCli(['rpc', '--describe', 'a\u001b[2Jb'], { home });
      assert.equal(hostile.code, 2);
      assert.ok(hostile.stderr.includes('"a\\u001b[2Jb"') && !hostile.stderr.includes('\u001b'), 'control characters are escaped');

      const missing = await runCli(['rpc', '--describe'], { home });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--describe/);
    });
  });

  test('every method\'s example call carries params its schema accepts', async () => {
    for (const method of Object.keys(contract) as Array<keyof typeof contract>) {
      const example = /^Example: brains rpc (\S+)(.*)$/m.exec(methodSummary(method));
      assert.ok(example, `${method} has an example`);
      assert.equal(example[1], method);
      const params = (await parseParams(shellWords(example[2]!), refuseStdin)) ?? {};
      // brains rpc is the operator's: the actor params left out of the example are filled in by the daemon (tested below).
      const filled = Object.fromEntries(filledForOperator(contract[method]).map((param) => [param, 'operator']));
      const parsed = contract[method].params.safeParse({ ...params, ...filled });
      assert.ok(parsed.success, `${method}: ${example[0]} → ${JSON.stringify(parsed.error?.issues)}`);
    }
  });

  test('rpc --events lists the event catalogue (live-only types marked); --describe-event gives one type\'s data schema', async () => {
    await withEmptyHome(async (home) => {
      const result = await runCli(['rpc', '--events'], { home });
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split('\n');
      const types = catalogueEntries().map(([type]) => type);
      assert.equal(lines.length, types.length, 'one line per event type');
      for (const [type, def] of catalogueEntries()) {
        const line = lines.find((l) => l.startsWith(`${type} `));
        assert.ok(line?.endsWith(def.summary), `${type} is listed with its summary`);
      }
      for (const presence of ['session.started', 'session.active', 'session.idle', 'session.gone', 'session.ended']) assert.ok(types.includes(presence), presence);

      const one = await runCli(['rpc', '--describe-event', 'message.sent'], { home });
      assert.equal(one.code, 0, one.stderr);
      const described = JSON.parse(one.stdout) as { type: string; delivery: string; data_schema: { properties: Record<string, unknown> } };
      assert.deepEqual([described.type, described.delivery], ['message.sent', 'log']);
      assert.ok('preview' in described.data_schema.properties && 'recipients' in described.data_schema.properties);
      const nope = await runCli(['rpc', '--describe-event', 'message.snet'], { home });
      assert.equal(nope.code, 2);
      assert.match(nope.stderr, /no event type named "message.snet"; did you mean message.sent\?; brains rpc --events shows them all/);
    });
  });

  test('brains --help lists every command with examples; brains help rpc shows it in full', async () => {
    await withEmptyHome(async (home) => {
      const commands = ['up', 'down', 'status', 'rpc', 'watch', 'daemon', 'tui', 'help'];
      for (const args of [['--help'], ['-h'], ['help'], []]) {
        const result = await runCli(args, { home });
        assert.equal(result.code, 0, `brains ${args.join(' ')}: ${result.stderr}`);
        for (const command of commands) assert.match(result.stdout, new RegExp(`^  ${command}\\s`, 'm'), `${command} in brains ${args.join(' ')}`);
        assert.match(result.stdout, /Examples:/);
        assert.match(result.stdout, /brains rpc system\.ping/);
      }

      const rpc = await runCli(['help', 'rpc'], { home });
      assert.equal(rpc.code, 0, rpc.stderr);
      assert.match(rpc.stdout, /^usage: brains rpc METHOD/);
      assert.match(rpc.stdout, /key=value/);
      assert.match(rpc.stdout, /Exit codes/);
      assert.match(rpc.stdout, /--no-start/);
      for (const example of ['brains rpc system.ping', 'brains rpc events.list after=0 limit=5', 'brains rpc --describe events.subscribe']) {
        assert.ok(rpc.stdout.includes(`  ${example}`), `example ${example}`);
      }

      for (const command of commands) {
        const one = await runCli(['help', command], { home });
        assert.equal(one.code, 0, `brains help ${command}`);
        assert.match(one.stdout, new RegExp(`^usage: brains ${command}`));
      }
      for (const command of ['up', 'down', 'status', 'rpc', 'watch']) {
        const flag = await runCli([command, '--help'], { home });
        assert.equal(flag.code, 0, `brains ${command} --help: ${flag.stderr}`);
        assert.match(flag.stdout, new RegExp(`^usage: brains ${command}`));
      }
    });
  });

  test('unknown commands and help topics exit 2', async () => {
    await withEmptyHome(async (home) => {
      const helpNope = await runCli(['help', 'nope'], { home });
      assert.equal(helpNope.code, 2);
      assert.match(helpNope.stderr, /no command "nope"/);

      const nope = await runCli(['nope'], { home });
      assert.equal(nope.code, 2);
      assert.match(nope.stderr, /unknown command "nope"/);
      assert.match(nope.stderr, /brains --help/);
    });
  });

  test('the overview lists every command of the table with its summary and first example; hidden ones stay out', async () => {
    await withEmptyHome(async (home) => {
      const overview = await runCli(['--help'], { home });
      assert.equal(overview.code, 0, overview.stderr);
      const lines = overview.stdout.split('\n');
      for (const command of COMMANDS) {
        const listed = lines.some((line) => line.startsWith(`  ${command.name} `) && line.trimEnd().endsWith(command.summary));
        assert.equal(listed, !command.hidden, `${command.name} ${command.hidden ? 'is hidden' : 'is listed with its summary'}`);
        if (!command.hidden) assert.ok(lines.includes(`  ${command.examples[0]}`), `${command.name}'s first example`);
      }
    });
  });

  test('brains help X shows every command of the table in full, by its name and by each alias', async () => {
    await withEmptyHome(async (home) => {
      for (const command of COMMANDS) {
        for (const word of [command.name, ...(command.aliases ?? [])]) {
          const one = await runCli(['help', word], { home });
          assert.equal(one.code, 0, `brains help ${word}: ${one.stderr}`);
          assert.ok(one.stdout.startsWith(`usage: ${command.usage}\n\n${command.summary}\n`), `brains help ${word}`);
          for (const line of command.details ?? []) assert.ok(one.stdout.includes(`\n${line}\n`), `brains help ${word}: ${line}`);
          for (const example of command.examples) assert.ok(one.stdout.includes(`\n  ${example}\n`), `brains help ${word}: ${example}`);
        }
      }
    });
  });

  test('an unknown command or help topic exits 2 and names the nearest command when it is a likely typo', async () => {
    await withEmptyHome(async (home) => {
      const typo = await runCli(['stauts'], { home });
      assert.equal(typo.code, 2);
      assert.equal(typo.stdout, '');
      assert.equal(typo.stderr, 'brains: unknown command "stauts"; did you mean status? run brains --help for the list\n');

      const flag = await runCli(['--verison'], { home });
      assert.equal(flag.code, 2);
      assert.match(flag.stderr, /did you mean --version\?/);

      const helpTypo = await runCli(['help', 'wrie'], { home });
      assert.equal(helpTypo.code, 2);
      assert.equal(helpTypo.stdout, '');
      assert.match(helpTypo.stderr, /^brains help: no command "wrie"; did you mean wire\? commands: up, down, status, /);

      for (const args of [['nope'], ['help', 'nope']]) {
        const far = await runCli(args, { home });
        assert.equal(far.code, 2);
        assert.doesNotMatch(far.stderr, /did you mean/, `brains ${args.join(' ')}: nothing is near "nope"`);
      }
    });
  });

  test('--version prints the package.json version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    await withEmptyHome(async (home) => {
      for (const flag of ['--version', '-V', 'version']) {
        const result = await runCli([flag], { home });
        assert.equal(result.code, 0);
        assert.equal(result.stdout, `brains ${pkg.version}\n`);
      }
    });
  });
});

/** `brains watch` as a long-running child process whose stdout is read line by line. */
class Watch {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  private out = '';
  private err = '';

  constructor(home: string, args: string[]) {
    this.proc = spawn(process.execPath, [CLI, 'watch', ...args], { env: envFor(home), stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    this.proc.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    // 'close' (not 'exit') so every byte of stdout has been read.
    this.exited = new Promise((resolve) => this.proc.once('close', (code) => resolve(code)));
  }

  get events(): EventLine[] {
    return this.out
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as EventLine);
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  async waitForEvents(n: number, what: string): Promise<void> {
    await waitFor(() => this.events.length >= n || this.proc.exitCode !== null, LONG_WAIT, what);
    assert.ok(this.events.length >= n, `${what}; watch exited ${this.proc.exitCode}: ${this.err}`);
  }

  async interrupt(): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGINT');
    return this.exited;
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

async function subscriptions(client: BrainsClient): Promise<number> {
  return (await client.call('system.info')).counts.subscriptions ?? 0;
}

describe('brains watch', () => {
  const { daemon, client } = withDaemon();

  test('--types user.* streams exactly the published events, in order, and SIGINT exits 0', async () => {
    await waitFor(async () => (await subscriptions(client)) === 0, LONG_WAIT, 'no subscriptions left');
    const watch = new Watch(daemon.home, ['--types', 'user.*']);
    try {
      await waitFor(async () => (await subscriptions(client)) >= 1 || watch.proc.exitCode !== null, LONG_WAIT, 'watch to subscribe');
      assert.equal(watch.proc.exitCode, null, watch.stderr);
      const a = await client.call('events.publish', { events: [{ type: 'user.a', data: { i: 1 } }] });
      const b = await client.call('events.publish', { events: [{ type: 'user.b', subject: 's' }] });
      await watch.waitForEvents(2, 'watch to print two events');
      assert.equal(await watch.interrupt(), 0);
      const lines = watch.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 2, watch.stdout);
      assert.deepEqual(
        watch.events.map((e) => [e.seq, e.type, e.subject, e.data]),
        [
          [a.seqs[0], 'user.a', null, { i: 1 }],
          [b.seqs[0], 'user.b', 's', null],
        ],
      );
    } finally {
      await watch.kill();
    }
  });

  test('--since 0 --types daemon.* replays daemon.started first', async () => {
    const watch = new Watch(daemon.home, ['--since', '0', '--types', 'daemon.*']);
    try {
      await watch.waitForEvents(1, 'watch to replay daemon.started');
      const [first] = watch.events;
      assert.equal(first!.type, 'daemon.started');
      assert.equal(first!.seq, 1);
      assert.equal((first!.data as { pid: number }).pid, daemon.proc.pid);
      assert.ok(watch.events.every((e) => e.type.startsWith('daemon.')));
      assert.equal(await watch.interrupt(), 0);
    } finally {
      await watch.kill();
    }
  });

  test('--pretty prints indented events', async () => {
    const watch = new Watch(daemon.home, ['--since', '0', '--types', 'daemon.started', '--pretty']);
    try {
      await waitFor(() => watch.stdout.includes('\n}\n') || watch.proc.exitCode !== null, LONG_WAIT, 'a pretty event');
      assert.match(watch.stdout, /^\{\n {2}"seq": 1,\n/);
      assert.equal(await watch.interrupt(), 0);
    } finally {
      await watch.kill();
    }
  });

  test('bad --since or an unknown flag exits 2 without starting a daemon', async () => {
    await withEmptyHome(async (home) => {
      for (const since of ['abc', '-1', '1.5']) {
        const result = await runCli(['watch', `--since=${since}`], { home });
        assert.equal(result.code, 2, `--since ${since}`);
        assert.match(result.stderr, /--since takes a seq/);
      }
      const unknown = await runCli(['watch', '--bogus'], { home });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /usage: brains watch/);
    });
  });

  test('a bad --types pattern is reported by the daemon as a usage error', async () => {
    const result = await runCli(['watch', '--types', 'Not A Type'], { home: daemon.home });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /brains watch:/);
  });
});

describe('brains watch across a daemon restart', () => {
  test('resumes from its last seq: nothing lost, nothing twice, seqs increasing', async () => {
    const first = await startDaemon();
    let second: TestDaemon | null = null;
    const watch = new Watch(first.home, ['--types', 'user.*']);
    try {
      const c1 = await first.client();
      await waitFor(async () => (await subscriptions(c1)) >= 1 || watch.proc.exitCode !== null, LONG_WAIT, 'watch to subscribe');
      assert.equal(watch.proc.exitCode, null, watch.stderr);
      const before = await c1.call('events.publish', { events: [{ type: 'user.before' }] });
      await watch.waitForEvents(1, 'watch to print user.before');

      assert.equal(await first.stop(), 0);
      second = await startDaemon({ home: first.home });
      const c2 = await second.client();
      // Published while watch may still be reconnecting: it must come through the replay.
      const afterRestart = await c2.call('events.publish', { events: [{ type: 'user.after' }] });
      await watch.waitForEvents(2, 'watch to print user.after');
      await waitFor(async () => (await subscriptions(c2)) >= 1, LONG_WAIT, 'watch to subscribe to the new daemon');
      // Published once watch is live again.
      const live = await c2.call('events.publish', { events: [{ type: 'user.live' }] });
      await watch.waitForEvents(3, 'watch to print user.live');

      assert.equal(await watch.interrupt(), 0);
      const events = watch.events;
      assert.deepEqual(
        events.map((e) => [e.seq, e.type]),
        [
          [before.seqs[0], 'user.before'],
          [afterRestart.seqs[0], 'user.after'],
          [live.seqs[0], 'user.live'],
        ],
      );
      const seqs = events.map((e) => e.seq);
      assert.equal(new Set(seqs).size, seqs.length, 'no seq printed twice');
      assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), `seqs increase: ${seqs.join(', ')}`);
      assert.ok(events.every((e) => e.type.startsWith('user.')), 'daemon.stopping / daemon.started are filtered out');
      assert.match(watch.stderr, /reconnecting/);
    } finally {
      await watch.kill();
      await second?.cleanup();
      await first.cleanup();
    }
  });
});

/** The human block and the JSON after it, as `brains rpc --describe` prints them (a blank line between). */
function splitDescribe(stdout: string): [string, string] {
  const gap = stdout.indexOf('\n\n');
  assert.ok(gap > 0, `a blank line parts the summary from the JSON: ${stdout}`);
  return [stdout.slice(0, gap), stdout.slice(gap + 2).trimEnd()];
}

/** Words of a POSIX shell line that uses only plain words and single quotes (as the example calls do). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/(?:[^\s']+|'[^']*')+/g)].map(([word]) => word.replace(/'([^']*)'/g, '$1'));
}

function refuseStdin(): Promise<string> {
  return Promise.reject(new Error('stdin must not be read'));
}

function runInShell(command: string, home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env: envFor(home), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
