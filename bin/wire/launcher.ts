// How agent tools start brains: by `brains` when the one on PATH is this install, else by absolute node and script paths.
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI next to this module: dist/bin/brains.js. */
export function cliPath(): string {
  return fileURLToPath(new URL('../brains.js', import.meta.url));
}

export interface Launcher {
  command: string;
  /** Arguments before the brains subcommand (the script path when launched through node). */
  prefix: string[];
  /** True for `brains` on PATH: survives moving the checkout and changing Node. */
  stable: boolean;
}

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on env.PATH, as a path; null when there is none. */
export function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return null;
}

function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** `brains` when env.PATH finds this very install (same real path as dist/bin/brains.js), else node and the script. */
export function launcherFor(env: NodeJS.ProcessEnv): Launcher {
  const found = onPath('brains', env);
  if (found !== null && realpathOrNull(found) === realpathOrNull(cliPath())) return { command: 'brains', prefix: [], stable: true };
  return absoluteLauncher();
}

export function absoluteLauncher(): Launcher {
  return { command: process.execPath, prefix: [cliPath()], stable: false };
}

/** What a wired entry launches and which of its parts no longer exist (a bare name is looked up on env.PATH). */
export function missingParts(command: string, args: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const missing: string[] = [];
  if (isAbsolute(command) ? !existsSync(command) : onPath(command, env) === null) missing.push(command);
  const script = args[0];
  if (script !== undefined && isAbsolute(script) && /\.[cm]?js$/.test(script) && !existsSync(script)) missing.push(script);
  return missing;
}
