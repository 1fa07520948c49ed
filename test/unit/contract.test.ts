// The contract table: discovery output is valid JSON Schema, every method is well formed, and schemas agree with real values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { contract } from '../../rpc/contract/index.js';
import { describeContract } from '../../rpc/contract/json-schema.js';

test('every method is named plane.verb and has a summary, schemas and an emits list', () => {
  for (const [name, def] of Object.entries(contract)) {
    assert.match(name, /^[a-z]+\.[a-z_]+$/, name);
    assert.ok(def.summary.length > 10 && !def.summary.includes('\n'), `${name} summary`);
    assert.ok(Array.isArray(def.emits), `${name} emits`);
  }
});

test('discovery gives valid draft 2020-12 JSON Schema that accepts and rejects what zod does', () => {
  const ajv = new Ajv2020({ strict: false });
  const described = describeContract();
  assert.equal(described.methods.length, Object.keys(contract).length);
  for (const method of described.methods) {
    assert.ok(ajv.validateSchema(method.params_schema), `${method.name} params: ${ajv.errorsText()}`);
    assert.ok(ajv.validateSchema(method.result_schema), `${method.name} result: ${ajv.errorsText()}`);
    ajv.compile(method.params_schema);
    ajv.compile(method.result_schema);
  }
  for (const note of described.notifications) assert.ok(ajv.validateSchema(note.params_schema), note.name);

  const listParams = ajv.compile(described.methods.find((m) => m.name === 'events.list')!.params_schema);
  const samples: unknown[] = [{}, { after: 3, limit: 10 }, { after: -1 }, { limit: 'x' }, { extra: 1 }, { types: ['user.*'] }, { types: ['bad type'] }];
  for (const sample of samples) {
    assert.equal(listParams(sample), contract['events.list'].params.safeParse(sample).success, JSON.stringify(sample));
  }
});
