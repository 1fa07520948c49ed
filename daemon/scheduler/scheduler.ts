// The scheduler, a service: one timer pointed at the earliest due run (re-armed whenever schedules change, never a
// polling loop), a claim per schedule and due time before anything runs (so a restart or a clock step never runs a run
// twice), catch-up after downtime, runs left by a stopped daemon recorded as interrupted, and each run carried out as
// the principal that made its schedule.
import type { EventRecord } from '../../rpc/contract/index.js';
import { BrainsError, RpcCallError } from '../../rpc/errors.js';
import type { PlaneDeps, SchedulerControl } from '../planes/shared/deps.js';
import { actionOf, iso, whenOf, type LockSpec } from '../planes/schedules/records.js';
import { claimRun, finishRun, type RunEnding } from '../planes/schedules/runs.js';
import { nextDue } from '../planes/schedules/when.js';
import { outsideCall } from '../principals/call-scope.js';
import { JobGuard } from '../services/backoff.js';
import type { Service } from '../services/registry.js';
import type { RunRow, ScheduleRow } from '../store/schedules.js';
import type { TurnRow } from '../store/agents.js';
import type { SchedulerClock } from './clock.js';
import { jitterMs } from './jitter.js';
import { perform, type CallAs } from './perform.js';
import { principalOf } from './principal-of.js';

/** A run later than this (the daemon was down, the machine slept, the clock stepped) is a missed run: catch_up decides. */
export const MISSED_AFTER_MS = 60_000;
/** The one timer never sleeps longer than this, so a wall clock stepped forward is noticed within it. */
export const MAX_SLEEP_MS = 5 * 60_000;
/** Due schedules taken per wake; more are taken by the next wake, at once. */
const BATCH = 500;

export interface SchedulerOptions {
  clock: SchedulerClock;
  call: CallAs;
}

const messageOf = (error: unknown): string => (error instanceof BrainsError || error instanceof RpcCallError ? error.message : error instanceof Error ? error.message : String(error));

export class Scheduler implements Service, SchedulerControl {
  readonly name = 'scheduler';
  private timer: unknown = null;
  private wakeAt: number | null = null;
  private stopping = false;
  private unlisten: (() => void) | null = null;
  private readonly guard: JobGuard;
  /** Runs being carried out now (their lock or action in flight), so stop can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: PlaneDeps,
    private readonly options: SchedulerOptions,
  ) {
    this.guard = new JobGuard('scheduler', deps.log);
  }

  now(): number {
    return this.options.clock.now();
  }

  /** Wakes and runs since start (tests and the bench read them). */
  readonly counts = { wakes: 0, runs: 0 };

  start(): void {
    this.guard.run(() => this.recover());
    this.unlisten = this.deps.bus.listen(['agent.turn_finished', 'agent.removed', 'project.deleted'], (event) => this.onEvent(event));
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unlisten?.();
    this.disarm();
    await Promise.allSettled([...this.inFlight]);
  }

  changed(): void {
    if (!this.stopping) this.arm();
  }

