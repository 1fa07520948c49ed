// The MCP server factory: contract tools, Brainstorm's version tool and prompts, and the logging capability, over any
// transport. Who the agent is lives in the daemon (the principal of the connection or key carrying the calls), not here.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { RpcCallError } from '../../rpc/errors.js';
import { invalidParams } from '../server/suggestions.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { escapeInvisible } from '../../rpc/visible-text.js';
import type { DaemonCall } from './caller.js';
import { loggedCalls } from './call-log.js';
import { registerPrompts } from './prompts.js';
import type { QuickTools } from './quick-calls.js';
import { errorBody, errorText, parseErrorBody } from './compat-errors.js';
import { failureBody, toolError, toolResult } from './results.js';
import { toolCall, toolRunner } from './run-tool.js';
import { contractTools, type ToolSpec } from './tools.js';
import { DEFAULT_PROGRESS_INTERVAL_MS } from './waiting.js';
import { SessionLog } from './session-log.js';

export type { DaemonCall, CallOptions } from './caller.js';

export interface McpServerOptions {
  /** Carries each call to the daemon. */
  call: DaemonCall;
  /** The daemon's version, for serverInfo (the version tool asks the daemon itself). */
  version: string;
  /** How often a waiting tool sends notifications/progress when the request has a progressToken. */
  progressIntervalMs?: number;
  /** The session's log (logging/setLevel and the lines about its calls); one of its own when not given. */
  log?: SessionLog;
  /** The agent's working directory (brains mcp runs in it): where store_resource reads a source_path file. None over HTTP. */
  workingDirectory?: string;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const INSTRUCTIONS = [
  'brains coordinates AI agents on this machine: projects, messages, shared resources, locks, tasks and human approvals.',
  'Start with status (your working_directory) to see who you are; list_projects and join_project to join one.',
  'After that brains knows your agent name: later calls may omit agent_name and from_agent.',
  'Listen with receive_messages (wait: true): what it returns is acknowledged unless you pass ack: "manual" (then acknowledge_message what you handled).',
].join(' ');

/** One server per MCP session. */
export function createMcpServer(opts: McpServerOptions): McpServer {
  return createMcpServerWithQuickTools(opts).server;
}

/** The server, and what a QuickCallTransport needs to answer its quick tool calls beside it (the same tools, the same runs). */
export function createMcpServerWithQuickTools(opts: McpServerOptions): { server: McpServer; quickTools: QuickTools } {
  const server = new McpServer({ name: 'brains', version: opts.version }, { instructions: INSTRUCTIONS });
  const log = opts.log ?? new SessionLog();
  log.attach(server);
  const call = loggedCalls(opts.call, log);
  const run = toolRunner(call, { progressMs: opts.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS, workingDirectory: opts.workingDirectory });

  const specs = contractTools();
  answerBadArgumentsAsTheDaemon(server, specs);
  checkToolResultsOnce(server, specs);
  answerSdkErrorsAsBodies(server, [...specs.map((spec) => spec.tool), 'version']);
  for (const spec of specs) {
    server.registerTool(
      spec.tool,
      {
        description: spec.description,
        inputSchema: spec.input,
        outputSchema: spec.output,
        annotations: { readOnlyHint: !spec.mutates, destructiveHint: spec.method.endsWith('.delete'), openWorldHint: false },
      },
      (args: Record<string, unknown>, extra: Extra) => run(toolCall(spec, args), extra),
    );
  }

  server.registerTool(
    'version',
    {
      description: 'The version of the brains daemon this MCP server talks to (Brainstorm `version`).',
      inputSchema: z.object({}).strict(),
      outputSchema: z.object({ name: z.string(), version: z.string(), schema_version: z.number().int() }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (_args: Record<string, unknown>, extra: Extra) => {
      try {
        const info = (await call('system.info', {}, { signal: extra.signal, waits: false, notify: extra.sendNotification })) as { version: string; schema_version: number };
        return toolResult({ name: 'brains', version: info.version, schema_version: info.schema_version });
      } catch (error) {
        return toolError(error);
      }
    },
  );

  registerPrompts(server, { call });
  return { server, quickTools: { specs, run } };
}

/**
 * The SDK turns a failure before a tool runs (an unknown tool, bad arguments) into a tool error with its text; ours carry
 * the same JSON body as every other tool error, and a mistyped tool name names the nearest tool, like the daemon's methods.
 */
function answerSdkErrorsAsBodies(server: McpServer, tools: readonly string[]): void {
  const sdk = server as unknown as { createToolError(message: string): CallToolResult };
  const sdkError = sdk.createToolError.bind(server);
  sdk.createToolError = (message) => {
    if (parseErrorBody(message)) return sdkError(message);
    const unknown = /^MCP error -32602: Tool ([\s\S]*) not found$/.exec(message);
    if (!unknown) {
      const invalid = /^MCP error -32602: ([\s\S]*)$/.exec(message);
      return sdkError(errorText(invalid ? errorBody('INVALID_PARAMS', invalid[1]!) : errorBody('INTERNAL', message)));
    }
    const name = unknown[1]!;
    const nearest = name.length <= 100 ? nearestName(name, tools) : undefined;
    const text = `no tool ${escapeInvisible(name.length > 60 ? `${name.slice(0, 60)}…` : name)}; ${nearest ? `did you mean ${nearest}? ` : ''}tools/list lists them all`;
    return sdkError(errorText(errorBody('NOT_FOUND', text, { brainstorm_code: 'UNKNOWN_TOOL', ...(nearest ? { nearest } : {}) })));
  };
}

/** toolRunner checks a contract tool's result against its output schema (and says what to do); the SDK need not again. */
function checkToolResultsOnce(server: McpServer, specs: readonly ToolSpec[]): void {
  const tools = new Set(specs.map((spec) => spec.tool));
  const sdk = server as unknown as { validateToolOutput(tool: unknown, result: unknown, name: string): Promise<void> };
  const sdkCheck = sdk.validateToolOutput.bind(server);
  sdk.validateToolOutput = (tool, result, name) => (tools.has(name) ? Promise.resolve() : sdkCheck(tool, result, name));
}

/**
 * The SDK checks tool arguments itself and answers a failure with every zod issue; ours say the same as the daemon
 * (what is missing, the nearest known argument, a Required: line), with the tool's name.
 */
function answerBadArgumentsAsTheDaemon(server: McpServer, specs: readonly ToolSpec[]): void {
  const byTool = new Map(specs.map((spec) => [spec.tool, spec]));
  const sdk = server as unknown as { validateToolInput(tool: unknown, args: unknown, name: string): Promise<unknown> };
  const sdkCheck = sdk.validateToolInput.bind(server);
  sdk.validateToolInput = async (tool, args, name) => {
    const spec = byTool.get(name);
    if (!spec) return sdkCheck(tool, args, name);
    const checked = spec.input.safeParse(args ?? {});
    if (checked.success) return checked.data;
    const refusal = invalidParams(name, spec.input, checked.error.issues, args ?? {});
    throw new Error(errorText(failureBody(new RpcCallError({ code: refusal.code, message: refusal.message, data: refusal.data }))));
  };
}
