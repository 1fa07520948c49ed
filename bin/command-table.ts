// Every `brains` subcommand declared once: dispatch, `brains --help` and `brains help CMD` all read this table.
// It stays light (strings and lazy imports only), because `brains rpc` loads it on every run.

/** One `brains` subcommand: how it is called, what help says about it, and how to run it. */
export interface Command {
  readonly name: string;
  /** Other words that run the same command (`--help`, `-V`); never shown in the overview. */
  readonly aliases?: readonly string[];
  readonly usage: string;
  /** One line for the overview. */
  readonly summary: string;
  readonly details?: readonly string[];
  /** The first one is also the command's example in the overview. */
  readonly examples: readonly string[];
  /** Left out of the overview; still dispatched and shown by `brains help NAME`. */
  readonly hidden?: boolean;
  /** Imports only this command's module and runs it; resolves to the exit code. */
  readonly run: (args: string[]) => Promise<number>;
}

type CommandSpec = Omit<Command, 'name'>;

/** The flags of `brains daemon`, which `brains up` passes on (daemon/config.ts checks them; a unit test keeps the two equal). */
const DAEMON_FLAGS_USAGE =
  '[--log-format human|json] [--log-level debug|info|warn|error] [--event-retention 7d|off]\n                     [--event-retention-max N|off] [--maintenance-interval 60s] [--max-frame-bytes N]\n                     [--mcp-port 9877|0|off] [--mcp-idle 1h] [--gateway-port 8787|0|off]';

