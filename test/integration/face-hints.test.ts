// Replies and next-step hints name the calls of the caller's own face: socket clients read method names, MCP agents tool names.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, callError, openMcp, type Mcp } from '../helpers/mcp-stdio.js';
import { failure } from '../helpers/rpc-assert.js';
import { withDaemon } from '../helpers/with-daemon.js';

describe('hints in the caller\'s face', () => {
  const { daemon, client: c } = withDaemon();
  let agent: Mcp;
  before(async () => {
    agent = await openMcp(daemon);
    await c.call('project.create', { project_id: 'faces', name: 'Faces' });
  });
  after(async () => agent?.close());

  test('a socket join is told to send with message.send and receive with message.receive', async () => {
    const joined = await c.call('project.join', { project_id: 'faces', agent_name: 'by-socket' });
    assert.match(joined.message, /message\.send/);
    assert.match(joined.message, /message\.receive/);
    assert.doesNotMatch(joined.message, /send_message|receive_messages/);
  });

  test('an MCP join is told to send with send_message and receive with receive_messages', async () => {
    const joined = await call(agent, 'join_project', { project_id: 'faces', agent_name: 'by-mcp' });
    assert.match(joined.message, /send_message/);
    assert.match(joined.message, /receive_messages/);
    assert.doesNotMatch(joined.message, /message\.send|message\.receive/);
  });

  test('an MCP tool error points at the tool to call, a socket error at the method', async () => {
    const overMcp = await callError(agent, 'get_approval', { approval_id: 'approval-999' });
    assert.match(overMcp, /NOT_FOUND/);
    assert.match(overMcp, /list_approvals/);
    assert.doesNotMatch(overMcp, /approval\.list/);
    const overSocket = await failure(c.call('approval.get', { approval_id: 'approval-999' }));
    assert.match(overSocket.message, /approval\.list/);
  });
});
