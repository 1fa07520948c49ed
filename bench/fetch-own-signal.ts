// The MCP SDK's HTTP client gives every request its connection's one AbortSignal, and Node's fetch keeps a listener on
// that signal per request until garbage collection: after 1,500 calls the bench printed thousands of
// MaxListenersExceededWarning lines. This fetch gives each request a signal of its own that follows the connection's
// until the response body is read.
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

export const fetchWithOwnSignal: FetchLike = async (url, init) => {
  const shared = init?.signal;
  if (!shared) return fetch(url, init);
  const own = new AbortController();
  const follow = () => own.abort(shared.reason);
  if (shared.aborted) follow();
  else shared.addEventListener('abort', follow, { once: true });
  const release = () => shared.removeEventListener('abort', follow);
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: own.signal });
  } catch (error) {
    release();
    throw error;
  }
  if (!response.body) {
    release();
    return response;
  }
  const body = response.body.pipeThrough(new TransformStream({ flush: release }));
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
};
