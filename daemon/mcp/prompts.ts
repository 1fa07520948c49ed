// Brainstorm's ten prompts (list, status, create, join, broadcast, review, share, discuss, leave, archive) with live state injected.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { DaemonCall } from './caller.js';
import { PromptState, memberLine, messageLine, projectLine, type ProjectInfo } from './prompt-state.js';
import { describeFailure } from './results.js';

/** Who this MCP session is, as the daemon knows it (session.whoami): read once per prompt. */
interface Self {
  agentFor(projectId?: string): string | undefined;
  directory: string | undefined;
}

interface PromptDeps {
  call: DaemonCall;
  binding: Self;
}

type Args = Record<string, string | undefined>;
type Render = (state: PromptState, args: Args, deps: PromptDeps) => Promise<string>;

const COMMON_ROLES = ['frontend', 'backend', 'reviewer', 'tester', 'coordinator'];
const projectArg = z.string().describe('The project_id.');
const optionalAgent = z.string().optional().describe('Your agent name (default: the one this session is bound to).');

function text(body: string): GetPromptResult {
  return { messages: [{ role: 'user', content: { type: 'text', text: body } }] };
}

function lines(...parts: Array<string | false | undefined | null>): string {
  return parts.filter((p): p is string => typeof p === 'string').join('\n');
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** A safe project_id from a name: lower case, runs of anything else become -. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'project';
}

async function missingProject(state: PromptState, projectId: string): Promise<string> {
  const projects = await state.projects(true);
  return lines(
    `Project "${projectId}" does not exist.`,
    projects.length ? 'Projects that exist:' : 'No projects exist yet.',
    ...projects.map(projectLine),
    '',
    projects.length ? 'Pick one of these and use its project_id, or create a new project with create_project.' : 'Create one with create_project (or the create prompt).',
  );
}

/** Load a project or explain that it is missing; the agent name is the argument or the binding. */
async function withProject(state: PromptState, args: Args, deps: PromptDeps, render: (info: ProjectInfo, agent: string | undefined) => Promise<string>): Promise<string> {
  const projectId = args.project_id!;
  const info = await state.project(projectId);
  if (!info) return missingProject(state, projectId);
  return render(info, args.agent_name ?? deps.binding.agentFor(projectId));
}

function whoNote(agent: string | undefined): string | false {
  return !agent && 'You have no agent name in this session yet: pass agent_name, or call join_project / status first.';
}

const list: Render = async (state) => {
  const projects = await state.projects();
  return lines(
    projects.length ? `There are ${projects.length} active project(s):` : 'There are no active projects yet.',
    ...projects.map(projectLine),
    '',
    'Suggested next actions: join one with join_project (project_id, agent_name), see one in detail with get_project_info, or start a new one with create_project.',
  );
};

const status: Render = async (state, args, deps) => {
  const directory = args.working_directory ?? deps.binding.directory;
  if (!directory) return 'Say which working directory you work in (your project root): pass working_directory.';
  const s = await state.status({ working_directory: directory });
  return lines(
    `Status for ${directory}:`,
    ...(s.identity_reminder.length ? s.identity_reminder : ['You have not joined any project from this directory.']),
    ...s.projects.map((p) => `- ${p.project_id} as ${p.agent_name}: ${p.unread_messages} unread${p.archived ? ' (archived)' : ''}`),
    `Total unread messages: ${s.total_unread_messages}.`,
    '',
    `Call the status tool with ${json({ working_directory: directory })} to bind this session to your identity, then receive_messages for any project with unread messages.`,
  );
};

const create: Render = async (state, args, deps) => {
  const projectId = args.project_id ?? slug(args.name!);
  const existing = await state.project(projectId);
  const agent = args.agent_name ?? deps.binding.agentFor() ?? 'coordinator';
  if (existing) {
    return lines(
      `A project with project_id "${projectId}" already exists: ${existing.project.name}${existing.project.archived ? ' (archived)' : ''}.`,
      'Members:',
      ...existing.members.map(memberLine),
      '',
      `Join it instead with join_project ${json({ project_id: projectId, agent_name: agent })}, or choose another project_id.`,
    );
  }
  const params = { project_id: projectId, name: args.name, ...(args.description ? { description: args.description } : {}), agent_name: agent };
  return lines(
    `Create the project "${args.name}" and join it as its coordinator ("${agent}").`,
    `Call create_project with ${json(params)}.`,
    'Then tell the user the project_id so other agents can join it with join_project, and wait for them with receive_messages (wait: true).',
  );
};

