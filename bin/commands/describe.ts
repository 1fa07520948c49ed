// `brains rpc --list`, `--describe`, `--events`: the contract and its event catalogue as people read them, straight from the tables the daemon is built on.
import { contract, type MethodName } from '../../rpc/contract/index.js';
import { describeEvents, describeMethod } from '../../rpc/contract/json-schema.js';
import { catalogueEntries } from '../../rpc/contract/catalogue.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { EXIT } from './exit-codes.js';

export function listMethods(): number {
  const names = Object.keys(contract).sort() as MethodName[];
  const width = Math.max(...names.map((n) => n.length));
  for (const name of names) process.stdout.write(`${name.padEnd(width)}  ${contract[name].summary}\n`);
  return EXIT.OK;
}

export function describeOne(name: string): number {
  const described = describeMethod(name);
  if (!described) {
    const near = nearestName(name, Object.keys(contract));
    process.stderr.write(`brains rpc: no method named ${JSON.stringify(name)}${near ? `; did you mean ${near}?` : ''}; brains rpc --list shows them all\n`);
    return EXIT.USAGE;
  }
  process.stdout.write(`${JSON.stringify(described, null, 2)}\n`);
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
