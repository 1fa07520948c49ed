// Doctor: the agent CLIs managed agents run (claude, codex, gemini, copilot): found, and answering --version.
import { spawn } from 'node:child_process';
import { isExecutable } from '../../daemon/agents/drivers/find-program.js';
import { resolve } from 'node:path';
import { onPath } from '../wire/launcher.js';
import { oneLine } from '../commands/human.js';
import { check, tilde, type Check } from './check.js';

export const AGENT_CLIS = [
  { name: 'claude', env: 'BRAINS_CLAUDE_PATH' },
  { name: 'codex', env: 'BRAINS_CODEX_PATH' },
  { name: 'gemini', env: 'BRAINS_GEMINI_PATH' },
  { name: 'copilot', env: 'BRAINS_COPILOT_PATH' },
] as const;

export type AgentCli = (typeof AGENT_CLIS)[number];

export const VERSION_WITHIN_MS = 5000;
const OUTPUT_LIMIT = 4096;

export interface VersionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** It could not be started at all (EACCES, ENOEXEC). */
  error?: string;
}

/**
 * Runs `path --version` in a process group of its own, so a CLI that hangs is killed with whatever it started (a shell
 * wrapper's child holds the output open after the wrapper dies); only the first few KiB of output are kept.
 */
export function runVersion(path: string, env: NodeJS.ProcessEnv, timeoutMs = VERSION_WITHIN_MS): Promise<VersionRun> {
  return new Promise((done) => {
    const child = spawn(path, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
    const out = { stdout: '', stderr: '' };
    const keep = (key: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (out[key].length < OUTPUT_LIMIT) out[key] += chunk.toString('utf8').slice(0, OUTPUT_LIMIT - out[key].length);
    };
    child.stdout.on('data', keep('stdout'));
    child.stderr.on('data', keep('stderr'));
    let finished = false;
    const finish = (run: VersionRun) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      done(run);
    };
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ code: null, ...out, timedOut: true });
    }, timeoutMs);
    child.once('error', (error) => finish({ code: null, ...out, timedOut: false, error: error.message }));
    child.once('close', (code) => finish({ code, ...out, timedOut: false }));
  });
}

function firstLine(text: string): string {
  return oneLine(text.split('\n').find((line) => line.trim() !== '') ?? '', 80);
}

/** Where the CLI is: its BRAINS_*_PATH when set, else the first on PATH; `bad` when that variable names no executable file. */
export function locate(cli: AgentCli, env: NodeJS.ProcessEnv): { path: string | null; bad?: string } {
  const set = env[cli.env]?.trim();
  if (set) {
    const path = resolve(set);
    return isExecutable(path) ? { path } : { path: null, bad: path };
  }
  return { path: onPath(cli.name, env) };
}

/** The verdict on one CLI from where it was found and what `--version` did. */
export function agentCliCheck(cli: AgentCli, found: { path: string | null; bad?: string }, run: VersionRun | null, timeoutMs = VERSION_WITHIN_MS): Check {
  if (found.bad !== undefined) {
    return check('agents', cli.name, 'warn', `${cli.name}: ${cli.env} names ${tilde(found.bad)}, which is not an executable file`, {
      fix: `set ${cli.env} to the ${cli.name} CLI's path, or unset it to find ${cli.name} on PATH`,
    });
  }
  if (found.path === null || run === null) return check('agents', cli.name, 'info', `${cli.name}: not found on PATH (install it, or set ${cli.env}, to run managed ${cli.name} agents)`);
  const where = tilde(found.path);
  if (run.timedOut) {
    return check('agents', cli.name, 'warn', `${cli.name} (${where}) did not answer --version within ${timeoutMs / 1000} s`, {
      fix: `run ${found.path} --version yourself to see what it waits for (a login, an update prompt)`,
    });
  }
  if (run.error !== undefined || run.code !== 0) {
    const said = firstLine(run.stderr) || firstLine(run.stdout);
    const how = run.error ?? (run.code === null ? 'it was killed' : `exit ${run.code}`);
    return check('agents', cli.name, 'warn', `${cli.name} (${where}) --version failed: ${how}${said ? `: ${said}` : ''}`, {
      fix: `run ${found.path} --version yourself, and reinstall ${cli.name} if it keeps failing`,
    });
  }
  const version = firstLine(run.stdout) || firstLine(run.stderr) || '(no version printed)';
  return check('agents', cli.name, 'ok', `${cli.name} ${version} (${where})`);
}

export async function agentCliChecks(env: NodeJS.ProcessEnv = process.env, timeoutMs = VERSION_WITHIN_MS): Promise<Check[]> {
  return Promise.all(
    AGENT_CLIS.map(async (cli) => {
      const found = locate(cli, env);
      const run = found.path === null ? null : await runVersion(found.path, env, timeoutMs);
      return agentCliCheck(cli, found, run, timeoutMs);
    }),
  );
}
