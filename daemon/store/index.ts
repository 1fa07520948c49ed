// The store: the one SQLite file behind plain functions, so all SQL stays in this folder.
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { openDatabase, type Db } from './open.js';
import { assertSchemaSupported, currentSchemaVersion, migrate } from './migrations/index.js';
import { EventLog } from './events.js';
import { SessionRepo } from './sessions.js';
import { ProjectRepo } from './projects.js';
import { MessageRepo } from './messages.js';
import { ResourceRepo } from './resources.js';
import { LockRepo } from './locks.js';
import { TaskRepo } from './tasks.js';
import { ApprovalRepo } from './approvals.js';
import { AuditRepo } from './audit.js';
import { NudgeRepo } from './nudges.js';
import { McpTokenRepo } from './mcp-tokens.js';
import { IdentityRepo } from './identities.js';
import { AgentRepo } from './agents.js';
import { ScheduleRepo } from './schedules.js';
import { GatewayRepo } from './gateway.js';
import { GatewayUsageRepo } from './gateway-usage.js';
import { GatewayMailRepo } from './gateway-mail.js';
import type { RestartGate } from './restart-gate.js';

/** Longest a commit holds the event loop waiting for the own checkpoint thread; past it, the call waits asynchronously. */
const OWN_RESTART_WAIT_MS = 50;

export class Store {
  readonly events: EventLog;
  readonly sessions: SessionRepo;
  readonly projects: ProjectRepo;
  readonly messages: MessageRepo;
  readonly resources: ResourceRepo;
  readonly locks: LockRepo;
  readonly tasks: TaskRepo;
  readonly approvals: ApprovalRepo;
  readonly audit: AuditRepo;
  readonly nudges: NudgeRepo;
  readonly mcpTokens: McpTokenRepo;
  readonly identities: IdentityRepo;
  readonly agents: AgentRepo;
  readonly schedules: ScheduleRepo;
  readonly gateway: GatewayRepo;
  readonly gatewayUsage: GatewayUsageRepo;
  readonly gatewayMail: GatewayMailRepo;
  private readonly changes;
  private readonly runInTransaction: Database.Transaction<(fn: () => unknown) => unknown>;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly db: Db,
  ) {
    this.events = new EventLog(db);
    this.sessions = new SessionRepo(db);
    this.projects = new ProjectRepo(db);
    this.messages = new MessageRepo(db);
    this.resources = new ResourceRepo(db);
    this.locks = new LockRepo(db);
    this.tasks = new TaskRepo(db);
    this.approvals = new ApprovalRepo(db);
    this.audit = new AuditRepo(db);
    this.nudges = new NudgeRepo(db);
    this.mcpTokens = new McpTokenRepo(db);
    this.identities = new IdentityRepo(db);
    this.agents = new AgentRepo(db);
    this.schedules = new ScheduleRepo(db);
    this.gateway = new GatewayRepo(db);
    this.gatewayUsage = new GatewayUsageRepo(db);
    this.gatewayMail = new GatewayMailRepo(db);
    this.changes = db.prepare('SELECT total_changes()').pluck();
    // One wrapper for every transaction: better-sqlite3 builds four functions for each db.transaction() call.
    this.runInTransaction = db.transaction((fn: () => unknown) => fn());
  }

  private restartGate: RestartGate | null = null;

  /** Open (creating if needed) and migrate; throws SchemaTooNewError for a database from a newer brains. */
  static open(path: string): Store {
    const db = openDatabase(path, assertSchemaSupported);
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Store(path, db);
  }

  /**
   * Once the daemon serves: a write that finds the database locked by another process fails at once (SQLITE_BUSY) instead
   * of blocking the event loop for the busy timeout; the dispatcher and the background jobs wait asynchronously instead.
   */
  failFastWhenLocked(): void {
    this.db.pragma('busy_timeout = 0');
  }

  schemaVersion(): number {
    return currentSchemaVersion(this.db);
  }

  /** Run fn in one IMMEDIATE transaction; nested calls become savepoints of the outer one. */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.runInTransaction(fn) as T;
    const gate = this.restartGate;
    if (!gate) return this.runInTransaction.immediate(fn) as T;
    const generation = gate.generation();
    try {
      return this.runInTransaction.immediate(fn) as T;
    } catch (error) {
      // BEGIN IMMEDIATE failed before fn ran: once the own checkpoint thread has let go, the same try is made again.
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || !gate.waitedFor(generation, OWN_RESTART_WAIT_MS)) throw error;
      return this.runInTransaction.immediate(fn) as T;
    }
  }

  /** The checkpoint thread's gate: a commit that finds the database busy while that thread starts the log over waits for it. */
  waitForOwnCheckpoints(gate: RestartGate): void {
    this.restartGate = gate;
  }

  /** Rows changed on this connection so far: compared before and after a piece of work, it says whether the work wrote. */
  totalChanges(): number {
    return this.changes.get() as number;
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** Size of the database file and its write-ahead log. */
  sizeBytes(): { db: number; wal: number } {
    return { db: fileSize(this.path), wal: fileSize(`${this.path}-wal`) };
  }

  /**
   * Pages of write-ahead log after which a commit folds it back itself (SQLite's default way); 0 while another connection
   * (the checkpoint thread) does it instead.
   */
  autoCheckpoint(pages: number): void {
    this.db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.trunc(pages))}`);
  }

  /** When the log starts over, its file is cut back to this size if a burst grew it past (the default: WAL_FILE_LIMIT_BYTES). */
  limitWalFile(bytes: number): void {
    this.db.pragma(`journal_size_limit = ${Math.max(0, Math.trunc(bytes))}`);
  }

  autoCheckpointPages(): number {
    return this.db.pragma('wal_autocheckpoint', { simple: true }) as number;
  }

  /** Fold the write-ahead log back into the database and truncate it. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** `PRAGMA integrity_check`: 'ok' or the problems SQLite finds. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown';
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.checkpoint();
    this.db.close();
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
