// brains mcp's stdio: the SDK's StdioServerTransport line for line, without a schema parse of every ordinary message or a buffer copy per chunk.
import process from 'node:process';
import type { Readable, Writable } from 'node:stream';
import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ordinaryMessage } from './jsonrpc-shape.js';

const NEWLINE = 0x0a;
const CR = 0x0d;

export class StdioLineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private buffer: Buffer | undefined;
  private started = false;
  private readonly maxBufferSize: number;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    options: { maxBufferSize?: number } = {},
  ) {
    this.maxBufferSize = options.maxBufferSize ?? STDIO_DEFAULT_MAX_BUFFER_SIZE;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('StdioLineTransport already started');
    this.started = true;
    this.stdin.on('data', this.ondata);
    this.stdin.on('error', this.onStreamError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    this.stdin.off('data', this.ondata);
    this.stdin.off('error', this.onStreamError);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.buffer = undefined;
    this.onclose?.();
  }

  private readonly ondata = (chunk: Buffer): void => {
    try {
      this.append(chunk);
      this.readLines();
    } catch (error) {
      this.onerror?.(error as Error);
      this.close().catch(() => {});
    }
  };

  private readonly onStreamError = (error: Error): void => {
    this.onerror?.(error);
  };

  private append(chunk: Buffer): void {
    const buffered = this.buffer?.length ?? 0;
    if (buffered + chunk.length > this.maxBufferSize) {
      this.buffer = undefined;
      throw new Error(`ReadBuffer exceeded maximum size of ${this.maxBufferSize} bytes`);
    }
    this.buffer = buffered === 0 ? chunk : Buffer.concat([this.buffer!, chunk]);
  }

  private readLines(): void {
    while (this.buffer !== undefined) {
      const end = this.buffer.indexOf(NEWLINE);
      if (end === -1) return;
      const lineEnd = end > 0 && this.buffer[end - 1] === CR ? end - 1 : end;
      const line = this.buffer.toString('utf8', 0, lineEnd);
      this.buffer = end + 1 === this.buffer.length ? undefined : this.buffer.subarray(end + 1);
      try {
        this.onmessage?.(parseLine(line));
      } catch (error) {
        this.onerror?.(error as Error);
      }
    }
  }
}

function parseLine(line: string): JSONRPCMessage {
  const value: unknown = JSON.parse(line);
  return ordinaryMessage(value) ?? JSONRPCMessageSchema.parse(value);
}
