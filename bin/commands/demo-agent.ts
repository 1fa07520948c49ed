// One demo agent as the driver plays it: a connection of its own that presents the managed agent's token (mcp.token), so
// what the script does there is done as that agent; a token refused (minted again since) is minted anew.
import { BrainsClient, DaemonUnreachableError, RpcCallError } from '../../rpc/client.js';
import { DEMO_PROJECT_ID, type AgentName } from './demo-cast.js';

export class DemoAgent {
  private client: BrainsClient | null = null;
  private token: string | null = null;

  constructor(readonly name: AgentName) {}

  /** Open its connection as the agent; `operator` mints the token when there is none yet or the one held is refused. */
  async connect(socket: string, operator: BrainsClient): Promise<BrainsClient> {
    const client = await BrainsClient.connect(socket);
    try {
      if (this.token !== null) {
        try {
          await client.call('session.authenticate', { token: this.token });
        } catch (error) {
          if (!(error instanceof RpcCallError) || error.appCode !== 'PERMISSION_DENIED') throw error;
          this.token = null;
        }
      }
      if (this.token === null) {
        this.token = (await operator.call('mcp.token', { project_id: DEMO_PROJECT_ID, agent_name: this.name })).token;
        await client.call('session.authenticate', { token: this.token });
      }
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

  async disconnect(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close();
  }
}
