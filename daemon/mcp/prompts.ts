// Brainstorm's ten prompts (list, status, create, join, broadcast, review, share, discuss, leave, archive) with live state
// injected. Every argument is optional: what is left out comes from the session (its names, its working directory), and
// what still cannot be known is asked for in the text, never refused.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { DaemonCall } from './caller.js';
import type { Args, Render, Self } from './prompt-common.js';
import { PromptState } from './prompt-state.js';
import { create, join, list, status } from './prompt-start.js';
import { archive, broadcast, discuss, leave, review, share } from './prompt-work.js';
import { describeFailure } from './results.js';

export { slug } from './prompt-common.js';

const projectArg = z.string().optional().describe('The project_id (default: the one project this session is in; asked for when that is not clear).');
const optionalAgent = z.string().optional().describe('Your agent name (default: the one this session is bound to).');

function text(body: string): GetPromptResult {
  return { messages: [{ role: 'user', content: { type: 'text', text: body } }] };
}

const PROMPTS: Array<{ name: string; description: string; args: Record<string, z.ZodType<string | undefined>>; render: Render }> = [
  { name: 'list', description: 'List the projects that exist (no arguments).', args: {}, render: list },
  { name: 'status', description: 'Your identity and unread counts across every project joined from your working directory.', args: { working_directory: z.string().optional().describe('Your project root (default: this session’s).') }, render: status },
  { name: 'create', description: 'Create a project and join it as coordinator; warns when the project_id is taken.', args: { name: z.string().optional().describe('Human-readable project name (asked for when left out).'), project_id: z.string().optional(), description: z.string().optional(), agent_name: optionalAgent }, render: create },
  { name: 'join', description: 'Join a project: its members with online state and the names still free.', args: { project_id: projectArg, agent_name: optionalAgent }, render: join },
  { name: 'broadcast', description: 'Send a message to every member: shows who receives it and whether a reply is expected.', args: { project_id: projectArg, message: z.string().optional().describe('What to say (asked for when left out).'), agent_name: optionalAgent }, render: broadcast },
  { name: 'review', description: 'Project dashboard: members online, your unread messages, resources, suggested next actions.', args: { project_id: projectArg, agent_name: optionalAgent }, render: review },
  { name: 'share', description: 'Store a resource and tell the team about it.', args: { project_id: projectArg, title: z.string().optional().describe('Resource title (asked for when left out).'), content: z.string().optional(), agent_name: optionalAgent }, render: share },
  { name: 'discuss', description: 'Reply to the ongoing discussion, with the last messages as context.', args: { project_id: projectArg, message: z.string().optional().describe('Your reply.'), agent_name: optionalAgent }, render: discuss },
  { name: 'leave', description: 'Leave a project: what is cleaned up and how.', args: { project_id: projectArg, agent_name: optionalAgent }, render: leave },
  { name: 'archive', description: 'Mark a project finished (read-only).', args: { project_id: projectArg, reason: z.string().optional(), agent_name: optionalAgent }, render: archive },
];

export const PROMPT_NAMES = PROMPTS.map((p) => p.name);

export function registerPrompts(server: McpServer, deps: { call: DaemonCall }): void {
  for (const prompt of PROMPTS) {
    server.registerPrompt(prompt.name, { description: prompt.description, argsSchema: prompt.args }, async (args: Args, extra: { signal: AbortSignal }) => {
      const base = deps;
      const state = new PromptState(deps.call, extra.signal);
      try {
        const self = await state.whoami();
        const binding: Self = {
          agentFor: (projectId) => (projectId ? self.names.find((n) => n.project_id === projectId)?.agent_name : undefined) ?? self.names[self.names.length - 1]?.agent_name,
          directory: self.working_directory ?? undefined,
          projects: [...new Set(self.names.map((n) => n.project_id))],
        };
        return { description: prompt.description, ...text(await prompt.render(state, args, { ...base, binding })) };
      } catch (error) {
        return text(`The ${prompt.name} prompt could not read the current state: ${describeFailure(error)}`);
      }
    });
  }
}

