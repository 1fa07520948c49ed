// Bracketed paste in front of Ink (6.8 has no paste hook): a pasted block is taken out of the key stream whole, its
// markers stripped, and handed to the cockpit as one piece of text, so its newlines never act as Enter.
import { PassThrough } from 'node:stream';

const START = '\u001b[200~';
const END = '\u001b[201~';

/** Splits a byte stream into typed input and pasted blocks; markers may arrive split across chunks. */
export class PasteSplitter {
  private pasting = false;
  private pasted = '';
  private carry = '';

  constructor(
    private readonly typed: (text: string) => void,
    private readonly paste: (text: string) => void,
  ) {}

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
  stdin.on('data', (chunk: string) => splitter.push(chunk));
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
