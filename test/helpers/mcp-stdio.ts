// `brains mcp` from tests: the SDK's own client over stdio, each brains mcp under a tool process of its own (as under a
// real agent tool), with tool calls that must succeed or fail.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, TOOL_PROCESS, envFor, type TestDaemon } from './daemon.js';

export type Structured = Record<string, any>;

export interface Mcp {
  client: Client;
  /** The directory brains mcp runs in (the agent's working directory). */
  dir: string;
  /** The pid of its tool process. */
  toolPid: number | null;
  stderr(): string;
  close(): Promise<void>;
}

/**
 * Start `brains mcp --no-start` under a tool process, in `dir` (a fresh temp directory when not given); with `start`,
 * plain `brains mcp`, which may start the daemon as an agent tool's would.
 */
export async function openMcp(daemon: Pick<TestDaemon, 'home'>, opts: { env?: Record<string, string>; dir?: string; start?: boolean } = {}): Promise<Mcp> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'bm-'));
  const env = Object.fromEntries(Object.entries(envFor(daemon.home, opts.env)).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({ command: process.execPath, args: [TOOL_PROCESS, process.execPath, CLI, 'mcp', ...(opts.start ? [] : ['--no-start'])], env, cwd: dir, stderr: 'pipe' });
  let err = '';
  transport.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const client = new Client({ name: 'brains-test', version: '0.0.0' });
  await client.connect(transport);
  return {
    client,
    dir,
    toolPid: transport.pid,
    stderr: () => err,
    close: async () => {
      await client.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function call(mcp: Mcp, name: string, args: Record<string, unknown> = {}): Promise<Structured> {
  const result = await mcp.client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  const structured = result.structuredContent as Structured;
  const text = (result.content as Array<{ type: string; text: string }>)[0]!;
  assert.deepEqual(JSON.parse(text.text), structured, `${name}: the text content is the structured result as JSON`);
  return structured;
}

export async function callError(mcp: Mcp, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await mcp.client.callTool({ name, arguments: args });
  assert.equal(result.isError, true, `${name} should fail: ${JSON.stringify(result.structuredContent)}`);
  return errorLine(result.content as Array<{ text: string }>);
}

/** A tool error's body as Brainstorm writes it: {error, code, brains_code, details}. */
export interface ErrorBody {
  error: string;
  code: string;
  brains_code: string;
  details: Record<string, any>;
}

/** The tool error's body, checked to be one JSON object with Brainstorm's keys. */
export function errorBodyOf(content: Array<{ text: string }>): ErrorBody {
  assert.equal(content.length, 1, 'a tool error is one text item');
  const body = JSON.parse(content[0]!.text) as ErrorBody;
  assert.deepEqual(Object.keys(body).sort(), ['brains_code', 'code', 'details', 'error'], `error body keys: ${content[0]!.text}`);
  return body;
}

/** The tool error as one line, "BRAINS_CODE: message", as the tests read it. */
export function errorLine(content: Array<{ text: string }>): string {
  const body = errorBodyOf(content);
  return `${body.brains_code}: ${body.error}`;
}

/** A call that must fail, and its error body. */
export async function callErrorBody(mcp: Mcp, name: string, args: Record<string, unknown> = {}): Promise<ErrorBody> {
  const result = await mcp.client.callTool({ name, arguments: args });
  assert.equal(result.isError, true, `${name} should fail: ${JSON.stringify(result.structuredContent)}`);
  return errorBodyOf(result.content as Array<{ text: string }>);
}
