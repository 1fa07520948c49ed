// `brains service status`: the service as its file and its manager describe it, one report for the text and the JSON.
import type { StatePaths } from '../../rpc/paths.js';
import { readServiceFile, serviceState, ServiceUnreachableError, type ServiceIdentity } from '../../rpc/service-start.js';
import { danglingParts, serviceCommand } from './file.js';

export interface ServiceReport {
  manager: ServiceIdentity['kind'];
  name: string;
  file: string;
  /** True only for a file brains wrote. */
  installed: boolean;
  /** A file is there that brains did not write (left alone). */
  foreign: boolean;
  reachable: boolean;
  /** Why no manager could be asked, when it could not. */
  unreachable_reason: string | null;
  enabled: boolean;
  running: boolean;
  pid: number | null;
  /** The manager's own word: active, inactive, failed; running, not running, not loaded. */
  state: string | null;
  exec_start: string[];
  /** Paths in exec_start that no longer exist. */
  missing: string[];
  log: string;
  state_dir: string;
}

/** Throws ServiceManagerError when the manager answers with an error. */
export async function serviceReport(id: ServiceIdentity, paths: StatePaths, env: NodeJS.ProcessEnv): Promise<ServiceReport> {
  const file = readServiceFile(id);
  const execStart = file.state === 'ours' ? serviceCommand(id, file.text) : [];
  const report: ServiceReport = {
    manager: id.kind,
    name: id.name,
    file: id.file,
    installed: file.state === 'ours',
    foreign: file.state === 'foreign',
    reachable: false,
    unreachable_reason: null,
    enabled: false,
    running: false,
    pid: null,
    state: null,
    exec_start: execStart,
    missing: danglingParts(execStart),
    log: paths.daemonLog,
    state_dir: paths.home,
  };
  if (file.state !== 'ours') return report;
  try {
    const state = await serviceState(id, env);
    return { ...report, reachable: true, enabled: state.enabled, running: state.running, pid: state.pid, state: state.word };
  } catch (error) {
    if (error instanceof ServiceUnreachableError) return { ...report, unreachable_reason: error.message };
    throw error;
  }
}