  execute(runNo: number): void {
    const work = this.carryOut(runNo).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private disarm(): void {
    if (this.timer !== null) this.options.clock.clearTimer(this.timer);
    this.timer = null;
    this.wakeAt = null;
  }

  /** Point the one timer at the earliest due run (or `at`, a jittered run's start, if that is sooner). */
  private arm(at: number | null = null): void {
    if (this.stopping) return;
    const now = this.now();
    const earliest = this.deps.store.schedules.earliestDue();
    let wake = at !== null && (earliest === null || at < earliest) ? at : earliest;
    if (wake === null) wake = now + MAX_SLEEP_MS;
    wake = Math.min(wake, now + MAX_SLEEP_MS);
    if (this.timer !== null && this.wakeAt === wake) return;
    this.disarm();
    this.wakeAt = wake;
    this.timer = this.options.clock.setTimer(() => this.wake(), Math.max(0, wake - now));
  }

  private wake(): void {
    this.timer = null;
    this.wakeAt = null;
    if (this.stopping) return;
    this.counts.wakes += 1;
    let jitterWake: number | null = null;
    const ok = this.guard.run(() => {
      const now = this.now();
      for (const schedule of this.deps.store.schedules.due(now, BATCH)) {
        const startAt = schedule.next_due_ms! + jitterMs(schedule.schedule_no, schedule.next_due_ms!, schedule.jitter_seconds);
        if (startAt > now) {
          jitterWake = jitterWake === null ? startAt : Math.min(jitterWake, startAt);
          continue;
        }
        this.takeDue(schedule, now);
      }
    });
    if (!ok) {
      this.disarm();
      this.wakeAt = this.now() + this.guard.retryDelayMs();
      this.timer = this.options.clock.setTimer(() => this.wake(), this.guard.retryDelayMs());
      return;
    }
    this.arm(jitterWake);
  }

  /** Claim a due run and move the schedule to its next due time after now, in one transaction; then carry it out. */
  private takeDue(schedule: ScheduleRow, now: number, atStart = false): void {
    const run = this.deps.mutate((emit) => {
      const fresh = this.deps.store.schedules.byNo(schedule.schedule_no);
      if (!fresh || fresh.enabled !== 1 || fresh.next_due_ms === null || fresh.next_due_ms !== schedule.next_due_ms) return null;
      const dueMs = fresh.next_due_ms;
      this.deps.store.schedules.update(fresh.schedule_no, { next_due_ms: nextDue(whenOf(fresh), now) });
      const missed = now - dueMs > (atStart ? 1000 : MISSED_AFTER_MS);
      if (missed && fresh.catch_up === 'skip') {
        return claimRun(this.deps, emit, fresh, dueMs, 'due', now, `missed: brains was not running (or the clock stepped) at ${iso(dueMs)}, and catch_up is skip`);
      }
      return claimRun(this.deps, emit, fresh, dueMs, missed ? 'catch_up' : 'due', now);
    });
    if (run?.status === 'running') this.execute(run.run_no);
  }

  /** Carry out a claimed run: its lock first (if it has one), then its action, as its schedule's principal. */
  private async carryOut(runNo: number): Promise<void> {
    const { store } = this.deps;
    const run = store.schedules.run(runNo);
    const schedule = run && store.schedules.byNo(run.schedule_no);
    if (!run || !schedule || run.status !== 'running') return;
    this.counts.runs += 1;
    const principal = principalOf(schedule);
    const lock = schedule.lock_spec === null ? null : (JSON.parse(schedule.lock_spec) as LockSpec);
    try {
      if (lock) {
        const refused = await this.takeLock(schedule, run, lock);
        if (refused !== null) return this.finish(runNo, { status: 'skipped', output: null, error: refused });
      }
      if (this.stopping) return;
      const done = await perform(this.deps, this.options.call, principal, schedule, run, actionOf(schedule));
      if ('ended' in done) this.finish(runNo, done.ended);
    } catch (error) {
      this.finish(runNo, { status: 'failed', output: null, error: messageOf(error) });
    }
  }

  /** null once the lease is held (kept with the run until it ends), else why the run is skipped. */
  private async takeLock(schedule: ScheduleRow, run: RunRow, lock: LockSpec): Promise<string | null> {
    try {
      const answer = (await this.options.call(principalOf(schedule), 'lock.acquire', {
        key: lock.key,
        project_id: schedule.project_id,
        agent_name: schedule.created_by,
        ttl_seconds: lock.ttl_seconds,
        wait: lock.wait_seconds > 0,
        timeout_seconds: lock.wait_seconds,
      })) as { timed_out: boolean; lease_id?: string; fencing_token?: number; holders?: Array<{ holder_label: string }> };
      if (answer.timed_out) return `lock ${lock.key} was held by ${answer.holders?.map((h) => h.holder_label).join(', ') || 'another holder'} for the whole wait (${lock.wait_seconds} s)`;
      outsideCall(() => this.deps.store.schedules.link(run.run_no, { lease: JSON.stringify({ lease_id: answer.lease_id, fencing_token: answer.fencing_token }) }));
      return null;
    } catch (error) {
      if (error instanceof RpcCallError && error.appCode === 'CONFLICT') return `lock ${lock.key} is held: ${error.message}`;
      throw error;
    }
  }

  private releaseLock(schedule: ScheduleRow, run: RunRow): void {
    if (run.lease === null) return;
    const lease = JSON.parse(run.lease) as { lease_id: string; fencing_token: number };
    this.options.call(principalOf(schedule), 'lock.release', lease).catch((error: unknown) => this.deps.log.warn('a scheduled run could not release its lock', { schedule: schedule.name, error: messageOf(error) }));
  }

  /** End a run (once), releasing its lock. */
  private finish(runNo: number, end: RunEnding): void {
    const { store } = this.deps;
    let ended: { schedule: ScheduleRow; run: RunRow } | null = null;
    try {
      outsideCall(() =>
        this.deps.mutate((emit) => {
          const run = store.schedules.run(runNo);
          const schedule = run && store.schedules.byNo(run.schedule_no);
          if (!run || !schedule) return;
          if (finishRun(this.deps, emit, schedule, run, end, this.now())) ended = { schedule, run };
        }),
      );
    } catch (error) {
      this.deps.log.error('a scheduled run could not be recorded as ended', { run_no: runNo, error: messageOf(error) });
    }
    const done = ended as { schedule: ScheduleRow; run: RunRow } | null;
    if (done) this.releaseLock(done.schedule, done.run);
  }

  /** How a finished agent turn ends the run that queued it. */
  private endOfTurn(turn: TurnRow | null): RunEnding {
    if (!turn) return { status: 'failed', output: null, error: 'the agent was removed before its turn ran' };
    if (turn.status === 'done') return { status: 'ok', output: turn.text, error: null };
    if (turn.status === 'interrupted') return { status: 'interrupted', output: turn.text || null, error: turn.error ?? 'the turn was interrupted' };
    return { status: 'failed', output: turn.text || null, error: turn.error ?? `the turn ended ${turn.status}` };
  }

  private onEvent(event: EventRecord): void {
    const { store } = this.deps;
    if (event.type === 'agent.turn_finished') {
      const turnNo = Number(String((event.data as { turn_id: string }).turn_id).slice('turn-'.length));
      const run = store.schedules.byTurn(turnNo);
      if (run) this.finish(run.run_no, this.endOfTurn(store.agents.turn(turnNo)));
      return;
    }
    // An agent or a project went: runs waiting on turns that no longer exist end; deleted schedules leave the timer.
    for (const run of store.schedules.running()) {
      if (run.turn_no !== null && !store.agents.turn(run.turn_no)) this.finish(run.run_no, this.endOfTurn(null));
    }
    this.arm();
  }

  /** What a stopped daemon left: runs it was carrying out end as interrupted (a queued turn still counts); missed runs. */
  private recover(): void {
    const { store } = this.deps;
    const now = this.now();
    for (const run of store.schedules.running()) {
      if (run.turn_no !== null) {
        const turn = store.agents.turn(run.turn_no);
        if (turn && (turn.status === 'queued' || turn.status === 'running')) continue;
        this.finish(run.run_no, turn?.status === 'interrupted' ? { status: 'interrupted', output: null, error: turn.error ?? 'the daemon stopped while its turn ran' } : this.endOfTurn(turn));
        continue;
      }
      this.finish(run.run_no, { status: 'interrupted', output: null, error: 'the daemon stopped during this run; it is not run again' });
    }
    for (const schedule of store.schedules.due(now, Number.MAX_SAFE_INTEGER)) this.takeDue(schedule, now, true);
  }
}
