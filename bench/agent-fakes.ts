// The vendor CLIs faked for the agents bench (test/fixtures): how each starts, and the handshake that shows it is up.
import { fileURLToPath } from 'node:url';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

export interface AgentFake {
  /** Its label in the figures. */
  name: string;
  backend: 'claude' | 'codex' | 'gemini';
  /** The daemon variable that points the backend at the fake. */
  pathVariable: string;
  file: string;
  /** A command line as the driver starts it. */
  args: readonly string[];
  /** The first line the driver writes; the fake's first line back answers it. */
  initialize: string;
}

export const AGENT_FAKES: readonly AgentFake[] = [
  {
    name: 'fake claude',
    backend: 'claude',
    pathVariable: 'BRAINS_CLAUDE_PATH',
    file: fixture('fake-claude.mjs'),
    args: ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--include-partial-messages', '--permission-prompt-tool', 'stdio'],
    initialize: JSON.stringify({ type: 'control_request', request_id: 'bench', request: { subtype: 'initialize', hooks: null } }),
  },
  {
    name: 'fake codex',
    backend: 'codex',
    pathVariable: 'BRAINS_CODEX_PATH',
    file: fixture('fake-codex.mjs'),
    args: ['app-server'],
    initialize: JSON.stringify({ id: 1, method: 'initialize', params: { clientInfo: { name: 'bench', version: '0' } } }),
  },
  {
    name: 'fake ACP agent (gemini)',
    backend: 'gemini',
    pathVariable: 'BRAINS_GEMINI_PATH',
    file: fixture('fake-acp.mjs'),
    args: ['--acp'],
    initialize: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: 1, clientCapabilities: {} } }),
  },
];
