// Checks on what a person sets for a managed agent (directories, env, command), before anything is stored.
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { MAX_SYSTEM_PROMPT_BYTES } from '../../../rpc/contract/agents.js';
import { BrainsError } from '../../../rpc/errors.js';

/** Variables the daemon sets for every agent process itself; an agent's env may not replace them. */
export const DAEMON_SET_ENV = ['BRAINS_AGENT_TOKEN', 'BRAINS_AGENT', 'BRAINS_HOME', 'BRAINS_SOCKET', 'BRAINS_TOOL', 'BRAINS_GATEWAY_URL'] as const;

/** What an env value may name as ${NAME}, filled in when the process starts (its token is minted then). */
export const ENV_REFERENCES = ['BRAINS_AGENT_TOKEN', 'BRAINS_GATEWAY_URL'] as const;
const REFERENCE = /\$\{(BRAINS_[A-Z0-9_]*)\}/g;

/** No argument or environment value of a process can hold a NUL: refused here, not when every turn fails to start. */
const hasNul = (value: string): boolean => value.includes('\0');

export function requireDirectory(path: string, what: string): void {
  if (path.split('/').some((part) => part === '.' || part === '..')) {
    throw new BrainsError('INVALID', `${what} ${path} has . or .. parts; name the directory itself, e.g. ${posix.resolve(path)}`, { path });
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new BrainsError('INVALID', `${what} ${path} does not exist; create it first or name an existing directory`, { path });
  }
  if (!isDirectory) throw new BrainsError('INVALID', `${what} ${path} is a file, not a directory; name its directory`, { path });
}

export function checkEnv(env: Record<string, string> | undefined): void {
  if (!env) return;
  const reserved = Object.keys(env).filter((name) => (DAEMON_SET_ENV as readonly string[]).includes(name));
  if (reserved.length > 0) throw new BrainsError('INVALID', `env may not set ${reserved.join(', ')}: the daemon sets it for every agent process`, { names: reserved });
  const withNul = Object.keys(env).filter((name) => hasNul(env[name]!));
  if (withNul.length > 0) throw new BrainsError('INVALID', `env ${withNul.join(', ')} holds a NUL character (\\0), which no process environment can carry`, { names: withNul });
  for (const [name, value] of Object.entries(env)) {
    for (const [, referenced] of value.matchAll(REFERENCE)) {
      if (!(ENV_REFERENCES as readonly string[]).includes(referenced!)) {
        throw new BrainsError('INVALID', `env ${name} refers to \${${referenced}}, which the daemon does not fill in; use ${ENV_REFERENCES.map((r) => `\${${r}}`).join(' or ')}`, { name, reference: referenced });
      }
    }
  }
}

export function checkSystemPrompt(prompt: string | null | undefined): void {
  if (prompt === null || prompt === undefined) return;
  if (hasNul(prompt)) throw new BrainsError('INVALID', 'system_prompt holds a NUL character (\\0), which no command line can carry; remove it');
  const bytes = Buffer.byteLength(prompt);
  if (bytes > MAX_SYSTEM_PROMPT_BYTES) throw new BrainsError('LIMIT_EXCEEDED', `system_prompt is ${bytes} bytes, over the ${MAX_SYSTEM_PROMPT_BYTES}-byte limit; shorten it`, { limit: MAX_SYSTEM_PROMPT_BYTES, size: bytes });
}

/** The command backend needs a command line; the others must not be given one they would ignore. */
/** The backends that run the command line a person gives them. */
export const COMMAND_BACKENDS: ReadonlySet<string> = new Set(['command', 'acp']);

export function checkCommand(backend: string, command: readonly string[] | null | undefined): void {
  if (backend === 'command' && (command === null || command === undefined)) {
    throw new BrainsError('INVALID', 'backend command needs command: the program and its arguments, e.g. command=\'["my-cli","--flag"]\'');
  }
  if (backend === 'acp' && (command === null || command === undefined)) {
    throw new BrainsError('INVALID', 'backend acp needs command: the ACP agent\'s program and the arguments that make it speak ACP on stdio, e.g. command=\'["gemini","--acp"]\' (or use backend gemini or copilot)');
  }
  if (command?.some(hasNul)) throw new BrainsError('INVALID', 'command holds a NUL character (\\0), which no command line can carry; remove it');
  if (!COMMAND_BACKENDS.has(backend) && command !== null && command !== undefined) {
    throw new BrainsError('INVALID', `command is for backends command and acp only; ${backend} runs its own CLI (leave command out)`);
  }
}
