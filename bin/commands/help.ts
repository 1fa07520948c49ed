// `brains --help` and `brains help CMD`: every command with its flags and examples, from one table.
import { readFileSync } from 'node:fs';
import { EXIT } from './exit-codes.js';
import { UNWIRE_DETAILS, UNWIRE_USAGE, WIRE_DETAILS, WIRE_USAGE } from './wire.js';

interface CommandHelp {
  usage: string;
  summary: string;
  details?: readonly string[];
  examples: string[];
}

const COMMANDS: Record<string, CommandHelp> = {
  up: {
    usage: 'brains up [--quiet]',
    summary: 'Start the daemon in the background (log and pidfile in the state dir) and show its status.',
    examples: ['brains up'],
  },
  down: {
    usage: 'brains down',
    summary: 'Stop the daemon gracefully: calls in flight are answered, the database closes cleanly.',
    examples: ['brains down'],
  },
  status: {
    usage: 'brains status [--json]',
    summary: 'Whether the daemon runs, with pid, uptime, socket, db and version. Exit 0 running, 3 not running.',
    examples: ['brains status', 'brains status --json | jq .pid'],
  },
  rpc: {
    usage: 'brains rpc METHOD [JSON | key=value ... | -] [--no-start] [--pretty|--compact]\n       brains rpc --list | --describe METHOD',
    summary: 'Call any method of the daemon; prints the result as JSON (pretty on a terminal, one line in a pipe).',
    details: [
      'Params: one JSON argument; or key=value pairs (value read as JSON when it parses, else a string; a.b=1 nests); or - to read JSON from stdin.',
      'Exit codes: 0 ok; 1 the method returned an error (the error object on stderr); 2 usage or invalid params; 3 daemon unreachable.',
      'Starts the daemon first when it is not running, unless --no-start.',
    ],
    examples: [
      'brains rpc system.ping',
      'brains rpc events.list after=0 limit=5',
      "brains rpc events.publish '{\"events\":[{\"type\":\"user.deploy\",\"subject\":\"api\"}]}'",
      'echo \'{"types":["daemon.*"]}\' | brains rpc events.wait -',
      'brains rpc --describe events.subscribe',
    ],
  },
  watch: {
    usage: 'brains watch [--types a,b] [--since SEQ] [--pretty] [--no-start]',
    summary: 'Stream events as JSON lines until interrupted; resumes after a daemon restart without losing events.',
    details: ['--types takes exact types (daemon.started), prefixes (user.*) or *. --since replays kept events after SEQ first.'],
    examples: ['brains watch', 'brains watch --types user.*,daemon.* --since 0 --pretty'],
  },
  daemon: {
    usage: 'brains daemon [--log-format human|json] [--log-level debug|info|warn|error] [--event-retention 7d|off]\n                     [--event-retention-max N|off] [--maintenance-interval 60s] [--max-frame-bytes N]\n                     [--mcp-port 9877|0|off] [--mcp-idle 1h]',
    summary: 'Run the daemon in the foreground (a tmux pane, systemd); logs one line per entry to stderr.',
    details: [
      'Each flag has an environment variable: BRAINS_LOG_FORMAT, BRAINS_LOG_LEVEL, BRAINS_EVENT_RETENTION, BRAINS_EVENT_RETENTION_MAX,',
      'BRAINS_MAINTENANCE_INTERVAL, BRAINS_MAX_FRAME_BYTES, BRAINS_MCP_PORT, BRAINS_MCP_IDLE. SIGTERM or SIGINT stops it gracefully.',
    ],
    examples: ['brains daemon', 'brains daemon --log-format json --event-retention 3d'],
  },
  mcp: {
    usage: 'brains mcp [--no-start]',
    summary: 'An MCP server on stdio for an agent tool; every tool call goes to the daemon (started if needed).',
    details: [
      'Tools are generated from the contract, under Brainstorm\'s names (create_project, join_project, send_message, receive_messages, ...).',
      'After status, join_project or start_session the MCP session is bound to that agent, so later calls may omit agent_name.',
    ],
    examples: ['brains mcp', 'claude mcp add brains -- brains mcp'],
  },
  wire: {
    usage: WIRE_USAGE,
    summary: 'Register brains with every detected agent tool (Claude Code, Codex, Copilot, Gemini, Cursor, VS Code, Claude Desktop).',
    details: WIRE_DETAILS,
    examples: ['brains wire --dry-run', 'brains wire', 'brains wire --status', 'brains wire --tool codex --no-rules'],
  },
  unwire: {
    usage: UNWIRE_USAGE,
    summary: 'Remove exactly what brains wire added; files nobody else changed come back byte for byte.',
    details: UNWIRE_DETAILS,
    examples: ['brains unwire', 'brains unwire --tool cursor'],
  },
  hook: {
    usage: 'brains hook session-start|user-prompt-submit|stop|session-end [--tool claude-code|codex] [--no-start]',
    summary: 'Run by Claude Code / Codex on their hook events (installed by brains wire): tells the agent only what is new.',
    details: [
      'Registers the session, then adds unread mail, decisions and expiring locks to the agent\'s context, once each;',
      'blocks Stop once for a message that expects a reply. Reads the hook JSON on stdin; always exits 0; silent when there is nothing to say.',
    ],
    examples: ['echo \'{"session_id":"s1","cwd":"/work/api","hook_event_name":"SessionStart"}\' | brains hook session-start'],
  },
  tui: {
    usage: 'brains tui',
    summary: 'The cockpit (not built yet; use brains watch meanwhile).',
    examples: ['brains tui'],
  },
  help: {
    usage: 'brains help [COMMAND]',
    summary: 'This help, or one command in full.',
    examples: ['brains help rpc'],
  },
};

export function helpCommand(args: string[]): number {
  const name = args[0];
  if (name !== undefined) {
    const entry = COMMANDS[name];
    if (!entry) {
      process.stderr.write(`brains help: no command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
      return EXIT.USAGE;
    }
    process.stdout.write(formatOne(entry));
    return EXIT.OK;
  }
  const lines = [
    'brains — one local daemon that coordinates your coding agents; every face is a client of its JSON-RPC socket.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([cmd, entry]) => `  ${cmd.padEnd(8)}${entry.summary}`),
    '',
    'Examples:',
    ...Object.values(COMMANDS).flatMap((entry) => entry.examples.slice(0, 1).map((example) => `  ${example}`)),
    '',
    'State lives in $BRAINS_HOME (default ~/.brains): brains.db, brains.sock, daemon.pid, logs/.',
    'brains help COMMAND shows a command in full.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  return EXIT.OK;
}

function formatOne(entry: CommandHelp): string {
  return [
    `usage: ${entry.usage}`,
    '',
    entry.summary,
    ...(entry.details ? ['', ...entry.details] : []),
    '',
    'Examples:',
    ...entry.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}

export function versionCommand(): number {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`brains ${pkg.version}\n`);
  return EXIT.OK;
}
