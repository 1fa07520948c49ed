// Figures of managed agents: agent.send to the first streamed agent.output (echo: the daemon's own overhead; each
// vendor's fake: beside the fake's own start time), and turns per second across 50 agents under the concurrency limit.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BrainsClient } from '../rpc/client.js';
import type { BenchSizes } from './config.js';
import { atMost, type Figure, type PlaneBenchContext } from './figures.js';
import { startPlaneRig } from './plane-rig.js';
import { AGENT_FAKES, type AgentFake } from './agent-fakes.js';
import { elapsedSince, now, percentile, perSecond, sortDurations, toMillis } from './stats.js';

const FIRST_OUTPUT_P50_TARGET_MS = 5;
/** First turns timed per fake, each by a new agent (its process starts with the turn). */
const COLD_STARTS = 5;

interface AgentCounts {
  sends: number;
  agents: number;
  turnsPerAgent: number;
  claudeTurns: number;
}

function countsFor(sizes: BenchSizes): AgentCounts {
  return sizes.mode === 'quick' ? { sends: 100, agents: 50, turnsPerAgent: 2, claudeTurns: 5 } : { sends: 1000, agents: 50, turnsPerAgent: 10, claudeTurns: 20 };
}

function phase(name: string): void {
  process.stderr.write(`bench: agents: ${name}\n`);
}

/**
 * When each turn's first agent.output and its agent.turn_finished arrived. Kept by turn id as they come: the events can
 * arrive in the same read as the agent.send reply, before the caller knows the turn id.
 */
class TurnWatch {
  private readonly firstOutputAt = new Map<string, bigint>();
  private readonly finishedTurns = new Set<string>();
  private readonly waiters = new Set<() => void>();
  finishedCount = 0;

  constructor(client: BrainsClient) {
    client.onEvent((event) => {
      const data = event.data as { turn_id?: string; status?: string; error?: string | null };
      if (!data?.turn_id) return;
      if (event.type === 'agent.output' && !this.firstOutputAt.has(data.turn_id)) this.firstOutputAt.set(data.turn_id, now());
      if (event.type === 'agent.turn_finished') {
        if (data.status !== 'done') process.stderr.write(`bench: agents: turn ${data.turn_id} ended ${data.status}: ${data.error}\n`);
        this.finishedCount += 1;
        this.finishedTurns.add(data.turn_id);
      }
      for (const wake of [...this.waiters]) wake();
    });
  }

  until<T>(check: () => T | undefined): Promise<T> {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => {
      const wake = () => {
        const value = check();
        if (value === undefined) return;
        this.waiters.delete(wake);
        resolve(value);
      };
      this.waiters.add(wake);
    });
  }

  /** When the turn's first output came; a turn that finished without any is a failure of the run. */
  output(turnId: string): Promise<bigint> {
    return this.until(() => this.firstOutputAt.get(turnId) ?? (this.finishedTurns.has(turnId) ? 0n : undefined)).then((at) => {
      if (at === 0n) throw new Error(`turn ${turnId} finished without any output; see the line above`);
      return at;
    });
  }

  done(turnId: string): Promise<true> {
    return this.until(() => (this.finishedTurns.has(turnId) ? true : undefined));
  }

  finished(count: number): Promise<true> {
    return this.until(() => (this.finishedCount >= count ? true : undefined));
  }
}

/** From calling agent.send until the turn's first output arrives; waits for each turn to finish before the next. */
async function firstOutputs(admin: BrainsClient, watch: TurnWatch, agentName: string, text: string, count: number): Promise<bigint[]> {
  const samples: bigint[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = now();
    const { turn_id } = (await admin.call('agent.send', { agent_name: agentName, text })) as { turn_id: string };
    samples.push((await watch.output(turn_id)) - start);
    await watch.done(turn_id);
  }
  return sortDurations(samples);
}

/** Every agent gets its turns at once; the runtime runs at most agent_concurrency of them at a time. */
async function turnsPerSecond(admin: BrainsClient, watch: TurnWatch, names: readonly string[], turnsPerAgent: number): Promise<number> {
  const before = watch.finishedCount;
  const total = names.length * turnsPerAgent;
  const start = now();
  await Promise.all(names.flatMap((agent_name) => Array.from({ length: turnsPerAgent }, () => admin.call('agent.send', { agent_name, text: 'a turn of the bench' }))));
  await watch.finished(before + total);
  return perSecond(total, elapsedSince(start));
}

