// Run sizes for the full benchmark and the --quick smoke run, kept in one place so the report can say what was measured.

export interface BenchSizes {
  mode: 'full' | 'quick';
  warmupPings: number;
  latencyPings: number;
  pipelinedPings: number;
  pipelineDepth: number;
  events: number;
  eventsPerPublish: number;
  publishesInFlight: number;
  /** Most events the writer may be ahead of the subscriber, so we measure a sustainable rate, not a pile-up. */
  maxEventLead: number;
  cliRuns: number;
  /** Ping figures alternate raw echo and daemon in this many rounds, so machine noise hits both alike. */
  rounds: number;
}

const FULL: BenchSizes = {
  mode: 'full',
  warmupPings: 1_000,
  latencyPings: 20_000,
  pipelinedPings: 100_000,
  pipelineDepth: 64,
  events: 200_000,
  eventsPerPublish: 50,
  publishesInFlight: 4,
  maxEventLead: 5_000,
  cliRuns: 30,
  rounds: 10,
};

const QUICK: BenchSizes = {
  ...FULL,
  mode: 'quick',
  warmupPings: 100,
  latencyPings: 2_000,
  pipelinedPings: 10_000,
  events: 20_000,
  cliRuns: 5,
};

export function sizesFor(argv: readonly string[]): BenchSizes {
  return argv.includes('--quick') ? QUICK : FULL;
}
