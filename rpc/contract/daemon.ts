// Contract of the daemon plane: the daemon's own lifecycle and housekeeping.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods } from './define.js';
import { seq } from './common.js';

export const daemonMethods = defineMethods({
  'daemon.shutdown': {
    summary: 'Stop the daemon gracefully: calls in flight are answered, waits end, the database closes cleanly.',
    params: z.object({}).strict(),
    result: z.object({ stopping: z.literal(true), pid: z.number().int() }),
    emits: ['daemon.stopping'],
    allow: OPERATOR_ONLY,
    mutates: true,
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
