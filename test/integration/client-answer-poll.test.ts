// The socket client polls for a quick call's answer through a real daemon, not for a parked one, and never past the answer or the connection.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { BrainsClient, DaemonUnreachableError, RpcCallError } from '../../rpc/client.js';
import { waitFor } from '../helpers/daemon.js';
import { withDaemon } from '../helpers/with-daemon.js';

const LONG_BUDGET_MS = 120_000; // far longer than any test: polling that stops did so because nothing quick was awaited

describe('the client polls for quick answers', { skip: availableParallelism() < 2 ? 'one CPU: the client never polls' : false }, () => {
  const { daemon, client: admin } = withDaemon();

  async function pollingClient(): Promise<BrainsClient> {
    return BrainsClient.connect(daemon.paths.socket, { answerPollMs: LONG_BUDGET_MS });
  }

  test('the default client polls for a quick call and stops after its answer', async () => {
    assert.equal(admin.answerPolling, false);
    const info = admin.call('system.info');
    assert.equal(admin.answerPolling, true);
    assert.equal(typeof (await info).pid, 'number');
    await waitFor(() => !admin.answerPolling, 10_000, 'polling to stop');
  });

  test('answers, errors and refusals each end the wait for their call (nothing stays counted as awaited)', async () => {
    const c = await pollingClient();
    const calls = [
      ...Array.from({ length: 20 }, () => c.call('system.info')),
      c.callRaw('system.infos').then(
        () => assert.fail('an unknown method was answered'),
        (error: unknown) => assert.ok(error instanceof RpcCallError),
      ),
      c.callRaw('message.send', { project_id: 'nowhere' }).then(
        () => assert.fail('bad params were answered'),
        (error: unknown) => assert.ok(error instanceof RpcCallError),
      ),
    ];
    assert.equal(c.quickCallsInFlight, 22);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(c.answerPolling, false, 'many calls in flight: their answers keep the loop busy, so it does not poll');
    await Promise.all(calls);
    assert.equal(c.quickCallsInFlight, 0);
    const alone = c.call('system.info');
    assert.equal(c.answerPolling, true, 'a lone quick call polls again');
    await alone;
    assert.equal(c.quickCallsInFlight, 0);
    await waitFor(() => !c.answerPolling, 10_000, 'polling to stop once the call was answered');
    await c.close();
  });

  test('a parked call (wait: true) is awaited asleep, and its answer still arrives', async () => {
    await admin.call('project.create', { project_id: 'poll', name: 'poll' });
    await admin.call('project.join', { project_id: 'poll', agent_name: 'rx' });
    await admin.call('project.join', { project_id: 'poll', agent_name: 'tx' });
    const c = await pollingClient();
    const parked = c.call('message.receive', { project_id: 'poll', agent_name: 'rx', wait: true, timeout_seconds: 60 });
    assert.equal(c.answerPolling, false, 'nothing polls for a parked call');
    assert.equal(c.quickCallsInFlight, 0);
    const quick = c.call('system.info');
    assert.equal(c.answerPolling, true, 'a quick call beside a parked one is still a lone quick call');
    await quick;
    await waitFor(async () => ((await admin.call('system.info')).counts.waiting ?? 0) > 0, 10_000, 'the receive to park');
    assert.equal(c.answerPolling, false);
    await admin.call('message.send', { project_id: 'poll', from_agent: 'tx', to_agent: 'rx', payload: { n: 1 } });
    assert.equal((await parked).messages.length, 1);
    await c.close();
  });

  test('a connection that closes with quick calls in flight fails them and stops polling', async () => {
    const c = await pollingClient();
    const inFlight = c.call('system.info');
    assert.equal(c.answerPolling, true);
    (c as unknown as { socket: { destroy(): void } }).socket.destroy(); // the connection drops before the call leaves
    await assert.rejects(inFlight, DaemonUnreachableError);
    assert.equal(c.quickCallsInFlight, 0);
    await waitFor(() => !c.answerPolling, 10_000, 'polling to stop');
  });
});
