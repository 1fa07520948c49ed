// The workflow guidance prompts give beside live state: how brains projects run, in our own words, one short block per topic.

export const GUIDANCE = {
  roles: [
    'How a project runs: it has one coordinator, who speaks for the human; everyone else contributes.',
    '- A contributor that finishes work it was given here sends it to the coordinator (send_message, payload.type "handoff", reply_expected: true) and then listens for the answer.',
    '- The coordinator shows that work to the human and sends back what the human decided ("handoff_accepted", or "handoff_rejected" with the feedback). submit_handoff does the same through the human\'s approval queue.',
    '- Work a human gave you directly (not through the project) is reported to that human, not handed off.',
  ].join('\n'),
  listening: [
    'Listening: receive_messages with wait: true parks until a message arrives (up to timeout_seconds, default 300).',
    'An answer with timeout: true and retry: true means nothing came: call it again. Over MCP the messages it returns are acknowledged;',
    'pass ack: "manual" to acknowledge each yourself with acknowledge_message (unacknowledged ones come back after their ack deadline).',
  ].join(' '),
  sharing: [
    'Sharing: other agents cannot read your files. store_resource puts a document in the project (content, or source_path for a file inside your working directory);',
    'tell the others its resource_id. To update one, pass the etag from the manifest you last read: if someone wrote in between, the store is refused with ETAG_MISMATCH, so read it again and merge.',
  ].join(' '),
  replying: 'Replying: answer whoever asked directly (to_agent) and pass reply_to with their message_id; broadcast only what everyone needs. Before you stop, ask whether anything else is needed and wait for the answer.',
  identity: 'Identity: once you join (or create as created_by / agent_name), brains knows your name in that project: later calls may leave out agent_name and from_agent.',
  archived: 'Archived projects are read-only in brains: members can still read messages and resources, but nothing new is sent or stored there; start a new project to carry on.',
  leaving: 'Leaving: your locks and claimed tasks there are released and messages still waiting for you are not delivered. A leaving coordinator passes the role on (brains picks the longest-standing member unless you call handover_coordinator first).',
} as const;
