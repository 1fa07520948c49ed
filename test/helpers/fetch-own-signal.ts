// The MCP SDK's HTTP client hands every request its connection's one AbortSignal, and Node's fetch leaves a listener on
// that signal per request until the request is garbage-collected: a long session piles them up and prints
// MaxListenersExceededWarning past 1,500, with any key. This fetch gives each request a signal of its own that follows
// the connection's only until the response body is read, cancelled or fails.
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
  return new Response(releasingAtEnd(response.body, release), { status: response.status, statusText: response.statusText, headers: response.headers });
};

/** The same bytes; release runs once the stream ends, fails or is cancelled (the SDK cancels a 202's empty body). */
function releasingAtEnd(body: ReadableStream<Uint8Array>, release: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
}
