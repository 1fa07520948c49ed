// What the demo's agents do once their stage is set (demo-stage.ts): one step of work per tick, each done as the agent
// through its own connection — messages, a lock taken and given back, a task claimed and finished, one handoff waiting for
// you, a question for you, mail read and questions answered. What they make is decided in demo-plan.ts: each task and
// handoff once, so the project does not grow without end.
import { RpcCallError, type BrainsClient } from '../../rpc/client.js';
import type { DemoAgent } from './demo-agent.js';
import { DEMO_METADATA, DEMO_PROJECT_ID, LINES, TASK_IDEAS, WORK_AREAS, pick, type AgentName } from './demo-cast.js';
import { DemoMail } from './demo-mail.js';
import { afterWork, handoffToSubmit, tasksToCreate } from './demo-plan.js';

const OPERATOR = 'operator';
const LOCK_TTL_SECONDS = 300;
/** The planner keeps at least this many open tasks per work area. */
const OPEN_TASKS_PER_AREA = 2;
/** More than the demo ever makes (its task ideas, its handoffs), and the most one list call gives. */
const ALL = 1000;

type Worker = keyof typeof WORK_AREAS;

export class DemoScenario {
  private cycle = 0;
  private position = 0;
  private readonly leases = new Map<Worker, { lease_id: string; fencing_token: number }>();
  private readonly claimed = new Map<Worker, string>();
  private readonly mail: DemoMail;
  private readonly steps: ReadonlyArray<() => Promise<void>> = [
    () => this.say('planner', 'backend', pick(LINES.plannerAsksBackend, this.cycle), true),
    () => this.startWork('backend'),
    () => this.readMail('backend'),
    () => this.say('frontend', 'backend', pick(LINES.frontendTellsBackend, this.cycle), false),
    () => this.startWork('frontend'),
    () => this.askOperator('frontend'),
    () => this.finishWork('backend'),
    () => this.say('backend', 'planner', pick(LINES.backendReportsToPlanner, this.cycle), false),
    () => this.readMail('planner'),
    () => this.handIn('frontend'),
    () => this.say('planner', 'frontend', pick(LINES.plannerAsksFrontend, this.cycle), true),
    () => this.readMail('frontend'),
    () => this.finishWork('frontend'),
    () => this.topUpTasks(),
  ];

  constructor(
    private readonly agents: Readonly<Record<AgentName, DemoAgent>>,
    /** The driver's own (operator) connection: what no agent may see, such as whether your inbox is empty. */
    private readonly backstage: () => BrainsClient,
    private readonly log: (line: string) => void,
  ) {
    this.mail = new DemoMail(log);
  }

  /** What the workers still held from an earlier run is taken up again, and the queue of tasks filled. */
  async setup(): Promise<void> {
    for (const worker of Object.keys(WORK_AREAS) as Worker[]) await this.takeUpLeftovers(worker);
    await this.topUpTasks();
  }

  /** The demo stops: each worker gives back its task (to the queue) and its lock, so nothing stays held while the script is still. */
  async putDown(): Promise<void> {
    for (const worker of Object.keys(WORK_AREAS) as Worker[]) {
      const rpc = this.agents[worker].rpc;
      const taskId = this.claimed.get(worker);
      this.claimed.delete(worker);
      if (taskId !== undefined) await forgivingGone(() => rpc.call('task.release', { project_id: DEMO_PROJECT_ID, task_id: taskId, agent_name: worker }));
      const lease = this.leases.get(worker);
      this.leases.delete(worker);
      if (lease) await forgivingGone(() => rpc.call('lock.release', lease));
    }
  }

  /** The next step of the script; a cycle ends after the last. */
  async step(): Promise<void> {
    const step = this.steps[this.position]!;
    this.position += 1;
    if (this.position === this.steps.length) {
      this.position = 0;
      this.cycle += 1;
    }
    await step();
  }

  private async say(from: AgentName, to: AgentName, text: string, replyExpected: boolean): Promise<void> {
    await this.agents[from].rpc.call('message.send', { project_id: DEMO_PROJECT_ID, from_agent: from, to_agent: to, reply_expected: replyExpected, payload: text, metadata: DEMO_METADATA });
  }

  private async readMail(name: AgentName): Promise<void> {
    await this.mail.read(this.agents[name].rpc, name);
  }

  /** A question for you, but only when nothing from the demo already waits in your inbox, so questions never pile up. */
  private async askOperator(from: AgentName): Promise<void> {
    const { total_unread } = await this.backstage().call('message.unread_counts', { project_id: DEMO_PROJECT_ID, agent_name: OPERATOR });
    if (total_unread > 0) return;
    await this.agents[from].rpc.call('message.send', { project_id: DEMO_PROJECT_ID, from_agent: from, to_agent: OPERATOR, reply_expected: true, payload: pick(LINES.askOperator, this.cycle), metadata: DEMO_METADATA });
  }

