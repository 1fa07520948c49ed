// Which project an agent named on the command line is in, checked against the daemon before anything is done with it:
// brains send and brains tui refuse a wrong project or agent the same way, naming the nearest valid one.
import type { BrainsClient } from '../../rpc/client.js';
import { RpcCallError } from '../../rpc/errors.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { EXIT } from './exit-codes.js';
import { Refusal } from './daemon-call.js';
import { oneLine } from './human.js';

const PAGE = 1000;
/** What the contract takes as a project_id or agent_name (rpc/contract/common.ts `identifier`), checked here to word the error for a shell. */
export const NAME = /^[A-Za-z0-9_-]{1,256}$/;

/** The project AGENT is to be reached in: --project P when given (P must exist and hold AGENT), else the one open project it is in. */
export async function projectOfAgent(client: BrainsClient, agent: string, project: string | undefined): Promise<string> {
  return project === undefined ? onlyProjectOf(client, agent) : checkedProject(client, project, agent);
}

/** P must exist and, when an agent is named, hold it as a member; otherwise say which names were likely meant. */
export async function checkedProject(client: BrainsClient, projectId: string, agent?: string): Promise<string> {
  let info;
  try {
    info = await client.call('project.info', { project_id: projectId });
  } catch (error) {
    if (!(error instanceof RpcCallError) || error.appCode !== 'NOT_FOUND') throw error;
    const projects = (await everyProject(client)).map((p) => p.project_id);
    throw new Refusal('NOT_FOUND', `no project ${shown(projectId)}; ${suggest(projectId, projects, 'projects')}`, EXIT.METHOD_ERROR, { projects });
  }
  if (info.timed_out) throw new Refusal('NOT_FOUND', `no project ${shown(projectId)}`);
  const members = info.members.map((m) => m.agent_name);
  if (agent !== undefined && !members.includes(agent)) {
    throw new Refusal('NOT_FOUND', `${shown(agent)} is not in ${projectId}; ${suggest(agent, members, 'members')}`, EXIT.METHOD_ERROR, { members });
  }
  return projectId;
}

/** No --project: the one open project AGENT is a member of; refused when it is in none or in several. */
export async function onlyProjectOf(client: BrainsClient, agent: string): Promise<string> {
  const projects = await everyProject(client);
  const infos = await Promise.all(projects.map((p) => client.call('project.info', { project_id: p.project_id })));
  const membersOf = new Map<string, string[]>();
  infos.forEach((info, i) => membersOf.set(projects[i]!.project_id, info.timed_out ? [] : info.members.map((m) => m.agent_name)));
  const open = projects.filter((p) => !p.archived && membersOf.get(p.project_id)!.includes(agent)).map((p) => p.project_id);
  if (open.length === 1) return open[0]!;
  if (open.length > 1) throw new Refusal('INVALID', `${agent} is in ${listed(open)}; pass --project`, EXIT.USAGE, { projects: open });
  const archived = projects.filter((p) => p.archived && membersOf.get(p.project_id)!.includes(agent)).map((p) => p.project_id);
  if (archived.length > 0) throw new Refusal('CONFLICT', `${agent} is only in archived ${archived.length === 1 ? 'project' : 'projects'} ${listed(archived)}, which are read-only`);
  const everyone = [...new Set(projects.filter((p) => !p.archived).flatMap((p) => membersOf.get(p.project_id)!))];
  throw new Refusal('NOT_FOUND', `no agent named ${shown(agent)} in any project; ${suggest(agent, everyone, 'agents')}`, EXIT.METHOD_ERROR, { agents: everyone.slice(0, 50) });
}

async function everyProject(client: BrainsClient) {
  const all = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await client.call('project.list', { include_archived: true, offset, limit: PAGE });
    all.push(...page.projects);
    if (all.length >= page.total || page.projects.length === 0) return all;
  }
}

/** "did you mean X?" when a name is a likely typo of one of them, else the names there are. */
function suggest(given: string, names: readonly string[], what: string): string {
  const nearest = given.length <= 80 ? nearestName(given, names) : undefined;
  if (nearest !== undefined) return `did you mean ${nearest}?`;
  if (names.length === 0) return what === 'members' ? 'it has no members yet' : `there are no ${what} yet`;
  const first = names.slice(0, 20);
  return `${what}: ${first.join(', ')}${names.length > first.length ? ` and ${names.length - first.length} more` : ''}`;
}

function listed(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** A name as typed, made safe and short enough to print in an error. */
export function shown(name: string): string {
  return oneLine(name, 60);
}
