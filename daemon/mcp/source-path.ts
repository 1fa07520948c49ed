// Brainstorm's store_resource source_path: brains mcp reads the file from the agent's working directory and stores its
// content, so every agent can read it with get_resource; a path that leads out of that directory is refused.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { BrainsError } from '../../rpc/errors.js';

/** The largest file source_path reads: what one call to the daemon carries even as base64. resource_max_bytes applies too. */
export const SOURCE_PATH_MAX_BYTES = 2 * 1024 * 1024;

export const SOURCE_PATH_FIELD = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .describe(
    'Brainstorm style: a file in your working directory (absolute, or relative to it) whose content brains stores, instead of content. ' +
      `Refused outside the working directory (symlinks are followed first) and over ${SOURCE_PATH_MAX_BYTES} bytes; resource_max_bytes applies as to content.`,
  );

export interface SourceContent {
  content: string;
  encoding: 'text' | 'base64';
}

function refuse(code: 'INVALID' | 'NOT_FOUND' | 'LIMIT_EXCEEDED', brainstormCode: string, message: string, details: Record<string, unknown> = {}): BrainsError {
  return new BrainsError(code, message, { field: 'source_path', brainstorm_code: brainstormCode, ...details });
}

/** Inside `root` (both already real paths): the root itself does not count, since it is a directory. */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * The content of the file `sourcePath` names, read from inside `workingDirectory` (undefined: this server has no
 * working directory, as over HTTP). Text when it is valid UTF-8, base64 otherwise.
 */
export async function readSourcePath(sourcePath: string, workingDirectory: string | undefined): Promise<SourceContent> {
  if (workingDirectory === undefined) {
    throw refuse('INVALID', 'SOURCE_PATH_UNSUPPORTED', 'source_path works through brains mcp on stdio, which runs in your working directory; over HTTP pass the file\'s text as content');
  }
  if (sourcePath.includes('\0')) throw refuse('INVALID', 'INVALID_PATH', 'source_path has a NUL character; pass a plain file path');
  const root = await realpath(workingDirectory);
  let real: string;
  try {
    real = await realpath(resolve(workingDirectory, sourcePath));
  } catch {
    throw refuse('NOT_FOUND', 'FILE_NOT_FOUND', `source_path ${JSON.stringify(sourcePath)} does not exist in your working directory (${workingDirectory}); pass a file there, or content`);
  }
  if (!within(root, real)) {
    throw refuse(
      'INVALID',
      'PATH_TRAVERSAL_DETECTED',
      `source_path ${JSON.stringify(sourcePath)} leads outside your working directory (${workingDirectory}); only files inside it can be stored: copy the file there, or pass its text as content`,
    );
  }
  // Opened without following a symlink, so a link swapped in after the check above is not read.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => {
    throw refuse('INVALID', 'INVALID_PATH', `source_path ${JSON.stringify(sourcePath)} cannot be read; pass a readable file, or content`);
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw refuse('INVALID', 'INVALID_PATH', `source_path ${JSON.stringify(sourcePath)} is not a regular file; pass a file, or content`);
    if (stat.size > SOURCE_PATH_MAX_BYTES) {
      throw refuse('LIMIT_EXCEEDED', 'PAYLOAD_TOO_LARGE', `source_path ${JSON.stringify(sourcePath)} is ${stat.size} bytes, over the ${SOURCE_PATH_MAX_BYTES}-byte limit of source_path; split it into several resources`, {
        size: stat.size,
        limit: SOURCE_PATH_MAX_BYTES,
      });
    }
    // Read no more than the limit allows, even if the file grew since its size was checked.
    const buffer = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
    const bytes = buffer.subarray(0, bytesRead);
    const text = bytes.toString('utf8');
    return Buffer.from(text, 'utf8').equals(bytes) ? { content: text, encoding: 'text' } : { content: bytes.toString('base64'), encoding: 'base64' };
  } finally {
    await handle.close();
  }
}
