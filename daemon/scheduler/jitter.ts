// A run's jitter: the same delay for the same schedule and due time (so a restart keeps it), spread over its window.
export function jitterMs(scheduleNo: number, dueMs: number, jitterSeconds: number): number {
  if (jitterSeconds <= 0) return 0;
  let hash = 2166136261;
  for (const ch of `${scheduleNo}:${dueMs}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return hash % (jitterSeconds * 1000);
}
