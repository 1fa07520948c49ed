// The one-way import rule, through ESLint itself: each forbidden arrow fails lint with the rule's fix, allowed imports pass.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const RULE = 'brains/one-way-imports';
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: REPO_ROOT });

async function boundaryErrors(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}${file}` });
  assert.ok(result, 'ESLint returned a result');
  assert.deepEqual(result.messages.filter((message) => message.fatal), [], 'the snippet parses');
  return result.messages.filter((message) => message.ruleId === RULE);
}

const PLANE_FIX = 'call through the dispatcher or move the shared type into daemon/planes/shared';
const STORE_FIX = 'have the caller pass in what the store needs, or move the shared type into daemon/store';
const DAEMON_FIX = 'move the shared code into rpc, or into daemon if only the daemon needs it';
const TUI_FIX = 'call the daemon through rpc/client or move the shared type into rpc';
const RPC_FIX = 'move the shared type into rpc, or have the caller pass the value in';
const BIN_FIX = 'move the shared code into one of those';

const forbidden: { name: string; file: string; code: string; arrow: string; fix: string }[] = [
  {
    name: 'a plane importing the server',
    file: 'daemon/planes/x/y.ts',
    code: "import { Dispatcher } from '../../server/dispatcher.js';\nexport const d = Dispatcher;",
    arrow: 'daemon/planes may not import daemon/server',
    fix: PLANE_FIX,
  },
  {
    name: 'a plane importing a type from mcp',
    file: 'daemon/planes/x/y.ts',
    code: "import type { Tool } from '../../mcp/tools.js';\nexport type T = Tool;",
    arrow: 'daemon/planes may not import daemon/mcp',
    fix: PLANE_FIX,
  },
  {
    name: 'a plane loading http dynamically',
    file: 'daemon/planes/x/y.ts',
    code: "export async function load() {\n  return import('../../http/guard.js');\n}",
    arrow: 'daemon/planes may not import daemon/http',
    fix: PLANE_FIX,
  },
  {
    name: 'a plane re-exporting from the gateway',
    file: 'daemon/planes/x/y.ts',
    code: "export { route } from '../../gateway/route.js';",
    arrow: 'daemon/planes may not import daemon/gateway',
    fix: PLANE_FIX,
  },
  {
    name: 'a plane re-exporting all of agents',
    file: 'daemon/planes/x/y.ts',
    code: "export * from '../../agents/runner.js';",
    arrow: 'daemon/planes may not import daemon/agents',
    fix: PLANE_FIX,
  },
  {
    name: 'a plane naming a scheduler type inline',
    file: 'daemon/planes/x/y.ts',
    code: "export type Job = import('../../scheduler/jobs.js').Job;",
    arrow: 'daemon/planes may not import daemon/scheduler',
    fix: PLANE_FIX,
  },
  {
    name: 'a plane importing daemon/main',
    file: 'daemon/planes/x/y.ts',
    code: "import { start } from '../../main.js';\nexport const s = start;",
    arrow: 'daemon/planes may not import daemon/main.ts',
    fix: PLANE_FIX,
  },
  {
    name: 'the store importing a plane',
    file: 'daemon/store/x.ts',
    code: "import { y } from '../planes/x.js';\nexport const z = y;",
    arrow: 'daemon/store may not import daemon/planes',
    fix: STORE_FIX,
  },
  {
    name: 'a store migration importing the event bus',
    file: 'daemon/store/migrations/x.ts',
    code: "import type { Bus } from '../../events/bus.js';\nexport type B = Bus;",
    arrow: 'daemon/store may not import daemon/events',
    fix: STORE_FIX,
  },
  {
    name: 'the daemon importing the CLI',
    file: 'daemon/x.ts',
    code: "import { y } from '../bin/commands/y.js';\nexport const z = y;",
    arrow: 'daemon may not import bin',
    fix: DAEMON_FIX,
  },
  {
    name: 'the daemon importing the cockpit',
    file: 'daemon/server/x.ts',
    code: "import type { View } from '../../tui/view.js';\nexport type V = View;",
    arrow: 'daemon may not import tui',
    fix: DAEMON_FIX,
  },
  {
    name: 'the cockpit importing the daemon',
    file: 'tui/x.ts',
    code: "import { y } from '../daemon/x.js';\nexport const z = y;",
    arrow: 'tui may not import daemon',
    fix: TUI_FIX,
  },
  {
    name: 'the cockpit importing the CLI',
    file: 'tui/panes/x.tsx',
    code: "import { y } from '../../bin/commands/output.js';\nexport const z = y;",
    arrow: 'tui may not import bin',
    fix: TUI_FIX,
  },
  {
    name: 'rpc importing the daemon',
    file: 'rpc/x.ts',
    code: "import { y } from '../daemon/x.js';\nexport const z = y;",
    arrow: 'rpc may not import daemon',
    fix: RPC_FIX,
  },
  {
    name: 'the rpc contract importing a type from the CLI',
    file: 'rpc/contract/x.ts',
    code: "import type { Y } from '../../bin/commands/y.js';\nexport type Z = Y;",
    arrow: 'rpc may not import bin',
    fix: RPC_FIX,
  },
  {
    name: 'the CLI importing a test helper',
    file: 'bin/commands/x.ts',
    code: "import { y } from '../../test/helpers/daemon.js';\nexport const z = y;",
    arrow: 'bin may not import test',
    fix: BIN_FIX,
  },
];

const allowed: { name: string; file: string; code: string }[] = [
  { name: 'a plane importing the store', file: 'daemon/planes/x/y.ts', code: "import { Store } from '../../store/index.js';\nexport type S = Store;" },
  { name: 'a plane importing rpc', file: 'daemon/planes/x/y.ts', code: "import { BrainsError } from '../../../rpc/errors.js';\nexport const E = BrainsError;" },
  { name: 'a plane importing planes/shared', file: 'daemon/planes/x/y.ts', code: "import type { PlaneDeps } from '../shared/deps.js';\nexport type D = PlaneDeps;" },
  { name: 'a plane importing the event bus', file: 'daemon/planes/x/y.ts', code: "import { Bus } from '../../events/bus.js';\nexport const B = Bus;" },
  { name: 'the store importing itself and rpc', file: 'daemon/store/x.ts', code: "import { open } from './open.js';\nimport { BrainsError } from '../../rpc/errors.js';\nexport const o = [open, BrainsError];" },
  { name: 'the server importing planes', file: 'daemon/server/x.ts', code: "import { handlers } from '../planes/index.js';\nexport const h = handlers;" },
  { name: 'the CLI importing the daemon, the cockpit and rpc', file: 'bin/commands/x.ts', code: "export { main } from '../../daemon/main.js';\nexport * from '../../tui/app.js';\nexport { RpcClient } from '../../rpc/client.js';" },
  { name: 'the cockpit importing rpc', file: 'tui/x.tsx', code: "import { RpcClient } from '../rpc/client.js';\nexport const C = RpcClient;" },
  { name: 'rpc importing rpc and packages', file: 'rpc/contract/x.ts', code: "import { z } from 'zod';\nimport { connect } from 'node:net';\nimport { y } from '../errors.js';\nexport const all = [z, connect, y];" },
  { name: 'a test importing anything', file: 'test/unit/x.test.ts', code: "import { Dispatcher } from '../../daemon/server/dispatcher.js';\nimport { main } from '../../bin/brains.js';\nexport const all = [Dispatcher, main];" },
  { name: 'the bench importing the daemon', file: 'bench/x.ts', code: "import { Dispatcher } from '../daemon/server/dispatcher.js';\nexport const D = Dispatcher;" },
];

describe('forbidden imports fail lint', () => {
  for (const { name, file, code, arrow, fix } of forbidden) {
    test(`${name} (${file})`, async () => {
      const errors = await boundaryErrors(file, code);
      assert.equal(errors.length, 1, `one ${RULE} error, got ${JSON.stringify(errors)}`);
      const [error] = errors;
      assert.equal(error!.severity, 2);
      assert.ok(error!.message.startsWith(`${arrow} (`), error!.message);
      assert.ok(error!.message.endsWith(`; ${fix})`), error!.message);
    });
  }
});

describe('allowed imports pass the boundary rule', () => {
  for (const { name, file, code } of allowed) {
    test(`${name} (${file})`, async () => {
      assert.deepEqual(await boundaryErrors(file, code), []);
    });
  }
});
