// The MCP tokens plane: mint a per-agent bearer token for the MCP HTTP endpoint; only its hash is kept.
import { mcpMethods } from '../../../rpc/contract/mcp.js';
import { OPERATOR } from '../../../rpc/contract/common.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { HandlersFor } from '../shared/call.js';
import { newAgentToken, secretHash } from '../../principals/credentials.js';
import { requireProject } from '../shared/guards.js';
import type { PlaneDeps } from '../shared/deps.js';

export function mcpTokensHandlers(deps: PlaneDeps): HandlersFor<typeof mcpMethods> {
  return {
    'mcp.token': ({ project_id, agent_name }) => {
      if (agent_name === OPERATOR) throw new BrainsError('INVALID', 'the operator uses the admin key (keys/admin.key), not a per-agent token; name an agent');
      const token = newAgentToken();
      const created_at = new Date().toISOString();
      const replaced = deps.mutate((emit) => {
        requireProject(deps.store, project_id);
        const had = deps.store.mcpTokens.replace({ token_hash: secretHash(token), project_id, agent_name, created_at });
        emit('mcp.token_minted', project_id, { agent_name, replaced: had });
        return had;
      });
      return { token, project_id, agent_name, created_at, replaced };
    },
  };
}
