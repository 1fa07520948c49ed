// The lean client for the raw echo: a socket, the same LineFramer, JSON.parse, and a FIFO of waiters (the echo answers in order).
import { connect, type Socket } from 'node:net';
import { DEFAULT_MAX_FRAME_BYTES, LineFramer } from '../rpc/frame.js';

interface Waiter {
  id: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class RawEchoClient {
  private readonly waiting: Waiter[] = [];
  private lastId = 0;

  private constructor(private readonly socket: Socket) {
    const framer = new LineFramer(DEFAULT_MAX_FRAME_BYTES, {
      frame: (line) => this.answer(line),
      oversize: () => socket.destroy(new Error('oversized frame from the echo server')),
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('close', () => this.failAll(new Error('the echo server closed the connection')));
  }

  static connect(path: string): Promise<RawEchoClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => {});
        resolve(new RawEchoClient(socket));
      });
    });
  }

  ping(): Promise<void> {
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, resolve, reject });
      this.socket.write(`{"jsonrpc":"2.0","id":${id},"method":"system.ping"}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private answer(line: Buffer): void {
    const reply = JSON.parse(line.toString('utf8')) as { id: number };
    const waiter = this.waiting.shift();
    if (!waiter) return;
    if (reply.id === waiter.id) waiter.resolve();
    else waiter.reject(new Error(`echo answered id ${reply.id}, expected ${waiter.id}`));
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}
