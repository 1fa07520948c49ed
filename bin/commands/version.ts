// `brains version [--json]`: this build's version, the protocol and schema it speaks, the database's and the daemon's.
import { existsSync } from 'node:fs';
import { PROTOCOL_VERSION } from '../../rpc/protocol.js';
import { statePaths } from '../../rpc/paths.js';
import { RuntimeSettings } from '../../daemon/settings.js';
import { VERSION } from '../../daemon/version.js';
import { LATEST_SCHEMA_VERSION } from '../../daemon/store/migrations/index.js';
import { schemaVersionOfFile } from '../../daemon/store/snapshots.js';
import { scheduledBackupFiles } from '../../daemon/planes/daemon/scheduled-backups.js';
import { probeDaemon } from '../doctor/daemon.js';
import { EXIT } from './exit-codes.js';
import { parseFlags } from './flags.js';

export async function versionCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('version', argv, { json: { type: 'boolean' } });
  if (!parsed) return EXIT.USAGE;
  if (parsed.values.help) return (await import('./help.js')).helpCommand(['version']);
  if (!parsed.values.json) {
    process.stdout.write(`brains ${VERSION}\n`);
    return EXIT.OK;
  }
  process.stdout.write(`${JSON.stringify(await versionFacts(), null, process.stdout.isTTY ? 2 : undefined)}\n`);
  return EXIT.OK;
}

/** Everything `brains version --json` says; it never starts the daemon. */
export async function versionFacts() {
  const paths = statePaths();
  const onDisk = existsSync(paths.db) ? schemaVersionOfFile(paths.db) : null;
  const probe = await probeDaemon(paths);
  const info = probe.state === 'up' ? probe.info : null;
  let settings: { backup_every_hours: number; backup_keep: number } | null = null;
  try {
    const all = new RuntimeSettings(paths.config);
    settings = { backup_every_hours: all.get('backup_every_hours'), backup_keep: all.get('backup_keep') };
  } catch {
    settings = null;
  }
  return {
    version: VERSION,
    protocol_version: PROTOCOL_VERSION,
    schema_version: LATEST_SCHEMA_VERSION,
    node_version: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    state_dir: paths.home,
    database: {
      path: paths.db,
      schema_version: onDisk,
      state: onDisk === null ? 'absent' : onDisk === LATEST_SCHEMA_VERSION ? 'current' : onDisk < LATEST_SCHEMA_VERSION ? 'older: migrated (after a backup) when the daemon starts' : 'newer than this brains: upgrade brains',
    },
    daemon:
      probe.state === 'up'
        ? {
            running: true,
            pid: info?.pid ?? null,
            version: info?.version ?? null,
            protocol_version: info?.protocol_version ?? null,
            schema_version: info?.schema_version ?? null,
            same_as_cli: info?.version === VERSION && info?.protocol_version === PROTOCOL_VERSION,
          }
        : probe.state === 'silent'
          ? { running: true, answering: false, pid: probe.pid, reason: probe.reason }
          : { running: false, stopped_by_user: probe.stopped },
    parts: {
      mcp_http: info?.mcp_http ? { state: info.mcp_http.state, url: info.mcp_http.url } : { state: 'unknown: the daemon is not running' },
      gateway: info?.gateway ? { state: info.gateway.state, url: info.gateway.url } : { state: 'unknown: the daemon is not running' },
      scheduled_backups: settings
        ? { every_hours: settings.backup_every_hours || null, keep: settings.backup_keep, kept: scheduledBackupFiles(paths.backupsDir).length }
        : { state: `unknown: ${paths.config} cannot be read` },
    },
  };
}
