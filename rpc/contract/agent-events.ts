// The events of managed agents: their lifecycle, each turn from queued to finished, its streamed text (live only) and tool uses.
import { z } from 'zod';
import { defineEvents } from './define.js';
import { AGENT_STATES, TURN_SOURCES, TURN_STATUSES, turnUsage } from './agents.js';

const ofProject = (e: { data: unknown }): string | null => {
  const projectId = (e.data as { project_id?: unknown } | null)?.project_id;
  return typeof projectId === 'string' ? projectId : null;
};
const agentFacts = { agent_name: z.string(), project_id: z.string() };
const turnFacts = { ...agentFacts, turn_id: z.string() };

export const agentEvents = defineEvents({
  'agent.created': {
    summary: 'A managed agent was created.',
    subject: 'agent_name',
    delivery: 'log',
    project: ofProject,
    data: z.object({ ...agentFacts, backend: z.string(), working_directory: z.string() }),
  },
  'agent.updated': {
    summary: 'A managed agent\'s settings changed (backend, model, directory, a fresh session...).',
    subject: 'agent_name',
    delivery: 'log',
    project: ofProject,
    data: z.object({ ...agentFacts, changed: z.array(z.string()), fresh_session: z.boolean() }),
  },
  'agent.removed': {
    summary: 'A managed agent was stopped and removed.',
    subject: 'agent_name',
    delivery: 'log',
    project: ofProject,
    data: z.object(agentFacts),
  },
  'agent.turn_queued': {
    summary: 'Someone typed into a managed agent (or a message reached an auto-replying one): a turn waits to run.',
    subject: 'agent_name',
    delivery: 'log',
    project: ofProject,
    data: z.object({
      ...turnFacts,
      user_turn_id: z.string(),
      text: z.string().describe('What was typed, cut to 2,000 characters.'),
      source: z.enum(TURN_SOURCES),
      from_agent: z.string().nullable(),
    }),
  },
  'agent.turn_started': {
    summary: 'A managed agent started working on a turn.',
    subject: 'agent_name',
    delivery: 'log',
    project: ofProject,
    data: z.object({ ...turnFacts, attempt: z.number().int().min(1) }),
  },
  'agent.output': {
    summary: 'A piece of a managed agent\'s answer as it streams (live only; the finished turn is stored whole).',
    subject: 'agent_name',
    delivery: 'live',
    project: ofProject,
    data: z.object({ ...turnFacts, delta: z.string() }),
  },
  'agent.diff_updated': {
    summary: 'A managed agent\'s whole change so far in its running turn, as a unified diff (codex reports it as it edits; live only).',
    subject: 'agent_name',
    delivery: 'live',
    project: ofProject,
    data: z.object({ ...turnFacts, diff: z.string().describe('Cut at 64 KiB (truncated says so); agent.diff shows a worktree agent\'s whole change.'), truncated: z.boolean() }),
  },
  'agent.tool_use': {
    summary: 'A managed agent used a tool: its name and input, then again with the result when it arrives.',
    subject: 'agent_name',
    delivery: 'log',
    project: ofProject,
    data: z.object({ ...turnFacts, tool_use_id: z.string(), name: z.string(), summary: z.string(), result: z.string().nullable(), is_error: z.boolean().nullable() }),
  },
  'agent.turn_finished': {
    summary: 'A managed agent\'s turn ended: done, error, interrupted or timed out, with usage and cost.',
    subject: 'agent_name',
    delivery: 'log',
    project: ofProject,
    data: z.object({
      ...turnFacts,
      status: z.enum(TURN_STATUSES),
      text: z.string().describe('The answer, cut to 2,000 characters (agent.history has it whole).'),
      error: z.string().nullable(),
      usage: turnUsage,
      cost_usd: z.number().nullable(),
    }),
  },
  'agent.state_changed': {
    summary: 'A managed agent is now working, waiting on the human (needs_permission, needs_answer), idle, in error or stopped.',
    subject: 'agent_name',
    delivery: 'log',
    project: ofProject,
    data: z.object({ ...agentFacts, state: z.enum(AGENT_STATES), detail: z.string().nullable() }),
  },
});
