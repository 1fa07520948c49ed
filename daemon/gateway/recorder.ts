// Every request the gateway carried, priced as it is recorded and written in batches (one transaction per 100 ms or 256 rows) so recording costs the hot path next to nothing.
import type { Store } from '../store/index.js';
import type { GatewayRequestRow } from '../store/gateway.js';
import type { Logger } from '../log.js';

export type GatewayEndpoint = 'chat.completions' | 'messages' | 'messages.count_tokens' | 'responses';

const FLUSH_MS = 100;
const FLUSH_ROWS = 256;
/** Rows kept while the database cannot be written; past this the oldest are dropped (and that is logged). */
const MAX_PENDING = 50_000;

export class RequestRecorder {
  private pending: Array<GatewayRequestRow & { key_id: number | null }> = [];
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly afterWrite: (rows: readonly GatewayRequestRow[]) => void = () => {},
    /** Prices the row and adds it to the running spend, before it waits for its batch. */
    private readonly charge: (row: GatewayRequestRow) => void = () => {},
  ) {}

  record(row: GatewayRequestRow & { key_id: number | null }): void {
    this.charge(row);
    this.pending.push(row);
    if (this.pending.length > MAX_PENDING) {
      this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.log.warn('gateway request records dropped: the database has not been writable for a while');
    }
    if (this.pending.length >= FLUSH_ROWS) this.flush();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Write what is pending now; a database that cannot be written keeps the rows for the next try. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    try {
      const now = new Date().toISOString();
      this.store.transaction(() => {
        this.store.gateway.insertRequests(rows);
        for (const keyId of new Set(rows.map((r) => r.key_id))) if (keyId !== null) this.store.gateway.markUsed(keyId, now);
      });
      this.pending = this.pending === rows ? [] : this.pending.slice(rows.length);
      this.failing = false;
      this.afterWrite(rows);
    } catch (error) {
      if (!this.failing) this.log.warn('gateway request records not written yet; retrying', { error: error instanceof Error ? error.message : String(error) });
      this.failing = true;
      this.timer = setTimeout(() => this.flush(), 1000);
      this.timer.unref();
    }
  }
}
