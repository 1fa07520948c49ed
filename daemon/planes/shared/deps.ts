// What every plane's handlers may use: the store, the bus, the one way to mutate, and facts about this daemon.
import type { LoopDelayFigures } from '../../services/loop-delay.js';
import type { StatePaths } from '../../../rpc/paths.js';
import type { GatewayStatus, McpHttpStatus } from '../../../rpc/contract/system.js';
import type { GatewayBreakerView, GatewayClassification, GatewayLimitView, GatewayRouteDecision } from '../../../rpc/contract/gateway.js';
import type { Store } from '../../store/index.js';
import type { EventBus } from '../../events/bus.js';
import type { Mutate } from '../../events/mutate.js';
import type { Subscriptions } from '../../events/subscriptions.js';
import type { DaemonConfig } from '../../config.js';
import type { RuntimeSettings } from '../../settings.js';
import type { AuditTrail } from '../../audit/trail.js';
import type { FabricHooks } from './hooks.js';
import type { Access } from '../../principals/access.js';
import type { Logger } from '../../log.js';
import type { Service } from '../../services/registry.js';

export interface MaintenanceReport {
  pruned_events: number;
  oldest_seq: number;
  head_seq: number;
  wal_bytes_before: number;
  wal_bytes_after: number;
}

/** What the agents plane asks of the agent runtime (a service the planes never import): it lives in daemon/agents. */
export interface AgentControl {
  /** A turn was queued for this agent: run it when its turn comes. */
  queued(agentName: string): void;
  /** Stop the agent's running turn; the turn it stopped, if any. */
  interrupt(agentName: string): string | null;
  /** The agent's settings changed: its process ends after the running turn; fresh drops the native session too. */
  reconfigured(agentName: string, fresh: boolean): void;
  /** The agent was removed: end its process now. */
  removed(agentName: string): void;
  /** What only the runtime knows: the process running now and the turn it runs. */
  live(agentName: string): { pid: number | null; runningTurnNo: number | null; note: string | null };
}

/** What the schedules plane asks of the scheduler (a service the planes never import): it lives in daemon/scheduler. */
export interface SchedulerControl {
  /** The scheduler's clock (injectable for tests), in ms since the epoch. */
  now(): number;
  /** Schedules changed: point the one timer at the earliest due run again. */
  changed(): void;
  /** Carry out a run already claimed (schedule.fire). */
  execute(runNo: number): void;
}

/** What the gateway plane asks of the gateway service (which the planes never import): it lives in daemon/gateway. */
export interface GatewayControl {
  status(): GatewayStatus;
  /** Write the request records still buffered, so a listing sees every finished request. */
  flushRecords(): void;
  /** The configuration in use (the last good gateway.json, or the defaults). */
  config(): Record<string, unknown>;
  /** gateway.json changed: read it now. */
  reload(): void;
  /** What brains/auto would make of a prompt (gateway.classify). */
  classify(text: string): GatewayClassification;
  /** Where a request for a model would go (gateway.route). */
  route(model: string, text: string): GatewayRouteDecision;
  /** Each configured provider's circuit breaker. */
  breakers(): GatewayBreakerView[];
  /** What each limited caller used in the last minute. */
  limits(): GatewayLimitView[];
}

export interface PlaneDeps {
  store: Store;
  bus: EventBus;
  mutate: Mutate;
  subscriptions: Subscriptions;
  paths: StatePaths;
  config: DaemonConfig;
  /** Runtime settings (timeouts, TTLs, limits): read them at use, they change without a restart. */
  settings: RuntimeSettings;
  audit: AuditTrail;
  hooks: FabricHooks;
  /** What each principal may do: the dispatcher's checks, and the handlers' checks against stored owners. */
  access: Access;
  log: Logger;
  /** Register background work (timers, sweeps): started after every plane is built, stopped in reverse. */
  addService(service: Service): void;
  version: string;
  startedAt: Date;
  /** Live counts that are not in the database (connections, waits...). */
  liveCounts(): Record<string, number>;
  requestShutdown(reason: string): void;
  maintain(): MaintenanceReport;
  /** The MCP HTTP endpoint: where it listens, or why it does not. */
  mcpHttp?(): McpHttpStatus;
  /** Whether an agent instance has a connection open now (its brains mcp runs). */
  instanceConnected?(sessionId: string): boolean;
  /** The managed-agent runtime, once it is built (main.ts sets it before any call). */
  agents?: AgentControl;
  /** The scheduler, once it is built (main.ts sets it before any call). */
  scheduler?: SchedulerControl;
  /** The model gateway service, once it is built (main.ts sets it before any call). */
  gateway?: GatewayControl;
  /** The event loop's worst delays (system.info). */
  eventLoop?(): LoopDelayFigures;
}
