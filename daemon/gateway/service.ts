// The gateway as a daemon service: its config file, its recorder and its HTTP server started and stopped with the daemon, and what the planes may ask of it.
import type { TokenLookup } from '../http/auth.js';
import type { Logger } from '../log.js';
import type { GatewayControl } from '../planes/shared/deps.js';
import type { Service } from '../services/registry.js';
import type { Store } from '../store/index.js';
import type { GatewayBreakerView, GatewayClassification, GatewayLimitView, GatewayRouteDecision } from '../../rpc/contract/gateway.js';
import type { GatewayRequestRow } from '../store/gateway.js';
import { Accounting, type NoticeBudget } from './accounting.js';
import { GatewayConfigFile } from './config.js';
import { MailNotes } from './mail-notes.js';
import { GatewayPolicy } from './policy.js';
import { RequestRecorder } from './recorder.js';
import { GatewayServer } from './server.js';
import { gatewayStatus } from './status.js';

export interface GatewayServiceOptions {
  port: number | null;
  portIsDefault: boolean;
  configPath: string;
  adminKey: () => string;
  store: Store;
  tokens: TokenLookup;
  log: Logger;
  version: string;
  /** After each batch of request records is written. */
  afterWrite: (rows: readonly GatewayRequestRow[]) => void;
  /** Tell the operator a budget was reached (once per budget and period). */
  noticeBudget: NoticeBudget;
  /** message_max_attempts now: a message past it is dead, not unread. */
  messageMaxAttempts: () => number;
}

export class GatewayService implements Service, GatewayControl {
  readonly name = 'gateway';
  private server: GatewayServer | null = null;
  private portTaken = false;
  private readonly configFile: GatewayConfigFile;
  private readonly recorder: RequestRecorder;
  private readonly policy: GatewayPolicy;
  private readonly accounting: Accounting;
  private readonly mail: MailNotes;

  constructor(private readonly opts: GatewayServiceOptions) {
    this.configFile = new GatewayConfigFile(opts.configPath, opts.log);
    const config = () => this.configFile.get();
    this.accounting = new Accounting(opts.store, config, opts.noticeBudget, opts.log);
    this.mail = new MailNotes(opts.store, config, opts.messageMaxAttempts, opts.log);
    this.recorder = new RequestRecorder(opts.store, opts.log, opts.afterWrite, (row) => this.accounting.charge(row));
    this.policy = new GatewayPolicy(this.configFile, opts.log);
  }

  async start(): Promise<void> {
    if (this.opts.port === null) return;
    this.accounting.start();
    this.mail.prune();
    this.server = await GatewayServer.start({
      port: this.opts.port,
      portIsDefault: this.opts.portIsDefault,
      adminKey: this.opts.adminKey(),
      tokens: this.opts.tokens,
      keys: this.opts.store.gateway,
      policy: this.policy,
      recorder: this.recorder,
      accounting: this.accounting,
      mail: this.mail,
      log: this.opts.log,
      version: this.opts.version,
    });
    this.portTaken = this.server === null;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
    try {
      this.recorder.flush();
    } catch {
      /* the store may be what failed */
    }
  }

  get url(): string | null {
    return this.server?.url ?? null;
  }

  status() {
    return gatewayStatus({
      configuredPort: this.opts.port,
      server: this.server && { url: this.server.url, port: this.server.listeningPort },
      portTaken: this.portTaken,
      configProblem: this.configFile.problem(),
    });
  }

  flushRecords(): void {
    this.recorder.flush();
  }

  config(): Record<string, unknown> {
    return this.configFile.get();
  }

  reload(): void {
    this.configFile.reload();
  }

  classify(text: string): GatewayClassification {
    return this.policy.classify(text);
  }

  route(model: string, text: string): GatewayRouteDecision {
    return this.policy.route(model, text);
  }

  breakers(): GatewayBreakerView[] {
    return this.policy.breakerViews();
  }

  limits(): GatewayLimitView[] {
    return this.policy.limiter.views();
  }
}
