// Resumable MCP HTTP streams (SEP-1699): the priming event (an id, `retry`, empty data), a client that hangs up mid-call
// and comes back with Last-Event-ID gets what it missed, one that does not come back has its call cancelled, and a
// Last-Event-ID that is not this session's to resume is refused with a reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { BrainsClient } from '../../rpc/client.js';
import { RETRY_MS } from '../../daemon/mcp/resume-window.js';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { initialize, JSON_HEADERS, raw } from '../helpers/mcp-http.js';
import { messageOf, SseStream, type SseEvent } from '../helpers/sse.js';

describe('MCP HTTP streams resume with Last-Event-ID', () => {
  let daemon: TestDaemon;
  let admin: BrainsClient;
  let url: string;
  let auth: Record<string, string>;

  before(async () => {
    daemon = await startDaemon({ env: { BRAINS_MCP_PORT: '0', BRAINS_LOG_LEVEL: 'debug' } });
    admin = await daemon.client();
    url = (await admin.call('system.info')).mcp_url!;
    auth = { ...JSON_HEADERS, Authorization: `Bearer ${readFileSync(daemon.paths.adminKey, 'utf8').trim()}` };
    await admin.call('project.create', { project_id: 'resume', name: 'Resume' });
    await admin.call('project.join', { project_id: 'resume', agent_name: 'sleeper', working_directory: '/tmp/sleeper' });
  });
  after(async () => {
    await daemon?.cleanup();
  });

  const waiting = async () => (await admin.call('system.info')).counts.waiting ?? 0;

  /** A session opened by hand: the headers its later requests carry. */
  async function session(version = '2025-11-25'): Promise<Record<string, string>> {
    const init = await raw(url, { headers: auth, body: initialize(version) });
    assert.equal(init.status, 200, init.body);
    const headers = { ...auth, 'Mcp-Session-Id': init.headers['mcp-session-id'] as string, 'Mcp-Protocol-Version': version };
    assert.equal((await raw(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).status, 202);
    return headers;
  }

  const toolCall = (id: number, name: string, args: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
  const receive = (id: number) => toolCall(id, 'receive_messages', { project_id: 'resume', agent_name: 'sleeper', wait: true, timeout_seconds: 120 });
  const resume = (headers: Record<string, string>, lastEventId: string) =>
    SseStream.open(url, { method: 'GET', headers: { ...headers, Accept: 'text/event-stream', 'Last-Event-ID': lastEventId } });
  const answers = (id: number) => (event: SseEvent) => messageOf(event)?.id === id;
  const hangUps = () => daemon.stderr().split('client hung up mid-call').length - 1;
  /** Hang up, and wait until the daemon has seen it (so what comes next happens while the client is away). */
  async function hangUp(stream: SseStream): Promise<void> {
    const seen = hangUps();
    stream.hangUp();
    await waitFor(() => hangUps() > seen, 10_000, 'the daemon to see the hang-up');
  }

  test('an SSE response opens with a priming event: an id, the retry interval, empty data', async () => {
    const headers = await session();
    const stream = await SseStream.open(url, { headers, body: toolCall(2, 'list_projects', {}) });
    const [priming, ...rest] = await stream.until(answers(2));
    assert.match(priming!.id ?? '', /^[0-9a-f]{12}-\d+$/);
    assert.equal(priming!.retry, RETRY_MS);
    assert.equal(priming!.data, '');
    assert.ok(rest.every((event) => event.id && event.id !== priming!.id), 'every event after it has an id of its own');
  });

  test('a session that negotiated 2025-06-18 gets no priming event (its clients cannot read one)', async () => {
    const headers = await session('2025-06-18');
    const stream = await SseStream.open(url, { headers, body: toolCall(2, 'list_projects', {}) });
    const events = await stream.until(answers(2));
    assert.ok(events.every((event) => event.data !== ''), JSON.stringify(events));
  });

  test('a client that hangs up mid-call and reconnects with Last-Event-ID gets what it missed: the log lines and the answer', async () => {
    const headers = await session();
    assert.equal((await raw(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'info' } }) })).status, 200);
    const before = await waiting();
    const post = await SseStream.open(url, { headers, body: receive(2) });
    const priming = (await post.next())!;
    await waitFor(async () => (await waiting()) === before + 1, 10_000, 'the receive to park');
    await hangUp(post);

    await admin.call('message.send', { project_id: 'resume', from_agent: 'operator', to_agent: 'sleeper', payload: 'sent while you were away' });
    // The receive is answered while nobody listens: its log line and its answer are kept for the stream.
    await waitFor(async () => (await waiting()) === before, 10_000, 'the receive to be answered');

    const resumed = await resume(headers, priming.id!);
    assert.equal(resumed.status, 200);
    const missed = await resumed.until(answers(2));
    resumed.hangUp();
    const messages = missed.map(messageOf);
    assert.deepEqual(
      messages.filter((m) => m.method === 'notifications/message').map((m) => [m.params.level, m.params.data.message]),
      [['info', 'receive_messages (message.receive): answered']],
    );
    assert.match(JSON.stringify(messages.at(-1).result), /sent while you were away/);
    assert.ok(missed.every((event) => event.id && event.id > ''), 'replayed events carry their ids');
  });

  test('a client that reconnects while the call still waits gets its answer on the new stream', async () => {
    const headers = await session();
    const before = await waiting();
    const post = await SseStream.open(url, { headers, body: receive(2) });
    const priming = (await post.next())!;
    await waitFor(async () => (await waiting()) === before + 1, 10_000, 'the receive to park');
    await hangUp(post);
    const resumed = await resume(headers, priming.id!);
    assert.equal(resumed.status, 200);
    await admin.call('message.send', { project_id: 'resume', from_agent: 'operator', to_agent: 'sleeper', payload: 'sent after you came back' });
    const events = await resumed.until(answers(2));
    assert.match(JSON.stringify(messageOf(events.at(-1)!).result), /sent after you came back/);
    assert.equal(await resumed.next(), null, 'the stream ends with its answer');
  });

  test('resuming a stream that is still connected is a conflict (409), and the stream goes on to its answer', async () => {
    const headers = await session();
    const before = await waiting();
    const post = await SseStream.open(url, { headers, body: receive(2) });
    const priming = (await post.next())!;
    await waitFor(async () => (await waiting()) === before + 1, 10_000, 'the receive to park');
    const twice = await raw(url, { method: 'GET', headers: { ...headers, Accept: 'text/event-stream', 'Last-Event-ID': priming.id! } });
    assert.equal(twice.status, 409, twice.body);
    await admin.call('message.send', { project_id: 'resume', from_agent: 'operator', to_agent: 'sleeper', payload: 'for the first stream' });
    const events = await post.until(answers(2));
    assert.match(JSON.stringify(messageOf(events.at(-1)!).result), /for the first stream/);
  });

  test('a client that does not come back has its call cancelled (its wait released); a late resume gets an error saying why', async () => {
    const headers = await session();
    const before = await waiting();
    const post = await SseStream.open(url, { headers, body: receive(2) });
    const priming = (await post.next())!;
    await waitFor(async () => (await waiting()) === before + 1, 10_000, 'the receive to park');
    await hangUp(post);
    await waitFor(async () => (await waiting()) === before, 30_000, 'the wait to be released once the resume window passed');
    const late = await resume(headers, priming.id!);
    const events = await late.until(answers(2));
    late.hangUp();
    const answer = messageOf(events.at(-1)!);
    assert.equal(answer.error.code, -32000);
    assert.match(answer.error.message, /did not resume its stream within \d+ s; call again/);
  });

  test('a session that cannot resume (2025-06-18) has its call cancelled when it hangs up', async () => {
    const headers = await session('2025-06-18');
    const before = await waiting();
    const post = await SseStream.open(url, { headers, body: receive(2) });
    await waitFor(async () => (await waiting()) === before + 1, 10_000, 'the receive to park');
    await hangUp(post);
    await waitFor(async () => (await waiting()) === before, 10_000, 'the wait to be released');
  });

  test('a Last-Event-ID that is not this session’s to resume is refused with why: oversized, made up, another session’s, delivered', async () => {
    const mine = await session();
    const theirs = await session();
    const stream = async (headers: Record<string, string>) => {
      const events = await (await SseStream.open(url, { headers, body: toolCall(2, 'list_projects', {}) })).until(answers(2));
      return events[0]!.id!;
    };
    const delivered = await stream(mine);
    const foreign = await stream(theirs);
    const refusal = async (lastEventId: string) => {
      const reply = await raw(url, { method: 'GET', headers: { ...mine, Accept: 'text/event-stream', 'Last-Event-ID': lastEventId } });
      assert.equal(reply.status, 400, `${lastEventId.slice(0, 40)}: ${reply.body}`);
      assert.ok(!reply.body.includes(daemon.home) && !/\bat \S+:\d+/.test(reply.body), 'no paths or stacks');
      return JSON.parse(reply.body).error.message as string;
    };
    assert.match(await refusal('a'.repeat(4000)), /Last-Event-ID is 4000 characters long; the event ids this endpoint sends have at most 64/);
    assert.match(await refusal('../../etc/passwd'), /not an event id this endpoint sent/);
    assert.match(await refusal(foreign), /was not sent in this session \(an event id of another session resumes nothing here\)/);
    assert.match(await refusal(delivered.replace(/-\d+$/, '-999999')), /was not sent in this session/);
    assert.match(await refusal(delivered), /is no longer kept: its stream was delivered in full/);
    // Neither session is hurt: each still answers.
    for (const headers of [mine, theirs]) {
      const events = await (await SseStream.open(url, { headers, body: toolCall(3, 'list_projects', {}) })).until(answers(3));
      assert.ok(messageOf(events.at(-1)!).result);
    }
    assert.equal((await admin.call('system.ping')).pong, true);
  });
});
