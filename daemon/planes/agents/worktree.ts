// A managed agent's own git worktree: made on a new branch brains/<agent> when the agent is created, diffed against its
// base, removed with it (refused while it holds uncommitted work), so agents in one repository never edit the same files.
import { execFile } from 'node:child_process';
import { mkdir, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { BrainsError } from '../../../rpc/errors.js';

export interface Worktree {
  /** The worktree's top level. */
  path: string;
  branch: string;
  /** The commit it was made from (what agent.diff compares against). */
  base: string;
  /** The top level of the checkout it was made from. */
  repository: string;
}

export interface WorktreeDiff {
  diff: string;
  files: { path: string; status: 'added' | 'modified' | 'deleted' | 'renamed' | 'untracked'; additions: number | null; deletions: number | null }[];
  truncated: boolean;
}

const GIT_TIMEOUT_MS = 60_000;
const GIT_OUTPUT_BYTES = 64 * 1024 * 1024;
export const MAX_DIFF_BYTES = 2 * 1024 * 1024;
/** Untracked files shown whole in a diff; more are listed without their text. */
const MAX_UNTRACKED_DIFFS = 200;

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs git without a shell and never rejects for a non-zero exit; a missing git binary is a clear error. */
function git(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, timeout: GIT_TIMEOUT_MS, maxBuffer: GIT_OUTPUT_BYTES, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        if (failure?.code === 'ENOENT') return reject(new BrainsError('UNAVAILABLE', 'git is not installed (or not on the daemon\'s PATH); worktrees need it'));
        if (failure?.killed) return reject(new BrainsError('UNAVAILABLE', `git ${args[0]} did not finish within ${GIT_TIMEOUT_MS / 1000} s in ${cwd}`));
        if (failure && typeof failure.code !== 'number') return reject(new BrainsError('UNAVAILABLE', `git ${args[0]} failed in ${cwd}: ${failure.message}`));
        resolve({ code: typeof failure?.code === 'number' ? failure.code : 0, stdout, stderr });
      },
    );
  });
}

const firstLine = (text: string): string => text.trim().split('\n')[0] ?? '';

export function branchFor(agentName: string): string {
  return `brains/${agentName}`;
}

/** Where an agent's worktree lives: under the state directory, one per agent name (agent names are unique). */
export function worktreePathFor(home: string, agentName: string): string {
  return join(home, 'worktrees', agentName);
}

/**
 * Makes the worktree for an agent whose working directory is `directory` (anywhere inside a checkout): a new branch
 * brains/<agent> from `base` (default HEAD). Returns it and the directory to work in (the same place inside the worktree).
 */
