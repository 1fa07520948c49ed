// `brains tui`: the cockpit on this terminal, all panes or one (`--pane`), attached to the daemon (started if needed).
import { usageOf } from '../command-table.js';
import { EXIT } from './exit-codes.js';
import { parseFlags } from './flags.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { PANES, type PaneName } from '../../tui/keys.js';
import { dropCiMarkers } from '../../tui/terminal/ci-markers.js';
import { isDaemonAnswering } from '../../rpc/autostart.js';
import { statePaths } from '../../rpc/paths.js';
import { stoppedByUser } from '../../rpc/stopped.js';
import { sayStartingStopped } from './connect.js';
import { Refusal, withDaemon } from './daemon-call.js';
import { NAME, checkedProject, projectOfAgent, shown } from './agent-target.js';

export async function tuiCommand(argv: string[], extra: { banner?: string } = {}): Promise<number> {
  const parsed = parseFlags('tui', argv, {
    pane: { type: 'string' },
    agent: { type: 'string' },
    project: { type: 'string' },
    'no-bell': { type: 'boolean' },
    'no-start': { type: 'boolean' },
  });
  if (!parsed) return EXIT.USAGE;
  const { values } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['tui']);
  const pane = values.pane;
  if (pane !== undefined && !(PANES as readonly string[]).includes(pane)) {
    const near = nearestName(pane, PANES);
    return usage(`no pane ${JSON.stringify(pane.length > 40 ? `${pane.slice(0, 40)}…` : pane)}${near ? `; did you mean ${near}?` : ''} (panes: ${PANES.join(', ')})`);
  }
  for (const flag of ['agent', 'project'] as const) {
    const name = values[flag];
    if (name !== undefined && !NAME.test(name)) return usage(`--${flag} takes ${flag === 'agent' ? 'an agent name' : 'a project id'} (letters, digits, _ or -), not ${JSON.stringify(shown(name))}`);
  }
  let project = values.project;
  if (values.agent !== undefined || project !== undefined) {
    const checked = await checkTarget(values.agent, project, values['no-start'] ?? false);
    if (typeof checked === 'number') return checked;
    project = checked;
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write('brains tui: needs a terminal; in a script or a pipe use `brains watch`, `brains status` or `brains inbox`\n');
    return EXIT.USAGE;
  }
  dropCiMarkers(process.env);
  // React picks its build when first loaded: the development one checks every render and is several times slower.
  process.env.NODE_ENV ??= 'production';
  // Said before the cockpit takes the screen, where a line on stderr would be drawn over.
  if (!values['no-start'] && stoppedByUser(statePaths()) && !(await isDaemonAnswering(statePaths().socket))) sayStartingStopped();
  // The model connects and reads the daemon while the screen's modules (Ink, React, the panes) load, which takes longest.
  const { startCockpit } = await import('../../tui/start.js');
  const started = startCockpit({ autoStart: !values['no-start'], bell: !values['no-bell'] });
  let runCockpit: typeof import('../../tui/main.js').runCockpit;
  try {
    ({ runCockpit } = await import('../../tui/main.js'));
  } catch (error) {
    await started.cockpit.stop();
    throw error;
  }
  return runCockpit({
    started,
    autoStart: !values['no-start'],
    bell: !values['no-bell'],
    ...(pane ? { only: pane as PaneName } : {}),
    ...(values.agent ? { agent: values.agent } : {}),
    ...(project ? { project } : {}),
    ...(extra.banner ? { banner: extra.banner } : {}),
  });
}

/**
 * --agent and --project checked against the daemon before the cockpit starts: a wrong name would otherwise show
 * "loading…" or an empty conversation whose every send fails. Without --project, the one project the agent is in (as
 * brains send does). Resolves to the project, or to the exit code of a refusal (a usage error) or of no daemon.
 */
async function checkTarget(agent: string | undefined, project: string | undefined, noStart: boolean): Promise<string | number> {
  let found: string | undefined;
  const code = await withDaemon('tui', { noStart, json: false }, async (client) => {
    try {
      found = agent === undefined ? await checkedProject(client, project!) : await projectOfAgent(client, agent, project);
    } catch (error) {
      if (error instanceof Refusal) throw new Refusal(error.appCode, error.message, EXIT.USAGE, error.details);
      throw error;
    }
    return EXIT.OK;
  });
  return found ?? code;
}

function usage(message: string): number {
  process.stderr.write(`brains tui: ${message}\nusage: ${usageOf('tui')}\n`);
  return EXIT.USAGE;
}
