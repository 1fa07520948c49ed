// The CLI's exit codes, the same for every command that talks to the daemon.
export const EXIT = {
  OK: 0,
  METHOD_ERROR: 1,
  USAGE: 2,
  UNREACHABLE: 3,
} as const;
