// The audit plane: read the trail and verify its chain.
import { auditMethods } from '../../../rpc/contract/audit.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';

export function auditHandlers(deps: PlaneDeps): HandlersFor<typeof auditMethods> {
  return {
    'audit.list': (filter, ctx) => {
      const confined = deps.access.confinedTo(ctx.principal);
      if (confined !== null && filter.subject !== undefined && filter.subject !== confined) deps.access.requireMaySee(ctx.principal, filter.subject, 'that audit trail');
      return { rows: deps.store.audit.list(confined === null ? filter : { ...filter, subject: confined }) };
    },
    'audit.verify': () => deps.audit.verify(),
  };
}
