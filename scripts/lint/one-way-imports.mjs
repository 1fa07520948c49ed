// The ESLint rule that keeps imports between our folders one-way (faces → daemon → rpc; planes and store below the servers).
import { posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files under `from` may import only what `allow` names (when given) and never what `forbid` names. Paths are
 * repo-relative; a file (daemon/main.ts) may stand in for a folder. Every entry whose `from` holds the importing file
 * applies, and the first one listed that forbids an import reports it, so narrower folders come first.
 * test, bench and scripts have no entry: they may import anything.
 */
export const BOUNDARIES = [
  {
    from: 'daemon/store',
    forbid: ['daemon/planes', 'daemon/server', 'daemon/mcp', 'daemon/http', 'daemon/events', 'daemon/agents', 'daemon/gateway', 'daemon/scheduler'],
    why: 'the store knows no plane; it may import rpc and daemon/store',
    fix: 'have the caller pass in what the store needs, or move the shared type into daemon/store',
  },
  {
    from: 'daemon/planes',
    forbid: ['daemon/server', 'daemon/mcp', 'daemon/http', 'daemon/gateway', 'daemon/agents', 'daemon/scheduler', 'daemon/main.ts'],
    why: 'planes know no server, mcp, http, gateway, agents or scheduler module, nor daemon/main.ts',
    fix: 'call through the dispatcher or move the shared type into daemon/planes/shared',
  },
  {
    from: 'daemon/agents',
    forbid: ['daemon/server', 'daemon/mcp', 'daemon/http', 'daemon/gateway', 'daemon/scheduler', 'daemon/main.ts'],
    why: 'the agent runtime writes through the planes and the store; it knows no server, mcp, http, gateway or scheduler module, nor daemon/main.ts',
    fix: 'give the runtime what it needs through its options in main.ts, or move the shared code into daemon/planes or daemon/agents',
  },
  {
    from: 'daemon/scheduler',
    forbid: ['daemon/server', 'daemon/mcp', 'daemon/http', 'daemon/gateway', 'daemon/agents', 'daemon/main.ts'],
    why: 'the scheduler writes through the planes and calls the contract through what main.ts gives it; it knows no server, mcp, http, gateway or agents module, nor daemon/main.ts',
    fix: 'give the scheduler what it needs through its options in main.ts (as its call function), or move the shared code into daemon/planes',
  },
  {
    from: 'daemon/gateway',
    forbid: ['daemon/server', 'daemon/mcp', 'daemon/agents', 'daemon/scheduler', 'daemon/main.ts'],
    why: 'the gateway is an HTTP face of its own: it knows no socket server, mcp, agents or scheduler module, nor daemon/main.ts',
    fix: 'give the gateway what it needs through its service options in main.ts, or move the shared code into daemon/http or rpc',
  },
  {
    from: 'daemon/backup',
    forbid: ['daemon/planes', 'daemon/server', 'daemon/mcp', 'daemon/http', 'daemon/events', 'daemon/agents', 'daemon/gateway', 'daemon/scheduler', 'daemon/main.ts'],
    why: 'backups copy files and the database through the store; they know no plane, server, mcp, http, events, agents, gateway or scheduler module',
    fix: 'have the caller (the daemon plane, main.ts, the CLI) pass in what the backup needs',
  },
  {
    from: 'daemon',
    allow: ['daemon', 'rpc'],
    why: 'the daemon knows no CLI or cockpit; it may import rpc and daemon',
    fix: 'move the shared code into rpc, or into daemon if only the daemon needs it',
  },
  {
    from: 'bin',
    allow: ['bin', 'tui', 'daemon', 'rpc'],
    why: 'the CLI may import tui, daemon and rpc',
    fix: 'move the shared code into one of those',
  },
  {
    from: 'tui',
    allow: ['tui', 'rpc'],
    why: 'the cockpit reaches the daemon only through rpc',
    fix: 'call the daemon through rpc/client or move the shared type into rpc',
  },
  {
    from: 'rpc',
    allow: ['rpc'],
    why: 'rpc is the contract every face shares and imports nothing of ours outside rpc',
    fix: 'move the shared type into rpc, or have the caller pass the value in',
  },
];

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function withoutExtension(path) {
  return path.replace(/\.[cm]?[jt]sx?$/, '');
}

function isWithin(path, folder) {
  const module = withoutExtension(path);
  const area = withoutExtension(folder);
  return module === area || module.startsWith(`${area}/`);
}

/** The folder (or file) of `target` that the entry's message names. */
function violationOf(boundary, target) {
  const forbidden = boundary.forbid?.find((folder) => isWithin(target, folder));
  if (forbidden) return forbidden;
  if (boundary.allow && !boundary.allow.some((folder) => isWithin(target, folder))) return target.split('/')[0];
  return null;
}

function isRelative(specifier) {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

export const oneWayImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports between the top-level folders (and inside the daemon) one-way' },
    schema: [],
    messages: { forbidden: '{{from}} may not import {{target}} ({{why}}; {{fix}})' },
  },
  create(context) {
    const importer = relative(REPO_ROOT, context.filename).split(sep).join('/');
    const boundaries = BOUNDARIES.filter((boundary) => isWithin(importer, boundary.from));
    if (boundaries.length === 0) return {};

    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string' || !isRelative(source.value)) return;
      const target = posix.join(posix.dirname(importer), source.value);
      for (const boundary of boundaries) {
        const forbidden = violationOf(boundary, target);
        if (forbidden === null) continue;
        context.report({ node: source, messageId: 'forbidden', data: { from: boundary.from, target: forbidden, why: boundary.why, fix: boundary.fix } });
        return;
      }
    };

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check(node.source),
    };
  },
};
