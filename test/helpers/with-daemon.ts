// One line for the suite-wide setup most integration tests share: a real daemon in a temp BRAINS_HOME and a client of it.
import { after, before } from 'node:test';
import type { BrainsClient } from '../../rpc/client.js';
import { startDaemon, type StartDaemonOptions, type TestDaemon } from './daemon.js';
import { standIn } from './stand-in.js';

export interface DaemonFixture {
  /** The suite's daemon, started in its before hook and cleaned up (home removed) in its after hook. */
  readonly daemon: TestDaemon;
  /** A client connected in the before hook; more come from daemon.client(). */
  readonly client: BrainsClient;
}

/**
 * Registers before/after hooks on the current suite (or the file, at top level) and returns the daemon and a client.
 * Both are stand-ins, usable in any test or later hook, so `const { daemon, client: c } = withDaemon()` works.
 * A suite's own before hooks registered after this call run once the daemon answers; its own after hooks run after cleanup.
 */
export function withDaemon(options: StartDaemonOptions = {}): DaemonFixture {
  const daemon = standIn<TestDaemon>('the withDaemon() daemon');
  const client = standIn<BrainsClient>('the withDaemon() client');
  before(async () => {
    daemon.set(await startDaemon(options));
    client.set(await daemon.ref.client());
  });
  after(async () => daemon.current?.cleanup());
  return { daemon: daemon.ref, client: client.ref };
}
