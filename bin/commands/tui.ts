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
  if (values.agent !== undefined && values.project === undefined) return usage('--agent needs --project (an agent name is per project)');
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write('brains tui: needs a terminal; in a script or a pipe use `brains watch`, `brains status` or `brains inbox`\n');
    return EXIT.USAGE;
  }
  dropCiMarkers(process.env);
  // React picks its build when first loaded: the development one checks every render and is several times slower.
  process.env.NODE_ENV ??= 'production';
  // Said before the cockpit takes the screen, where a line on stderr would be drawn over.
  if (!values['no-start'] && stoppedByUser(statePaths()) && !(await isDaemonAnswering(statePaths().socket))) sayStartingStopped();
  const { runCockpit } = await import('../../tui/main.js');
  return runCockpit({
    autoStart: !values['no-start'],
    bell: !values['no-bell'],
    ...(pane ? { only: pane as PaneName } : {}),
    ...(values.agent ? { agent: values.agent } : {}),
    ...(values.project ? { project: values.project } : {}),
    ...(extra.banner ? { banner: extra.banner } : {}),
  });
}

function usage(message: string): number {
  process.stderr.write(`brains tui: ${message}\nusage: ${usageOf('tui')}\n`);
  return EXIT.USAGE;
}
