// The CLI's exit codes, the same for every command that talks to the daemon.
export const EXIT = {
  OK: 0,
  METHOD_ERROR: 1,
  USAGE: 2,
  UNREACHABLE: 3,
} as const;

/** `brains doctor`: everything fine (or only notes), some warnings, or a problem to fix (a usage error is 2 too). */
export const DOCTOR_EXIT = {
  OK: 0,
  WARNINGS: 1,
  PROBLEMS: 2,
} as const;
