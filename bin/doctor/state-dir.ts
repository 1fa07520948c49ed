// Doctor: the state dir and what is private in it: the dir 0700; the database, settings, keys and socket 0600, all yours.
import { RuntimeSettings, SettingsFileError } from '../../daemon/settings.js';
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import type { StatePaths } from '../../rpc/paths.js';
import { check, tilde, type Check } from './check.js';

/** secret: a key or the socket, whose reader can act as you (problem); private: your data (warn). */
type Sensitivity = 'secret' | 'private';

function statOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

/** Who besides you may use it: "group and others", "others", or null when nobody. */
function openTo(mode: number): string | null {
  const group = (mode & 0o070) !== 0;
  const others = (mode & 0o007) !== 0;
  if (group && others) return 'group and others';
  return group ? 'group' : others ? 'others' : null;
}

function ownerProblem(stats: Stats, uid: number | undefined, id: string, name: string, path: string): Check | null {
  if (uid === undefined || stats.uid === uid) return null;
  return check('state', `owner:${id}`, 'problem', `${name} belongs to uid ${stats.uid}, not to you (uid ${uid})`, { fix: `chown -R ${uid} ${path}` });
}

/** A directory that must be 0700: writable by others is a problem (they could swap the socket or the database), readable a warning. */
export function dirCheck(path: string, label: 'state dir' | 'keys dir', stats: Stats, uid: number | undefined): Check {
  const id = label === 'state dir' ? 'dir' : 'keys-dir';
  const owner = ownerProblem(stats, uid, id, label, path);
  if (owner) return owner;
  if (!stats.isDirectory()) return check('state', id, 'problem', `the ${label} ${tilde(path)} is not a directory`, { fix: `move it aside: mv ${path} ${path}.old` });
  const who = openTo(stats.mode);
  if (who === null) return check('state', id, 'ok', `${label} ${tilde(path)} (${octal(stats.mode)})`);
  const writable = (stats.mode & 0o022) !== 0;
  return check('state', id, writable ? 'problem' : 'warn', `the ${label} ${tilde(path)} is ${octal(stats.mode)}: ${writable ? 'writable' : 'readable'} by ${who}`, {
    detail: 'it holds your messages, keys and the socket; brains keeps it 0700',
    fix: `chmod 700 ${path}`,
  });
}

/** A file that must be 0600: a key or the socket open to others is a problem, the database or settings a warning. */
export function fileCheck(path: string, name: string, stats: Stats, sensitivity: Sensitivity, uid: number | undefined): Check | null {
  const owner = ownerProblem(stats, uid, name, name, path);
  if (owner) return owner;
  const who = openTo(stats.mode);
  if (who === null) return null;
  const what = sensitivity === 'secret' ? secretWhy(name, stats) : 'it holds your data';
  return check('state', `mode:${name}`, sensitivity === 'secret' ? 'problem' : 'warn', `${name} is ${octal(stats.mode)}: open to ${who} (${what})`, {
    fix: `chmod 600 ${path}`,
  });
}

/** config.json the daemon would refuse to start with (it reads it first), said with its reason. */
function settingsProblem(path: string): Check | null {
  try {
    new RuntimeSettings(path);
    return null;
  } catch (error) {
    if (!(error instanceof SettingsFileError)) throw error;
    return check('state', 'settings', 'problem', error.message, { detail: 'the daemon will not start with it', fix: `fix ${path}, or delete it to go back to the defaults` });
  }
}

/** What a reader of this secret could do: the audit key forges the trail; the others let one act as you. */
function secretWhy(name: string, stats: Stats): string {
  if (stats.isSocket()) return 'anyone who can connect acts as you';
  if (name.endsWith('audit.key')) return 'whoever reads it can rewrite the audit trail so that audit.verify still passes';
  return 'whoever reads it can act as you';
}

export function stateChecks(paths: StatePaths, uid: number | undefined = process.getuid?.()): Check[] {
  const home = statOrNull(paths.home);
  if (home === null) return [check('state', 'dir', 'info', `${tilde(paths.home)} does not exist yet: the daemon makes it (0700) when it first starts`)];
  const checks = [dirCheck(paths.home, 'state dir', home, uid)];
  if (!home.isDirectory()) return checks;
  const files: Array<[string, Sensitivity]> = [
    [paths.db, 'private'],
    [`${paths.db}-wal`, 'private'],
    [paths.config, 'private'],
    [paths.socket, 'secret'],
  ];
  const keys = statOrNull(paths.keysDir);
  if (keys !== null) {
    checks.push(dirCheck(paths.keysDir, 'keys dir', keys, uid));
    if (keys.isDirectory()) for (const name of readdirSync(paths.keysDir).sort()) files.push([join(paths.keysDir, name), 'secret']);
  }
  let fine = 0;
  for (const [path, sensitivity] of files) {
    const stats = statOrNull(path);
    if (stats === null || stats.isSymbolicLink() || stats.isDirectory()) continue;
    const name = path.startsWith(`${paths.home}/`) ? relative(paths.home, path) : tilde(path);
    const found = fileCheck(path, name, stats, sensitivity, uid);
    if (found) checks.push(found);
    else fine += 1;
  }
  const settings = settingsProblem(paths.config);
  if (settings) checks.push(settings);
  if (fine > 0) checks.push(check('state', 'files', 'ok', `${fine} private file${fine === 1 ? '' : 's'} (database, settings, keys, socket) open to you alone`));
  return checks;
}
