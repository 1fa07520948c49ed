// Contract of the daemon plane: the daemon's own lifecycle and housekeeping.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods } from './define.js';
import { seq } from './common.js';

const backupSummary = z.object({
  path: z.string().describe('Where the archive was written (0600): gzip over tar, so tar tzf lists it.'),
  bytes: z.number().int().describe('Size of the archive.'),
  database_bytes: z.number().int().describe('Size of the database copy inside it, before compression.'),
  created_at: z.string(),
  brains_version: z.string(),
  schema_version: z.number().int().describe('The schema version of the database in the archive; brains restore refuses one newer than it understands.'),
  reason: z.enum(['manual', 'scheduled', 'pre-migration']),
  counts: z.record(z.string(), z.number().int()).describe('Rows of each kind in the copy: messages, events, projects, tasks, audit_rows ...'),
  files: z.array(z.string()).describe('What the archive holds besides its manifest: brains.db, keys/..., config.json, gateway.json.'),
  duration_ms: z.number().int(),
});

export const daemonMethods = defineMethods({
  'daemon.shutdown': {
    summary: 'Stop the daemon gracefully: calls in flight are answered, waits end, the database closes cleanly.',
    params: z.object({}).strict(),
    result: z.object({ stopping: z.literal(true), pid: z.number().int() }),
    emits: ['daemon.stopping'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
  'daemon.backup': {
    summary: 'Write a backup archive while the daemon runs: a consistent copy of the database, the keys and the config (brains backup).',
    description:
      'The copy is taken with SQLite\'s online backup on a thread of its own, as one moment of the database; calls and writes go on meanwhile. ' +
      'Restore with brains restore FILE (it stops the daemon, keeps the state it replaces, restores, starts again, verifies the audit chain).',
    params: z
      .object({
        path: z
          .string()
          .max(4096)
          .optional()
          .describe('Absolute path of the archive to write; it must not exist yet, its folder must. Default: $BRAINS_HOME/backups/brains-<time>.tar.gz.'),
      })
      .strict(),
    result: backupSummary,
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'daemon.maintain': {
    summary: 'Run housekeeping now: prune events past retention and checkpoint the write-ahead log.',
    params: z.object({}).strict(),
    result: z.object({
      pruned_events: z.number().int(),
      oldest_seq: seq,
      head_seq: seq,
      wal_bytes_before: z.number().int(),
      wal_bytes_after: z.number().int(),
    }),
    emits: [],
    allow: OPERATOR_ONLY,
  },
});
