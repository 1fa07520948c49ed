// The built-in echo backend: answers each turn with the text it was given, streamed in a few pieces; no program runs.
import type { AgentDriver, AgentSpec, DriverEvent, DriverSession, TurnOutcome } from '../driver.js';

const PIECES = 4;

/** The text cut into a few pieces on character boundaries (never inside a surrogate pair). */
export function piecesOf(text: string, pieces = PIECES): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

class EchoSession implements DriverSession {
  readonly pid = null;
  private interrupted: (() => void) | null = null;

  async turn(text: string, onEvent: (event: DriverEvent) => void): Promise<TurnOutcome> {
    let stop = false;
    const stopped = new Promise<void>((resolve) => (this.interrupted = () => ((stop = true), resolve())));
    let said = '';
    for (const piece of piecesOf(text)) {
      await Promise.race([new Promise((resolve) => setImmediate(resolve)), stopped]);
      if (stop) return { status: 'interrupted', text: said };
      said += piece;
      onEvent({ type: 'text', delta: piece });
    }
    this.interrupted = null;
    return { status: 'done', text: said, usage: { input_tokens: 0, output_tokens: 0 }, costUsd: 0 };
  }

  answerPermission(): void {}

  async interrupt(): Promise<void> {
    this.interrupted?.();
  }

  async stop(): Promise<void> {
    this.interrupted?.();
  }

  kill(): void {
    this.interrupted?.();
  }
}

export class EchoDriver implements AgentDriver {
  readonly backend = 'echo';

  async start(_spec: AgentSpec): Promise<DriverSession> {
    return new EchoSession();
  }
}
