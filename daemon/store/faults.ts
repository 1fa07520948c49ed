// What a storage failure means to a person: SQLite's and the file system's codes turned into one sentence that says the
// cause and what to do (the database locked by another process, a full disk, a read-only file), or null for anything else.
export interface StoreFault {
  cause: 'locked' | 'full' | 'readonly' | 'io';
  message: string;
}

/** `when`: a call failing ("call again") or the daemon's start ("start it again"). */
export function storeFault(error: unknown, when: 'call' | 'start' = 'call'): StoreFault | null {
  const retry = when === 'call' ? 'then call again' : 'then start brains again';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return { cause: 'locked', message: `the database is locked by another process (a sqlite3 shell or a backup holding a write transaction?); close it, ${retry}` };
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_FSYNC' || code === 'SQLITE_IOERR_SHMSIZE') {
    return { cause: 'full', message: `no space left on the device holding the brains state directory (or it fails to write); free some space, ${retry}${when === 'call' ? ' — nothing of this call was stored' : ''}` };
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return { cause: 'readonly', message: `the brains database cannot be written (a read-only file or file system); make the state directory writable, ${retry}` };
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO' || code.startsWith('SQLITE_CANTOPEN')) {
    return { cause: 'io', message: `the brains database could not be read or written (${code}); check the disk and the state directory` };
  }
  return null;
}
