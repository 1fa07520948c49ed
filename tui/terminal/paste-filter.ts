// Bracketed paste in front of Ink (6.8 has no paste hook): a pasted block is taken out of the key stream whole, its
// markers stripped, and handed to the cockpit as one piece of text, so its newlines never act as Enter.
import { PassThrough } from 'node:stream';

const START = '\u001b[200~';
const END = '\u001b[201~';
/** How long a possible marker start (a lone Esc) is held for the rest of the marker to arrive. */
const HOLD_MS = 15;

/** Splits a byte stream into typed input and pasted blocks; markers may arrive split across chunks. */
export class PasteSplitter {
  private pasting = false;
  private pasted = '';
  private carry = '';

  constructor(
    private readonly typed: (text: string) => void,
    private readonly paste: (text: string) => void,
  ) {}

  /** Bytes held back because they might start a marker; the caller flushes them when no more input follows soon. */
  get holding(): boolean {
    return this.carry !== '';
  }

  /** Give held bytes out as typed input: a lone Esc is a key, not the start of a paste. */
  flush(): void {
    const held = this.carry;
    this.carry = '';
    if (!held) return;
    if (this.pasting) this.pasted += held;
    else this.typed(held);
  }

  push(chunk: string): void {
    let text = this.carry + chunk;
    this.carry = '';
    while (text.length > 0) {
      const marker = this.pasting ? END : START;
      const at = text.indexOf(marker);
      if (at === -1) {
        const keep = partialMarkerLength(text, marker);
        const body = text.slice(0, text.length - keep);
        this.carry = text.slice(text.length - keep);
        if (this.pasting) this.pasted += body;
        else if (body) this.typed(body);
        return;
      }
      const before = text.slice(0, at);
      if (this.pasting) {
        this.paste(this.pasted + before);
        this.pasted = '';
      } else if (before) this.typed(before);
      this.pasting = !this.pasting;
      text = text.slice(at + marker.length);
    }
  }
}

/** How many characters at the end of text could be the start of marker. */
function partialMarkerLength(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n -= 1) if (marker.startsWith(text.slice(-n))) return n;
  return 0;
}

/** A stdin for Ink that carries only typed input; raw mode, ref and unref go to the real terminal. */
export function filteredStdin(stdin: NodeJS.ReadStream, onPaste: (text: string) => void): NodeJS.ReadStream {
  const out = new PassThrough({ encoding: 'utf8' }) as unknown as NodeJS.ReadStream & PassThrough;
  const splitter = new PasteSplitter((text) => out.write(text), onPaste);
  stdin.setEncoding('utf8');
  let flushTimer: NodeJS.Timeout | null = null;
  stdin.on('data', (chunk: string) => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    splitter.push(chunk);
    if (splitter.holding) flushTimer = setTimeout(() => splitter.flush(), HOLD_MS);
  });
  Object.assign(out, {
    isTTY: stdin.isTTY,
    setRawMode: (mode: boolean) => {
      stdin.setRawMode?.(mode);
      return out;
    },
    ref: () => {
      stdin.ref();
      return out;
    },
    unref: () => {
      stdin.unref();
      return out;
    },
  });
  return out;
}