const join: Render = async (state, args, deps) =>
  withProject(state, args, deps, async (info) => {
    const taken = new Set(info.members.map((m) => m.agent_name));
    const free = COMMON_ROLES.filter((name) => !taken.has(name));
    const agent = args.agent_name ?? deps.binding.agentFor(info.project.project_id);
    const clash = agent && taken.has(agent);
    return lines(
      `Project ${info.project.project_id}: ${info.project.name}${info.project.archived ? ' (archived: read-only, joining is refused)' : ''}`,
      info.project.description && `Description: ${info.project.description}`,
      Object.keys(info.project.context).length > 0 && `Shared context: ${json(info.project.context)}`,
      `Coordinator: ${info.coordinator ?? 'none yet (the first to join becomes coordinator)'}`,
      info.members.length ? 'Members:' : 'No members yet.',
      ...info.members.map(memberLine),
      `Names not taken yet: ${free.join(', ') || '(all common ones are taken; pick another)'}`,
      '',
      clash ? `"${agent}" is already a member here: calling join_project with it resumes that membership if it is yours, otherwise pick another name.` : '',
      `Call join_project with ${json({ project_id: info.project.project_id, agent_name: agent ?? free[0] ?? 'agent-name' })}, then get_project_info and receive_messages (wait: true).`,
    );
  });

function expectsReply(message: string): boolean {
  return /\?\s*$|\?|^(please|can|could|would|will|should|who|what|when|where|why|how|review|check)\b/i.test(message.trim());
}

const broadcast: Render = async (state, args, deps) =>
  withProject(state, args, deps, async (info, agent) => {
    const recipients = info.members.filter((m) => m.agent_name !== agent).map((m) => m.agent_name);
    const replyExpected = expectsReply(args.message!);
    return lines(
      `Broadcast in ${info.project.project_id} to ${recipients.length} member(s): ${recipients.join(', ') || '(nobody else yet)'} (the operator sees it too).`,
      whoNote(agent),
      `Call send_message with ${json({ project_id: info.project.project_id, ...(agent ? { from_agent: agent } : {}), broadcast: true, reply_expected: replyExpected, payload: { text: args.message } })}.`,
      replyExpected ? 'It reads as a question or request, so reply_expected is true: then wait for answers with receive_messages (wait: true).' : '',
    );
  });

const review: Render = async (state, args, deps) =>
  withProject(state, args, deps, async (info, agent) => {
    const unread = agent ? await state.unread(info.project.project_id, agent, 5) : [];
    const resources = agent ? await state.resources(info.project.project_id, agent) : [];
    const offline = info.members.filter((m) => !m.online).length;
    return lines(
      `# ${info.project.name} (${info.project.project_id})${info.project.archived ? ' — archived' : ''}`,
      info.project.description && info.project.description,
      Object.keys(info.project.context).length > 0 && `Shared context: ${json(info.project.context)}`,
      `Coordinator: ${info.coordinator ?? 'none'}`,
      `## Members (${info.members.length}, ${info.members.length - offline} online)`,
      ...info.members.map(memberLine),
      whoNote(agent),
      agent && `## Unread messages for ${agent} (newest ${unread.length})`,
      ...unread.map(messageLine),
      agent && unread.length === 0 && 'None.',
      agent && `## Resources (${resources.length})`,
      ...resources.map((r) => `- ${r.resource_id}: ${r.name} v${r.version} by ${r.creator_agent}${r.description ? ` — ${r.description}` : ''}`),
      '## Suggested next actions',
      unread.length > 0 ? '- receive_messages, handle each message, then acknowledge_message.' : '- receive_messages with wait: true to listen for news.',
      resources.length > 0 ? '- get_resource to read a resource you need.' : '- store_resource to share your work.',
      offline > 0 ? '- Offline members answer later; do not block on them.' : '',
    );
  });

const share: Render = async (state, args, deps) =>
  withProject(state, args, deps, async (info, agent) => {
    const resourceId = slug(args.title!);
    const recipients = info.members.filter((m) => m.agent_name !== agent).map((m) => m.agent_name);
    return lines(
      `Share "${args.title}" in ${info.project.project_id}; ${recipients.length} member(s) will be told: ${recipients.join(', ') || '(nobody else yet)'}.`,
      whoNote(agent),
      `1. Call store_resource with ${json({ project_id: info.project.project_id, resource_id: resourceId, name: args.title, ...(agent ? { agent_name: agent } : {}), content: args.content ?? '<the content>', permissions: { read: ['*'] } })}.`,
      `2. Then send_message with ${json({ project_id: info.project.project_id, broadcast: true, payload: { text: `New resource: ${args.title}`, resource_id: resourceId } })}.`,
    );
  });

