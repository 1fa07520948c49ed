// -32603 is for bugs only: every method, fed wrong, missing, oversized and hostile params built from its own schema,
// answers with a code of its own (or succeeds), and the daemon stays up and keeps its audit chain whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcCallError } from '../../rpc/errors.js';
import { startDaemon } from '../helpers/daemon.js';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; anyOf?: Schema[]; oneOf?: Schema[] };

/** Methods this sweep leaves out: stopping the daemon would end the test, not answer it. */
const SKIPPED = new Set(['daemon.shutdown']);

function typeOf(schema: Schema): string {
  const t = schema.type ?? schema.anyOf?.[0]?.type ?? schema.oneOf?.[0]?.type ?? 'string';
  return Array.isArray(t) ? t[0]! : t;
}

/** Values of the wrong type, too large, or crafted for the field's type. */
function hostileValues(schema: Schema): unknown[] {
  const wrongType: Record<string, unknown> = { string: 123, number: 'seven', integer: 1.5, boolean: 'yes', object: [1, 2], array: { a: 1 }, null: 'x' };
  const base = [wrongType[typeOf(schema)] ?? null, null, 'x'.repeat(70_000), '\u0000\u202e\u200b', '../../../etc/passwd', -1, 1e300, {}, [], { __proto__: null, constructor: 'x' }];
  if (typeOf(schema) === 'object' && schema.properties) base.push(Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, hostileValues(s)[0]])));
  return base;
}

test('no params built from any method\'s schema, however wrong, makes the daemon answer -32603', { timeout: 600_000 }, async () => {
  const daemon = await startDaemon();
  try {
    const c = await daemon.client();
    const { methods } = await c.call('system.methods', {});
    const internal: string[] = [];
    let calls = 0;
    const attempt = async (method: string, params: unknown) => {
      calls += 1;
      try {
        // Waits end at once or are refused; a call still parked after a few seconds is answered by its own timeout later.
        await Promise.race([c.call(method as never, params as never), new Promise((resolve) => setTimeout(resolve, 3000))]);
      } catch (error) {
        if (error instanceof RpcCallError && error.code === -32603) internal.push(`${method} ${JSON.stringify(params).slice(0, 200)}: ${error.message}`);
        else if (!(error instanceof RpcCallError)) throw error;
      }
    };
    for (const m of methods) {
      if (SKIPPED.has(m.name)) continue;
      const properties = ((m.params_schema as Schema).properties ?? {}) as Record<string, Schema>;
      await attempt(m.name, {});
      await attempt(m.name, []);
      await attempt(m.name, { no_such_param: 1 });
      for (const [key, schema] of Object.entries(properties)) {
        const quick = 'timeout_seconds' in properties && key !== 'timeout_seconds' ? { timeout_seconds: 0 } : {};
        for (const value of hostileValues(schema)) await attempt(m.name, { ...quick, [key]: value });
      }
    }
    assert.deepEqual(internal, [], `${internal.length} of ${calls} calls answered -32603`);
    assert.equal((await c.call('system.ping')).pong, true);
    assert.equal((await c.call('audit.verify', {})).ok, true);
    assert.equal(daemon.proc.exitCode, null);
  } finally {
    await daemon.cleanup();
  }
});
