// `brains rpc --list` and `--describe`: the contract as people read it, straight from the table the daemon is built on.
import { contract, type MethodName } from '../../rpc/contract/index.js';
import { describeMethod } from '../../rpc/contract/json-schema.js';
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
    process.stderr.write(`brains rpc: no method named ${JSON.stringify(name)}; brains rpc --list shows them all\n`);
    return EXIT.USAGE;
  }
  process.stdout.write(`${JSON.stringify(described, null, 2)}\n`);
  return EXIT.OK;
}
