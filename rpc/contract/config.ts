// Contract of the config plane: the runtime settings (timeouts, TTLs, limits) an operator may change without a restart.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods } from './define.js';

/** Every runtime setting with its bounds and default; `config.set` checks values against these. */
export const settingsShape = {
  message_ttl_seconds: z.number().int().min(60).max(30 * 86400).default(86400).describe('A message expires this long after it was sent.'),
  message_ack_timeout_seconds: z.number().min(1).max(86400).default(60).describe('A delivered message not acknowledged within this is delivered again.'),
  message_max_attempts: z.number().int().min(1).max(100).default(5).describe('After this many deliveries without an ack a message is marked dead.'),
  session_idle_seconds: z.number().min(1).max(86400).default(60).describe('A session with no heartbeat for this long shows as idle.'),
  session_timeout_seconds: z.number().min(5).max(7 * 86400).default(300).describe('A session with no heartbeat for this long is gone: its locks and tasks are released.'),
  reaper_interval_seconds: z.number().min(0.1).max(3600).default(5).describe('How often sessions are checked for timeouts and dead pids.'),
  session_disconnect_grace_seconds: z
    .number()
    .min(0.1)
    .max(600)
    .default(1)
    .describe('A session bound to a connection (brains mcp) ends once its last connection closed and none came back within this; its locks and tasks are released.'),
  resource_max_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(512 * 1024).describe('Largest resource content, in bytes.'),
  lock_default_ttl_seconds: z.number().min(1).max(7 * 86400).default(300).describe('Lease length when lock.acquire gives no ttl_seconds.'),
  db_lock_wait_seconds: z
    .number()
    .min(0.05)
    .max(600)
    .default(5)
    .describe('How long a call that must write waits for another process to free the database (the daemon keeps answering meanwhile) before it is answered UNAVAILABLE.'),
  agent_concurrency: z.number().int().min(1).max(64).default(5).describe('How many managed agents may run a turn at the same time; the others queue.'),
  agent_turn_timeout_seconds: z
    .number()
    .min(1)
    .max(7 * 86400)
    .default(900)
    .describe('A managed agent\'s turn running longer than this (not counting time waiting for a permission) is ended, its whole process tree killed.'),
  agent_permission_timeout_seconds: z
    .number()
    .min(0)
    .max(7 * 86400)
    .default(0)
    .describe('A permission request nobody decided within this is denied; 0 waits for the human without a limit.'),
  agent_retry_attempts: z.number().int().min(1).max(10).default(3).describe('How many times a managed agent\'s turn is tried when it fails for a passing reason (a crash, an overloaded provider).'),
  agent_auto_reply_max_hops: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(6)
    .describe('Auto-replies in one thread of messages before the agents stop answering each other (a note says so in the thread).'),
  agent_stop_grace_seconds: z.number().min(0.1).max(300).default(5).describe('How long an agent process has to end after its input closes and SIGTERM, before SIGKILL.'),
  schedule_run_history: z.number().int().min(1).max(100_000).default(100).describe('How many runs of each schedule the run log keeps (schedule.runs); older ones are dropped.'),
  lock_max_ttl_seconds: z.number().min(1).max(30 * 86400).default(86400).describe('Longest lease a lock.acquire may ask for.'),
  backup_every_hours: z
    .number()
    .min(0)
    .max(24 * 365)
    .default(0)
    .describe('The daemon writes a backup into $BRAINS_HOME/backups this often (brains backup makes the same archive); 0 turns scheduled backups off.'),
  backup_keep: z.number().int().min(1).max(1000).default(7).describe('How many scheduled backups are kept; the oldest beyond this are deleted.'),
  log_max_bytes: z
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .default(10 * 1024 * 1024)
    .describe('The daemon log (logs/daemon.log) is rotated once it grows past this many bytes.'),
  log_keep_files: z.number().int().min(1).max(100).default(5).describe('How many rotated daemon logs are kept (daemon.log.1 is the newest).'),
};
export const settingsSchema = z.object(settingsShape).strict();
export type Settings = z.output<typeof settingsSchema>;
export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(settingsShape) as SettingKey[];

export const configMethods = defineMethods({
  'config.get': {
    summary: 'Read the runtime settings (all, or one key) with their defaults.',
    params: z.object({ key: z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]).optional() }).strict(),
    result: z.object({ settings: z.record(z.string(), z.number()), defaults: z.record(z.string(), z.number()) }),
    emits: [],
  },
  'config.set': {
    summary: 'Change one runtime setting; it applies at once, is saved in config.json, and survives restarts.',
    params: z.object({ key: z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]), value: z.number() }).strict(),
    result: z.object({ key: z.string(), value: z.number(), previous: z.number() }),
    emits: ['config.changed'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
});
