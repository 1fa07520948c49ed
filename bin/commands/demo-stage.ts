// The demo's footing, set up as the operator: the project, marked as the demo's, and its three managed echo agents,
// created or taken up again; and taken down by brains demo --clean.
import { mkdirSync } from 'node:fs';
import { RpcCallError, type BrainsClient } from '../../rpc/client.js';
import type { Result } from '../../rpc/contract/index.js';
import {
  CAST,
  DEMO_BACKEND,
  DEMO_DESCRIPTION,
  DEMO_MARKER,
  DEMO_PROJECT_ID,
  DEMO_PROJECT_NAME,
  demoWorkingDirectory,
  foreignProjectMessage,
  isDemoContext,
  type AgentName,
} from './demo-cast.js';

type Member = Extract<Result<'project.info'>, { timed_out: false }>['members'][number];

/** The demo cannot go on: its project or an agent name is somebody else's, or the project was deleted or archived under it. */
export class DemoOverError extends Error {}

/**
 * The project and its agents, as they must be for the script to run. Only a driver's first setup creates the project: one
 * deleted (or archived) while the demo runs means you are done with it.
 */
export async function setStage(operator: BrainsClient, home: string, mayCreate: boolean, log: (line: string) => void): Promise<void> {
  const missing: AgentName[] = [];
  for (const name of CAST) if (!(await isOurs(operator, name))) missing.push(name);
  const members = await demoMembers(operator, mayCreate, log);
  await retireOldPlayers(operator, members, log);
  for (const name of missing) {
    const workingDirectory = demoWorkingDirectory(home, name);
    mkdirSync(workingDirectory, { recursive: true, mode: 0o700 });
    await operator.call('agent.create', { agent_name: name, backend: DEMO_BACKEND, working_directory: workingDirectory, project_id: DEMO_PROJECT_ID, auto_reply: true });
    log(`created ${DEMO_BACKEND} agent ${name} in ${workingDirectory}`);
  }
}

/** Every managed agent of the demo project, removed with agent.remove (stopped, and gone with its history); others are left alone. */
export async function removeDemoAgents(operator: BrainsClient): Promise<string[]> {
  const { agents } = await operator.call('agent.list', { project_id: DEMO_PROJECT_ID });
  for (const agent of agents) await operator.call('agent.remove', { agent_name: agent.agent_name });
  return agents.map((agent) => agent.agent_name);
}

async function demoMembers(operator: BrainsClient, mayCreate: boolean, log: (line: string) => void): Promise<Member[]> {
  try {
    const info = await operator.call('project.info', { project_id: DEMO_PROJECT_ID });
    if (info.timed_out) throw new Error(info.message);
    if (!isDemoContext(info.project.context)) throw new DemoOverError(foreignProjectMessage());
    if (info.project.archived) throw new DemoOverError('the demo project is archived; brains demo --clean removes it, then brains demo starts afresh');
    return info.members;
  } catch (error) {
    if (!(error instanceof RpcCallError) || error.appCode !== 'NOT_FOUND') throw error;
    if (!mayCreate) throw new DemoOverError('the demo project was deleted; the demo stopped (brains demo starts it again)');
    await operator.call('project.create', {
      project_id: DEMO_PROJECT_ID,
      name: DEMO_PROJECT_NAME,
      description: DEMO_DESCRIPTION,
      context: { [DEMO_MARKER]: true, goal: 'Ship the settings page and the API it needs by Friday.' },
    });
    log(`created project ${DEMO_PROJECT_ID}`);
    return [];
  }
}

/** A demo project from before the agents were managed holds their names for the old instances (demo-planner…): free them. */
async function retireOldPlayers(operator: BrainsClient, members: readonly Member[], log: (line: string) => void): Promise<void> {
  for (const member of members) {
    if (member.client_id !== `demo-${member.agent_name}`) continue;
    await operator.call('project.leave', { project_id: DEMO_PROJECT_ID, agent_name: member.agent_name });
    log(`${member.agent_name}: the old demo instance ${member.client_id} left; a managed agent takes the name`);
  }
}

/** Whether the managed agent by this name is the demo's (kept as it is: you may have changed it); false when there is none. */
async function isOurs(operator: BrainsClient, name: AgentName): Promise<boolean> {
  try {
    const agent = await operator.call('agent.info', { agent_name: name });
    if (agent.project_id === DEMO_PROJECT_ID) return true;
    throw new DemoOverError(`a managed agent ${name} already exists in project ${agent.project_id}; the demo needs the name (remove that agent with agent.remove to run the demo)`);
  } catch (error) {
    if (!(error instanceof RpcCallError) || error.appCode !== 'NOT_FOUND') throw error;
    return false;
  }
}
