// What the cockpit's keys do on the daemon: decide an approval, show a request in full, reply to and acknowledge mail,
// stop a managed agent's turn. Each answers with one line for the status bar, so a refusal is shown, never thrown.
import { OPERATOR } from '../rpc/operator.js';
import { RpcCallError } from '../rpc/errors.js';
import { detailKeysLine } from './keys.js';
import type { Cockpit } from './model/cockpit.js';
import { payloadText, type ApprovalSummary, type InboxItem } from './model/slices.js';

const RESOURCE_PREVIEW_LINES = 12;

/** What a key decides: approve (a tool permission's allow once), deny, or allow_always (a tool permission's A). */
export type Decision = 'approve' | 'deny' | 'allow_always';

/** approve / deny, or the request's own first and last option when it was asked with other options (a tool permission's
 * allow and deny); allow_always only where it is an option. */
export function optionFor(approval: ApprovalSummary, decision: Decision): string | null {
  if (approval.options.includes(decision)) return decision;
  if (decision === 'allow_always') return null;
  return decision === 'approve' ? approval.options[0]! : approval.options[approval.options.length - 1]!;
}

function decided(approval: ApprovalSummary, option: string): string {
  if (option === 'approve') return 'approved';
  if (option === 'deny') return 'denied';
  if (approval.kind !== 'permission') return `decided: ${option}`;
  const tool = approval.title.split(':')[0];
  return option === 'allow' ? `allowed once (${tool})` : option === 'allow_always' ? `${tool} allowed for ${approval.requested_by} until #new` : `decided: ${option}`;
}

export async function decideApproval(cockpit: Cockpit, approval: ApprovalSummary, decision: Decision, comment?: string): Promise<string> {
  const client = cockpit.rpc;
  if (!client) return 'not connected to the daemon; try again once it has reconnected';
  const option = optionFor(approval, decision);
  if (option === null) return `${approval.approval_id} is no tool permission: A allows a tool for its agent; a approves, d denies`;
  try {
    await client.call('approval.decide', { approval_id: approval.approval_id, decision: option, ...(comment ? { comment } : {}) });
    cockpit.refresh(['approvals', 'sessions', 'inbox']);
    return `${approval.approval_id} ${decided(approval, option)}${comment ? ' with your comment' : ''}`;
  } catch (error) {
    cockpit.refresh(['approvals']);
    return `${approval.approval_id}: ${(error as Error).message}`;
  }
}

export async function approvalDetail(cockpit: Cockpit, approval: ApprovalSummary): Promise<{ title: string; lines: string[] }> {
  const client = cockpit.rpc;
  const title = `${approval.approval_id} · ${approval.kind} from ${approval.requested_by} in ${approval.project_id}`;
  const head = [`title:    ${approval.title}`, `options:  ${approval.options.join(', ')}`, `asked:    ${approval.created_at}`, `cc:       ${approval.cc.join(', ') || '—'}`, ''];
  if (!client) return { title, lines: [...head, '(not connected: the body shows once the daemon is back)'] };
  try {
    const full = await client.call('approval.get', { approval_id: approval.approval_id });
    const lines = [...head, ...(full.body ?? '(no body)').split('\n')];
    for (const ref of full.resource_refs) {
      lines.push('', `── resource ${ref} ──`);
      try {
        const resource = (await client.callRaw('resource.get', { project_id: full.project_id, resource_id: ref, agent_name: OPERATOR })) as { name?: string; content?: unknown };
        const content = typeof resource.content === 'string' ? resource.content : JSON.stringify(resource.content, null, 2);
        lines.push(`name: ${resource.name ?? ref}`, ...(content ?? '').split('\n').slice(0, RESOURCE_PREVIEW_LINES));
      } catch (error) {
        lines.push(`(cannot read it: ${(error as Error).message})`);
      }
    }
    lines.push('', detailKeysLine('approvals'));
    return { title, lines };
  } catch (error) {
    return { title, lines: [...head, `(cannot read it: ${(error as Error).message})`] };
  }
}

export function inboxDetail(item: InboxItem): { title: string; lines: string[] } {
  return {
    title: `${item.from_agent} in ${item.project_id} · ${item.created_at}${item.reply_expected ? ' · expects a reply' : ''}`,
    lines: [...payloadText(item.payload).split('\n'), '', `state: ${item.state}`, detailKeysLine('inbox')],
  };
}

