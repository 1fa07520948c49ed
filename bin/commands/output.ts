// How CLI commands print JSON: pretty on a terminal, one line otherwise, so output pipes into jq.

export type OutputMode = 'pretty' | 'compact';

export function outputMode(flags: { pretty?: boolean; compact?: boolean }, stream: NodeJS.WriteStream = process.stdout): OutputMode {
  if (flags.pretty) return 'pretty';
  if (flags.compact) return 'compact';
  return stream.isTTY ? 'pretty' : 'compact';
}

export function formatJson(value: unknown, mode: OutputMode): string {
  return mode === 'pretty' ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}