const discuss: Render = async (state, args, deps) =>
  withProject(state, args, deps, async (info, agent) => {
    const recent = await state.recent(info.project.project_id, 3);
    const last = recent[0];
    const direct = last && !last.broadcast && last.from_agent !== agent;
    const target = direct ? { to_agent: last.from_agent } : { broadcast: true };
    return lines(
      `Discussion in ${info.project.project_id}, last ${recent.length} message(s), newest first:`,
      ...recent.map(messageLine),
      recent.length === 0 && 'No messages yet.',
      whoNote(agent),
      direct ? `The last message was addressed directly, so answer ${last.from_agent} directly.` : 'The discussion is open to everyone, so broadcast your answer.',
      `Call send_message with ${json({ project_id: info.project.project_id, ...target, ...(last ? { reply_to: last.message_id } : {}), payload: { text: args.message ?? '<your reply>' } })}.`,
    );
  });

const leave: Render = async (state, args, deps) =>
  withProject(state, args, deps, async (info, agent) => {
    const me = info.members.find((m) => m.agent_name === agent);
    if (!agent || !me) {
      return lines(`You are not a member of ${info.project.project_id}${agent ? ` as ${agent}` : ''}.`, 'Members:', ...info.members.map(memberLine), whoNote(agent));
    }
    return lines(
      `Leave ${info.project.project_id} as ${agent} (${me.role}).`,
      'What happens: your locks and claimed tasks in this project are released, undelivered messages to you are dropped,',
      me.role === 'coordinator' ? 'and as coordinator your role passes to another member (handover_coordinator first to choose who).' : 'and your membership ends.',
      `Call leave_project with ${json({ project_id: info.project.project_id, agent_name: agent })}.`,
    );
  });

const archive: Render = async (state, args, deps) =>
  withProject(state, args, deps, async (info, agent) => {
    if (info.project.archived) return `${info.project.project_id} is already archived (${info.project.archived_at}${info.project.archive_reason ? `: ${info.project.archive_reason}` : ''}).`;
    return lines(
      `Archive ${info.project.project_id} (${info.project.name}): it becomes read-only. Its creator (${info.project.created_by}), its coordinator (${info.coordinator ?? 'none'}) or the operator may archive it.`,
      'Members:',
      ...info.members.map(memberLine),
      `Call archive_project with ${json({ project_id: info.project.project_id, ...(agent ? { agent_name: agent } : {}), archive_reason: args.reason ?? '<why it is finished>' })}.`,
    );
  });

const PROMPTS: Array<{ name: string; description: string; args: Record<string, z.ZodType<string | undefined>>; render: Render }> = [
  { name: 'list', description: 'List the projects that exist (no arguments).', args: {}, render: list },
  { name: 'status', description: 'Your identity and unread counts across every project joined from your working directory.', args: { working_directory: z.string().optional().describe('Your project root (default: this session’s).') }, render: status },
  { name: 'create', description: 'Create a project and join it as coordinator; warns when the project_id is taken.', args: { name: z.string().describe('Human-readable project name.'), project_id: z.string().optional(), description: z.string().optional(), agent_name: optionalAgent }, render: create },
  { name: 'join', description: 'Join a project: its members with online state and the names still free.', args: { project_id: projectArg, agent_name: optionalAgent }, render: join },
  { name: 'broadcast', description: 'Send a message to every member: shows who receives it and whether a reply is expected.', args: { project_id: projectArg, message: z.string().describe('What to say.'), agent_name: optionalAgent }, render: broadcast },
  { name: 'review', description: 'Project dashboard: members online, your unread messages, resources, suggested next actions.', args: { project_id: projectArg, agent_name: optionalAgent }, render: review },
  { name: 'share', description: 'Store a resource and tell the team about it.', args: { project_id: projectArg, title: z.string().describe('Resource title.'), content: z.string().optional(), agent_name: optionalAgent }, render: share },
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
        };
        return { description: prompt.description, ...text(await prompt.render(state, args, { ...base, binding })) };
      } catch (error) {
        return text(`The ${prompt.name} prompt could not read the current state: ${describeFailure(error)}`);
      }
    });
  }
}
