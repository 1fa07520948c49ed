// Finds the copies wire and unwire leave next to a file (`<file>.bak-<timestamp>`), so unwire can say what it left and where.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const STAMP = /^\d{8}T\d{9}Z(-\d+)?$/;

/** The backups of `file` in its directory, oldest first. */
export function backupsOf(file: string): string[] {
  const prefix = `${basename(file)}.bak-`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && STAMP.test(name.slice(prefix.length)))
    .sort()
    .map((name) => join(dirname(file), name));
}
