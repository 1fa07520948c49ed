// The cockpit's figures on a real pseudo-terminal: keypress to updated frame while the daemon emits 1,000 events a second,
// frames per second and CPU under that load and idle, RSS, and start to first full frame beside a bare Ink hello world.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BrainsClient } from '../rpc/client.js';
import type { BenchSizes } from './config.js';
import { BRAINS_CLI, brainsEnv } from './daemon-process.js';
import { atMost, withinFactorOfLimit, type Figure, type PlaneBenchContext } from './figures.js';
import { startPlaneRig } from './plane-rig.js';
import { sleep } from './child.js';
import { dropCiMarkers } from '../tui/terminal/ci-markers.js';

const RELAY = fileURLToPath(new URL('../../bench/assets/pty-relay.py', import.meta.url));
const INK_HELLO = fileURLToPath(new URL('./ink-hello.js', import.meta.url));
const COLUMNS = 160;
const ROWS = 40;
const EVENTS_PER_SECOND = 1_000;
const IDLE_PRESSES = 20;
const TICKS_PER_SECOND = 100; // Linux USER_HZ, what /proc/<pid>/stat counts in
/** Ink wraps each frame it writes to a terminal in a synchronized update: its start marks a frame. */
const FRAME_START = '\u001b[?2026h';

interface Plan {
  loadSeconds: number;
  idleSeconds: number;
  starts: number;
}

function planFor(sizes: BenchSizes): Plan {
  return sizes.mode === 'quick' ? { loadSeconds: 3, idleSeconds: 3, starts: 3 } : { loadSeconds: 10, idleSeconds: 10, starts: 7 };
}

/** A process on a pseudo-terminal: what it drew so far (with arrival times), keys to it, its pid for /proc. */
class Terminal {
  private readonly proc: ChildProcessWithoutNullStreams;
  private chunks: Array<{ at: number; text: string }> = [];
  pid = 0;
  readonly pidKnown: Promise<void>;

