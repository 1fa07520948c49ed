// What a subscription streams to: anything that takes notifications and says when it closes (a socket connection, an in-process caller).
export interface Subscriber {
  readonly isOpen: boolean;
  /** Send one JSON-RPC notification; dropped once the subscriber has closed. */
  notify(method: string, params: unknown): void;
  /** Run when the subscriber goes away; returns the way to stop listening. */
  onClose(hook: () => void): () => void;
}