export async function createWorktree(home: string, agentName: string, directory: string, base: string | undefined): Promise<{ worktree: Worktree; workingDirectory: string }> {
  const top = await git(directory, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) throw new BrainsError('INVALID', `working_directory ${directory} is not inside a git repository; worktree: true needs one (git init, and commit once)`, { path: directory });
  const repository = top.stdout.trim();
  const prefix = relative(await realpath(repository), await realpath(directory));
  const wanted = base ?? 'HEAD';
  const commit = await git(repository, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${wanted}^{commit}`]);
  if (commit.code !== 0) {
    throw new BrainsError(
      'INVALID',
      base === undefined ? `${repository} has no commit yet; commit once, then create the agent with worktree: true` : `base ${base} is not a commit in ${repository}; name a branch, tag or commit there`,
      { base: wanted },
    );
  }
  const branch = branchFor(agentName);
  const taken = await git(repository, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]);
  if (taken.code === 0) {
    throw new BrainsError('CONFLICT', `branch ${branch} exists already in ${repository}; delete it (git branch -D ${branch}) or choose another agent_name`, { branch });
  }
  const path = worktreePathFor(home, agentName);
  if (await exists(path)) throw new BrainsError('CONFLICT', `${path} exists already (a worktree left from an earlier agent?); remove it (git worktree remove ${path}) and try again`, { path });
  await mkdir(join(home, 'worktrees'), { recursive: true, mode: 0o700 });
  await git(repository, ['worktree', 'prune']);
  const added = await git(repository, ['worktree', 'add', '-b', branch, path, commit.stdout.trim()]);
  if (added.code !== 0) throw new BrainsError('UNAVAILABLE', `git worktree add failed in ${repository}: ${firstLine(added.stderr)}`, { path });
  return { worktree: { path, branch, base: commit.stdout.trim(), repository }, workingDirectory: prefix === '' ? path : join(path, prefix) };
}

/** What is not committed in the worktree (git status lines); empty when it is clean or gone. */
export async function uncommittedIn(worktree: Worktree): Promise<string[]> {
  if (!(await exists(worktree.path))) return [];
  const status = await git(worktree.path, ['status', '--porcelain', '--untracked-files=all']);
  if (status.code !== 0) throw new BrainsError('UNAVAILABLE', `git status failed in ${worktree.path}: ${firstLine(status.stderr)}`);
  return status.stdout.split('\n').filter((line) => line.trim() !== '');
}

/** Removes the worktree (its branch and commits stay); force drops uncommitted work. True when it is gone. */
export async function removeWorktree(worktree: Worktree, force: boolean): Promise<{ removed: boolean; error?: string }> {
  if (!(await exists(worktree.path))) {
    await git(worktree.repository, ['worktree', 'prune']).catch(() => undefined);
    return { removed: true };
  }
  const removed = await git(worktree.repository, ['worktree', 'remove', ...(force ? ['--force', '--force'] : []), worktree.path]);
  if (removed.code === 0) return { removed: true };
  return { removed: false, error: firstLine(removed.stderr) };
}

/** Undoes createWorktree (the agent could not be stored after all): the worktree and its new branch go. */
export async function discardWorktree(worktree: Worktree): Promise<void> {
  await removeWorktree(worktree, true).catch(() => undefined);
  await git(worktree.repository, ['branch', '-D', worktree.branch]).catch(() => undefined);
}

/** The unified diff of the worktree (commits since base, staged and unstaged changes, new files) against its base. */
export async function diffWorktree(worktree: Worktree, maxBytes = MAX_DIFF_BYTES): Promise<WorktreeDiff> {
  if (!(await exists(worktree.path))) throw new BrainsError('NOT_FOUND', `the worktree ${worktree.path} is gone; its branch ${worktree.branch} still holds what was committed`, { path: worktree.path });
  const tracked = await git(worktree.path, ['diff', '--no-color', '--no-ext-diff', worktree.base, '--']);
  if (tracked.code !== 0) throw new BrainsError('UNAVAILABLE', `git diff failed in ${worktree.path}: ${firstLine(tracked.stderr)}`);
  const stats = await git(worktree.path, ['diff', '--name-status', '-z', worktree.base, '--']);
  const numstat = await git(worktree.path, ['diff', '--numstat', '-z', worktree.base, '--']);
  const untracked = await git(worktree.path, ['ls-files', '--others', '--exclude-standard', '-z']);
  const files = trackedFiles(stats.stdout, numstat.stdout);
  let diff = tracked.stdout;
  const newFiles = untracked.stdout.split('\0').filter((name) => name !== '');
  for (const [index, name] of newFiles.entries()) {
    let added: string | null = null;
    if (index < MAX_UNTRACKED_DIFFS && Buffer.byteLength(diff) < maxBytes) {
      const shown = await git(worktree.path, ['diff', '--no-color', '--no-ext-diff', '--no-index', '--', '/dev/null', name]);
      added = shown.stdout;
      diff += added;
    }
    files.push({ path: name, status: 'untracked', additions: added === null ? null : countAdded(added), deletions: added === null ? null : 0 });
  }
  const truncated = Buffer.byteLength(diff) > maxBytes || newFiles.length > MAX_UNTRACKED_DIFFS;
  if (Buffer.byteLength(diff) > maxBytes) diff = cutAtLine(diff, maxBytes);
  return { diff, files, truncated };
}

function trackedFiles(nameStatus: string, numstat: string): WorktreeDiff['files'] {
  const counts = new Map<string, { additions: number | null; deletions: number | null }>();
  const parts = numstat.split('\0');
  for (let i = 0; i < parts.length; i += 1) {
    const entry = parts[i]!;
    if (entry === '') continue;
    const [added, deleted, name] = entry.split('\t');
    const path = name === '' ? (parts[(i += 2)] ?? '') : (name ?? '');
    counts.set(path, { additions: added === '-' ? null : Number(added), deletions: deleted === '-' ? null : Number(deleted) });
  }
  const files: WorktreeDiff['files'] = [];
  const fields = nameStatus.split('\0');
  for (let i = 0; i < fields.length; ) {
    const code = fields[i] ?? '';
    if (code === '') break;
    const renamed = code.startsWith('R') || code.startsWith('C');
    const path = renamed ? (fields[i + 2] ?? '') : (fields[i + 1] ?? '');
    i += renamed ? 3 : 2;
    const status = code.startsWith('A') ? 'added' : code.startsWith('D') ? 'deleted' : renamed ? 'renamed' : 'modified';
    files.push({ path, status, ...(counts.get(path) ?? { additions: null, deletions: null }) });
  }
  return files;
}

function countAdded(diff: string): number {
  return diff.split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++')).length;
}

function cutAtLine(text: string, maxBytes: number): string {
  const cut = Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  const lastNewline = cut.lastIndexOf('\n');
  return lastNewline === -1 ? '' : cut.slice(0, lastNewline + 1);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
