// `brains rpc --list`, `--describe`, `--events`: the contract and its event catalogue as people read them, straight from the tables the daemon is built on.
import { contract, type MethodName } from '../../rpc/contract/index.js';
import { describeEvents, describeMethod } from '../../rpc/contract/json-schema.js';
import { catalogueEntries } from '../../rpc/contract/catalogue.js';
import { mcpToolOf } from '../../rpc/contract/face-names.js';
import { filledForOperator, optionalParams, requiredOfOperator } from '../../rpc/contract/required-params.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { exampleCall, placeholder, typeLabel } from './example-call.js';
import { EXIT } from './exit-codes.js';
import { formatJson, type OutputMode } from './output.js';

/** Longer names are not typos of ours; skipping them keeps a hostile name from costing an edit-distance table. */
const LONGEST_GUESSABLE = 80;

const WIDEST_REQUIRED_COLUMN = 36;

/** One method as `--list --json` gives it. */
export interface MethodEntry {
  method: string;
  plane: string;
  /** What you (the operator) must pass. */
  required: string[];
  /** Required of agents, filled in for you: the daemon acts as operator when you leave them out. */
  filled_for_operator: string[];
  optional: string[];
  mcp_tool: string | null;
  summary: string;
}

/** Every method in contract order; its plane is the name before the dot. */
export function methodEntries(): MethodEntry[] {
  return (Object.keys(contract) as MethodName[]).map((method) => ({
    method,
    plane: method.split('.')[0]!,
    required: requiredOfOperator(contract[method]),
    filled_for_operator: filledForOperator(contract[method]),
    optional: optionalParams(contract[method].params),
    mcp_tool: mcpToolOf(method) ?? null,
    summary: contract[method].summary,
  }));
}

/** A heading per plane, then a line per method: name, required params, MCP tool (or -), summary; cut to `columns` when given. */
export function formatMethodList(entries: readonly MethodEntry[], columns?: number): string {
  const planes = [...new Set(entries.map((entry) => entry.plane))];
  // Stable: a plane's methods stay in contract order, and one listed among another's (handoff.submit) joins its own.
  entries = [...entries].sort((a, b) => planes.indexOf(a.plane) - planes.indexOf(b.plane));
  const cells = entries.map((entry) => [entry.method, entry.required.join(' ') || '-', entry.mcp_tool ?? '-', entry.summary] as const);
  // One long list of required params would push every summary right: past this width a line goes out of step instead.
  const widths = [0, 1, 2].map((column) => Math.min(Math.max(...cells.map((cell) => cell[column]!.length)), column === 1 ? WIDEST_REQUIRED_COLUMN : Infinity));
  const lines: string[] = [];
  let plane: string | undefined;
  entries.forEach((entry, index) => {
    if (entry.plane !== plane) {
      if (plane !== undefined) lines.push('');
      lines.push(`${entry.plane}:`);
      plane = entry.plane;
    }
    const [method, required, tool, summary] = cells[index]!;
    lines.push(cut(`  ${method.padEnd(widths[0]!)}  ${required.padEnd(widths[1]!)}  ${tool.padEnd(widths[2]!)}  ${summary}`, columns));
  });
  return `${lines.join('\n')}\n`;
}

export function listMethods(json: boolean, mode: OutputMode): number {
  const entries = methodEntries();
  if (json) process.stdout.write(`${formatJson(entries, mode)}\n`);
  else process.stdout.write(formatMethodList(entries, process.stdout.isTTY ? process.stdout.columns : undefined));
  return EXIT.OK;
}

/**
 * What a person reads before the schema: the summary, each param with its type, the actor params filled in for you, the MCP
 * tool, and a call to paste (without the filled ones: `brains rpc` is the operator's).
 */
export function methodSummary(method: MethodName): string {
  const params = contract[method].params;
  const schema = describeMethod(method)!.params_schema;
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const typed = (keys: string[]) => keys.map((key) => `${key} (${typeLabel(properties[key])})`).join(', ') || 'none';
  const required = requiredOfOperator(contract[method]);
  const filled = filledForOperator(contract[method]);
  const example = Object.fromEntries(required.map((key) => [key, placeholder(key, properties[key])]));
  return [
    `${method}: ${contract[method].summary}`,
    `Required: ${typed(required)}`,
    ...(filled.length > 0 ? [`${typed(filled)}: you (operator) unless you act as an agent`] : []),
    `Optional: ${typed(optionalParams(params))}`,
    `MCP tool: ${mcpToolOf(method) ?? '- (not offered to agents)'}`,
    `Example: ${exampleCall(method, example)}`,
  ].join('\n');
}

export function describeOne(name: string, json: boolean, mode: OutputMode): number {
  const described = describeMethod(name);
  if (!described) {
    const near = name.length <= LONGEST_GUESSABLE ? nearestName(name, Object.keys(contract)) : undefined;
    process.stderr.write(`brains rpc: no method named ${JSON.stringify(cut(name, 60))}${near ? `; did you mean ${near}?` : ''}; brains rpc --list shows them all\n`);
    return EXIT.USAGE;
  }
  if (!json) process.stdout.write(`${methodSummary(name as MethodName)}\n\n`);
  process.stdout.write(`${formatJson(described, mode)}\n`);
  return EXIT.OK;
}

/** Every event type a subscriber can receive: type, where it is delivered (live-only ones say so), and what it means. */
export function listEvents(): number {
  const entries = catalogueEntries().sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...entries.map(([type]) => type.length));
  for (const [type, def] of entries) process.stdout.write(`${type.padEnd(width)}  ${def.delivery === 'live' ? '[live] ' : ''}${def.summary}\n`);
  return EXIT.OK;
}

export function describeEvent(type: string): number {
  const described = describeEvents().find((e) => e.type === type);
  if (!described) {
    const near = nearestName(type, catalogueEntries().map(([name]) => name));
    process.stderr.write(`brains rpc: no event type named ${JSON.stringify(type)}${near ? `; did you mean ${near}?` : ''}; brains rpc --events shows them all\n`);
    return EXIT.USAGE;
  }
  process.stdout.write(`${JSON.stringify(described, null, 2)}\n`);
  return EXIT.OK;
}

function cut(text: string, max: number | undefined): string {
  return max !== undefined && max > 1 && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