  constructor(command: string[], env: NodeJS.ProcessEnv) {
    // Both the cockpit and the bare Ink baseline draw as on a person's terminal, also when the bench itself runs in CI.
    const termEnv = { ...env, TERM: 'xterm-256color', NO_COLOR: '1' };
    dropCiMarkers(termEnv);
    this.proc = spawn('python3', [RELAY, String(COLUMNS), String(ROWS), ...command], { env: termEnv });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (text: string) => this.chunks.push({ at: performance.now(), text }));
    this.pidKnown = new Promise((resolve) => {
      let err = '';
      this.proc.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const match = /pid (\d+)/.exec(err);
        if (match && !this.pid) {
          this.pid = Number(match[1]);
          resolve();
        }
      });
    });
  }

  mark(): number {
    return this.chunks.length;
  }

  /** When the text first showed in what was drawn after `from` (a mark), or null if not within the timeout. */
  async waitFor(text: string, from: number, timeoutMs = 10_000): Promise<number | null> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      let joined = '';
      for (let i = from; i < this.chunks.length; i += 1) {
        joined += this.chunks[i]!.text;
        if (joined.includes(text)) return this.chunks[i]!.at;
      }
      if (performance.now() > deadline) return null;
      await sleep(2);
    }
  }

  /** How many frames were drawn between two marks (each full frame draws the header once). */
  framesBetween(from: number, to: number): number {
    return this.chunks.slice(from, to).map((c) => c.text).join('').split(FRAME_START).length - 1;
  }

  type(keys: string): void {
    this.proc.stdin.write(keys);
  }

  cpuTicks(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  }

  rssMiB(): number {
    const line = readFileSync(`/proc/${this.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
    return Number(line.split(/\s+/)[1]) / 1024;
  }

  async stop(): Promise<void> {
    if (this.pid) {
      try {
        process.kill(this.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export async function measureTuiFigures(sizes: BenchSizes, ctx: PlaneBenchContext): Promise<Figure[]> {
  if (spawnSync('python3', ['-c', 'import pty']).status !== 0) {
    say('python3 with its pty module is not installed: the cockpit figures are not measured (apt-get install python3)');
    return [];
  }
  const plan = planFor(sizes);
  const { home, daemon, echo } = await startPlaneRig(ctx, 't');
  await echo.stop();
  const env = brainsEnv(home);
  const admin = await BrainsClient.connect(daemon.socket);
  await admin.call('project.create', { name: 'Cockpit Bench', agent_name: 'sender', working_directory: '/tmp' });
  for (const agent of ['receiver', 'watcher']) await admin.call('project.join', { project_id: 'cockpit-bench', agent_name: agent, working_directory: '/tmp' });
  const tui = [process.execPath, BRAINS_CLI, 'tui', '--no-bell', '--no-start'];

  say(`start to first full frame: brains tui and a bare Ink hello world, ${plan.starts} times each, alternating`);
  const tuiStarts: number[] = [];
  const helloStarts: number[] = [];
  let helloRss = 0;
  for (let i = 0; i < plan.starts; i += 1) {
    const hello = await timeToText([process.execPath, INK_HELLO], env, 'hello world');
    helloStarts.push(hello.ms);
    helloRss = Math.max(helloRss, hello.rssMiB);
    tuiStarts.push((await timeToText(tui, env, 'watcher')).ms);
  }

  say(`keypress to frame while the daemon emits ${EVENTS_PER_SECOND} events/s for ${plan.loadSeconds} s; then idle ${plan.idleSeconds} s`);
  const term = new Terminal(tui, env);
  ctx.cleanup.add(() => term.stop());
  await term.pidKnown;
  if ((await term.waitFor('watcher', 0)) === null) throw new Error('the cockpit never drew its first frame');
  await sleep(500);
  const idleLatencies = await keyLatencies(term, () => false, IDLE_PRESSES);
  const load = startLoad(daemon.socket, plan.loadSeconds);
  const loadStart = { ticks: term.cpuTicks(), mark: term.mark(), at: performance.now() };
  const latencies = await keyLatencies(term, () => performance.now() - loadStart.at >= plan.loadSeconds * 1000 - 300);
  const sent = await load;
  const loadEnd = { ticks: term.cpuTicks(), mark: term.mark(), at: performance.now() };
  const rss = term.rssMiB();
  await sleep(1000); // let the last refreshes settle
  const idleStart = { ticks: term.cpuTicks(), mark: term.mark(), at: performance.now() };
  await sleep(plan.idleSeconds * 1000);
  const idleEnd = { ticks: term.cpuTicks(), mark: term.mark(), at: performance.now() };
  await term.stop();
  await admin.close();

  const seconds = (a: { at: number }, b: { at: number }) => (b.at - a.at) / 1000;
  const cpu = (a: { ticks: number; at: number }, b: { ticks: number; at: number }) => (100 * (b.ticks - a.ticks)) / TICKS_PER_SECOND / seconds(a, b);
  const fps = (a: { mark: number; at: number }, b: { mark: number; at: number }) => term.framesBetween(a.mark, b.mark) / seconds(a, b);
  const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : null);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const loadRate = sent / plan.loadSeconds;
  return [
    { key: 'tui_key_to_frame_p50_ms', label: `keypress -> frame under ${Math.round(loadRate)} events/s, p50 (${latencies.length} presses)`, unit: 'ms', value: pct(latencies, 50), limitKey: 'tui_idle_key_to_frame_p50_ms', limitLabel: `the same with no load, p50 (${idleLatencies.length} presses)`, limit: pct(idleLatencies, 50), target: atMost(50, 'ms', pct(latencies, 50)) },
    { key: 'tui_key_to_frame_p99_ms', label: 'keypress -> frame under load, p99', unit: 'ms', value: pct(latencies, 99), limitKey: 'tui_idle_key_to_frame_p99_ms', limitLabel: 'the same with no load, p99', limit: pct(idleLatencies, 99), target: atMost(150, 'ms', pct(latencies, 99)) },
    { key: 'tui_fps_load', label: 'cockpit frames per second under load', unit: 'fps', value: fps(loadStart, loadEnd), limitKey: 'tui_max_fps', limitLabel: "Ink's maxFps", limit: 30, target: atMost(30, 'fps', fps(loadStart, loadEnd)) },
    { key: 'tui_cpu_load_pct', label: 'cockpit CPU under load', unit: '%', value: cpu(loadStart, loadEnd), limitKey: 'tui_one_core_pct', limitLabel: 'one core', limit: 100, target: null },
    { key: 'tui_fps_idle', label: 'cockpit frames per second idle', unit: 'fps', value: fps(idleStart, idleEnd), limitKey: 'tui_max_fps', limitLabel: "Ink's maxFps", limit: 30, target: null },
    { key: 'tui_cpu_idle_pct', label: `cockpit CPU idle for ${plan.idleSeconds} s`, unit: '%', value: cpu(idleStart, idleEnd), limitKey: 'tui_one_core_pct', limitLabel: 'one core', limit: 100, target: atMost(1, '%', cpu(idleStart, idleEnd)) },
    { key: 'tui_rss_mib', label: 'cockpit RSS after the load', unit: 'MiB', value: rss, limitKey: 'tui_ink_hello_rss_mib', limitLabel: 'bare Ink hello world RSS', limit: helloRss, target: null },
    { key: 'tui_start_ms', label: `brains tui start to first full frame, median of ${plan.starts}`, unit: 'ms', value: med(tuiStarts), limitKey: 'ink_hello_start_ms', limitLabel: 'bare Ink hello world, same pty', limit: med(helloStarts), target: withinFactorOfLimit(1.5, med(tuiStarts), med(helloStarts)) },
  ];
}

function say(text: string): void {
  process.stderr.write(`bench: tui: ${text}\n`);
}

/** Alternate 5 and 1 (Approvals, Sessions) and time each until the header shows the new focus; sorted, in ms. */
async function keyLatencies(term: Terminal, done: () => boolean, most = Number.POSITIVE_INFINITY): Promise<number[]> {
  const latencies: number[] = [];
  for (let toggle = true; latencies.length < most && !done(); toggle = !toggle) {
    const from = term.mark();
    const pressed = performance.now();
    term.type(toggle ? '5' : '1');
    const drawn = await term.waitFor(toggle ? '[5 Approvals]' : '[1 Sessions]', from, 5_000);
    if (drawn === null) throw new Error('the cockpit did not redraw after a key within 5 s');
    latencies.push(drawn - pressed);
    await sleep(100);
  }
  return latencies.sort((a, b) => a - b);
}

/** Spawn a command on a pty and time until the text shows (whole process: node start, imports, connect, first data). */
async function timeToText(command: string[], env: NodeJS.ProcessEnv, text: string): Promise<{ ms: number; rssMiB: number }> {
  const started = performance.now();
  const term = new Terminal(command, env);
  try {
    const drawn = await term.waitFor(text, 0, 15_000);
    if (drawn === null) throw new Error(`${command.join(' ')} never drew ${JSON.stringify(text)}`);
    await term.pidKnown;
    return { ms: drawn - started, rssMiB: term.rssMiB() };
  } finally {
    await term.pidKnown;
    await term.stop();
  }
}

/** 1,000 message.send a second between two agents, in batches every 50 ms; resolves with how many were sent. */
async function startLoad(socket: string, seconds: number): Promise<number> {
  const client = await BrainsClient.connect(socket);
  const perTick = EVENTS_PER_SECOND / 20;
  let sent = 0;
  const start = performance.now();
  for (let tick = 0; performance.now() - start < seconds * 1000; tick += 1) {
    const due = start + tick * 50;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    await Promise.all(
      Array.from({ length: perTick }, (_, i) =>
        client.call('message.send', { project_id: 'cockpit-bench', from_agent: 'sender', to_agent: 'receiver', payload: { n: tick * perTick + i } }).then(() => (sent += 1)),
      ),
    );
  }
  await client.close();
  return sent;
}
