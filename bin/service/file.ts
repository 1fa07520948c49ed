// Writing and reading back this state dir's service file, for whichever manager runs it.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import type { ServiceIdentity } from '../../rpc/service-start.js';
import { plistProgramArguments, plistText } from './plist.js';
import type { ServiceSpec } from './spec.js';
import { unitExecStart, unitFileText } from './unit-file.js';

export function serviceFileText(id: ServiceIdentity, spec: ServiceSpec): string {
  return id.kind === 'systemd' ? unitFileText(spec) : plistText(id.name, spec);
}

/** Written whole or not at all: a manager reading it meanwhile sees the old file or the new one. */
export function writeServiceFile(id: ServiceIdentity, text: string): void {
  mkdirSync(dirname(id.file), { recursive: true, mode: 0o755 });
  const temp = `${id.file}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, text, { mode: 0o644 });
    renameSync(temp, id.file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** What the service runs, read back from the file brains wrote. */
export function serviceCommand(id: ServiceIdentity, text: string): string[] {
  return (id.kind === 'systemd' ? unitExecStart(text) : plistProgramArguments(text)) ?? [];
}

/** The node binary and the brains script the file names that no longer exist (a moved checkout, a changed Node). */
export function danglingParts(argv: readonly string[]): string[] {
  const node = argv[0];
  const script = argv.find((arg) => isAbsolute(arg) && /\.[cm]?js$/.test(arg));
  return [node, script].filter((path): path is string => path !== undefined && !existsSync(path));
}
