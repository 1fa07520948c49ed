// `brains doctor`: checks the install, the state dir, the daemon, the database, ports, wired tools, agent CLIs and the clock, each with a fix.
import { statePaths, type StatePaths } from '../../rpc/paths.js';
import { existsSync } from 'node:fs';
import { agentCliChecks } from '../doctor/agent-clis.js';
import { backupChecks, backupFacts } from '../doctor/backups.js';
import { check, exitCodeOf, type Check, type CheckGroup } from '../doctor/check.js';
import { clockChecks } from '../doctor/clock.js';
import { probeDaemon, daemonChecks } from '../doctor/daemon.js';
import { databaseChecks, type DatabaseReport } from '../doctor/database.js';
import { diskCheck } from '../doctor/disk.js';
import { nodeCheck } from '../doctor/node.js';
import { portChecks } from '../doctor/ports.js';
import { humanReport, jsonReport } from '../doctor/report.js';
import { stateChecks } from '../doctor/state-dir.js';
import { wireChecks } from '../doctor/wired.js';
import { EXIT } from './exit-codes.js';
import { parseFlags } from './flags.js';
import { colourFor } from './human.js';

/** A check that throws is itself a finding: the rest still run and are reported. */
async function guarded(group: CheckGroup, run: () => Check[] | Check | Promise<Check[] | Check>): Promise<Check[]> {
  try {
    return [await run()].flat();
  } catch (error) {
    return [check(group, 'failed', 'problem', `doctor could not check ${group}: ${(error as Error).message}`, { fix: 'report this as a bug in brains, with this output' })];
  }
}

/** Every check, in the order they are printed; never starts the daemon. */
export async function runChecks(paths: StatePaths, env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const probe = await probeDaemon(paths);
  const slow = Promise.all([guarded('ports', () => portChecks(probe, env)), guarded('wire', wireChecks), guarded('agents', () => agentCliChecks(env))]);
  let database: DatabaseReport = { checks: [], newestEvent: null };
  const databaseFound = await guarded('database', () => {
    database = databaseChecks(paths, probe.state !== 'down');
    return database.checks;
  });
  const [ports, wire, agents] = await slow;
  return [
    nodeCheck(),
    ...(await guarded('state', () => stateChecks(paths))),
    ...daemonChecks(probe, paths),
    ...databaseFound,
    ...(await guarded('backups', () => backupChecks(backupFacts(paths), existsSync(paths.db)))),
    ...(await guarded('disk', () => diskCheck(paths.home))),
    ...ports,
    ...wire,
    ...agents,
    ...clockChecks(Date.now(), database.newestEvent, probe.state === 'up' ? probe.time : null),
  ];
}

export async function doctorCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('doctor', argv, { json: { type: 'boolean' } });
  if (!parsed) return EXIT.USAGE;
  if (parsed.values.help) return (await import('./help.js')).helpCommand(['doctor']);
  const checks = await runChecks(statePaths());
  if (parsed.values.json) process.stdout.write(`${JSON.stringify(jsonReport(checks), null, process.stdout.isTTY ? 2 : undefined)}\n`);
  else process.stdout.write(humanReport(checks, colourFor(process.stdout)));
  return exitCodeOf(checks);
}
