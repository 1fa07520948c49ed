// The prompts for getting started: list and status (who and where you are), create and join (a project to work in).
import { GUIDANCE } from './prompt-guidance.js';
import { COMMON_ROLES, directoryName, json, lines, slug, withProject, type Args, type PromptDeps, type Render } from './prompt-common.js';
import { memberLine, projectLine, type PromptState } from './prompt-state.js';

export const list: Render = async (state) => {
  const projects = await state.projects();
  return lines(
    projects.length ? `There are ${projects.length} active project(s):` : 'There are no active projects yet.',
    ...projects.map(projectLine),
    '',
    'Suggested next actions: join one with join_project (project_id, agent_name), see one in detail with get_project_info, or start a new one with create_project.',
    GUIDANCE.identity,
  );
};

export const status: Render = async (state, args, deps) => {
  const directory = args.working_directory ?? deps.binding.directory;
  if (!directory) {
    return lines(
      'Which directory do you work in? This session did not say, so your identity cannot be looked up by directory.',
      'Call the status tool with working_directory set to your project root (the "Working directory" of your environment), or run this prompt again with working_directory.',
    );
  }
  const s = await state.status({ working_directory: directory });
  return lines(
    `Status for ${directory}:`,
    ...(s.identity_reminder.length ? s.identity_reminder : ['You have not joined any project from this directory.']),
    ...s.projects.map((p) => `- ${p.project_id} as ${p.agent_name}: ${p.unread_messages} unread, ${p.role}${p.archived ? ', archived' : ''}`),
    `Total unread messages: ${s.total_unread_messages}.`,
    '',
    `Call the status tool with ${json({ working_directory: directory })} to bind this session to your identity, then receive_messages for any project with unread messages.`,
    s.projects.length === 0 ? 'Not in any project yet: the list prompt shows what exists; join_project or create_project to start.' : GUIDANCE.listening,
  );
};

export const create: Render = async (state, args, deps) => {
  const suggested = directoryName(deps);
  const name = args.name ?? (args.project_id ? args.project_id : undefined);
  if (!name) {
    const projectId = suggested ? slug(suggested) : undefined;
    const existing = projectId ? await state.project(projectId) : null;
    const agent = args.agent_name ?? deps.binding.agentFor() ?? (suggested ? slug(suggested) : 'coordinator');
    return lines(
      'What should the new project be called, and what is it for? No name was given.',
      'Ask the user for a name and a one-line goal (or take them from the conversation).',
      projectId && !existing ? `If it is about this directory, a fitting start is ${json({ project_id: projectId, name: suggested, created_by: agent })} for create_project.` : '',
      existing ? `Note: a project "${projectId}" (named after this directory) already exists; join it with join_project instead if that is the one.` : '',
      'create_project takes project_id, name, description, context (shared goals and links) and created_by (your agent name: you join as coordinator and may delete it later).',
      '',
      GUIDANCE.roles,
    );
  }
  const projectId = args.project_id ?? slug(name);
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
  const params = { project_id: projectId, name, ...(args.description ? { description: args.description } : {}), created_by: agent };
  return lines(
    `Create the project "${name}" and join it as its coordinator ("${agent}").`,
    `Call create_project with ${json(params)}.`,
    'Then tell the user the project_id so other agents can join it with join_project, and wait for them with receive_messages (wait: true).',
    '',
    GUIDANCE.roles,
  );
};

/** The projects this session could join (those it is not in), or a question when there is more than one. */
async function chooseToJoin(state: PromptState, args: Args, deps: PromptDeps): Promise<Args | string> {
  if (args.project_id) return args;
  const open = (await state.projects()).filter((p) => !deps.binding.projects.includes(p.project_id));
  if (open.length === 1) return { ...args, project_id: open[0]!.project_id };
  const name = args.agent_name ?? (directoryName(deps) ? slug(directoryName(deps)!) : 'agent-name');
  return lines(
    open.length ? `Which project do you want to join? ${open.length} you are not in yet:` : 'There is no project you could join yet.',
    ...open.map(projectLine),
    deps.binding.projects.length ? `(You are already in: ${deps.binding.projects.join(', ')}.)` : '',
    '',
    open.length
      ? `Ask the user which one, then call join_project ${json({ project_id: open[0]!.project_id, agent_name: name })} with that project_id (or run the join prompt again with project_id to see its members and free names).`
      : 'Create one with create_project (or the create prompt).',
    GUIDANCE.identity,
  );
}

export const join: Render = async (state, args, deps) => {
  const chosen = await chooseToJoin(state, args, deps);
  if (typeof chosen === 'string') return chosen;
  return joinProject(state, chosen, deps);
};

const joinProject: Render = async (state, args, deps) =>
  withProject(state, args, deps, 'join', async (info) => {
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
      '',
      GUIDANCE.roles,
      GUIDANCE.listening,
    );
  });

