// How long the event loop was ever kept from answering: the figure that shows a call blocking the whole daemon.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Service } from './registry.js';

/** The histogram's resolution: a stall shorter than this may go unseen, one longer is measured to within it. */
const RESOLUTION_MS = 10;
const SECONDS_KEPT = 60;

export interface LoopDelayFigures {
  worst_ms_last_10s: number;
  worst_ms_last_minute: number;
  worst_ms_since_start: number;
}

/** The event loop's worst delay per second for the last minute, and since the daemon started; a service. */
export class LoopDelayMonitor implements Service {
  readonly name = 'event-loop monitor';
  private histogram: IntervalHistogram | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly worstPerSecond: number[] = [];
  private worstEver = 0;

  async start(): Promise<void> {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.timer = setInterval(() => this.closeSecond(), 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.histogram?.disable();
    this.timer = null;
  }

  figures(): LoopDelayFigures {
    const current = this.currentMs();
    const worst = (seconds: number) => round(Math.max(current, ...this.worstPerSecond.slice(-seconds)));
    return { worst_ms_last_10s: worst(10), worst_ms_last_minute: worst(SECONDS_KEPT), worst_ms_since_start: round(Math.max(current, this.worstEver)) };
  }

  private closeSecond(): void {
    const worst = this.currentMs();
    this.histogram?.reset();
    this.worstPerSecond.push(worst);
    if (this.worstPerSecond.length > SECONDS_KEPT) this.worstPerSecond.shift();
    this.worstEver = Math.max(this.worstEver, worst);
  }

  private currentMs(): number {
    const h = this.histogram;
    // An empty histogram reports a max of 0 but a min of about 9.2e18: nothing measured yet.
    return h && h.count > 0 ? h.max / 1e6 : 0;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
