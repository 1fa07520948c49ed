// The prompts for working in a project: broadcast, review, share, discuss, and leave or archive it at the end.
import { GUIDANCE } from './prompt-guidance.js';
import { json, lines, slug, whoNote, withProject, type Render } from './prompt-common.js';
import { memberLine, messageLine } from './prompt-state.js';

function expectsReply(message: string): boolean {
  return /\?\s*$|\?|^(please|can|could|would|will|should|who|what|when|where|why|how|review|check)\b/i.test(message.trim());
}

export const broadcast: Render = async (state, args, deps) =>
  withProject(state, args, deps, 'broadcast', async (info, agent) => {
    const recipients = info.members.filter((m) => m.agent_name !== agent).map((m) => m.agent_name);
    if (!args.message) {
      return lines(
        `Broadcast in ${info.project.project_id} to ${recipients.length} member(s): ${recipients.join(', ') || '(nobody else yet)'} (the operator sees it too).`,
        whoNote(agent),
        'What do you want to tell everyone? No message was given: ask the user, or say what the conversation calls for.',
        `Then call send_message with ${json({ project_id: info.project.project_id, ...(agent ? { from_agent: agent } : {}), broadcast: true, reply_expected: false, payload: { text: '<your message>' } })};`,
        'set reply_expected: true when you ask something and will wait for the answers with receive_messages (wait: true).',
        info.project.archived ? GUIDANCE.archived : '',
      );
    }
    const replyExpected = expectsReply(args.message);
    return lines(
      `Broadcast in ${info.project.project_id} to ${recipients.length} member(s): ${recipients.join(', ') || '(nobody else yet)'} (the operator sees it too).`,
      whoNote(agent),
      `Call send_message with ${json({ project_id: info.project.project_id, ...(agent ? { from_agent: agent } : {}), broadcast: true, reply_expected: replyExpected, payload: { text: args.message } })}.`,
      replyExpected ? 'It reads as a question or request, so reply_expected is true: then wait for answers with receive_messages (wait: true).' : '',
      info.project.archived ? GUIDANCE.archived : '',
    );
  });

export const review: Render = async (state, args, deps) =>
  withProject(state, args, deps, 'review', async (info, agent) => {
    const unread = agent ? await state.unread(info.project.project_id, agent, 5) : [];
    const resources = agent ? await state.resources(info.project.project_id, agent) : [];
    const offline = info.members.filter((m) => !m.online).length;
    return lines(
      `# ${info.project.name} (${info.project.project_id})${info.project.archived ? ' — archived' : ''}`,
      info.project.description && info.project.description,
      Object.keys(info.project.context).length > 0 && `Shared context: ${json(info.project.context)}`,
      `Coordinator: ${info.coordinator ?? 'none'}`,
      `## Members (${info.members.length}, ${info.members.length - offline} online)`,
      ...info.members.map(memberLine),
      whoNote(agent),
      agent && `## Unread messages for ${agent} (newest ${unread.length})`,
      ...unread.map(messageLine),
      agent && unread.length === 0 && 'None.',
      agent && `## Resources (${resources.length})`,
      ...resources.map((r) => `- ${r.resource_id}: ${r.name} v${r.version} by ${r.creator_agent}${r.description ? ` — ${r.description}` : ''}`),
      '## Suggested next actions',
      unread.length > 0 ? '- receive_messages, handle each message, then acknowledge_message.' : '- receive_messages with wait: true to listen for news.',
      resources.length > 0 ? '- get_resource to read a resource you need.' : '- store_resource to share your work.',
      offline > 0 ? '- Offline members answer later; do not block on them.' : '',
      '',
      info.project.archived ? GUIDANCE.archived : GUIDANCE.listening,
    );
  });

