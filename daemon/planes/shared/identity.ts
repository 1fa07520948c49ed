// Who an agent is across restarts: a client_id given, or derived from its working directory by a stable hash.
import { createHash } from 'node:crypto';
import { BrainsError } from '../../../rpc/errors.js';

export function clientIdFor(who: { working_directory?: string | undefined; client_id?: string | undefined }): string {
  if (who.client_id) return who.client_id;
  if (who.working_directory) return createHash('sha256').update(who.working_directory).digest('hex').slice(0, 16);
  throw new BrainsError('INVALID', 'say who you are: pass working_directory (your project root) or client_id');
}

export function maybeClientId(who: { working_directory?: string | undefined; client_id?: string | undefined }): string | null {
  return who.client_id || who.working_directory ? clientIdFor(who) : null;
}
