// What the demo's agents decide from what the project already holds, as pure functions: each task idea and each handoff
// comes once (nothing re-created, nothing re-submitted after its decision), so a demo left running for hours stays the size
// it reached in its first minutes, and there is still always a task to claim.
import type { TaskIdea } from './demo-cast.js';

/** A task of the demo project as the decisions need it (task.list gives more). */
export interface TaskFact {
  title: string;
  labels: readonly string[];
  status: string;
}

/** A handoff of the demo project as the decisions need it (approval.list gives more). */
export interface HandoffFact {
  title: string;
  status: string;
}

/**
 * The ideas the planner adds now: in each area with fewer than `openPerArea` open tasks, the next ideas of that area never
 * made before (whatever became of them: done, cancelled, or still there), until the area has enough or runs out.
 */
export function tasksToCreate(tasks: readonly TaskFact[], ideas: readonly TaskIdea[], openPerArea: number): TaskIdea[] {
  const made = new Set(tasks.map((task) => task.title));
  const areas = [...new Set(ideas.map((idea) => idea.label))];
  return areas.flatMap((area) => {
    const open = tasks.filter((task) => task.status === 'open' && task.labels.includes(area)).length;
    return ideas.filter((idea) => idea.label === area && !made.has(idea.title)).slice(0, Math.max(0, openPerArea - open));
  });
}

/**
 * What a worker does with the task it holds once its turn of work is over: marks it done while its area has other work
 * (an open task, or an idea not made yet), else gives it back to the queue, so the area's last task is claimed again and
 * again rather than the demo inventing more.
 */
export function afterWork(area: string, tasks: readonly TaskFact[], ideas: readonly TaskIdea[]): 'done' | 'release' {
  const open = tasks.some((task) => task.status === 'open' && task.labels.includes(area));
  const made = new Set(tasks.map((task) => task.title));
  const unmade = ideas.some((idea) => idea.label === area && !made.has(idea.title));
  return open || unmade ? 'done' : 'release';
}

/**
 * The handoff to submit now: none while one waits for you, else the first one never submitted. One pending or decided is
 * never submitted again; one withdrawn (cancelled) may be. Once you have decided them all, none follows.
 */
export function handoffToSubmit<H extends { title: string }>(handoffs: readonly HandoffFact[], ideas: readonly H[]): H | null {
  if (handoffs.some((handoff) => handoff.status === 'pending')) return null;
  const submitted = new Set(handoffs.filter((handoff) => handoff.status !== 'cancelled').map((handoff) => handoff.title));
  return ideas.find((idea) => !submitted.has(idea.title)) ?? null;
}