/** A fake's own start: spawn it as its driver does and time until it answers the first request. */
async function fakeStartTimes(fake: AgentFake, dir: string, count: number): Promise<bigint[]> {
  const samples: bigint[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = now();
    const child = spawn(fake.file, fake.args, { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('error', reject);
      child.stdin.write(`${fake.initialize}\n`);
    });
    samples.push(elapsedSince(start));
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return sortDurations(samples);
}

export async function measureAgentFigures(sizes: BenchSizes, ctx: PlaneBenchContext): Promise<Figure[]> {
  const counts = countsFor(sizes);
  const { home, echo, daemon } = await startPlaneRig(ctx, 'ag', Object.fromEntries(AGENT_FAKES.map((fake) => [fake.pathVariable, fake.file])));
  await echo.stop();
  const work = join(home, 'work');
  mkdirSync(work, { recursive: true });
  const admin = await BrainsClient.connect(daemon.socket);
  const watch = new TurnWatch(admin);
  await admin.call('events.subscribe', { types: ['agent.output', 'agent.turn_finished'] });

  phase(`echo: agent.send -> first agent.output (${counts.sends})`);
  await admin.call('agent.create', { agent_name: 'bench-echo', backend: 'echo', working_directory: work });
  await firstOutputs(admin, watch, 'bench-echo', 'warm up', Math.min(50, counts.sends));
  const echoFirst = await firstOutputs(admin, watch, 'bench-echo', 'hello from the bench', counts.sends);

  phase(`echo: ${counts.agents} agents x ${counts.turnsPerAgent} turns, concurrency 5, then 50`);
  const names = Array.from({ length: counts.agents }, (_, i) => `bench-${i}`);
  for (const agent_name of names) await admin.call('agent.create', { agent_name, backend: 'echo', working_directory: work });
  const limited = await turnsPerSecond(admin, watch, names, counts.turnsPerAgent);
  await admin.call('config.set', { key: 'agent_concurrency', value: counts.agents });
  const unlimited = await turnsPerSecond(admin, watch, names, counts.turnsPerAgent);

  const vendors: { fake: AgentFake; cold: bigint[]; warm: bigint[]; start: bigint[] }[] = [];
  for (const fake of AGENT_FAKES) {
    phase(`${fake.name}: first output of a first turn (process started with it, ${COLD_STARTS} agents), of later turns (${counts.claudeTurns}), the fake's own start`);
    const cold: bigint[] = [];
    for (let i = 0; i < COLD_STARTS; i += 1) {
      const agent_name = `bench-${fake.backend}-${i}`;
      await admin.call('agent.create', { agent_name, backend: fake.backend, working_directory: work });
      cold.push(...(await firstOutputs(admin, watch, agent_name, 'hello', 1)));
    }
    const warm = await firstOutputs(admin, watch, `bench-${fake.backend}-0`, 'hello again', counts.claudeTurns);
    vendors.push({ fake, cold: sortDurations(cold), warm, start: await fakeStartTimes(fake, work, COLD_STARTS) });
  }
  await admin.close();
  const exit = await daemon.stop();
  if (exit !== 0) process.stderr.write(`bench: the agents daemon exited with ${exit} on SIGTERM\n${daemon.stderrTail()}\n`);

  const ms = (samples: bigint[], p: number) => toMillis(percentile(samples, p));
  return [
    {
      key: 'agent_echo_first_output_p50_ms',
      label: 'managed agent (echo): agent.send -> first agent.output, p50',
      unit: 'ms',
      value: ms(echoFirst, 50),
      limitKey: 'agent_echo_first_output_p99_ms',
      limitLabel: 'same, p99',
      limit: ms(echoFirst, 99),
      target: atMost(FIRST_OUTPUT_P50_TARGET_MS, 'ms', ms(echoFirst, 50)),
    },
    {
      key: 'agent_turns_per_s',
      label: `managed agents (echo): turns/s, ${counts.agents} agents, concurrency 5`,
      unit: 'ops/s',
      value: limited,
      limitKey: 'agent_turns_unlimited_per_s',
      limitLabel: `same with concurrency ${counts.agents}`,
      limit: unlimited,
      target: null,
    },
    ...vendors.flatMap(({ fake, cold, warm, start }): Figure[] => [
      {
        key: `agent_${fake.backend}_first_output_cold_p50_ms`,
        label: `managed agent (${fake.name}): agent.send -> first agent.output, first turn (process started with it), p50 of ${COLD_STARTS}`,
        unit: 'ms',
        value: ms(cold, 50),
        limitKey: `agent_fake_${fake.backend}_start_p50_ms`,
        limitLabel: `the ${fake.name}'s own start: spawn -> first answer, p50`,
        limit: ms(start, 50),
        target: null,
      },
      {
        key: `agent_${fake.backend}_first_output_warm_p50_ms`,
        label: `managed agent (${fake.name}): agent.send -> first agent.output, running process, p50`,
        unit: 'ms',
        value: ms(warm, 50),
        limitKey: `agent_echo_first_output_p50_ms_beside_${fake.backend}`,
        limitLabel: 'the echo backend, same path, p50',
        limit: ms(echoFirst, 50),
        target: null,
      },
    ]),
  ];
}
