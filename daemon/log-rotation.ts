// Rotates the daemon log from inside the daemon by copy-truncate, because its stderr (fd 2) is that file and cannot be re-pointed.
import { chmodSync, copyFileSync, fstatSync, ftruncateSync, statSync, writeSync } from 'node:fs';
import { rotatedLogPath, shiftRotatedLogs, type LogLimits } from '../rpc/log-files.js';

/** Where the writer says, once, that it could not rotate: a line in the log it could not rotate. */
export type RotationTrouble = (message: string, fields: Record<string, unknown>) => void;

export class RotatingLog {
  private limits: (() => LogLimits) | null = null;
  private trouble: RotationTrouble | null = null;
  /** After a failed rotation, the next try waits until the file has grown by another limit's worth. */
  private retryAt = 0;
  private rotating = false;
  private off = false;
  private readonly reported = new Set<string>();

  private constructor(
    private readonly logPath: string,
    private readonly fd: number,
    private size: number,
  ) {}

  /**
   * A writer for fd (stderr by default) when it is the log file itself (brains up, auto-start, a service appending
   * stderr there), else null. The fd must be open for appending.
   */
  static forFd(logPath: string, fd = 2): RotatingLog | null {
    try {
      const own = fstatSync(fd);
      if (!own.isFile()) return null;
      const file = statSync(logPath);
      if (file.dev !== own.dev || file.ino !== own.ino) return null;
      return new RotatingLog(logPath, fd, own.size);
    } catch {
      return null;
    }
  }

  /**
   * Rotation starts once the limits can be read (the logger exists before the settings do); they are read at every
   * check, so config.set applies without a restart.
   */
  useLimits(limits: () => LogLimits, trouble: RotationTrouble): void {
    this.limits = limits;
    this.trouble = trouble;
    this.rotateIfOver();
  }

  /** The logger's write: the whole line, then a rotation when the file is past the limit, so no line is cut in two. */
  readonly write = (line: string): void => {
    const bytes = Buffer.from(line);
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    } catch {
      /* no space, or the file is gone: logging must never take the daemon down */
    }
    this.size += written;
    this.rotateIfOver();
  };

  private rotateIfOver(): void {
    if (!this.limits || this.rotating || this.off) return;
    const { maxBytes, keepFiles } = this.limits();
    if (this.size <= maxBytes || this.size < this.retryAt) return;
    this.rotating = true;
    try {
      // Others write to the same file (a crash trace, a child's output): the file's own size is the truth.
      this.size = fstatSync(this.fd).size;
      if (this.size <= maxBytes) return;
      if (!this.stillTheLog()) {
        this.off = true;
        this.trouble?.('the daemon log was moved or removed; this daemon no longer rotates it (brains down, then brains up starts a new one)', { log: this.logPath });
        return;
      }
      shiftRotatedLogs(this.logPath, keepFiles);
      const newest = rotatedLogPath(this.logPath, 1);
      copyFileSync(this.logPath, newest);
      chmodSync(newest, 0o600);
      // fd 2 is O_APPEND: the next line lands at offset 0.
      ftruncateSync(this.fd, 0);
      this.size = 0;
      this.retryAt = 0;
    } catch (error) {
      this.retryAt = this.size + maxBytes;
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      if (!this.reported.has(code)) {
        this.reported.add(code);
        this.trouble?.('the daemon log could not rotate; it keeps growing and rotation is tried again later', { code, error: error instanceof Error ? error.message : String(error) });
      }
    } finally {
      this.rotating = false;
    }
  }

  private stillTheLog(): boolean {
    try {
      const file = statSync(this.logPath);
      const own = fstatSync(this.fd);
      return file.dev === own.dev && file.ino === own.ino;
    } catch {
      return false;
    }
  }
}
