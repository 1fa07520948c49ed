// What a handler is given besides its params: who is calling, the signal that ends its waits, and where its events go.
import type { z } from 'zod';
import type { MethodDef } from '../../../rpc/contract/define.js';
import type { Subscriber } from '../../events/subscriber.js';
import type { Principal } from '../../principals/principal.js';

export interface CallContext {
  /** Who is calling, as the daemon decided it (never what params claim). */
  principal: Principal;
  /** Aborts when the caller goes away or the daemon shuts down. */
  signal: AbortSignal;
  /** Where events.subscribe streams notifications: the caller's connection. */
  subscriber: Subscriber;
  /** Run once this call's response has been written (e.g. start streaming to a new subscription). */
  afterResponse(fn: () => void): void;
  /** Send this call's answer the moment it is written, not with the rest of the tick's writes (a wait that was woken). */
  answerPromptly(): void;
  /** Make the caller's connection act as this principal from its next call on (session.authenticate, session.start bind). */
  bind(principal: Principal): void;
  /** Continue this call after an await: changes made inside are the call's (its audit row goes into their transaction). */
  within<T>(fn: () => T): T;
}

export type Handler<P, R> = (params: P, ctx: CallContext) => R | Promise<R>;
export type HandlersFor<T extends Record<string, MethodDef>> = {
  [K in keyof T]: Handler<z.output<T[K]['params']>, z.output<T[K]['result']>>;
};