const TABLE = {
  up: {
    usage: `brains up [--quiet] ${DAEMON_FLAGS_USAGE}`,
    summary: 'Start the daemon in the background (log and pidfile in the state dir) and show its status.',
    details: [
      'Takes every flag brains daemon takes and starts the daemon with them; a daemon already running keeps its own (brains down first).',
      'Clears the stop that brains down left: agents (brains mcp) and hooks reach the daemon again, and start it if it stops on its own.',
    ],
    examples: ['brains up', 'brains up --mcp-port 9900 --log-level debug'],
    run: async (args) => (await import('./commands/lifecycle.js')).upCommand(args),
  },
  down: {
    usage: 'brains down',
    summary: 'Stop the daemon gracefully: calls in flight are answered, the database closes cleanly.',
    details: [
      'It stays stopped until brains up: agents (brains mcp) and hooks do not start it again; their tool calls answer',
      '"brains is stopped; run brains up". A command you type (brains rpc, brains tui, brains inbox ...) still starts it, and says so.',
    ],
    examples: ['brains down'],
    run: async (args) => (await import('./commands/lifecycle.js')).downCommand(args),
  },
  status: {
    usage: 'brains status [--json | --tmux]',
    summary: 'Whether the daemon runs: pid, uptime, version, paths, MCP HTTP endpoint, live sessions. Exit 0 running, 3 not running.',
    details: [
      'Never starts the daemon. MCP HTTP shows its URL, or why it is off (--mcp-port off, or the port was taken at start).',
      '--tmux prints one short line for tmux status-right: brains ⚑2 ✉3 (2 approvals wait for you, 3 unread messages), brains ✓ when',
      'nothing waits, brains ○ when the daemon is not running (or brains ? when it does not answer within 2 seconds).',
    ],
    examples: ['brains status', 'brains status --json | jq .mcp_http', "tmux set -g status-right '#(brains status --tmux)'"],
    run: async (args) => (await import('./commands/lifecycle.js')).statusCommand(args),
  },
  service: {
    usage: `brains service install ${DAEMON_FLAGS_USAGE}\n       brains service uninstall [--stop]\n       brains service status [--json]`,
    summary: 'Run the daemon as a user service (systemd on Linux, launchd on macOS): started at login, restarted if it crashes.',
    details: [
      'install writes ~/.config/systemd/user/brains.service (or ~/Library/LaunchAgents/dev.brains.daemon.plist) to run this node and',
      'this brains with the daemon flags given, then enables and starts it; the log is $BRAINS_HOME/logs/daemon.log. A state dir other',
      'than ~/.brains gets a name of its own (brains-1a2b3c4d.service). A file brains did not write is never overwritten.',
      'Once installed, brains up and brains down (and agents starting the daemon) ask the service manager. uninstall disables and',
      'removes the file; the daemon keeps running unless --stop. With no service manager reachable (a container), install still',
      'writes the file and says so (exit 1). status: exit 0 installed and running, 3 not installed or not running, 1 a manager error.',
      'BRAINS_SERVICE_MANAGER=systemd|launchd picks the manager instead of the platform (for tests and unusual setups).',
    ],
    examples: ['brains service install', 'brains service install --mcp-port 9900 --log-level debug', 'brains service status', 'brains service uninstall --stop'],
    run: async (args) => (await import('./commands/service.js')).serviceCommand(args),
  },
  rpc: {
    usage:
      'brains rpc METHOD [JSON | key=value ... | -] [--no-start] [--pretty|--compact]\n       brains rpc --list [--json] | --describe METHOD [--compact|--json] | --events | --describe-event TYPE',
    summary: 'Call any method of the daemon; prints the result as JSON (pretty on a terminal, one line in a pipe).',
    details: [
      'Params: one JSON argument; or key=value pairs (value read as JSON when it parses, else a string; a.b=1 nests); or - to read JSON from stdin.',
      'Exit codes: 0 ok; 1 the method returned an error (the error object on stderr); 2 usage or invalid params; 3 daemon unreachable.',
      'Starts the daemon first when it is not running, unless --no-start.',
      '--list shows every method under its plane: required params, MCP tool (- when none), summary; --json gives them as JSON.',
      '--describe METHOD: its typed params, MCP tool and an example call, then its JSON Schemas (one line with --compact; alone with --json).',
      '--events lists every event type a subscriber can receive (the event catalogue); --describe-event TYPE gives its data schema.',
    ],
    examples: [
      'brains rpc system.ping',
      'brains rpc events.list after=0 limit=5',
      "brains rpc events.publish '{\"events\":[{\"type\":\"user.deploy\",\"subject\":\"api\"}]}'",
      'echo \'{"types":["daemon.*"]}\' | brains rpc events.wait -',
      'brains rpc --describe events.subscribe',
    ],
    run: async (args) => (await import('./commands/rpc.js')).rpcCommand(args),
  },
  watch: {
    usage: 'brains watch [--types a,b] [--since SEQ] [--human | --json | --pretty] [--no-start]',
    summary: 'Stream events until interrupted: a readable line each on a terminal, JSON lines in a pipe; resumes after a daemon restart.',
    details: [
      '--types takes exact types (daemon.started), prefixes (user.*) or *. --since replays kept events after SEQ first.',
      'On a terminal (or with --human) each event is one line: local time, type, who, and what happened (a message\'s preview, a lock\'s',
      "key and holder, an approval's title and status), after a first line saying which seq it watches from; colour unless NO_COLOR.",
      'In a pipe (or with --json) each event is one JSON object per line, as scripts expect; --pretty prints each indented.',
      'When the daemon restarts it reconnects from the last seq it printed (it never starts one on reconnect).',
    ],
    examples: ['brains watch', 'brains watch --types user.*,daemon.* --since 0 --pretty', "brains watch --json --types 'message.*' | jq .data.preview"],
    run: async (args) => (await import('./commands/watch.js')).watchCommand(args),
  },
  inbox: {
    usage: 'brains inbox [--project P] [--all] [--limit N] [--json] [--no-start]',
    summary: "The operator's inbox across projects: unread messages, newest first (--all adds read ones). Listing marks nothing read.",
    details: [
      'One line per message: its delivery state (pending, delivered, acked, dead, expired), age, project, sender and a preview; ↩ marks a',
      'message whose sender expects a reply (answer with brains send). Listing is not receiving: nothing is marked delivered or read;',
      'acknowledge with brains rpc message.ack project_id=P message_id=ID (the ids are in --json). --limit: default 50, at most 200.',
      '--json prints the message.inbox result as one JSON document.',
      'Exit codes: 0 ok; 1 the daemon refused (an unknown project); 2 usage; 3 daemon unreachable. Starts the daemon unless --no-start.',
    ],
    examples: ['brains inbox', 'brains inbox --all --project api-v2', 'brains inbox --json | jq .total_unread'],
    run: async (args) => (await import('./commands/inbox.js')).inboxCommand(args),
  },
  send: {
    usage: 'brains send AGENT TEXT... [--project P] [--json] [--no-start]',
    summary: 'Send AGENT a message from you (the operator) that expects a reply; the project is found when AGENT is in only one.',
    details: [
      'TEXT is the payload: several words are joined with spaces, and - reads it from stdin. Without --project, the one project AGENT',
      'is a member of is used; when it is in several, the command names them and asks for --project.',
      'Exit codes: 0 sent; 1 no such agent or project (the nearest names are suggested) or the daemon refused; 2 usage; 3 daemon unreachable.',
    ],
    examples: ["brains send backend 'Is the schema final?'", 'brains send frontend --project web ship it', 'git diff | brains send reviewer - --project api-v2'],
    run: async (args) => (await import('./commands/send.js')).sendCommand(args),
  },
  approvals: {
    usage: 'brains approvals [--all] [--project P] [--json] [--no-start]',
    summary: 'Approvals and handoffs waiting for your decision, oldest first (--all adds decided and cancelled ones).',
    details: [
      'One line each: id, kind (approval or handoff), project, requester, age and title. Decide with brains approve ID or brains deny ID;',
      'brains rpc approval.get approval_id=ID shows one in full. --json prints {approvals, total} as one JSON document.',
      'Exit codes: 0 ok; 1 the daemon refused; 2 usage; 3 daemon unreachable. Starts the daemon unless --no-start.',
    ],
    examples: ['brains approvals', 'brains approvals --all --json'],
    run: async (args) => (await import('./commands/approvals.js')).approvalsCommand(args),
  },
  approve: {
    usage: 'brains approve ID [--comment TEXT] [--json] [--no-start]',
    summary: 'Approve a pending approval or handoff (approval-7, or just 7); the agent that asked is told at once.',
    details: [
      'Calls approval.decide with decision approve. An approval with options of its own is decided with',
      'brains rpc approval.decide approval_id=ID decision=OPTION.',
      'Exit codes: 0 decided; 1 no such approval, or already decided; 2 usage; 3 daemon unreachable.',
    ],
    examples: ['brains approve approval-7', "brains approve 7 --comment 'ship it'"],
    run: async (args) => (await import('./commands/approvals.js')).decideCommand('approve', args),
  },
  deny: {
    usage: 'brains deny ID [--comment TEXT] [--json] [--no-start]',
    summary: 'Deny a pending approval or handoff (approval-7, or just 7); the comment tells the agent what to change.',
    details: [
      'Calls approval.decide with decision deny.',
      'Exit codes: 0 decided; 1 no such approval, or already decided; 2 usage; 3 daemon unreachable.',
    ],
    examples: ["brains deny approval-7 --comment 'add tests first'"],
    run: async (args) => (await import('./commands/approvals.js')).decideCommand('deny', args),
  },
  backup: {
    usage: 'brains backup [FILE | FOLDER] [--json]',
    summary: 'Write one archive of the state (database, keys, config) while the daemon runs; prints what it holds.',
    details: [
      'The database is copied with SQLite\'s online backup on a thread of its own, as one moment of it, while agents and the cockpit carry',
      'on (the running daemon does it; with no daemon running the CLI copies the file itself and starts none).',
      'FILE must not exist (a backup never overwrites); a FOLDER gets brains-<time>.tar.gz inside it; default $BRAINS_HOME/backups/.',
      'The archive (0600) is gzip over tar: tar tzf lists brains-backup.json (what it holds), brains.db, keys/, config files, checksums.json.',
      'Scheduled backups: brains rpc config.set key=backup_every_hours value=24 (backup_keep: how many are kept, default 7).',
      'Exit codes: 0 written; 1 could not (the reason and what to do on stderr); 2 usage.',
    ],
    examples: ['brains backup', 'brains backup ~/brains-before-upgrade.tar.gz', 'brains backup /mnt/usb --json | jq .counts'],
    run: async (args) => (await import('./commands/backup.js')).backupCommand(args),
  },
  restore: {
    usage: 'brains restore FILE [--check] [--json]',
    summary: 'Put a backup back: check it, stop the daemon, keep the current state aside, restore, start, verify the audit chain.',
    details: [
      'First the archive is unpacked beside the state and checked: a brains backup, every checksum, SQLite\'s quick_check, a schema',
      'version this brains understands, its audit key present, room on the disk. Any problem: a clear error, and nothing is changed.',
      'Then the daemon is stopped (agents do not start it meanwhile), the current state is moved to $BRAINS_HOME/backups/replaced-<time>/,',
      'the backup put in its place, the daemon started (migrating an older schema) and audit.verify run. A daemon that will not start',
      'on the restored state gets the previous state back. --check only checks the archive and changes nothing.',
      'Exit codes: 0 restored (or checked) and the audit chain verifies; 1 refused, failed, or the chain does not verify; 2 usage.',
    ],
    examples: ['brains restore ~/.brains/backups/brains-20261130T120000Z.tar.gz', 'brains restore backup.tar.gz --check'],
    run: async (args) => (await import('./commands/backup.js')).restoreCommand(args),
  },
  daemon: {
    usage: `brains daemon ${DAEMON_FLAGS_USAGE}`,
    summary: 'Run the daemon in the foreground (a tmux pane, systemd); logs one line per entry to stderr.',
    details: [
      'Each flag has an environment variable: BRAINS_LOG_FORMAT, BRAINS_LOG_LEVEL, BRAINS_EVENT_RETENTION, BRAINS_EVENT_RETENTION_MAX,',
      'BRAINS_MAINTENANCE_INTERVAL, BRAINS_MAX_FRAME_BYTES, BRAINS_MCP_PORT, BRAINS_MCP_IDLE, BRAINS_GATEWAY_PORT. SIGTERM or SIGINT stops it gracefully.',
    ],
    examples: ['brains daemon', 'brains daemon --log-format json --event-retention 3d'],
    run: async (args) => (await import('./commands/daemon.js')).daemonCommand(args),
  },
  logs: {
    usage: 'brains logs [-n N | --all] [-f] [--level debug|info|warn|error] [--json] [--demo]',
    summary: 'The daemon log: its last lines (50), every kept file, or new lines as they come. Never starts the daemon.',
    details: [
      'Reads $BRAINS_HOME/logs/daemon.log, written by a daemon started with brains up or by a command that starts it, and reads',
      'back into the rotated daemon.log.1, .2 ... when -n asks for more; --all prints every kept file, oldest first. The daemon',
      'rotates its log past log_max_bytes (10 MiB) and keeps log_keep_files (5) copies: brains rpc config.set key=log_keep_files value=10.',
      '--level keeps lines at or above that level. Lines in neither log format (a crash trace) are shown as they are and count as error.',
      '--json prints each line as one object {time, level, msg, ...fields}; a line in neither format as {level: "error", msg, raw: true}.',
      '-f follows: prints new lines as they come, through rotations and a log that does not exist yet, until Ctrl-C.',
      '--demo reads brains demo\'s log (logs/demo.log) instead. Exit 1 when there is no log yet.',
    ],
    examples: ['brains logs', 'brains logs -f --level warn', 'brains logs -n 500 --json | jq -r .msg', 'brains logs --all --level error'],
    run: async (args) => (await import('./commands/logs.js')).logsCommand(args),
  },
  mcp: {
    usage: 'brains mcp [--no-start]',
    summary: 'An MCP server on stdio for an agent tool; every tool call goes to the daemon (started if needed).',
    details: [
      'After brains down it does not start the daemon: tool calls answer "brains is stopped; run brains up" until brains up.',
      "Tools are generated from the contract, under Brainstorm's names (create_project, join_project, send_message, receive_messages, ...).",
      'After status, join_project or start_session the MCP session is bound to that agent, so later calls may omit agent_name.',
    ],
    examples: ['brains mcp', 'claude mcp add brains -- brains mcp'],
    run: async (args) => (await import('./commands/mcp.js')).mcpCommand(args),
  },
  wire: {
    usage:
      'brains wire [--tool NAME]... [--transport stdio|http] [--no-rules] [--no-hooks] [--dry-run]\n       brains wire --status [--tool NAME]... [--json]',
    summary: 'Register brains with every detected agent tool (Claude Code, Codex, Copilot, Gemini, Cursor, VS Code, Claude Desktop).',
    details: [
      'Registers brains as an MCP server in the user-level config of every detected agent tool (or only those named with --tool:',
      'claude-code, codex, copilot, gemini, cursor, vscode, claude-desktop), adds a short "use brains" block to their instruction',
      'files (--no-rules to skip) and Claude Code / Codex hooks that run `brains hook <event>` (--no-hooks to skip).',
      "Transport: stdio (default) runs `brains mcp`; http points at the running daemon's real MCP HTTP URL (none: refused) with a key",
      'made for each tool (kept in $BRAINS_HOME/keys/mcp-clients.json): JSON configs carry it in an Authorization header (the file is',
      "made 0600), Codex reads it from BRAINS_MCP_TOKEN in ~/.codex/.env. A session with a tool's key keeps the agent name it takes in",
      'each project and never acts as the operator. unwire (or wiring the tool back to stdio) revokes the key. Claude Desktop is always stdio.',
      'A stdio entry sets BRAINS_TOOL and passes BRAINS_AGENT, BRAINS_CLIENT_ID, BRAINSTORM_CLIENT_ID and BRAINS_AGENT_TOKEN on where the',
      "tool would drop them: Codex by env_vars, Copilot CLI and Gemini CLI by ${VAR} in env (Claude Desktop passes none of them).",
      'Every change is backed up (<file>.bak-<timestamp>), written atomically, and recorded in $BRAINS_HOME/wire.json; a second run',
      'changes nothing, an entry an older wire wrote is updated in place, and one named brains that wire did not write is left alone',
      'and reported. Malformed files are left untouched, and that tool gets no rules or hooks either.',
      'Entries run `brains` when the brains on PATH is this install, else node and this checkout\'s script by absolute path (--status',
      'notes that moving the checkout or changing Node breaks those). --status checks that each command exists and each HTTP URL answers.',
      'Exit codes: 0 all good; 1 some tool failed or conflicted (the others are still wired); 2 usage.',
    ],
    examples: ['brains wire --dry-run', 'brains wire', 'brains wire --status', 'brains wire --tool codex --no-rules'],
    run: async (args) => (await import('./commands/wire.js')).wireCommand(args),
  },
  unwire: {
    usage: 'brains unwire [--tool NAME]... [--dry-run]',
    summary: 'Remove exactly what brains wire added; files nobody else changed come back byte for byte.',
    details: [
      'Removes what brains wire added, per its record: a file nobody changed since is restored byte for byte (or deleted when wire',
      'created it); otherwise only our entries, blocks and hooks are taken out and the rest of your edits stay. It lists the backups',
      '(<file>.bak-<timestamp>) it leaves next to those files, with their paths.',
    ],
    examples: ['brains unwire', 'brains unwire --tool cursor'],
    run: async (args) => (await import('./commands/wire.js')).unwireCommand(args),
  },
  doctor: {
    usage: 'brains doctor [--json]',
    summary: 'Check the install, state dir, daemon, database, ports, wired tools, agent CLIs and clock; each finding with its fix.',
    details: [
      'Checks, and says what to do about each finding: the Node.js version; the state dir (0700) and its private files (0600: the',
      'database, config.json, keys/*, the socket); the daemon (running, answering within 2 s, the same version and protocol as this',
      'CLI); the database (read-only: quick_check, its size and its write-ahead log, its schema version); free disk space; the MCP',
      'HTTP and gateway ports (listening, off, or taken by another process); every wired agent tool (its entry, its command, its URL);',
      'the agent CLIs on PATH (claude, codex, gemini, copilot, or BRAINS_*_PATH) and their versions; the clock against the newest event.',
      'Never starts the daemon; only reads. --json prints {ok, exit_code, checks: [{id, group, status, summary, detail, fix}]}.',
      'Exit codes: 0 all good (notes only); 1 warnings; 2 problems (or a usage error).',
    ],
    examples: ['brains doctor', "brains doctor --json | jq '.checks[] | select(.status != \"ok\")'"],
    run: async (args) => (await import('./commands/doctor.js')).doctorCommand(args),
  },
  hook: {
    usage: 'brains hook session-start|user-prompt-submit|stop|session-end [--tool claude-code|codex] [--no-start]',
    summary: 'Run by Claude Code / Codex on their hook events (installed by brains wire): tells the agent only what is new.',
    details: [
      "Registers the session, then adds unread mail, decisions and expiring locks to the agent's context, once each;",
      'blocks Stop once for a message that expects a reply. Reads the hook JSON on stdin; always exits 0; silent when there is nothing to say.',
    ],
    examples: ['echo \'{"session_id":"s1","cwd":"/work/api","hook_event_name":"SessionStart"}\' | brains hook session-start'],
    run: async (args) => (await import('./commands/hook.js')).hookCommand(args),
  },
  tui: {
    usage: 'brains tui [--pane sessions|conversation|inbox|locks|approvals|tasks|schedules|usage] [--agent NAME [--project P]] [--no-bell] [--no-start]',
    summary: 'The cockpit: every agent, its conversation, your inbox, locks, approvals, tasks, schedules and model usage, live, by keyboard.',
    details: [
      'Keys: 1-8 jump to a pane, Tab cycles, j/k move, / filters, : calls any method, ? lists every key, q quits.',
      'Approvals: a approves, d denies, c comments first. Conversation: i or Enter types to the agent, Enter sends.',
      '--pane runs one pane full-size, so a tmux layout can hold several cockpits; --no-bell keeps it quiet.',
      '--agent opens that agent\'s conversation: in --project P, or in the one project it is in; a wrong name is refused before the cockpit starts.',
    ],
    examples: ['brains tui', 'brains tui --pane approvals', 'brains tui --pane conversation --agent backend --project demo'],
    run: async (args) => (await import('./commands/tui.js')).tuiCommand(args),
  },
  demo: {
    usage: 'brains demo [--stop | --clean | --status] [--json]',
    summary: 'Start a demo project with three managed echo agents (planner, backend, frontend), so the cockpit is alive on a first run.',
    details: [
      'Starts the daemon if needed, then a driver process in the background (pid in $BRAINS_HOME/demo.pid, log in logs/demo.log). It creates',
      '(or takes up again) three managed agents of project demo on the built-in echo backend, run by the daemon, and acts as each through',
      'its token: every few seconds they message each other (and now and then you), take and release locks, claim and finish tasks, and keep',
      'one handoff waiting for your approval (each task and handoff once, so the project does not grow however long it runs). Type into one',
      'with brains rpc agent.send agent_name=backend text=hello (its answer streams into agent.history), or message it and it answers you.',
      'The driver survives the terminal closing and carries on when the daemon restarts. A second brains demo says it already runs.',
      '--stop ends the driver (its agents give back their locks and claimed tasks, and stay); --clean also removes the agents and the project.',
      '--status says whether it runs (exit 0 running, 3 not). BRAINS_DEMO_INTERVAL_MS sets the pace (default 3000).',
    ],
    examples: ['brains demo', 'brains demo --status', 'brains demo --stop', 'brains demo --clean'],
    run: async (args) => (await import('./commands/demo.js')).demoCommand(args),
  },
  start: {
    usage: 'brains start',
    summary: 'What npm start runs: the cockpit on a terminal (with the demo on a state dir never used), else brains up.',
    examples: ['brains start', 'npm start'],
    run: async (args) => (await import('./commands/start.js')).startCommand(args),
  },
  help: {
    aliases: ['--help', '-h'],
    usage: 'brains help [COMMAND]',
    summary: 'This help, or one command in full.',
    examples: ['brains help rpc'],
    run: async (args) => (await import('./commands/help.js')).helpCommand(args),
  },
  version: {
    aliases: ['--version', '-V'],
    usage: 'brains version [--json]',
    summary: 'Print the version of brains (also brains --version, -V); --json adds the protocol, schemas, daemon and optional parts.',
    details: [
      '--json: this build\'s version, protocol_version and schema_version; the database\'s schema (current, older: migrated after a backup at',
      'the next start, or newer); the running daemon\'s version and protocol (same_as_cli false: restart it with brains down && brains up);',
      'MCP HTTP, the gateway and scheduled backups. It never starts the daemon.',
    ],
    examples: ['brains --version', 'brains version --json | jq .daemon'],
    run: async (args) => (await import('./commands/version.js')).versionCommand(args),
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof TABLE;

/** `brains` with no command at all shows the overview. */
export const DEFAULT_COMMAND: CommandName = 'help';

/** Every command in overview order, hidden ones included. */
export const COMMANDS: readonly Command[] = Object.entries(TABLE).map(([name, spec]: [string, CommandSpec]) => ({ name, ...spec }));

const byWord = new Map<string, Command>(COMMANDS.flatMap((command) => [command.name, ...(command.aliases ?? [])].map((word) => [word, command] as const)));

/** The command a word names, by its name or one of its aliases. */
export function findCommand(word: string): Command | undefined {
  return byWord.get(word);
}

/** Every word that names a command: the candidates when suggesting a fix for a typo. */
export function commandWords(): string[] {
  return [...byWord.keys()];
}

/** A command's usage line(s), for the usage errors its own module prints. */
export function usageOf(name: CommandName): string {
  return TABLE[name].usage;
}