export const share: Render = async (state, args, deps) =>
  withProject(state, args, deps, 'share', async (info, agent) => {
    const recipients = info.members.filter((m) => m.agent_name !== agent).map((m) => m.agent_name);
    if (!args.title) {
      const resources = agent ? await state.resources(info.project.project_id, agent) : [];
      return lines(
        `Share a resource in ${info.project.project_id}; ${recipients.length} member(s) would be told: ${recipients.join(', ') || '(nobody else yet)'}.`,
        whoNote(agent),
        'What do you want to share? No title was given: ask the user, or take the document the conversation is about.',
        resources.length ? `Already shared (${resources.length}):` : 'Nothing is shared there yet.',
        ...resources.map((r) => `- ${r.resource_id}: ${r.name} v${r.version}`),
        `Then call store_resource with ${json({ project_id: info.project.project_id, resource_id: '<short-id>', name: '<title>', ...(agent ? { agent_name: agent } : {}), content: '<the content>' })} (or source_path instead of content), and broadcast its resource_id with send_message.`,
        '',
        GUIDANCE.sharing,
      );
    }
    const resourceId = slug(args.title);
    return lines(
      `Share "${args.title}" in ${info.project.project_id}; ${recipients.length} member(s) will be told: ${recipients.join(', ') || '(nobody else yet)'}.`,
      whoNote(agent),
      `1. Call store_resource with ${json({ project_id: info.project.project_id, resource_id: resourceId, name: args.title, ...(agent ? { agent_name: agent } : {}), content: args.content ?? '<the content>', permissions: { read: ['*'] } })}.`,
      `2. Then send_message with ${json({ project_id: info.project.project_id, broadcast: true, payload: { text: `New resource: ${args.title}`, resource_id: resourceId } })}.`,
      '',
      GUIDANCE.sharing,
    );
  });

export const discuss: Render = async (state, args, deps) =>
  withProject(state, args, deps, 'discuss', async (info, agent) => {
    const recent = await state.recent(info.project.project_id, 3);
    const last = recent[0];
    const direct = last && !last.broadcast && last.from_agent !== agent;
    const target = direct ? { to_agent: last.from_agent } : { broadcast: true };
    return lines(
      `Discussion in ${info.project.project_id}, last ${recent.length} message(s), newest first:`,
      ...recent.map(messageLine),
      recent.length === 0 && 'No messages yet.',
      whoNote(agent),
      direct ? `The last message was addressed directly, so answer ${last.from_agent} directly.` : 'The discussion is open to everyone, so broadcast your answer.',
      `Call send_message with ${json({ project_id: info.project.project_id, ...target, ...(last ? { reply_to: last.message_id } : {}), payload: { text: args.message ?? '<your reply>' } })}.`,
      args.message ? '' : 'No reply was given: write it from what the discussion asks.',
      '',
      GUIDANCE.replying,
    );
  });

export const leave: Render = async (state, args, deps) =>
  withProject(state, args, deps, 'leave', async (info, agent) => {
    const me = info.members.find((m) => m.agent_name === agent);
    if (!agent || !me) {
      return lines(`You are not a member of ${info.project.project_id}${agent ? ` as ${agent}` : ''}.`, 'Members:', ...info.members.map(memberLine), whoNote(agent));
    }
    return lines(
      `Leave ${info.project.project_id} as ${agent} (${me.role}).`,
      'What happens: your locks and claimed tasks in this project are released, undelivered messages to you are dropped,',
      me.role === 'coordinator' ? 'and as coordinator your role passes to another member (handover_coordinator first to choose who).' : 'and your membership ends.',
      `Call leave_project with ${json({ project_id: info.project.project_id, agent_name: agent })}.`,
      '',
      GUIDANCE.leaving,
    );
  });

export const archive: Render = async (state, args, deps) =>
  withProject(state, args, deps, 'archive', async (info, agent) => {
    if (info.project.archived) return `${info.project.project_id} is already archived (${info.project.archived_at}${info.project.archive_reason ? `: ${info.project.archive_reason}` : ''}).`;
    return lines(
      `Archive ${info.project.project_id} (${info.project.name}): it becomes read-only. Its creator (${info.project.created_by}), its coordinator (${info.coordinator ?? 'none'}) or the operator may archive it.`,
      'Members:',
      ...info.members.map(memberLine),
      `Call archive_project with ${json({ project_id: info.project.project_id, ...(agent ? { agent_name: agent } : {}), reason: args.reason ?? '<why it is finished>' })}.`,
      args.reason ? '' : 'No reason was given: ask the user why it is finished, or say what was achieved.',
      '',
      GUIDANCE.archived,
    );
  });

