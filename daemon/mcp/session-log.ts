// An MCP session's log (the logging capability): the level its client chose with logging/setLevel, and the lines about
// its calls, sent to it as notifications/message at or above that level; nothing is sent before it chooses one.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type LoggingLevel, type ServerNotification } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** MCP's levels, least severe first (RFC 5424's, as the spec names them). */
export const LOG_LEVELS: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
const SEVERITY = new Map(LOG_LEVELS.map((level, index) => [level, index]));

/** Sends a notification; given by the request a line is about, so on HTTP it travels on that request's stream. */
export type Notify = (notification: ServerNotification) => Promise<void>;

/** Where a session's lines also go whatever level its client chose (the daemon's own log, for MCP HTTP sessions). */
export type LogMirror = (level: LoggingLevel, message: string, fields: Record<string, unknown>) => void;

/** logging/setLevel with any params: a bad level is answered by us (Invalid params, naming the levels), not by a schema parse. */
const SetLevelRequest = z.object({ method: z.literal('logging/setLevel'), params: z.looseObject({ level: z.unknown().optional() }).optional() });

export class SessionLog {
  private threshold: number | null = null;
  private fallback: Notify | undefined;

  constructor(private readonly mirror?: LogMirror) {}

  /** True when a line would go anywhere: callers skip building lines when it is false (the stdio hot path). */
  get active(): boolean {
    return this.threshold !== null || this.mirror !== undefined;
  }

  /** The level the client chose, or null before it chose one. */
  get level(): LoggingLevel | null {
    return this.threshold === null ? null : LOG_LEVELS[this.threshold]!;
  }

  setLevel(level: unknown): void {
    const severity = typeof level === 'string' ? SEVERITY.get(level as LoggingLevel) : undefined;
    if (severity === undefined) {
      const shown = typeof level === 'string' ? JSON.stringify(level.length > 40 ? `${level.slice(0, 40)}…` : level) : level === undefined ? 'nothing' : typeof level;
      throw new McpError(ErrorCode.InvalidParams, `logging/setLevel: level must be one of ${LOG_LEVELS.join(', ')}; got ${shown}`);
    }
    this.threshold = severity;
  }

  /** One line: mirrored, and sent to the client when at or above its level. */
  write(level: LoggingLevel, message: string, fields: Record<string, unknown> = {}, notify?: Notify): void {
    this.mirror?.(level, message, fields);
    this.send(level, message, fields, notify);
  }

  /**
   * Sent to the client when at or above its level, not mirrored (a line the daemon's log has already): through notify,
   * on the stream of the request it is about, else unrelated to any request.
   */
  send(level: LoggingLevel, message: string, fields: Record<string, unknown> = {}, notify?: Notify): void {
    if (this.threshold === null || SEVERITY.get(level)! < this.threshold) return;
    const send = notify ?? this.fallback;
    send?.({ method: 'notifications/message', params: { level, logger: 'brains', data: { message, ...fields } } }).catch(() => {});
  }

  /** Offer the logging capability on this server (before it connects) and answer logging/setLevel. */
  attach(server: McpServer): void {
    server.server.registerCapabilities({ logging: {} });
    server.server.setRequestHandler(SetLevelRequest, (request) => {
      this.setLevel(request.params?.level);
      return {};
    });
    this.fallback = (notification) => server.server.notification(notification);
  }
}