export async function replyTo(cockpit: Cockpit, item: InboxItem, text: string): Promise<string> {
  const client = cockpit.rpc;
  if (!client) return 'not connected to the daemon; your reply was not sent';
  try {
    await client.call('message.send', { project_id: item.project_id, from_agent: OPERATOR, to_agent: item.from_agent, payload: text, reply_to: item.message_id });
    await acknowledgeInbox(cockpit, item);
    return `replied to ${item.from_agent}`;
  } catch (error) {
    return `reply not sent: ${(error as Error).message}`;
  }
}

/** Acknowledge the one message by its id (its current delivery, received or not): it leaves the inbox. */
export async function acknowledgeInbox(cockpit: Cockpit, item: InboxItem): Promise<string> {
  const client = cockpit.rpc;
  if (!client) return 'not connected to the daemon';
  try {
    const result = (await client.callRaw('message.ack', { project_id: item.project_id, agent_name: OPERATOR, message_id: item.message_id })) as {
      acknowledged: string[];
      refused?: Array<{ reason?: string }>;
    };
    cockpit.refresh(['inbox', 'unread']);
    if (result.acknowledged.length > 0) return `marked read: ${item.from_agent}'s message`;
    return `not marked read: ${result.refused?.[0]?.reason ?? 'the daemon refused it'}`;
  } catch (error) {
    return `could not mark it read: ${(error as Error).message}`;
  }
}

/** Stop a managed agent's running turn (its queued turns still run). */
export async function interruptAgent(cockpit: Cockpit, agent: string): Promise<string> {
  const client = cockpit.rpc;
  if (!client) return 'not connected to the daemon; try again once it has reconnected';
  try {
    const result = await client.call('agent.interrupt', { agent_name: agent });
    return result.interrupted ? `stopping ${agent}'s turn (${result.turn_id})` : `${agent} has no turn running`;
  } catch (error) {
    return `could not stop ${agent}: ${(error as Error).message}`;
  }
}

/**
 * What a managed agent changed, for D: its worktree's diff against the base it started from, else the last whole-turn
 * diff it reported live (codex does as it edits); a sentence when there is neither.
 */
export async function agentDiffDetail(cockpit: Cockpit, agent: string): Promise<{ title: string; lines: string[] } | string> {
  const client = cockpit.rpc;
  if (!client) return 'not connected to the daemon; try again once it has reconnected';
  try {
    const shown = await client.call('agent.diff', { agent_name: agent });
    const files = shown.files.map((f) => `${f.status.padEnd(9)} ${f.path}${f.additions === null ? '' : `  +${f.additions} -${f.deletions ?? 0}`}`);
    const head = [`branch ${shown.branch} from ${shown.base.slice(0, 12)} · ${shown.files.length} file${shown.files.length === 1 ? '' : 's'} · ${shown.path}`, ...files, ''];
    if (shown.diff === '') return { title: `${agent}: no changes in its worktree`, lines: [...head, '(nothing changed since the base)'] };
    return { title: `${agent}: its worktree against ${shown.base.slice(0, 12)}`, lines: [...head, ...shown.diff.split('\n'), ...(shown.truncated ? ['', '(cut: see the rest with brains rpc agent.diff, or git diff in the worktree)'] : [])] };
  } catch (error) {
    const live = cockpit.liveDiff(agent);
    if (error instanceof RpcCallError && error.appCode === 'INVALID' && live) {
      return { title: `${agent}: the change of ${live.turnId ?? 'its last turn'}, as it reported it`, lines: [...live.diff.split('\n'), ...(live.truncated ? ['', '(cut at 64 KiB)'] : [])] };
    }
    if (error instanceof RpcCallError && error.appCode === 'INVALID') return `${agent} has no worktree and has reported no diff yet (create an agent with worktree=true for one)`;
    return `could not show ${agent}'s diff: ${(error as Error).message}`;
  }
}

/** Run a schedule now, pause it or resume it: one line saying what happened. */
export async function actOnSchedule(cockpit: Cockpit, name: string, verb: 'fire' | 'pause' | 'resume'): Promise<string> {
  const client = cockpit.rpc;
  if (!client) return 'not connected to the daemon; try again once it has reconnected';
  try {
    if (verb === 'fire') {
      const run = await client.call('schedule.fire', { name });
      return `${name}: run ${run.n} started`;
    }
    const schedule = await client.call(verb === 'pause' ? 'schedule.pause' : 'schedule.resume', { name });
    return schedule.enabled ? `${name} resumed; next run ${schedule.next_run_at ?? 'none (a one-shot that ran)'}` : `${name} paused`;
  } catch (error) {
    return `${name}: ${(error as Error).message}`;
  } finally {
    cockpit.refresh(['schedules']);
  }
}
