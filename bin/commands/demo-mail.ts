// What a demo agent does with the mail auto_reply leaves to it (the script's messages and the daemon's notices): reads and
// acknowledges it, and answers a question from another demo agent in its thread. Yours to it, auto_reply answers.
import type { BrainsClient } from '../../rpc/client.js';
import type { Result } from '../../rpc/contract/index.js';
import { DEMO_METADATA, DEMO_PROJECT_ID, LINES, pick, type AgentName } from './demo-cast.js';

type Received = Result<'message.receive'>['messages'][number];

const ANSWERS: Readonly<Record<AgentName, readonly string[]>> = {
  planner: LINES.plannerAnswers,
  backend: LINES.backendAnswers,
  frontend: LINES.frontendAnswers,
};

/** Whether auto_reply leaves a message alone (it reads these two marks as truthy), so the agent reads it itself. */
export function leftToTheAgent(metadata: Record<string, unknown> | null): boolean {
  return Boolean(metadata?.no_auto_reply) || Boolean(metadata?.system);
}

export class DemoMail {
  private readonly answered = new Map<AgentName, number>();

  constructor(private readonly log: (line: string) => void) {}

  /** One look in the agent's inbox: what is left to it is acknowledged, and a question from a demo agent answered. */
  async read(agent: BrainsClient, name: AgentName): Promise<void> {
    const { messages } = await agent.call('message.receive', { project_id: DEMO_PROJECT_ID, agent_name: name, limit: 100 });
    const mine = messages.filter((message) => leftToTheAgent(message.metadata));
    if (mine.length === 0) return;
    for (const message of mine) await this.handle(agent, name, message);
    await agent.call('message.ack', { project_id: DEMO_PROJECT_ID, agent_name: name, delivery_tokens: mine.map((m) => m.delivery_token) });
  }

  private async handle(agent: BrainsClient, name: AgentName, message: Received): Promise<void> {
    if (message.metadata?.system === true) {
      const notice = message.payload as { title?: unknown; status?: unknown } | null;
      if (notice?.title !== undefined) this.log(`${name}: "${String(notice.title)}" was ${String(notice.status)}`);
      return;
    }
    if (!message.reply_expected) return;
    const answered = this.answered.get(name) ?? 0;
    await agent.call('message.send', {
      project_id: DEMO_PROJECT_ID,
      from_agent: name,
      to_agent: message.from_agent,
      reply_to: message.message_id,
      payload: pick(ANSWERS[name], answered),
      metadata: DEMO_METADATA,
    });
    this.answered.set(name, answered + 1);
  }
}
