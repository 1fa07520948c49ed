// Why this exists: the fake claude is only worth testing against if it refuses what the real CLI refuses and echoes a resumed session as it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { FAKE_CLAUDE } from '../helpers/fake-claude.js';

const MODE = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose'];
const TURN = `${JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' }, session_id: '', parent_tool_use_id: null })}\n`;

function run(args: string[], input = '') {
  const result = spawnSync(process.execPath, [FAKE_CLAUDE, ...args], { input, encoding: 'utf8', timeout: 20_000 });
  const lines = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { status: result.status, stderr: result.stderr, lines };
}

test('the fake refuses unknown options and mismatched modes with exit 1 and a message on stderr', () => {
  const refusals: [string[], RegExp][] = [
    [[...MODE, '--bogus'], /unknown option '--bogus'/],
    [['-p', '--input-format', 'stream-json', '--output-format', 'json', '--verbose'], /requires output-format=stream-json/],
    [['-p', '--input-format', 'stream-json', '--output-format', 'stream-json'], /requires --verbose/],
    [[...MODE, '--mcp-config', '{not json'], /Invalid MCP configuration/],
    [[...MODE, '--model'], /argument missing/],
  ];
  for (const [args, message] of refusals) {
    const { status, stderr, lines } = run(args);
    assert.equal(status, 1, args.join(' '));
    assert.match(stderr, message);
    assert.deepEqual(lines, []);
  }
});

test('the fake echoes --resume in both of its forms and exits 0 when stdin ends', () => {
  for (const resume of [['--resume=s-1'], ['--resume', 's-1'], ['-r', 's-1']]) {
    const { status, lines } = run([...MODE, ...resume], TURN);
    assert.equal(status, 0);
    assert.deepEqual(
      lines.filter((l) => l.type === 'system' || l.type === 'result').map((l) => [l.type, l.session_id]),
      [
        ['system', 's-1'],
        ['result', 's-1'],
      ],
    );
    assert.equal(typeof lines[0].fake_started_at_ms, 'number');
  }
});
