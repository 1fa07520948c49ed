// Where a lock key lives: the holder's repository (found from its working directory), an explicit scope, or the global scope.
import { GLOBAL_LOCK_SCOPE, MAX_LOCK_KEY_LENGTH, type LockHolder } from '../../../rpc/contract/locks.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { Principal } from '../../principals/principal.js';
import type { SessionRow } from '../../store/sessions.js';
import type { Store } from '../../store/index.js';
import { normalizeKey } from './keys.js';
import { inside, repositoryOf, type Repository } from './repository.js';

/** Where the holder works, as far as the daemon knows: shown beside its name, and the base of its relative keys. */
export interface Whereabouts {
  directory: string | null;
  tool: string | null;
}

/** A key placed in its scope: what the lease stores and what conflicts are decided on. */
export interface ScopedKey {
  scope: string;
  /** The checkout's top level the key is relative to; null in the global scope and in a named one. */
  root: string | null;
  key: string;
}

/** What an acquire (or a renew or release naming a key) says about where it is. */
export interface ScopeAsked {
  scope?: string | undefined;
  working_directory?: string | undefined;
}

/**
 * The directory and tool of a holder: a session's own; for an agent, the calling instance when it is that agent, else its
 * newest live session with a directory, else the directory its identity was last seen in. The operator has none.
 */
export function whereaboutsOf(store: Store, holder: LockHolder, principal: Principal): Whereabouts {
  if ('session_id' in holder) return fromSession(store.sessions.get(holder.session_id));
  const clientId = store.projects.member(holder.project_id, holder.agent_name)?.client_id ?? null;
  if (clientId === null) return { directory: null, tool: null };
  if (principal.kind === 'instance') {
    const caller = store.sessions.get(principal.session_id);
    if (caller?.client_id === clientId && caller.working_directory) return fromSession(caller);
  }
  const live = store.sessions.liveForClient(clientId).filter((s) => s.working_directory);
  const newest = live.sort((a, b) => (a.last_seen < b.last_seen ? 1 : -1))[0];
  if (newest) return fromSession(newest);
  return { directory: store.sessions.clientDirectory(clientId), tool: null };
}

function fromSession(session: SessionRow | null): Whereabouts {
  return { directory: session?.working_directory ?? null, tool: session?.tool ?? null };
}

/**
 * Place a normalized key. An explicit scope wins (`global`, a name of your own, or a directory: its repository, keys relative
 * to the top level); else the working directory (given, or the holder's) puts it in that repository, a relative key taken
 * from that directory and an absolute one inside the checkout made relative; else, and for absolute keys outside the
 * checkout (one file for everyone) or naming the top level itself, the global scope.
 */
export function placeKey(key: string, asked: ScopeAsked, whereabouts: Whereabouts): ScopedKey | Promise<ScopedKey> {
  if (asked.scope !== undefined) {
    if (asked.scope === GLOBAL_LOCK_SCOPE) return { scope: GLOBAL_LOCK_SCOPE, root: null, key };
    if (!asked.scope.startsWith('/')) return { scope: asked.scope, root: null, key };
    return then(repositoryOf(asked.scope), (repository) => inRepository(key, { ...repository, prefix: '' }));
  }
  const directory = asked.working_directory ?? whereabouts.directory;
  if (directory === null) return { scope: GLOBAL_LOCK_SCOPE, root: null, key };
  return then(repositoryOf(directory), (repository) => inRepository(key, repository));
}

/** The scope lock.list keeps: the one asked for (a directory stands for its repository), else a directory's repository. */
export function scopeToList(scope: string | undefined, workingDirectory: string | undefined): string | undefined | Promise<string> {
  if (scope !== undefined && !scope.startsWith('/')) return scope;
  const directory = scope ?? workingDirectory;
  return directory === undefined ? undefined : then(repositoryOf(directory), (repository) => repository.scope);
}

/** Apply fn now to a known value, or later to a pending one (a lock call that needs no file read never yields). */
function then<T, U>(value: T | Promise<T>, fn: (value: T) => U): U | Promise<U> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

function inRepository(key: string, repository: Repository): ScopedKey {
  if (key.startsWith('/')) {
    const rest = inside(repository.root, key);
    if (rest === null || rest === '') return { scope: GLOBAL_LOCK_SCOPE, root: null, key };
    return { scope: repository.scope, root: repository.root, key: normalizeKey(rest) };
  }
  if (repository.prefix === '') return { scope: repository.scope, root: repository.root, key };
  const joined = `${repository.prefix}/${key}`;
  if (joined.length > MAX_LOCK_KEY_LENGTH) {
    throw new BrainsError('INVALID', `lock key ${key.slice(0, 40)}… is over ${MAX_LOCK_KEY_LENGTH} characters once your directory's place in the repository (${repository.prefix.slice(0, 80)}) is put in front; lock a shorter path`);
  }
  return { scope: repository.scope, root: repository.root, key: normalizeKey(joined) };
}