  /** Lock its files and claim a task of its area; a lock someone else holds is waited out by skipping this turn. */
  private async startWork(worker: Worker): Promise<void> {
    const agent = this.agents[worker];
    const area = WORK_AREAS[worker];
    if (!this.leases.has(worker)) {
      try {
        const lease = await agent.rpc.call('lock.acquire', { key: area.lockKey, project_id: DEMO_PROJECT_ID, agent_name: worker, ttl_seconds: LOCK_TTL_SECONDS });
        if (!lease.timed_out) this.leases.set(worker, { lease_id: lease.lease_id, fencing_token: lease.fencing_token });
      } catch (error) {
        if (!(error instanceof RpcCallError) || error.appCode !== 'CONFLICT') throw error;
        this.log(`${worker}: ${area.lockKey} is busy; trying again next round`);
      }
    }
    if (!this.claimed.has(worker)) {
      const { task } = await agent.rpc.call('task.claim', { project_id: DEMO_PROJECT_ID, agent_name: worker, labels: [area.taskLabel] });
      if (task) this.claimed.set(worker, task.task_id);
    }
  }

  /**
   * Finish its task (or, the last of its area, give it back to be claimed again) and give its lock back; one taken from it
   * meanwhile (released, expired, cancelled) is let go.
   */
  private async finishWork(worker: Worker): Promise<void> {
    const rpc = this.agents[worker].rpc;
    const taskId = this.claimed.get(worker);
    if (taskId !== undefined) {
      this.claimed.delete(worker);
      const label = WORK_AREAS[worker].taskLabel;
      const { tasks } = await rpc.call('task.list', { project_id: DEMO_PROJECT_ID, labels: [label], limit: ALL });
      const task = { project_id: DEMO_PROJECT_ID, task_id: taskId, agent_name: worker };
      if (afterWork(label, tasks, TASK_IDEAS) === 'done') await forgivingGone(() => rpc.call('task.update', { ...task, status: 'done', note: pick(LINES.taskNotes, this.cycle) }));
      else await forgivingGone(() => rpc.call('task.release', task));
    }
    const lease = this.leases.get(worker);
    if (lease) {
      this.leases.delete(worker);
      await forgivingGone(() => rpc.call('lock.release', lease));
    }
  }

  /** One handoff waits for you at a time: the next once the last was decided, and none that was submitted before. */
  private async handIn(from: AgentName): Promise<void> {
    const rpc = this.agents[from].rpc;
    const { approvals } = await rpc.call('approval.list', { project_id: DEMO_PROJECT_ID, limit: ALL });
    const handoff = handoffToSubmit(approvals.filter((a) => a.kind === 'handoff'), LINES.handoffs);
    if (!handoff) return;
    await rpc.call('handoff.submit', { project_id: DEMO_PROJECT_ID, agent_name: from, title: handoff.title, summary: handoff.summary });
  }

  /** The planner keeps each work area's queue from running dry, with task ideas it has not added before. */
  private async topUpTasks(): Promise<void> {
    const rpc = this.agents.planner.rpc;
    const { tasks } = await rpc.call('task.list', { project_id: DEMO_PROJECT_ID, limit: ALL });
    for (const idea of tasksToCreate(tasks, TASK_IDEAS, OPEN_TASKS_PER_AREA)) {
      await rpc.call('task.create', { project_id: DEMO_PROJECT_ID, title: idea.title, priority: idea.priority, labels: [idea.label], created_by: 'planner' });
    }
  }

  /** After a restart of the driver: release the worker's old lease (a fresh one is taken), and carry on with its claimed task. */
  private async takeUpLeftovers(worker: Worker): Promise<void> {
    const rpc = this.agents[worker].rpc;
    const held = await rpc.call('lock.list', { holder: { project_id: DEMO_PROJECT_ID, agent_name: worker } });
    const known = this.leases.get(worker);
    for (const lock of held.locks) {
      for (const holder of lock.holders) {
        if (known && holder.fencing_token === known.fencing_token) continue;
        await forgivingGone(() => rpc.call('lock.release', { key: lock.key, holder: holder.holder, fencing_token: holder.fencing_token }));
      }
    }
    if (!this.claimed.has(worker)) {
      const { tasks } = await rpc.call('task.list', { project_id: DEMO_PROJECT_ID, status: 'claimed', claimed_by: worker, limit: 1 });
      if (tasks[0]) this.claimed.set(worker, tasks[0].task_id);
    }
  }
}

/** A lease or task that ended without us (expired, released by the operator, the task cancelled) is simply gone. */
async function forgivingGone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof RpcCallError) || !['NOT_FOUND', 'CONFLICT', 'INVALID', 'PERMISSION_DENIED'].includes(error.appCode ?? '')) throw error;
  }
}
