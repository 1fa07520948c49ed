// One headless verb's talk with the daemon: connect (starting it unless --no-start), run, and turn every failure into a
// short message and the CLI's exit code (1 the daemon refused, 2 usage or invalid params, 3 unreachable).
import { DaemonUnreachableError, type BrainsClient } from '../../rpc/client.js';
import { AppCodes, RpcCallError, RpcCodes, type AppCode } from '../../rpc/errors.js';
import type { CommandName } from '../command-table.js';
import { connectForCli } from './connect.js';
import { EXIT } from './exit-codes.js';

/** A refusal the command itself works out (an agent in no project, an ambiguous one), worded like the daemon's. */
export class Refusal extends Error {
  constructor(
    readonly appCode: AppCode,
    message: string,
    readonly exitCode: number = EXIT.METHOD_ERROR,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export interface VerbOptions {
  noStart: boolean;
  /** Errors as one JSON object on stderr (the shape brains rpc prints), for scripts. */
  json: boolean;
}

export async function withDaemon(name: CommandName, opts: VerbOptions, run: (client: BrainsClient) => Promise<number>): Promise<number> {
  const client = await connectForCli(opts.noStart);
  if (!client) return EXIT.UNREACHABLE;
  try {
    return await run(client);
  } catch (error) {
    return report(name, error, opts.json);
  } finally {
    await client.close();
  }
}

function report(name: CommandName, error: unknown, json: boolean): number {
  if (error instanceof RpcCallError) {
    write(name, json, error.toJSON(), error.message);
    return error.code === RpcCodes.INVALID_PARAMS || error.code === RpcCodes.METHOD_NOT_FOUND ? EXIT.USAGE : EXIT.METHOD_ERROR;
  }
  if (error instanceof Refusal) {
    write(name, json, { code: AppCodes[error.appCode], message: error.message, data: { code: error.appCode, ...error.details } }, error.message);
    return error.exitCode;
  }
  if (error instanceof DaemonUnreachableError) {
    process.stderr.write(`brains ${name}: lost the daemon during the call: ${error.message}\n`);
    return EXIT.UNREACHABLE;
  }
  throw error;
}

function write(name: CommandName, json: boolean, object: unknown, message: string): void {
  process.stderr.write(json ? `${JSON.stringify(object)}\n` : `brains ${name}: ${message}\n`);
}
