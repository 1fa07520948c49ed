// Contract of the locks plane: advisory leases on files or any named resource, with fencing tokens and a fair FIFO wait.
import { z } from 'zod';
import { defineMethods } from './define.js';
import { absolutePath, identifier, timedOut, visibleOnOneLine, waitFields, waitOutcome } from './common.js';

export const MAX_LOCK_KEY_LENGTH = 1024;
export const MAX_LOCK_SCOPE_LENGTH = 1024;
/** The scope of keys whose holder has no working directory (a script's `deploy-prod`), and of absolute paths outside every checkout. */
export const GLOBAL_LOCK_SCOPE = 'global';
export const LOCK_MODES = ['exclusive', 'shared'] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/** Why a lease ended, as lock.released / lock.expired events say it. */
export const LOCK_END_REASONS = ['released', 'expired', 'holder_gone', 'member_left'] as const;
export type LockEndReason = (typeof LOCK_END_REASONS)[number];

export const lockKey = z
  .string()
  .min(1)
  .max(MAX_LOCK_KEY_LENGTH)
  .regex(/^[^\x00-\x1f\x7f]+$/, 'no NUL, newlines or other control characters')
  .superRefine(visibleOnOneLine)
  .describe(
    'A path (src/api/users.ts), a glob (src/api/**, *.ts, file?.md) or any name (deploy-prod). ' +
      '`//` and `.` segments are folded away, a trailing / is dropped, `..` is refused. * and ? never cross a /, ** as a whole segment spans any number of segments (zero included).',
  );

const noControl = /^[^\x00-\x1f\x7f]+$/;

export const lockScope = z
  .string()
  .min(1)
  .max(MAX_LOCK_SCOPE_LENGTH)
  .superRefine(visibleOnOneLine)
  .describe(
    'Where the key lives, overriding the working directory: `global` (shared by everyone), a directory (its repository: every worktree of one git repository shares one scope; keys relative to its top level), or a name of your own.',
  );

const lockDirectory = absolutePath
  .regex(noControl, 'no NUL, newlines or other control characters')
  .describe('The holder\'s working directory, when the daemon does not know it (the operator acting for a script): path keys are resolved against it to its repository.');

const sessionHolder = z.object({ session_id: z.string().min(1).max(64) }).strict();
const memberHolder = z.object({ project_id: identifier, agent_name: identifier.describe('Your name in the project; `operator` for the human.') }).strict();

export const lockHolder = z
  .union([sessionHolder, memberHolder])
  .describe('Who holds the lease: a running session {session_id}, or an agent (or the operator) in a project {project_id, agent_name}.');
export type LockHolder = z.output<typeof lockHolder>;

const lockMode = z.enum(LOCK_MODES);
const fencingToken = z
  .number()
  .int()
  .min(1)
  .max(Number.MAX_SAFE_INTEGER)
  .describe('Strictly increasing, never reused (one daemon-wide counter, so it also orders a glob and the paths it covers). Pass it to whatever you write to reject older holders.');
const ttlSeconds = z.number().min(1).max(30 * 86400);

const scopeFacts = {
  scope: z.string().describe('The repository the key belongs to (its common git directory), a directory outside git, a name, or `global`; only keys in one scope conflict.'),
  root: z.string().nullable().describe('The checkout top level the key is relative to (null in the global scope and in a named one).'),
};

export const leaseRecord = z.object({
  lease_id: z.string(),
  key: z.string().describe('The key as stored: normalized, and relative to root when the lease has one.'),
  ...scopeFacts,
  mode: lockMode,
  holder: lockHolder,
  fencing_token: fencingToken,
  acquired_at: z.string(),
  expires_at: z.string(),
  ttl_seconds: z.number(),
});

/** Pick a lease: by lease_id, or by key with its holder. */
const leaseRef = {
  lease_id: z.string().min(1).max(64).optional(),
  key: lockKey.optional(),
  holder: lockHolder.optional(),
  fencing_token: fencingToken,
};

/** Who a listed holder or waiter is, as a person reads it. */
const holderFacts = {
  holder: lockHolder,
  holder_label: z.string(),
  holder_text: z.string().describe('alice in shop (claude-code, ~/work/shop-api): name, project, tool and directory as far as they are known.'),
  tool: z.string().nullable(),
  directory: z.string().nullable().describe('The working directory the lease was taken from.'),
  root: z.string().nullable(),
};

const listedHolder = z.object({
  ...holderFacts,
  mode: lockMode,
  fencing_token: fencingToken,
  acquired_at: z.string(),
  renewed_at: z.string().nullable(),
  expires_at: z.string(),
  age_seconds: z.number(),
  time_left_seconds: z.number(),
});

const listedWaiter = z.object({
  ...holderFacts,
  mode: lockMode,
  waiting_since: z.string(),
  waited_seconds: z.number(),
  position: z.number().int().describe('Place in the daemon-wide queue, 1 first.'),
  blocked_by: z.array(z.string()).describe('Keys of the leases and earlier waiters it waits behind.'),
});

