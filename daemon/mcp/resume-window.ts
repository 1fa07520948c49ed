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
  /** HTTP responses carrying its stream right now: the POST's own, a GET resuming it (a refused one briefly too). */
  attached: number;
  timer?: NodeJS.Timeout;
}

/** What became of a POST's calls when a response carrying its stream closed. */
export type Detached = 'answered' | 'attached' | 'cancelled' | 'waiting';

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
    this.opening = { ids, answered: new Set(), attached: 0 };
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

  /** The POST whose stream this is, while its calls still run (a client resuming it with Last-Event-ID). */
  resumed(streamId: StreamId): PostCalls | undefined {
    return this.byStream.get(streamId);
  }

  /** A response now carries the POST's stream: its calls go on. */
  attach(post: PostCalls): void {
    post.attached += 1;
    clearTimeout(post.timer);
    post.timer = undefined;
  }

  /**
   * A response carrying the POST's stream closed. When it was the last and calls are unanswered, they are cancelled at
   * once if the client cannot resume the stream, else when it has not resumed within the window.
   */
  detach(post: PostCalls): Detached {
    post.attached -= 1;
    if (done(post)) return 'answered';
    if (post.attached > 0) return 'attached';
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
