// What every prompt shares: who the session is, how a prompt finds its project (named, or the session's one, or asked
// for), and the small text helpers they write with.
import { basename } from 'node:path';
import type { DaemonCall } from './caller.js';
import { GUIDANCE } from './prompt-guidance.js';
import { PromptState, projectLine, type ProjectInfo } from './prompt-state.js';

/** Who this MCP session is, as the daemon knows it (session.whoami): read once per prompt. */
export interface Self {
  agentFor(projectId?: string): string | undefined;
  directory: string | undefined;
  /** The projects this session holds a name in. */
  projects: string[];
}

export interface PromptDeps {
  call: DaemonCall;
  binding: Self;
}

export type Args = Record<string, string | undefined>;
export type Render = (state: PromptState, args: Args, deps: PromptDeps) => Promise<string>;

export const COMMON_ROLES = ['frontend', 'backend', 'reviewer', 'tester', 'coordinator'];

export function lines(...parts: Array<string | false | undefined | null>): string {
  return parts.filter((p): p is string => typeof p === 'string').join('\n');
}

export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** A safe project_id from a name: lower case, runs of anything else become -. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'project';
}

export async function missingProject(state: PromptState, projectId: string): Promise<string> {
  const projects = await state.projects(true);
  return lines(
    `Project "${projectId}" does not exist.`,
    projects.length ? 'Projects that exist:' : 'No projects exist yet.',
    ...projects.map(projectLine),
    '',
    projects.length ? 'Pick one of these and use its project_id, or create a new project with create_project.' : 'Create one with create_project (or the create prompt).',
  );
}

/** Which project a prompt is about when none was named: the session's one project, or a question listing the choices. */
async function chooseProject(state: PromptState, deps: PromptDeps, prompt: string): Promise<{ projectId: string } | { ask: string }> {
  const mine = deps.binding.projects;
  if (mine.length === 1) return { projectId: mine[0]! };
  const projects = await state.projects();
  if (mine.length > 1) {
    return {
      ask: lines(
        `Which project is this about? This session is in ${mine.length}: ${mine.join(', ')}.`,
        ...projects.filter((p) => mine.includes(p.project_id)).map(projectLine),
        '',
        `Ask the user which one they mean (or pick the one the conversation is about), then run the ${prompt} prompt again with project_id.`,
      ),
    };
  }
  return {
    ask: lines(
      'This session has not joined a project yet, so there is no project to work on.',
      projects.length ? 'Projects that exist:' : 'No projects exist yet.',
      ...projects.map(projectLine),
      '',
      projects.length
        ? `Join one with join_project (project_id, agent_name), or run the ${prompt} prompt again with project_id.`
        : 'Create one with create_project (or the create prompt), then others can join it.',
      GUIDANCE.identity,
    ),
  };
}

/** Load the named project (or the session's one), or explain what is missing; the agent name is the argument or the binding. */
export async function withProject(state: PromptState, args: Args, deps: PromptDeps, prompt: string, render: (info: ProjectInfo, agent: string | undefined) => Promise<string>): Promise<string> {
  const chosen = args.project_id ? { projectId: args.project_id } : await chooseProject(state, deps, prompt);
  if ('ask' in chosen) return chosen.ask;
  const info = await state.project(chosen.projectId);
  if (!info) return missingProject(state, chosen.projectId);
  return render(info, args.agent_name ?? deps.binding.agentFor(chosen.projectId));
}

/** A name to suggest from the working directory (its last part), when there is one. */
export function directoryName(deps: PromptDeps): string | undefined {
  const dir = deps.binding.directory;
  return dir ? basename(dir) || undefined : undefined;
}

export function whoNote(agent: string | undefined): string | false {
  return !agent && 'You have no agent name in this session yet: pass agent_name, or call join_project / status first.';
}

