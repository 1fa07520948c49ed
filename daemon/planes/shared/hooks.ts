// How planes cooperate without importing each other: hooks run inside the transaction of the change that triggers them.
import type { Emit } from '../../events/mutate.js';
import type { SessionRow } from '../../store/sessions.js';
import type { WelcomeExtras } from '../../../rpc/contract/sessions.js';

export interface Membership {
  project_id: string;
  agent_name: string;
}

export interface FabricHooks {
  /**
   * A session ended or was reaped: release what it held (locks, claimed tasks). Runs in the same transaction.
   * `clientStillLive` is true when another session of the same identity is still running: then what the
   * agent (rather than this session) holds stays held.
   */
  sessionGone: Array<(emit: Emit, session: SessionRow, memberships: Membership[], clientStillLive: boolean) => void>;
  /** A member left its project: release what it held there. Runs in the same transaction. */
  memberLeft: Array<(emit: Emit, member: Membership) => void>;
  /** Contribute a section to the welcome packet / status of an agent with these memberships. */
  welcome: Array<(who: { client_id: string; session_id: string | null; memberships: Membership[] }) => Partial<WelcomeExtras>>;
}

export function createHooks(): FabricHooks {
  return { sessionGone: [], memberLeft: [], welcome: [] };
}
