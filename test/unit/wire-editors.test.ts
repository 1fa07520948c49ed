// The text editors behind `brains wire`: JSON(C) members and array items, TOML sections, the rules block; each must leave other bytes alone.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendAtPath, deleteAtPath, detectLayout, MalformedError, parseJsonc, pruneEmpty, removeItemsAtPath, setAtPath, valueOf } from '../../bin/wire/jsonc.js';
import { findSection, parseDottedKey, putSection, removeSection, scanToml } from '../../bin/wire/toml.js';
import { findRulesBlock, putRules, removeRules, RULES_END, RULES_START } from '../../bin/wire/rules.js';

const ENTRY = { command: 'node', args: ['b.js', 'mcp'] };

describe('JSON(C) editing', () => {
  const layouts: Record<string, string> = {
    'two spaces, trailing newline': '{\n  "a": 1,\n  "mcpServers": {\n    "x": {"command": "x"}\n  }\n}\n',
    'four spaces, no trailing newline': '{\n    "a": [1, 2],\n    "mcpServers": {\n        "x": {}\n    }\n}',
    tabs: '{\n\t"mcpServers": {\n\t\t"x": true\n\t},\n\t"z": null\n}\n',
    CRLF: '{\r\n  "mcpServers": {\r\n    "x": "y"\r\n  }\r\n}\r\n',
    'one line': '{"a":1,"mcpServers":{"x":1}}',
    'empty servers': '{\n  "mcpServers": {}\n}\n',
    'no servers yet': '{\n  "theme": "dark"\n}\n',
    'empty object': '{}\n',
    'comments and trailing commas': '// top\n{\n  /* block */ "mcpServers": {\n    "x": 1, // why\n  },\n}\n',
  };

  for (const [name, text] of Object.entries(layouts)) {
    test(`${name}: insert then delete gives the same bytes back`, () => {
      const { text: added, created } = setAtPath(text, ['mcpServers', 'brains'], ENTRY);
      const value = valueOf(added, parseJsonc(added)) as { mcpServers: { brains: unknown } };
      assert.deepEqual(value.mcpServers.brains, ENTRY);
      const layout = detectLayout(text);
      if (text.includes('\n')) {
        for (const line of added.split(layout.eol).slice(0, -1)) assert.doesNotMatch(line, /\r|\n/, 'one line ending throughout');
      } else assert.equal(added.includes('\n'), false, 'a one-line file stays one line');
      if (layout.unit === '\t') assert.match(added, /^\t\t"brains": \{/m);
      const removed = pruneEmpty(deleteAtPath(added, ['mcpServers', 'brains']), created);
      if (name === 'comments and trailing commas' || name === 'empty servers') {
        assert.deepEqual(valueOf(removed, parseJsonc(removed)), valueOf(text, parseJsonc(text)));
      } else assert.equal(removed, text);
    });
  }

  test('replacing an existing value keeps its place', () => {
    const text = '{\n  "mcpServers": {\n    "brains": {"command": "old"},\n    "z": 1\n  }\n}\n';
    const { text: out, created } = setAtPath(text, ['mcpServers', 'brains'], ENTRY);
    assert.deepEqual(created, []);
    assert.deepEqual(Object.keys((JSON.parse(out) as { mcpServers: object }).mcpServers), ['brains', 'z']);
  });

  test('arrays: append, remove matching items, prune what we created', () => {
    const text = '{\n  "hooks": {\n    "Stop": [\n      {"hooks": []}\n    ]\n  }\n}\n';
    const group = { hooks: [{ type: 'command', command: 'brains hook stop' }] };
    const a = appendAtPath(text, ['hooks', 'Stop'], group);
    assert.deepEqual(a.created, []);
    const b = appendAtPath(a.text, ['hooks', 'SessionEnd'], group);
    assert.deepEqual(b.created, [['hooks', 'SessionEnd']]);
    let out = removeItemsAtPath(b.text, ['hooks', 'Stop'], (v) => JSON.stringify(v) === JSON.stringify(group));
    out = removeItemsAtPath(out, ['hooks', 'SessionEnd'], (v) => JSON.stringify(v) === JSON.stringify(group));
    assert.equal(pruneEmpty(out, b.created), text);
  });

  test('malformed input is refused with a line number', () => {
    for (const bad of ['{"a": 1,, }', '{"a": }', '{"a": 1} x', '[1, 2', '{"a": "unterminated}', '{a: 1}', '/* open']) {
      assert.throws(() => parseJsonc(bad), MalformedError, bad);
    }
    assert.throws(() => setAtPath('[]', ['mcpServers', 'brains'], 1), MalformedError);
    assert.throws(() => setAtPath('{"mcpServers": []}', ['mcpServers', 'brains'], 1), MalformedError);
    assert.throws(() => appendAtPath('{"hooks": {"Stop": {}}}', ['hooks', 'Stop'], 1), MalformedError);
  });

  test('layout detection', () => {
    assert.deepEqual(detectLayout('{\n    "a": {\n        "b": 1\n    }\n}'), { eol: '\n', unit: '    ' });
    assert.deepEqual(detectLayout('{\r\n\t"a": 1\r\n}'), { eol: '\r\n', unit: '\t' });
    assert.deepEqual(detectLayout('{}'), { eol: '\n', unit: '  ' });
  });
});

describe('TOML section editing', () => {
  const BLOCK = ['[mcp_servers.brains]', 'command = "node"', 'args = ["b.js", "mcp"]', '', '[mcp_servers.brains.env]', 'BRAINS_HOME = "/h"'];
  const PREFIX = ['mcp_servers', 'brains'];
  const files: Record<string, string> = {
    commented: '# top comment\nmodel = "o3" # inline\n\n[mcp_servers.other]\ncommand = "x"\nargs = [\n  "a", # in array\n]\n',
    'no trailing newline': 'model = "o3"\n[profiles.a]\nx = 1',
    CRLF: 'model = "o3"\r\n\r\n[a]\r\nb = """multi\r\n[not a header]\r\n"""\r\n',
    empty: '',
  };

  for (const [name, text] of Object.entries(files)) {
    test(`${name}: append keeps every byte before; remove gives them back`, () => {
      const added = putSection(text, PREFIX, BLOCK);
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      assert.equal(added.startsWith(text), true);
      assert.equal(added.endsWith(`BRAINS_HOME = "/h"${eol}`), true);
      const section = findSection(scanToml(added), PREFIX);
      assert.equal(section.tables.length, 2);
      assert.equal(putSection(added, PREFIX, BLOCK), added, 'putting the same block again changes nothing');
      const removed = removeSection(added, PREFIX);
      assert.equal(removed, text.endsWith('\n') || text === '' ? text : `${text}\n`);
    });
  }

  test('replacing our section in the middle of a file keeps its neighbours', () => {
    const text = 'a = 1\n\n[mcp_servers.brains]\nurl = "http://x"\n\n# about b\n[b]\nc = 2\n';
    const out = putSection(text, PREFIX, ['[mcp_servers.brains]', 'command = "node"']);
    assert.equal(out, 'a = 1\n\n[mcp_servers.brains]\ncommand = "node"\n\n# about b\n[b]\nc = 2\n');
  });

  test('brains defined outside its own table is noticed', () => {
    assert.equal(findSection(scanToml('[mcp_servers]\nbrains = { command = "x" }\n'), PREFIX).elsewhere, true);
    assert.equal(findSection(scanToml('mcp_servers.brains.command = "x"\n'), PREFIX).elsewhere, true);
    assert.equal(findSection(scanToml('[mcp_servers."brains"]\ncommand = "x"\n'), PREFIX).tables.length, 1);
    assert.equal(findSection(scanToml('[mcp_servers.brainsy]\ncommand = "x"\n'), PREFIX).tables.length, 0);
  });

  test('structure it cannot follow is refused', () => {
    for (const bad of ['[broken\n', 'just words\n', 'a = "open\n', 'a = [1, 2\n', 'x = """never closed\n', '[a]\n[a]\n', 'a =\n', '[[a]\n', '[a.]\n']) {
      assert.throws(() => scanToml(bad), MalformedError, JSON.stringify(bad));
    }
    assert.doesNotThrow(() => scanToml('[[arr]]\nx = 1\n[[arr]]\nx = 2\n'));
    assert.doesNotThrow(() => scanToml("s = 'lit # not a comment'\nt = { a = [1, {b = 2}] }\n"));
  });

  test('dotted keys', () => {
    assert.deepEqual(parseDottedKey('mcp_servers . "a.b" . \'c\''), ['mcp_servers', 'a.b', 'c']);
    assert.equal(parseDottedKey('a..b'), null);
    assert.equal(parseDottedKey('a b'), null);
  });
});

describe('rules block', () => {
  test('append to an existing file, find it, remove it byte-exact', () => {
    for (const text of ['# mine\n', '# mine', '', '# mine\r\nline\r\n']) {
      const out = putRules(text);
      assert.equal(out.startsWith(text), true);
      assert.ok(findRulesBlock(out));
      assert.equal(putRules(out), out, 'idempotent');
      const back = removeRules(out);
      assert.equal(back, text.endsWith('\n') || text === '' ? text : `${text}\n`);
    }
  });

  test('a block in the middle is replaced in place', () => {
    const text = `top\n\n${RULES_START}\nold\n${RULES_END}\nbottom\n`;
    const out = putRules(text);
    assert.equal(out.startsWith('top\n\n<!-- brains:wire start -->\n## brains'), true);
    assert.equal(out.endsWith(`${RULES_END}\nbottom\n`), true);
  });

  test('sentinels that do not pair up are refused', () => {
    for (const bad of [`${RULES_START}\n`, `${RULES_END}\n${RULES_START}\n`, `${RULES_START}\n${RULES_END}\n${RULES_START}\n${RULES_END}\n`]) {
      assert.throws(() => findRulesBlock(bad), MalformedError);
    }
  });
});
