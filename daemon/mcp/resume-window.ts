// A client that hangs up on a POST whose stream it can resume (it got the priming event's id) has RESUME_WINDOW_MS to
// come back with Last-Event-ID before the calls that POST carried are cancelled; a stream it cannot resume cancels at once.
import type { StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { StreamWatch } from './event-store.js';

/** The `retry` the priming event suggests: how long a client waits before it reconnects a lost stream. */
export const RETRY_MS = 1000;
/** How long calls outlive a hang-up on a resumable stream, waiting for the client to reconnect. */
export const RESUME_WINDOW_MS = 5 * RETRY_MS;

/** The requests one POST carried, and what became of its stream. */
export interface PostCalls {
  readonly ids: readonly RequestId[];
  streamId?: StreamId;
  readonly answered: Set<RequestId>;
  timer?: NodeJS.Timeout;
}

export class ResumeWindow implements StreamWatch {
  private readonly byStream = new Map<StreamId, PostCalls>();
  private opening: PostCalls | null = null;

  constructor(
    /** Cancel these requests: their client went away for good (`waited`: after the window, not at once). */
    private readonly cancel: (ids: RequestId[], waited: boolean) => void,
    private readonly windowMs = RESUME_WINDOW_MS,
  ) {}

  /**
   * A POST with these requests is about to be handed to the transport: a priming event stored before end() is its
   * stream's. The transport stores it synchronously while it takes the POST, so call end() right after handing it over.
   */
  begin(ids: readonly RequestId[]): PostCalls {
    this.opening = { ids, answered: new Set() };
    return this.opening;
  }

  end(): void {
    this.opening = null;
  }

  primed(streamId: StreamId): void {
    if (!this.opening) return;
    this.opening.streamId = streamId;
    this.byStream.set(streamId, this.opening);
    this.opening = null;
  }

  answered(streamId: StreamId, requestId: RequestId): void {
    const post = this.byStream.get(streamId);
    if (!post) return;
    post.answered.add(requestId);
    if (done(post)) {
      clearTimeout(post.timer);
      this.byStream.delete(streamId);
    }
  }

  /** The client reconnected to this stream with Last-Event-ID: its calls go on; the POST (if its calls still run) is returned. */
  resumed(streamId: StreamId): PostCalls | undefined {
    const post = this.byStream.get(streamId);
    if (post) {
      clearTimeout(post.timer);
      post.timer = undefined;
    }
    return post;
  }

  /**
   * The HTTP response carrying this POST's stream (the POST itself, or a resumed GET) closed before its answers: says
   * whether its calls were cancelled at once or wait for the client to resume, or were all answered already.
   */
  lost(post: PostCalls): 'answered' | 'cancelled' | 'waiting' {
    if (done(post)) return 'answered';
    const resumable = post.streamId !== undefined && this.byStream.get(post.streamId) === post;
    if (!resumable) {
      this.cancel(pending(post), false);
      return 'cancelled';
    }
    clearTimeout(post.timer);
    post.timer = setTimeout(() => {
      post.timer = undefined;
      if (post.streamId !== undefined) this.byStream.delete(post.streamId);
      this.cancel(pending(post), true);
    }, this.windowMs);
    post.timer.unref();
    return 'waiting';
  }

  /** True when every request of the POST was answered. */
  isDone(post: PostCalls): boolean {
    return done(post);
  }

  close(): void {
    for (const post of this.byStream.values()) clearTimeout(post.timer);
    this.byStream.clear();
  }
}

function done(post: PostCalls): boolean {
  return post.ids.every((id) => post.answered.has(id));
}

function pending(post: PostCalls): RequestId[] {
  return post.ids.filter((id) => !post.answered.has(id));
}
