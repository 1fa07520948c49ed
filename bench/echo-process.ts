// Starts bench/echo-server.js as a child process and waits for its "ready" line before anything is measured against it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { collectTail, stopChild } from './child.js';

const ECHO_SERVER = fileURLToPath(new URL('./echo-server.js', import.meta.url));
const READY_TIMEOUT_MS = 10_000;

export interface EchoProcess {
  socket: string;
  stop(): Promise<number | null>;
}

export function startEchoServer(socket: string): Promise<EchoProcess> {
  const proc = spawn(process.execPath, [ECHO_SERVER, socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrTail = collectTail(proc);
  const echo: EchoProcess = { socket, stop: () => stopChild(proc, 5_000) };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void echo.stop();
      reject(new Error(`echo server: ${why}\n${stderrTail()}`));
    };
    const timer = setTimeout(() => fail('not ready in time'), READY_TIMEOUT_MS);
    const onExit = (code: number | null) => fail(`exited with ${code}`);
    proc.once('exit', onExit);
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('ready')) return;
      clearTimeout(timer);
      proc.off('exit', onExit);
      resolve(echo);
    });
  });
}
