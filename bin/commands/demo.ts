// `brains demo`: a demo project with three managed echo agents at work, so the cockpit is alive on a first run; --stop, --clean, --status.
import { usageOf } from '../command-table.js';
import { EXIT } from './exit-codes.js';
import { parseFlags } from './flags.js';
import { DemoError, cleanDemo, demoStatus, startDemo, stopDemo, type DemoStarted } from './demo-control.js';
import { demoIntervalMs } from './demo-handshake.js';

export async function demoCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('demo', argv, {
    stop: { type: 'boolean' },
    clean: { type: 'boolean' },
    status: { type: 'boolean' },
    json: { type: 'boolean' },
    driver: { type: 'boolean' },
  });
  if (!parsed) return EXIT.USAGE;
  const { values } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['demo']);
  if (values.driver) return (await import('./demo-driver.js')).runDemoDriver();
  const actions = (['stop', 'clean', 'status'] as const).filter((flag) => values[flag]);
  if (actions.length > 1) return usage(`--${actions[0]} and --${actions[1]} do not go together`);
  const json = values.json ?? false;
  const print = (data: object, text: string) => process.stdout.write(json ? `${JSON.stringify(data)}\n` : text);
  try {
    switch (actions[0]) {
      case 'status': {
        const status = demoStatus();
        print(status, status.running ? `brains demo: running (pid ${status.pid}), project ${status.project_id}; log ${status.log}\n` : 'brains demo: not running; start it with brains demo\n');
        return status.running ? EXIT.OK : EXIT.UNREACHABLE;
      }
      case 'stop': {
        const result = await stopDemo();
        print(result, result.stopped ? `brains demo stopped (pid ${result.pid}).\n` : 'brains demo was not running.\n');
        return EXIT.OK;
      }
      case 'clean': {
        const result = await cleanDemo();
        print(result, `${result.stopped ? 'brains demo stopped; ' : ''}the demo's agents, its project and everything in it were removed.\n`);
        return EXIT.OK;
      }
      default: {
        const started = await startDemo();
        print(started, started.started ? startedText(started) : `brains demo is already running (pid ${started.pid}); stop it with brains demo --stop.\n`);
        return EXIT.OK;
      }
    }
  } catch (error) {
    if (!(error instanceof DemoError)) throw error;
    if (json) process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
    process.stderr.write(`brains demo: ${error.message}\n`);
    return EXIT.METHOD_ERROR;
  }
}

/** What a newcomer can try next, as command and what it shows; README's "Try the demo" shows the same commands. */
export function demoTips(project: string): Array<[command: string, what: string]> {
  return [
    // Plain watch: one readable line per event on a terminal (--pretty would print each event as indented JSON).
    ['brains watch', 'what they do, live'],
    ['brains rpc agent.send agent_name=backend text=hello', "type into backend's conversation"],
    ['brains rpc agent.history agent_name=backend', 'what you typed and its answer (echo says it back)'],
    [`brains rpc message.send project_id=${project} to_agent=backend payload='"hello"'`, 'backend answers you by message'],
    [`brains rpc message.receive project_id=${project}`, 'your inbox: their questions, and answers to you'],
    ['brains rpc approval.list status=pending', 'the handoff waiting for your approval'],
    ['brains demo --stop', 'stop the script (the agents stay; --clean removes them and the project)'],
  ];
}

function startedText(started: DemoStarted): string {
  const agents = started.agents.map((a) => a.name);
  const backends = [...new Set(started.agents.map((a) => a.backend))].join('/');
  const project = started.project_id;
  const tips = demoTips(project);
  const width = Math.max(...tips.map(([command]) => command.length)) + 2;
  return [
    `brains demo started (pid ${started.pid}): project ${project} with ${agents.slice(0, -1).join(', ')} and ${agents.at(-1)}, ${backends} agents the daemon runs, busy every ${demoIntervalMs() / 1000}s.`,
    '',
    'Try:',
    ...tips.map(([command, what]) => `  ${command.padEnd(width)}${what}`),
    '',
  ].join('\n');
}

function usage(message: string): number {
  process.stderr.write(`brains demo: ${message}\nusage: ${usageOf('demo')}\n`);
  return EXIT.USAGE;
}
