// Whole-process wall time of a command: spawn to exit, median over runs, with the compared commands interleaved run by run.
import { spawn } from 'node:child_process';
import { collectTail, exitOf } from './child.js';
import { elapsedSince, median, now, sortDurations } from './stats.js';

export interface Command {
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Spawn to exit, in nanoseconds; a non-zero exit is a failure, not a sample. */
export async function wallTime(command: Command): Promise<bigint> {
  const start = now();
  const proc = spawn(process.execPath, command.args, { env: command.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderrTail = collectTail(proc);
  const code = await exitOf(proc);
  const elapsed = elapsedSince(start);
  if (code !== 0) throw new Error(`node ${command.args.join(' ')} exited with ${code}: ${stderrTail()}`);
  return elapsed;
}

/** Median wall time of each command over `runs` rounds (one unmeasured warm-up round first); order of the result follows the input. */
export async function medianWallTimes(commands: readonly Command[], runs: number): Promise<bigint[]> {
  for (const command of commands) await wallTime(command);
  const samples = commands.map(() => [] as bigint[]);
  for (let round = 0; round < runs; round += 1) {
    for (const [i, command] of commands.entries()) samples[i]!.push(await wallTime(command));
  }
  return samples.map((s) => median(sortDurations(s)));
}
