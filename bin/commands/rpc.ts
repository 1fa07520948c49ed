// `brains rpc METHOD [params]`: call any contract method from a shell; --list and --describe show the contract.
import { RpcCallError, RpcCodes } from '../../rpc/errors.js';
import { DaemonUnreachableError } from '../../rpc/client.js';
import { usageOf } from '../command-table.js';
import { EXIT } from './exit-codes.js';
import { parseFlags } from './flags.js';
import { formatJson, outputMode } from './output.js';
import { UsageError, parseParams, readAllStdin } from '../../rpc/params.js';
import { connectForCli } from './connect.js';

export async function rpcCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags(
    'rpc',
    argv,
    {
      'no-start': { type: 'boolean' },
      pretty: { type: 'boolean' },
      compact: { type: 'boolean' },
      list: { type: 'boolean' },
      json: { type: 'boolean' },
      describe: { type: 'string' },
      events: { type: 'boolean' },
      'describe-event': { type: 'string' },
    },
    true,
  );
  if (!parsed) return EXIT.USAGE;
  const { values, positionals } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['rpc']);
  const mode = outputMode(values);
  const json = values.json ?? false;
  if (values.list) return (await import('./describe.js')).listMethods(json, mode);
  // A schema is read by people first: pretty unless --compact, in a pipe too.
  if (values.describe !== undefined) return (await import('./describe.js')).describeOne(values.describe, json, values.compact ? 'compact' : 'pretty');
  if (values.events) return (await import('./describe.js')).listEvents();
  if (values['describe-event'] !== undefined) return (await import('./describe.js')).describeEvent(values['describe-event']);

  const [method, ...words] = positionals;
  if (!method) return usage('missing METHOD; brains rpc --list shows them all');
  let params: unknown;
  try {
    params = await parseParams(words, readAllStdin);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }

  const client = await connectForCli(values['no-start'] ?? false);
  if (!client) return EXIT.UNREACHABLE;
  try {
    const result = await client.callRaw(method, params);
    process.stdout.write(`${formatJson(result, mode)}\n`);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof RpcCallError) {
      process.stderr.write(`${formatJson(error.toJSON(), mode)}\n`);
      const usageLike = error.code === RpcCodes.INVALID_PARAMS || error.code === RpcCodes.METHOD_NOT_FOUND;
      return usageLike ? EXIT.USAGE : EXIT.METHOD_ERROR;
    }
    if (error instanceof DaemonUnreachableError) {
      process.stderr.write(`brains: lost the daemon during the call: ${error.message}\n`);
      return EXIT.UNREACHABLE;
    }
    throw error;
  } finally {
    await client.close();
  }
}

function usage(message: string): number {
  process.stderr.write(`brains rpc: ${message}\nusage: ${usageOf('rpc')}\n`);
  return EXIT.USAGE;
}
