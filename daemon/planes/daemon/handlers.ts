// The daemon plane: graceful shutdown on request, backups, and housekeeping on demand.
import { daemonMethods } from '../../../rpc/contract/daemon.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import { backupNow, backupTarget } from './backup.js';
import { scheduledBackups } from './scheduled-backups.js';

export function daemonHandlers(deps: PlaneDeps): HandlersFor<typeof daemonMethods> {
  deps.addService(scheduledBackups(deps));
  return {
    'daemon.shutdown': (_params, ctx) => {
      ctx.afterResponse(() => deps.requestShutdown('requested by a client'));
      return { stopping: true, pid: process.pid };
    },
    'daemon.backup': ({ path }) => backupNow(deps, backupTarget(deps, path, 'manual'), 'manual'),
    'daemon.maintain': () => deps.maintain(),
  };
}
