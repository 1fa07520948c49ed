// Which repository a directory belongs to, read from .git files (no git binary): every worktree of one repository shares its common git dir.
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Where a directory's lock keys live: the scope they are compared in, the checkout's top level, and the directory relative to it. */
export interface Repository {
  /** The common git directory of a git checkout (shared by its worktrees), else the directory itself. */
  scope: string;
  /** The top level of the checkout the directory is in (the directory itself outside git). */
  root: string;
  /** The directory relative to root, `/`-separated; empty at the top level. */
  prefix: string;
}

const CACHE_MAX = 1000;
/** A directory can become a checkout (git init) or stop being one: a cached answer is trusted this long. */
const CACHE_MS = 30_000;
const cache = new Map<string, { at: number; found: Promise<Repository>; known?: Repository }>();

/**
 * The repository of an absolute directory; never rejects (an unreadable place is its own scope). Cached per directory, and
 * answered without a promise once known, so a lock call in a known checkout stays synchronous.
 */
export function repositoryOf(directory: string): Repository | Promise<Repository> {
  const now = Date.now();
  const hit = cache.get(directory);
  if (hit && now - hit.at < CACHE_MS) return hit.known ?? hit.found;
  if (cache.size >= CACHE_MAX) cache.clear();
  const entry: { at: number; found: Promise<Repository>; known?: Repository } = { at: now, found: findRepository(directory) };
  void entry.found.then((repository) => (entry.known = repository));
  cache.set(directory, entry);
  return entry.found;
}

async function findRepository(directory: string): Promise<Repository> {
  const start = await canonical(directory);
  for (let dir = start; ; dir = dirname(dir)) {
    const common = await commonGitDir(dir);
    if (common) return { scope: common, root: dir, prefix: toSlashes(relative(dir, start)) };
    if (dirname(dir) === dir) return { scope: start, root: start, prefix: '' };
  }
}

/** The common git dir of a checkout whose top level is `dir`, or null when `dir` holds no `.git`. */
async function commonGitDir(dir: string): Promise<string | null> {
  const dotGit = join(dir, '.git');
  const kind = await stat(dotGit).catch(() => null);
  if (!kind) return null;
  if (kind.isDirectory()) return canonical(dotGit);
  // A worktree (or submodule): `.git` is a file saying `gitdir: PATH`; a worktree's gitdir has a `commondir` file leading back.
  const text = await readFile(dotGit, 'utf8').catch(() => '');
  const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(text)?.[1];
  if (!pointer) return null;
  const gitDir = resolve(dir, pointer);
  const common = (await readFile(join(gitDir, 'commondir'), 'utf8').catch(() => '')).trim();
  return canonical(common ? resolve(gitDir, common) : gitDir);
}

/** The real path when it exists (symlinks resolved), else the path as given, made absolute. */
async function canonical(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

function toSlashes(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Whether `path` (absolute) lies inside `root` or is root itself; the relative rest when it does. */
export function inside(root: string, path: string): string | null {
  const rest = relative(root, path);
  if (rest === '') return '';
  if (rest.startsWith('..') || isAbsolute(rest)) return null;
  return toSlashes(rest);
}