export const locksMethods = defineMethods({
  'lock.acquire': {
    summary: 'Take an advisory lease on a file, a glob or any named resource; exclusive (default) or shared, with a TTL and a fencing token.',
    description:
      'Busy and wait=false: CONFLICT naming the holders and when their leases end. With wait=true the call parks in a FIFO queue until the lock is yours ' +
      '(released, expired, or its holder gone) or timeout_seconds pass (then the answer is timed_out: true, naming who still holds it). Fairness: a request is granted only when it conflicts with no lease and with no ' +
      'earlier queued request, so a stream of shared acquirers never starves a waiting exclusive one. Globs conflict with every key they can cover. ' +
      'Renew before expires_at with lock.renew; release with lock.release. Leases end when your session ends or you leave the project. ' +
      'Name the holder as project_id + agent_name, as session_id, or as holder (either form); an agent that leaves it out holds it under its own name. ' +
      'Keys are scoped to the holder\'s repository, found from its working directory (every worktree of one git repository shares one scope; a relative key is taken from that directory and stored relative to the top level): ' +
      'two agents in one repository conflict whatever project they are in, agents in different repositories never do. scope overrides it; a holder with no working directory (and an absolute path outside every checkout) is in the global scope.',
    params: z
      .object({
        key: lockKey,
        project_id: identifier.optional().describe('Hold it as an agent of this project (with agent_name), as every other method names you.'),
        agent_name: identifier.optional().describe('With project_id: who holds it (`operator` for the human).'),
        session_id: z.string().min(1).max(64).optional().describe('Or hold it as a running session: released when the session ends.'),
        holder: lockHolder.optional().describe('The same as an object: {project_id, agent_name} or {session_id}.'),
        scope: lockScope.optional(),
        working_directory: lockDirectory.optional(),
        mode: lockMode.default('exclusive'),
        ttl_seconds: ttlSeconds.optional().describe('Lease length (default: setting lock_default_ttl_seconds; at most lock_max_ttl_seconds).'),
        ...waitFields,
      })
      .strict(),
    result: z.discriminatedUnion('timed_out', [
      leaseRecord.extend({ ...waitOutcome, timed_out: z.literal(false), message: z.string() }),
      timedOut({
        key: z.string(),
        scope: z.string(),
        holders: z.array(z.object({ holder: lockHolder, holder_label: z.string(), holder_text: z.string(), mode: lockMode, key: z.string(), expires_at: z.string(), time_left_seconds: z.number() })),
        waiters_ahead: z.array(z.object({ holder: lockHolder, holder_label: z.string(), holder_text: z.string(), mode: lockMode, key: z.string(), waiting_since: z.string() })),
      }),
    ]),
    emits: ['lock.acquired', 'lock.expired'],
    ownSession: 'unless-project',
    actor: ['agent_name', 'holder.agent_name'],
    project: ['project_id', 'holder.project_id'],
    session: ['session_id', 'holder.session_id'],
    mutates: true,
    mcpTool: 'lock_acquire',
  },
  'lock.renew': {
    summary: 'Extend a lease you hold (by lease_id, or key + holder) with its fencing token; a lease that already ended is refused.',
    params: z
      .object({
        ...leaseRef,
        ttl_seconds: ttlSeconds.optional().describe('New length from now (default: the length it was acquired with).'),
      })
      .strict(),
    result: leaseRecord.extend({ renewed_at: z.string() }),
    emits: ['lock.renewed', 'lock.expired', 'lock.acquired'],
    actor: ['holder.agent_name'],
    project: ['holder.project_id'],
    session: ['holder.session_id'],
    mutates: true,
    mcpTool: 'lock_renew',
  },
  'lock.release': {
    summary: 'Give a lease back (by lease_id, or key + holder) with its fencing token; the next waiter gets the lock in the same transaction.',
    params: z.object(leaseRef).strict(),
    result: z.object({
      released: z.literal(true),
      lease_id: z.string(),
      key: z.string(),
      fencing_token: fencingToken,
      released_at: z.string(),
      handed_to: z.array(z.object({ holder: lockHolder, holder_label: z.string(), mode: lockMode, key: z.string() })).describe('Waiters that got a lock because of this release.'),
    }),
    emits: ['lock.released', 'lock.acquired', 'lock.expired'],
    actor: ['holder.agent_name'],
    project: ['holder.project_id'],
    session: ['holder.session_id'],
    mutates: true,
    mcpTool: 'lock_release',
  },
  'lock.list': {
    summary: 'Held locks by scope and key: who holds each (name, project, tool, directory) with mode, age, time left and fencing token, and the queue of waiters behind them.',
    params: z
      .object({
        key_prefix: z.string().max(MAX_LOCK_KEY_LENGTH).optional().describe('Only keys starting with this text.'),
        scope: lockScope.optional().describe('Only keys in this scope: `global`, a name of your own, or a directory (the keys of its repository, every worktree included).'),
        working_directory: lockDirectory.optional().describe('Only keys of the repository this directory is in (every worktree included): the locks that can block an agent working there.'),
        project_id: identifier.optional().describe('Only leases and waiters of agents in this project.'),
        holder: lockHolder.optional(),
        limit: z.number().int().min(1).max(5000).default(500).describe('Most keys to return.'),
      })
      .strict(),
    result: z.object({
      locks: z.array(z.object({ key: z.string(), scope: z.string(), holders: z.array(listedHolder), waiters: z.array(listedWaiter) })),
      holder_count: z.number().int(),
      waiter_count: z.number().int(),
      truncated: z.boolean(),
      as_of: z.string(),
    }),
    emits: [],
    project: ['project_id', 'holder.project_id'],
    mcpTool: 'lock_list',
  },
});
