// The version of the socket protocol: a face compares it with the daemon's (system.info) to notice an older or newer daemon.

/**
 * Raised when a method, param or result changes in a way an older face or daemon would misread. A CLI whose number
 * differs from the running daemon's says so (brains doctor, brains version) and asks for a restart of the daemon.
 */
export const PROTOCOL_VERSION = 2;
