// A request's usage as it is reported: the provider's where it gave it, else estimated from characters (and marked so), and its time to first token.
import { estimateTokens, type StreamEvent, type Usage } from './ir.js';

export class Tally {
  outputChars = 0;
  reported: Partial<Usage> = {};
  firstTokenAt: number | null = null;
  /** The provider's counts are themselves estimates (echo). */
  providerEstimates = false;

  constructor(
    private readonly inputEstimate: number,
    private readonly started: number,
  ) {}

  see(event: StreamEvent): void {
    if (event.type === 'text') this.outputChars += event.text.length;
    else if (event.type === 'tool_call_delta') this.outputChars += event.arguments.length;
    else if (event.type === 'tool_call_start') this.outputChars += event.name.length;
    else if (event.type === 'usage') this.reported = { ...this.reported, ...event.usage };
    if ((event.type === 'text' || event.type === 'tool_call_start') && this.firstTokenAt === null) this.firstTokenAt = performance.now() - this.started;
  }

  get estimated(): boolean {
    return this.providerEstimates || this.reported.input_tokens === undefined || this.reported.output_tokens === undefined;
  }

  usage(): Usage {
    return { input_tokens: this.reported.input_tokens ?? this.inputEstimate, output_tokens: this.reported.output_tokens ?? estimateTokens(this.outputChars) };
  }
}
