// message.receive against a big store: members are created through a real daemon, that daemon is stopped, a million
// messages (quick: fewer) are written straight into its database through the same store code, in big transactions,
// and the daemon is started again to be measured. Honest for a read figure: the rows are the ones message.send writes
// (only their message.sent events are left out of the log). The same store is then backed up beside a plain file copy.
import { BrainsClient } from '../rpc/client.js';
import { statePaths } from '../rpc/paths.js';
import { Store } from '../daemon/store/index.js';
import { newMessageId } from '../daemon/planes/messages/views.js';
import type { Cleanup } from './cleanup.js';
import { brainsEnv, startDaemon } from './daemon-process.js';
import { names, phase, projectWith, type MessagePlan } from './messages-setup.js';
import { sequentialRoundTrips } from './round-trips.js';
import { sortDurations } from './stats.js';
import { measureBackup, type BackupMeasurements } from './backup-figures.js';

const ROWS_PER_TRANSACTION = 50_000;
const RECEIVE_LIMIT = 10;

export interface StoredReceive {
  stored: number;
  agents: number;
  samples: bigint[];
  /** Messages the measured receives returned on average (RECEIVE_LIMIT when every inbox had enough). */
  meanReturned: number;
  /** brains backup of this big store, beside a plain copy of its file. */
  backup: BackupMeasurements;
}

export async function receiveWithStoredMessages(home: string, plan: MessagePlan, cleanup: Cleanup): Promise<StoredReceive> {
  const projects = names('proj', plan.storedProjects);
  const agents = names('agent', plan.agentsPerProject);
  const first = await startDaemon(home);
  cleanup.add(() => first.stop());
  const admin = await BrainsClient.connect(first.socket);
  for (const projectId of projects) await projectWith(admin, projectId, agents);
  await admin.close();
  const exit = await first.stop();
  if (exit !== 0) throw new Error(`the daemon did not stop cleanly (exit ${exit}) before its database was filled\n${first.stderrTail()}`);

  phase(`writing ${plan.storedMessages.toLocaleString('en-US')} messages across ${projects.length * agents.length} agents into the stopped daemon's database`);
  fillStore(statePaths(brainsEnv(home)).db, projects, agents, plan.storedMessages);

  const daemon = await startDaemon(home);
  cleanup.add(() => daemon.stop());
  const client = await BrainsClient.connect(daemon.socket);
  try {
    const inboxes = projects.flatMap((project_id) => agents.map((agent_name) => ({ project_id, agent_name })));
    let next = 0;
    let returned = 0;
    const receive = async () => {
      const inbox = inboxes[(next * 7919) % inboxes.length]!;
      next += 1;
      returned += (await client.call('message.receive', { ...inbox, limit: RECEIVE_LIMIT })).count;
    };
    await sequentialRoundTrips(receive, Math.min(200, plan.receiveSamples));
    returned = 0;
    phase(`message.receive (limit ${RECEIVE_LIMIT}), ${plan.receiveSamples} calls over ${inboxes.length} inboxes`);
    const samples = sortDurations(await sequentialRoundTrips(receive, plan.receiveSamples));
    const meanReturned = returned / plan.receiveSamples;
    const backup = await measureBackup(home, statePaths(brainsEnv(home)).db, client);
    return { stored: plan.storedMessages, agents: inboxes.length, samples, meanReturned, backup };
  } finally {
    await client.close();
    await daemon.stop();
  }
}

/** Direct messages between members of the same project, spread evenly over every inbox, written in big transactions. */
export function fillStore(dbPath: string, projects: readonly string[], agents: readonly string[], total: number): void {
  const store = Store.open(dbPath);
  try {
    const start = Date.now();
    const expiresAt = new Date(start + 86_400_000).toISOString();
    for (let written = 0; written < total; written += ROWS_PER_TRANSACTION) {
      store.transaction(() => {
        for (let i = written; i < Math.min(total, written + ROWS_PER_TRANSACTION); i += 1) {
          const projectId = projects[i % projects.length]!;
          const n = Math.floor(i / projects.length);
          const to = agents[n % agents.length]!;
          const sentAt = start + Math.floor(i / 1000);
          const seq = store.messages.insertMessage({
            message_id: newMessageId(sentAt),
            project_id: projectId,
            from_agent: agents[(n + 1) % agents.length]!,
            to_agent: to,
            broadcast: 0,
            reply_expected: 0,
            reply_to: null,
            payload: JSON.stringify({ n, task: 'stored for the receive figure' }),
            metadata: null,
            idempotency_key: null,
            created_at: new Date(sentAt).toISOString(),
            expires_at: expiresAt,
          });
          store.messages.insertDeliveries(seq, projectId, expiresAt, [to]);
        }
      });
    }
  } finally {
    store.close();
  }
}
