// The audit plane: read the trail and verify its chain.
import { auditMethods } from '../../../rpc/contract/audit.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';

export function auditHandlers(deps: PlaneDeps): HandlersFor<typeof auditMethods> {
  return {
    'audit.list': (filter) => {
      deps.audit.flush();
      return { rows: deps.store.audit.list(filter) };
    },
    'audit.verify': () => deps.audit.verify(),
  };
}
