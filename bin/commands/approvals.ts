// `brains approvals`, `approve` and `deny`: what waits for the operator's decision, and deciding it; thin callers of
// approval.list and approval.decide.
import type { BrainsClient } from '../../rpc/client.js';
import type { Result } from '../../rpc/contract/index.js';
import { RpcCallError } from '../../rpc/errors.js';
import { EXIT } from './exit-codes.js';
import { Refusal, withDaemon } from './daemon-call.js';
import { parseFlags, printUsageError } from './flags.js';
import { age, colourFor, columns, lineWidth, oneLine } from './human.js';
import { formatJson, outputMode } from './output.js';

type Approval = Result<'approval.list'>['approvals'][number];

const PAGE = 1000;
/** As the contract writes an approval id (rpc/contract/approvals.ts `approvalId`). */
const APPROVAL_ID = /^approval-[1-9][0-9]{0,14}$/;
/** What `brains approvals` and the not-found hint list at most. */
const SHOWN_IDS = 10;

export async function approvalsCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('approvals', argv, { all: { type: 'boolean' }, project: { type: 'string' }, json: { type: 'boolean' }, 'no-start': { type: 'boolean' } });
  if (!parsed) return EXIT.USAGE;
  const { values } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['approvals']);
  const json = values.json ?? false;
  return withDaemon('approvals', { noStart: values['no-start'] ?? false, json }, async (client) => {
    const approvals = await listed(client, values.all ?? false, values.project);
    if (json) process.stdout.write(`${formatJson({ approvals, total: approvals.length }, outputMode({}))}\n`);
    else process.stdout.write(formatApprovals(approvals, values.all ?? false));
    return EXIT.OK;
  });
}

export async function decideCommand(decision: 'approve' | 'deny', argv: string[]): Promise<number> {
  const parsed = parseFlags(decision, argv, { comment: { type: 'string' }, json: { type: 'boolean' }, 'no-start': { type: 'boolean' } }, true);
  if (!parsed) return EXIT.USAGE;
  const { values, positionals } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand([decision]);
  if (positionals.length === 0) return printUsageError(decision, 'missing ID: the approval to decide (brains approvals lists them)');
  if (positionals.length > 1) return printUsageError(decision, `one ID at a time, not ${positionals.length}`);
  const given = positionals[0]!;
  const approvalId = /^[0-9]+$/.test(given) ? `approval-${given}` : given;
  if (!APPROVAL_ID.test(approvalId)) return printUsageError(decision, `ID is an approval id such as approval-7 (or just 7), not ${JSON.stringify(oneLine(given, 60))}`);
  const json = values.json ?? false;
  return withDaemon(decision, { noStart: values['no-start'] ?? false, json }, async (client) => {
    let decided;
    try {
      decided = await client.call('approval.decide', { approval_id: approvalId, decision, ...(values.comment !== undefined ? { comment: values.comment } : {}) });
    } catch (error) {
      throw await explained(client, error, approvalId);
    }
    if (json) process.stdout.write(`${formatJson(decided, outputMode({}))}\n`);
    else {
      const what = `${decided.kind} "${oneLine(decided.title, 80)}" from ${decided.requested_by} in ${decided.project_id}`;
      // A tool permission's approve is its allow (once).
      const verb = decision === 'deny' ? 'Denied' : decided.kind === 'permission' ? 'Allowed' : 'Approved';
      process.stdout.write(`${verb} ${decided.approval_id} (${what}); ${decided.requested_by} has been told.\n`);
    }
    return EXIT.OK;
  });
}

/** Pending ones oldest first; with --all, then every other newest first (as approval.list orders them after the pending). */
async function listed(client: BrainsClient, all: boolean, projectId: string | undefined): Promise<Approval[]> {
  const found: Approval[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await client.call('approval.list', { ...(all ? {} : { status: 'pending' as const }), ...(projectId !== undefined ? { project_id: projectId } : {}), offset, limit: PAGE });
    found.push(...page.approvals);
    if (found.length >= page.total || page.approvals.length === 0) break;
  }
  const pending = found.filter((a) => a.status === 'pending').reverse();
  return [...pending, ...found.filter((a) => a.status !== 'pending')];
}

export function formatApprovals(approvals: readonly Approval[], all: boolean, now = Date.now()): string {
  const waiting = approvals.filter((a) => a.status === 'pending').length;
  if (approvals.length === 0) return all ? 'No approvals or handoffs yet.\n' : 'Nothing waits for your decision.\n';
  const paint = colourFor();
  const head = `${waiting} waiting for your decision${waiting > 0 ? ', oldest first' : ''}${all && approvals.length > waiting ? `; ${approvals.length - waiting} decided or cancelled after them` : ''}:`;
  const prefixes = columns(
    approvals.map((a) => [a.approval_id, a.kind, ...(all ? [a.status] : []), oneLine(a.project_id, 40), oneLine(a.requested_by, 40), age(a.created_at, now), '']),
    [all ? 5 : 4],
  );
  const width = lineWidth();
  const lines = approvals.map((a, i) => {
    const text = `${prefixes[i]}${oneLine(a.title, Math.max(20, width - [...prefixes[i]!].length))}`;
    return a.status === 'pending' ? text : paint('dim', text);
  });
  const footer = waiting > 0 ? ['Decide with brains approve ID or brains deny ID (--comment TEXT tells the agent why).'] : [];
  return `${[head, ...lines, ...footer].join('\n')}\n`;
}

/** A refused decision, with what to do instead: the ids that do wait, or how to choose an option of its own. */
async function explained(client: BrainsClient, error: unknown, approvalId: string): Promise<unknown> {
  if (!(error instanceof RpcCallError)) return error;
  if (error.appCode === 'NOT_FOUND') {
    const waiting = (await client.call('approval.list', { status: 'pending', limit: 100 })).approvals.map((a) => a.approval_id).reverse();
    const shown = waiting.slice(0, SHOWN_IDS).join(', ') + (waiting.length > SHOWN_IDS ? ` and ${waiting.length - SHOWN_IDS} more` : '');
    return new Refusal('NOT_FOUND', `no approval ${approvalId}; ${waiting.length > 0 ? `waiting: ${shown} (brains approvals)` : 'nothing waits for a decision'}`, EXIT.METHOD_ERROR, { approval_id: approvalId });
  }
  if (error.appCode === 'INVALID' && /is not an option/.test(error.message)) {
    return new Refusal('INVALID', `${error.message}; decide with brains rpc approval.decide approval_id=${approvalId} decision=OPTION`, EXIT.METHOD_ERROR, { approval_id: approvalId });
  }
  return error;
}
