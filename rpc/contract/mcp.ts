// Contract of MCP HTTP auth: minting the per-agent bearer token that holds an MCP HTTP session to one agent of one project.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods } from './define.js';
import { identifier } from './common.js';

export const mcpMethods = defineMethods({
  'mcp.token': {
    summary: 'Mint the bearer token an agent presents to the MCP HTTP endpoint; it holds that session to this agent of this project.',
    description:
      'The token is returned once and only its hash is stored, so it survives daemon and agent restarts until it is minted again: ' +
      'minting again for the same project and agent replaces it (the old one stops working). A session with the token cannot act as ' +
      'another agent or in another project (PERMISSION_DENIED); the admin key in keys/admin.key acts as the operator. The project must exist; ' +
      'the agent need not have joined yet. Not offered as an MCP tool: the operator (socket) mints tokens.',
    params: z
      .object({
        project_id: identifier,
        agent_name: identifier.describe('The agent the token speaks for; not operator (the operator uses the admin key).'),
      })
      .strict(),
    result: z.object({
      token: z.string().describe('The bearer token: send it as Authorization: Bearer <token>. Shown only now.'),
      project_id: z.string(),
      agent_name: z.string(),
      created_at: z.string(),
      replaced: z.boolean().describe('True when an earlier token for this agent was revoked by this one.'),
    }),
    emits: ['mcp.token_minted'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
});
