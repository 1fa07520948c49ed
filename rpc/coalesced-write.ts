// Writes made in one tick leave as one: the socket is corked on the first and uncorked once the tick's code has run, so
// a burst of replies (or pipelined calls) costs one system call and one packet instead of one each.
import type { Socket } from 'node:net';

export function writeCoalesced(socket: Socket, text: string): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    process.nextTick(uncork, socket);
  }
  socket.write(text);
}

/** Send what this tick has written so far now, instead of once the tick's code has run. */
export function flushCoalesced(socket: Socket): void {
  uncork(socket);
}

function uncork(socket: Socket): void {
  if (socket.writableCorked > 0) socket.uncork();
}
