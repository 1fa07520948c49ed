// The official MCP conformance suite's server scenarios that apply to brains, run against a real daemon's HTTP endpoint
// through a proxy that adds the bearer key (the suite sends none) and leaves every other header as the suite sent it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { startBearerProxy, type BearerProxy } from '../helpers/bearer-proxy.js';

const SUITE = join(dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json')), 'dist', 'index.js');

/**
 * The scenarios that apply, each to pass with no warning. The others test the suite's own reference server: they call
 * its fixture tools, prompts and resources (test_simple_text, test_prompt_with_image, ...), which brains does not have,
 * or capabilities brains does not offer (resources, completions, sampling and elicitation requests).
 */
const SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'prompts-list', 'logging-set-level', 'server-sse-multiple-streams', 'dns-rebinding-protection'];

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

interface Run {
  code: number | null;
  output: string;
  checks: Check[];
}

describe('MCP conformance (@modelcontextprotocol/conformance server scenarios)', () => {
  let daemon: TestDaemon;
  let proxy: BearerProxy;
  let results: string;

  before(async () => {
    daemon = await startDaemon({ env: { BRAINS_MCP_PORT: '0' } });
    const admin = await daemon.client();
    const url = (await admin.call('system.info')).mcp_url!;
    proxy = await startBearerProxy(url, readFileSync(daemon.paths.adminKey, 'utf8').trim());
    results = mkdtempSync(join(tmpdir(), 'bconf-'));
  });
  after(async () => {
    await proxy?.close();
    await daemon?.cleanup();
    if (results) rmSync(results, { recursive: true, force: true });
  });

  /** The suite's CLI on one scenario: its exit code, what it printed, and the checks it saved. */
  async function run(scenario: string): Promise<Run> {
    const out = join(results, scenario);
    const child = spawn(process.execPath, [SUITE, 'server', '--url', proxy.url, '--scenario', scenario, '--output-dir', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const saved = readdirSync(out, { recursive: true, encoding: 'utf8' }).find((file) => file.endsWith('checks.json'));
    const checks = saved ? (JSON.parse(readFileSync(join(out, saved), 'utf8')) as Check[]) : [];
    return { code, output, checks };
  }

  const verdicts = (checks: Check[]) => checks.filter((check) => check.status !== 'INFO');

  for (const scenario of SCENARIOS) {
    test(scenario, async () => {
      const { code, output, checks } = await run(scenario);
      const judged = verdicts(checks);
      assert.ok(judged.length > 0, `${scenario} made no checks:\n${output}`);
      const bad = judged.filter((check) => check.status !== 'SUCCESS');
      assert.deepEqual(bad, [], `${scenario}: ${bad.map((check) => `${check.id} ${check.status}: ${check.errorMessage ?? ''}`).join('; ')}\n${output}`);
      assert.equal(code, 0, output);
    });
  }

  // server-sse-polling calls the suite's test_reconnection tool, which brains does not have (that check fails as NOT_FOUND);
  // its checks of the stream itself apply: the priming event with an id comes first, and it carries `retry`.
  test('server-sse-polling: the priming event (an id, empty data, first) and the retry field', async () => {
    const { output, checks } = await run('server-sse-polling');
    const status = (id: string) => checks.find((check) => check.id === id)?.status;
    assert.equal(status('server-sse-priming-event'), 'SUCCESS', output);
    assert.equal(status('server-sse-retry-field'), 'SUCCESS', output);
    const failed = checks.filter((check) => check.status === 'FAILURE' || check.status === 'WARNING');
    assert.deepEqual(
      failed.map((check) => check.id),
      ['incoming-sse-event'],
      output,
    );
    assert.match(JSON.stringify(failed[0]), /no tool test_reconnection/);
  });
});
