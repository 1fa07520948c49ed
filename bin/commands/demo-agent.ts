// One simulated agent of `brains demo`: a connection of its own that is an agent instance (so its presence and last seen
// are its own), and a mailbox it reads, answers and acknowledges as a real agent would.
import { join } from 'node:path';
import { BrainsClient, DaemonUnreachableError } from '../../rpc/client.js';
import type { Result } from '../../rpc/contract/index.js';
import { InstanceLogin } from './mcp.js';
import { DEMO_PROJECT_ID, LINES, pick, type AgentName, type CastMember } from './demo-cast.js';

type ReceivedMessage = Result<'message.receive'>['messages'][number];

/** How long one receive parks; a lost daemon ends it sooner. */
const RECEIVE_WAIT_SECONDS = 30;
const ECHO_CHARS = 200;
const OPERATOR = 'operator';

/** What the operator (or another agent) is told back, by who is asked. */
const ANSWERS: Readonly<Record<AgentName, readonly string[]>> = {
  planner: ['Thanks, noted in the plan.', 'Good, I will tell the others.'],
  backend: LINES.backendAnswers,
  frontend: LINES.frontendAnswers,
};

export class DemoAgent {
  private client: BrainsClient | null = null;
  private readonly login: InstanceLogin;
  private answered = 0;
  /** The agent instance it is now (null before it first connects). */
  sessionId: string | null = null;

  constructor(
    readonly member: CastMember,
    home: string,
    private readonly log: (line: string) => void,
  ) {
    // An explicit client_id: the same identity (and so the same names) across restarts of the driver and the daemon.
    this.login = new InstanceLogin(undefined, {
      tool: member.tool,
      client_id: `demo-${member.name}`,
      working_directory: join(home, 'demo', member.name),
      label: `${member.name} (brains demo)`,
    });
  }

  get name(): AgentName {
    return this.member.name;
  }

  /** Open its connection as its agent instance: the same one after a daemon restart, a new one if it was ended meanwhile. */
  async connect(socket: string): Promise<BrainsClient> {
    const client = await BrainsClient.connect(socket);
    try {
      await this.login.present(client);
      this.sessionId = (await client.call('session.whoami')).session_id;
    } catch (error) {
      await client.close();
      throw error;
    }
    this.client = client;
    return client;
  }

  /** Its connection; without one, calls fail the way they do when the daemon is gone. */
  get rpc(): BrainsClient {
    if (!this.client || this.client.isClosed) throw new DaemonUnreachableError(`${this.name} is not connected`);
    return this.client;
  }

  /** End its session on purpose (its locks and claims are released), so it shows as ended rather than vanished. */
  async end(reason: string): Promise<void> {
    if (!this.client || this.client.isClosed || this.sessionId === null) return;
    await this.client.call('session.end', { session_id: this.sessionId, reason });
  }

  async disconnect(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close();
  }

  /** Read, answer and acknowledge mail until the signal aborts; a failing call is thrown to the caller. */
  async readMail(signal: AbortSignal): Promise<void> {
    const client = this.rpc;
    while (!signal.aborted) {
      const { messages } = await client.call('message.receive', {
        project_id: DEMO_PROJECT_ID,
        agent_name: this.name,
        wait: true,
        timeout_seconds: RECEIVE_WAIT_SECONDS,
        limit: 20,
      });
      if (messages.length === 0) continue;
      for (const message of messages) await this.answer(client, message);
      await client.call('message.ack', { project_id: DEMO_PROJECT_ID, agent_name: this.name, delivery_tokens: messages.map((m) => m.delivery_token) });
    }
  }

  private async answer(client: BrainsClient, message: ReceivedMessage): Promise<void> {
    if (message.metadata?.system === true) {
      const notice = message.payload as { title?: unknown; status?: unknown } | null;
      this.log(`${this.name}: "${String(notice?.title)}" was ${String(notice?.status)}`);
      return;
    }
    let reply: string;
    if (message.from_agent === OPERATOR) {
      reply = `${this.name}: got it — ${echoOf(message.payload)}`;
      this.log(`${this.name} answered the operator`);
    } else if (message.reply_expected) {
      reply = pick(ANSWERS[this.name], this.answered);
      this.answered += 1;
    } else {
      return;
    }
    await client.call('message.send', {
      project_id: DEMO_PROJECT_ID,
      from_agent: this.name,
      to_agent: message.from_agent,
      reply_to: message.message_id,
      payload: reply,
    });
  }
}

/** The text of a payload as a person typed it: a string, or the text field of an object, else its JSON; cut to fit a line. */
export function echoOf(payload: unknown): string {
  let text: string;
  if (typeof payload === 'string') text = payload;
  else {
    const fields = payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
    const field = ['text', 'message', 'body', 'content'].map((key) => fields[key]).find((value) => typeof value === 'string');
    text = typeof field === 'string' ? field : (JSON.stringify(payload) ?? String(payload));
  }
  const characters = [...text.replace(/\s+/g, ' ').trim()];
  return characters.length > ECHO_CHARS ? `${characters.slice(0, ECHO_CHARS - 1).join('')}…` : characters.join('');
}
