// `brains send AGENT TEXT`: a message from the operator that expects a reply, in the one project AGENT is in (or --project).
import type { BrainsClient } from '../../rpc/client.js';
import { RpcCallError } from '../../rpc/errors.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { EXIT } from './exit-codes.js';
import { Refusal, withDaemon } from './daemon-call.js';
import { parseFlags, printUsageError } from './flags.js';
import { oneLine } from './human.js';
import { formatJson, outputMode } from './output.js';
import { readAllStdin } from '../../rpc/params.js';

const OPERATOR = 'operator';
const PAGE = 1000;
/** What the contract takes as a project_id or agent_name (rpc/contract/common.ts `identifier`), checked here to word the error for a shell. */
const NAME = /^[A-Za-z0-9_-]{1,256}$/;

export async function sendCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('send', argv, { project: { type: 'string' }, json: { type: 'boolean' }, 'no-start': { type: 'boolean' } }, true);
  if (!parsed) return EXIT.USAGE;
  const { values, positionals } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['send']);
  const [agent, ...words] = positionals;
  if (agent === undefined) return printUsageError('send', 'missing AGENT and TEXT: who to write to, and what');
  if (words.length === 0) return printUsageError('send', 'missing TEXT: the message to send (- reads it from stdin)');
  if (!NAME.test(agent)) return printUsageError('send', `AGENT is an agent name (letters, digits, _ or -), not ${JSON.stringify(shown(agent))}`);
  if (values.project !== undefined && !NAME.test(values.project)) {
    return printUsageError('send', `--project takes a project id (letters, digits, _ or -), not ${JSON.stringify(shown(values.project))}`);
  }
  if (agent === OPERATOR) return printUsageError('send', 'you are the operator; name an agent (brains inbox shows who wrote to you)');
  const text = words.length === 1 && words[0] === '-' ? (await readAllStdin()).replace(/\n$/, '') : words.join(' ');
  if (text.trim() === '') return printUsageError('send', 'TEXT is empty; say something');
  const json = values.json ?? false;

  return withDaemon('send', { noStart: values['no-start'] ?? false, json }, async (client) => {
    const project = values.project === undefined ? await onlyProjectOf(client, agent) : await checkedProject(client, values.project, agent);
    const sent = await client.call('message.send', { project_id: project, from_agent: OPERATOR, to_agent: agent, reply_expected: true, payload: text });
    if (json) process.stdout.write(`${formatJson({ project_id: project, to_agent: agent, ...sent }, outputMode({}))}\n`);
    else process.stdout.write(`Sent to ${agent} in ${project} (${sent.message_id}), asking for a reply; replies arrive in brains inbox.\n`);
    return EXIT.OK;
  });
}

/** --project P: P must exist and AGENT be a member; otherwise say which names were likely meant. */
async function checkedProject(client: BrainsClient, projectId: string, agent: string): Promise<string> {
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
  if (!members.includes(agent)) {
    throw new Refusal('NOT_FOUND', `${shown(agent)} is not in ${projectId}; ${suggest(agent, members, 'members')}`, EXIT.METHOD_ERROR, { members });
  }
  return projectId;
}

/** No --project: the one open project AGENT is a member of; refused when it is in none or in several. */
async function onlyProjectOf(client: BrainsClient, agent: string): Promise<string> {
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
function shown(name: string): string {
  return oneLine(name, 60);
}
