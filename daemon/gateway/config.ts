// gateway.json as the gateway uses it: read at start, read again when the file changes (one stat at most every 250 ms), a broken one refused with its problems while the last good one serves.
import { readFileSync, statSync } from 'node:fs';
import { parseGatewayConfig, type GatewayConfig } from '../../rpc/gateway-config.js';
import type { Logger } from '../log.js';

const RECHECK_MS = 250;

export class GatewayConfigFile {
  private current: GatewayConfig = {};
  private problems: string[] = [];
  private stamp = '';
  private checkedAt = 0;
  private version = 0;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {
    this.refresh(true);
  }

  /** The configuration in use, re-read first if the file changed. */
  get(): GatewayConfig {
    const now = Date.now();
    if (now - this.checkedAt >= RECHECK_MS) this.refresh(false);
    return this.current;
  }

  /** Bumped each time a new configuration is taken up: whoever builds from it can tell when to build again. */
  get generation(): number {
    this.get();
    return this.version;
  }

  /** Why the file on disk is refused (the last good one serves meanwhile), or null. */
  problem(): string | null {
    this.get();
    return this.problems.length > 0 ? `gateway.json refused: ${this.problems.join('; ')}` : null;
  }

  reload(): void {
    this.refresh(true);
  }

  private refresh(force: boolean): void {
    this.checkedAt = Date.now();
    let stamp: string;
    try {
      const st = statSync(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch {
      stamp = 'absent';
    }
    if (!force && stamp === this.stamp) return;
    this.stamp = stamp;
    if (stamp === 'absent') {
      this.take({}, []);
      return;
    }
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      this.refuse([`gateway.json cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
      return;
    }
    const parsed = parseGatewayConfig(text);
    if (parsed.ok) this.take(parsed.config, []);
    else this.refuse(parsed.problems);
  }

  private take(config: GatewayConfig, problems: string[]): void {
    this.current = config;
    this.problems = problems;
    this.version += 1;
  }

  private refuse(problems: string[]): void {
    const changed = problems.join('\n') !== this.problems.join('\n');
    this.problems = problems;
    if (changed) this.log.warn('gateway.json refused; the last good configuration stays in use', { problems: problems.join('; ') });
  }
}
