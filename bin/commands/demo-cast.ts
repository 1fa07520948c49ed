// Who plays in `brains demo` and what they say: the demo project, its three agents, their tasks and their lines.
import { join } from 'node:path';

export const DEMO_PROJECT_ID = 'demo';
export const DEMO_PROJECT_NAME = 'Demo';
/** Marks the project as the demo's in its shared context, so the demo never adopts or removes a project of yours. */
export const DEMO_MARKER = 'brains_demo';

export const DEMO_DESCRIPTION =
  'Three echo agents the daemon runs (brains demo), talking, locking, claiming tasks and handing work in; type into one with agent.send. Stop the script with brains demo --stop; remove all of it with brains demo --clean.';

/** Whether a project's shared context carries the demo's mark. */
export function isDemoContext(context: Record<string, unknown>): boolean {
  return context[DEMO_MARKER] === true;
}

export function foreignProjectMessage(): string {
  return `a project "${DEMO_PROJECT_ID}" already exists and brains demo did not create it; the demo leaves it alone (rename or delete it to run the demo)`;
}

export type AgentName = 'planner' | 'backend' | 'frontend';

/** Managed agents on the built-in echo backend: no program to install, and what you type to one comes back to you. */
export const DEMO_BACKEND = 'echo';

/** The planner joins first (so it is the coordinator); the other two do the work. */
export const CAST: readonly AgentName[] = ['planner', 'backend', 'frontend'];

/** What marks each message the demo's agents send: never answered by auto_reply, so the script cannot start echo ping-pong. */
export const DEMO_METADATA = { no_auto_reply: true } as const;

/** Where a demo agent works: its own directory in the state dir. */
export function demoWorkingDirectory(home: string, name: AgentName): string {
  return join(home, 'demo', name);
}

/** What a worker holds while it works: a lock on its files, and tasks with its label. */
export interface WorkArea {
  lockKey: string;
  taskLabel: string;
}

export const WORK_AREAS: Readonly<Record<'backend' | 'frontend', WorkArea>> = {
  backend: { lockKey: 'src/api/**', taskLabel: 'api' },
  frontend: { lockKey: 'src/web/**', taskLabel: 'web' },
};

export interface TaskIdea {
  title: string;
  label: string;
  priority: 'p0' | 'p1' | 'p2' | 'p3';
}

export const TASK_IDEAS: readonly TaskIdea[] = [
  { title: 'Add rate limiting to POST /api/login', label: 'api', priority: 'p1' },
  { title: 'Settings page: notification toggles', label: 'web', priority: 'p2' },
  { title: 'Paginate GET /api/projects', label: 'api', priority: 'p2' },
  { title: 'Dark mode for the dashboard', label: 'web', priority: 'p3' },
  { title: 'Migration for the user_preferences table', label: 'api', priority: 'p1' },
  { title: 'Cache the project list in the web client', label: 'web', priority: 'p2' },
  { title: 'Fix the flaky sign-up end-to-end test', label: 'web', priority: 'p0' },
  { title: 'Return 409 on duplicate e-mail in POST /api/users', label: 'api', priority: 'p2' },
];

/** Lines each exchange draws from, one after the other, so a long-running demo does not repeat itself at once; handoffs are each handed in once. */
export const LINES = {
  plannerAsksBackend: [
    'Can you take the rate limiting on /api/login next? Ping me if it touches the session store.',
    'Is the /api/projects pagination backwards compatible, or do we need a v2 route?',
    'What do you need from frontend before the preferences migration can land?',
  ],
  backendAnswers: [
    'On it. It only touches the middleware, not the session store.',
    'Backwards compatible: without ?cursor you get the first page as before.',
    'Nothing blocking; I will post the new fields once the migration is in.',
  ],
  frontendTellsBackend: [
    'I am wiring the settings page to GET /api/profile now.',
    'Heads up: the web client will start sending ?cursor= on the projects list.',
    'The sign-up test flakes on the 429 you added; can the limit skip test accounts?',
  ],
  backendReportsToPlanner: [
    'Rate limiting is in; tests are green.',
    'Pagination merged behind the cursor param; docs next.',
    'Migration written and reversible; it runs in under a second on a copy of prod.',
  ],
  plannerAsksFrontend: [
    'How far along is the settings page? I would like to demo it on Friday.',
    'Can you check the dashboard against the new contrast guidelines?',
  ],
  plannerAnswers: ['Thanks, noted in the plan.', 'Good, I will tell the others.'],
  frontendAnswers: [
    'Nearly there: toggles work, copy needs a review.',
    'Checked: two buttons fail contrast, fixing them now.',
  ],
  askOperator: [
    'Should the settings page use tabs or a sidebar? I have both sketched.',
    'The designs show a dark header, the style guide a light one. Which wins?',
    'May I drop support for the old /api/v1/profile route in the web client?',
  ],
  handoffs: [
    { title: 'Settings page ready for review', summary: 'Notification toggles wired to /api/profile, with tests. Check it at /settings with a test account.' },
    { title: 'Dashboard dark mode ready for review', summary: 'Dark theme behind the system preference; contrast checked on every page. Toggle it in your OS settings to try it.' },
    { title: 'Project list cache ready for review', summary: 'The web client keeps the project list for a minute and refreshes it in the background. Open /projects twice to see it.' },
    { title: 'Sign-up test no longer flaky', summary: 'The end-to-end test waits for the confirmation e-mail instead of sleeping; 200 runs in a row passed.' },
  ],
  taskNotes: ['Done, with tests.', 'Merged; follow-ups noted in the ticket.', 'Finished and reviewed by a second agent.'],
} as const;

/** The line a cycle uses: the next in the list, round and round. */
export function pick<T>(lines: readonly T[], cycle: number): T {
  return lines[cycle % lines.length]!;
}
