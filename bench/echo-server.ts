// The physical limit for the ping figures: a bare newline-JSON echo on a Unix socket, run as its own process like the daemon.
import { createServer } from 'node:net';
import { DEFAULT_MAX_FRAME_BYTES, LineFramer } from '../rpc/frame.js';

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: echo-server.js SOCKET_PATH\n');
  process.exit(2);
}

function pongFor(line: Buffer): string {
  const request = JSON.parse(line.toString('utf8')) as { id?: unknown };
  return `${JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { pong: true } })}\n`;
}

const server = createServer((socket) => {
  const framer = new LineFramer(DEFAULT_MAX_FRAME_BYTES, {
    frame: (line) => socket.write(pongFor(line)),
    oversize: () => socket.destroy(),
  });
  socket.on('data', (chunk: Buffer) => framer.push(chunk));
  socket.on('error', () => {});
});

server.listen(socketPath, () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => process.exit(0));
