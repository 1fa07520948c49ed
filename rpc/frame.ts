// Newline-delimited JSON framing for the socket: splits a byte stream into frames, bounded in size, strict about UTF-8.

export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface FramerEvents {
  /** One complete frame without its line ending (CRLF or LF). Empty lines are not reported. */
  frame(bytes: Buffer): void;
  /** A frame grew past the limit; its bytes up to the next newline are dropped. */
  oversize(limit: number): void;
}

export class LineFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly events: FramerEvents,
  ) {}

  /** Bytes buffered for the frame in progress: what a peer that stops mid-frame costs us. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (!this.discarding) {
        if (this.pendingBytes + piece.length > this.maxFrameBytes) {
          this.reset();
          this.discarding = true;
          this.events.oversize(this.maxFrameBytes);
        } else if (newline === -1) {
          if (piece.length > 0) {
            this.pending.push(piece);
            this.pendingBytes += piece.length;
          }
        } else {
          const line = this.pending.length === 0 ? piece : Buffer.concat([...this.pending, piece]);
          this.reset();
          this.emit(line);
        }
      }
      if (newline === -1) return;
      this.discarding = false;
      start = newline + 1;
    }
  }

  private emit(line: Buffer): void {
    const body = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, line.length - 1) : line;
    if (isBlank(body)) return;
    this.events.frame(body);
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== CARRIAGE_RETURN) return false;
  }
  return true;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The frame's text, or null when its bytes are not valid UTF-8. */
export function decodeFrame(bytes: Buffer): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export function encodeFrame(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}
