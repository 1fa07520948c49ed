// The exit code the daemon and the clients that start it agree on, apart from the start-up code, so the daemon does
// not load the client's modules to know it.

/** `brains daemon` exits with this when a daemon already runs for the state dir (daemon/main.ts EXIT_ALREADY_RUNNING). */
export const DAEMON_ALREADY_RUNNING_EXIT = 4;
