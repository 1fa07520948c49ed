// Contract calls from an MCP HTTP session, in-process through the dispatcher with the session's principal: the same
// checks, auditing and errors as a socket call. Each call has a link of its own, so cancelling it ends its wait.
import { BrainsError } from '../../rpc/errors.js';
import type { Dispatcher } from '../server/dispatcher.js';
import type { CallerLink } from '../server/caller-link.js';
import type { Principal } from '../principals/principal.js';
import type { CallOptions, DaemonCall } from './caller.js';
import type { SessionLog } from './session-log.js';

/**
 * One call's link: it speaks for the session's principal, takes no notifications, closes when the call is cancelled,
 * and passes the daemon's warnings and errors about the call to the session's log.
 */
class CallLink implements CallerLink {
  private readonly abort = new AbortController();
  private readonly closeHooks = new Set<() => void>();

  constructor(
    readonly principal: Principal,
    private readonly lines?: (level: 'warning' | 'error', message: string, fields: Record<string, unknown>) => void,
  ) {}

  log(level: 'warning' | 'error', message: string, fields: Record<string, unknown>): void {
    this.lines?.(level, message, fields);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isOpen(): boolean {
    return !this.abort.signal.aborted;
  }

  notify(): void {}

  onClose(hook: () => void): () => void {
    this.closeHooks.add(hook);
    return () => this.closeHooks.delete(hook);
  }

  bind(): void {
    throw new BrainsError('INVALID', 'an MCP HTTP session speaks for the key it was opened with; open another session to authenticate as someone else');
  }

  callStarted(): void {}
  callFinished(): void {}

  close(reason: Error): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort(reason);
    for (const hook of this.closeHooks) hook();
    this.closeHooks.clear();
  }
}

export class InProcessCaller {
  private readonly open = new Set<CallLink>();
  private closed = false;

  constructor(
    private readonly dispatcher: Dispatcher,
    readonly principal: Principal,
    private readonly log?: SessionLog,
  ) {}

  readonly call: DaemonCall = async (method, params, opts: CallOptions) => {
    if (this.closed) throw new BrainsError('UNAVAILABLE', 'this MCP session has ended; start a new one');
    if (opts.signal?.aborted) throw new BrainsError('UNAVAILABLE', 'the call was cancelled');
    const log = this.log;
    const link = new CallLink(this.principal, log && ((level, message, fields) => log.send(level, message, { method, ...fields }, opts.notify)));
    this.open.add(link);
    const cancel = () => link.close(new BrainsError('UNAVAILABLE', 'the call was cancelled'));
    opts.signal?.addEventListener('abort', cancel, { once: true });
    try {
      const work = this.dispatcher.callInProcess(method, params, link);
      // A cancelled call answers at once; its wait is released in the daemon through the link's signal.
      return await Promise.race([work, new Promise<never>((_resolve, reject) => link.signal.addEventListener('abort', () => reject(link.signal.reason), { once: true }))]);
    } finally {
      opts.signal?.removeEventListener('abort', cancel);
      this.open.delete(link);
      link.close(new BrainsError('UNAVAILABLE', 'the call is over'));
    }
  };

  /** End every call still running for this session (its waits are released) and refuse new ones. */
  close(): void {
    this.closed = true;
    for (const link of [...this.open]) link.close(new BrainsError('UNAVAILABLE', 'this MCP session has ended'));
  }
}
