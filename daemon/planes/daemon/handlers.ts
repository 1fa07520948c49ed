// The daemon plane: graceful shutdown on request, and housekeeping on demand.
import { daemonMethods } from '../../../rpc/contract/daemon.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';

export function daemonHandlers(deps: PlaneDeps): HandlersFor<typeof daemonMethods> {
  return {
    'daemon.shutdown': (_params, ctx) => {
      ctx.afterResponse(() => deps.requestShutdown('requested by a client'));
      return { stopping: true, pid: process.pid };
    },
    'daemon.maintain': () => deps.maintain(),
  };
}
