// Runs the conversation commands typed into a managed agent (#new, #model NAME...): each is agent.update or agent.reset.
import { AGENT_BACKENDS, agentsMethods } from '../../../rpc/contract/agents.js';
import { agentCommandsHelp, parseAgentInput } from '../../../rpc/agent-commands.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { AgentRow } from '../../store/agents.js';
import type { PlaneDeps } from '../shared/deps.js';
import { changeAgent } from './change.js';

export interface CommandOutcome {
  name: string;
  reply: string;
}

function requireAbsolute(path: string, command: string): string {
  if (!path.startsWith('/')) throw new BrainsError('INVALID', `#${command} needs an absolute path (starting with /), e.g. #${command} /home/me/src/app`);
  return path.replace(/(.)\/+$/, '$1');
}

function statusOf(deps: PlaneDeps, agent: AgentRow): string {
  const open = deps.store.agents.countOpen(agent.agent_name);
  const live = deps.agents?.live(agent.agent_name);
  return [
    `${agent.agent_name}: ${agent.state}${agent.state_detail ? ` (${agent.state_detail})` : ''}`,
    `backend ${agent.backend}, model ${agent.model ?? 'the CLI default'}`,
    `workspace ${agent.working_directory}`,
    `session ${agent.native_session_id ?? 'none yet (the next turn starts one)'}`,
    `turns running ${open.running}, queued ${open.queued}${live?.pid ? `, pid ${live.pid}` : ''}`,
    `project ${agent.project_id}${agent.auto_reply ? ', answers messages (auto_reply)' : ''}`,
  ].join('\n');
}

/** The command the text is, run; null when the text is a prompt for the agent. */
export function runConversationCommand(deps: PlaneDeps, agent: AgentRow, text: string): CommandOutcome | null {
  const parsed = parseAgentInput(text);
  if (parsed.kind === 'text') return null;
  if (parsed.kind === 'mistyped') {
    throw new BrainsError('INVALID', `#${parsed.typed} is not a command; did you mean #${parsed.nearest}? (#help lists them; start with ## to send text that begins with #)`, { nearest: `#${parsed.nearest}` });
  }
  const { name, arg } = parsed;
  const dirs = JSON.parse(agent.add_dirs) as string[];
  const done = (reply: string): CommandOutcome => ({ name, reply });
  switch (name) {
    case 'new':
      changeAgent(deps, agent.agent_name, {}, true);
      return done('a fresh session starts with the next turn');
    case 'backend': {
      if (arg === '') return done(`backend ${agent.backend} (one of ${AGENT_BACKENDS.join(', ')})`);
      if (!(AGENT_BACKENDS as readonly string[]).includes(arg)) throw new BrainsError('INVALID', `no backend ${arg}; choose one of ${AGENT_BACKENDS.join(', ')}`);
      changeAgent(deps, agent.agent_name, { backend: arg });
      return done(`backend ${arg}; a fresh session starts with the next turn`);
    }
    case 'model': {
      if (arg === '') return done(`model ${agent.model ?? 'the CLI default'}`);
      const model = arg === 'default' || arg === 'reset' ? null : arg;
      // The rule agent.update holds a model to: no spaces or control characters, at most 200 characters.
      if (model !== null && !agentsMethods['agent.update'].params.shape.model.safeParse(model).success) {
        throw new BrainsError('INVALID', 'a model name is up to 200 characters without spaces or control characters, e.g. #model claude-sonnet-4-5');
      }
      changeAgent(deps, agent.agent_name, { model });
      return done(model === null ? 'model: the CLI default' : `model ${model}`);
    }
    case 'workspace': {
      if (arg === '') return done(`workspace ${agent.working_directory}`);
      const path = requireAbsolute(arg, name);
      changeAgent(deps, agent.agent_name, { working_directory: path });
      return done(`workspace ${path}; a fresh session starts with the next turn`);
    }
    case 'system-prompt':
      changeAgent(deps, agent.agent_name, { system_prompt: arg === '' ? null : arg });
      return done(arg === '' ? 'system prompt cleared' : 'system prompt set; the next turn uses it');
    case 'add-dir': {
      const path = requireAbsolute(arg, name);
      if (dirs.includes(path)) return done(`${path} is already added`);
      changeAgent(deps, agent.agent_name, { add_dirs: [...dirs, path] });
      return done(`added ${path}`);
    }
    case 'remove-dir': {
      const path = requireAbsolute(arg, name);
      if (!dirs.includes(path)) throw new BrainsError('INVALID', `${path} is not an added directory; #list-dirs shows them`, { add_dirs: dirs });
      changeAgent(deps, agent.agent_name, { add_dirs: dirs.filter((dir) => dir !== path) });
      return done(`removed ${path}`);
    }
    case 'list-dirs':
      return done([`workspace ${agent.working_directory}`, ...dirs.map((dir) => `added ${dir}`)].join('\n'));
    case 'status':
      return done(statusOf(deps, agent));
    case 'help':
      return done(agentCommandsHelp());
  }
}
