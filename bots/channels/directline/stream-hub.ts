import type { ActivityJson, ConversationService, RecordedActivity } from '../../../services/conversations/conversation.service';

/** What a Direct Line stream sends: activities and, when they were recorded, the new watermark. */
export interface ActivityGroup {
  activities: ActivityJson[];
  watermark?: string;
}

type Logger = { warn(obj: object, msg?: string): void };

/**
 * One open stream (a WebSocket) on one conversation. It delivers every recorded activity after
 * its watermark exactly once and in order: new activities are pushed as they are recorded, and
 * any gap (a reconnect, or activities recorded by another instance) is filled from the database.
 */
class StreamSubscription {
  private pumping = false;
  private again = false;
  closed = false;

  constructor(
    readonly conversationId: string,
    private watermark: number,
    private readonly send: (group: ActivityGroup) => void,
    private readonly conversations: ConversationService,
    private readonly logger: Logger,
  ) {}

  deliver(recorded: RecordedActivity[]): void {
    if (this.closed || recorded.length === 0) return;
    const first = recorded[0] as RecordedActivity;
    const contiguous = recorded.every((r, i) => r.seq === first.seq + i);
    if (!this.pumping && contiguous && first.seq === this.watermark + 1) {
      this.emit(recorded);
    } else if (first.seq > this.watermark) {
      void this.pump();
    }
  }

  /** Another instance recorded up to `seq`: read what this stream has not sent yet. */
  poke(seq: number): void {
    if (!this.closed && seq > this.watermark) void this.pump();
  }

  sendEphemeral(activity: ActivityJson): void {
    if (!this.closed) this.send({ activities: [activity] });
  }

  /** Reads from the database until caught up. One pump at a time; a request during a pump reruns it. */
  async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        const rows = await this.conversations.since(this.conversationId, this.watermark, 200);
        if (rows.length > 0) this.emit(rows);
        if (rows.length === 200) this.again = true;
      } while (this.again && !this.closed);
    } catch (err) {
      this.logger.warn({ err, conversationId: this.conversationId }, 'stream catch-up failed');
    } finally {
      this.pumping = false;
    }
  }

  private emit(rows: RecordedActivity[]): void {
    const last = rows[rows.length - 1] as RecordedActivity;
    this.watermark = last.seq;
    this.send({ activities: rows.map((r) => r.activity), watermark: String(last.seq) });
  }
}

/**
 * The open Direct Line streams of this instance, by conversation. Activities recorded here arrive
 * through `notify`; those recorded by another instance (an agent's reply, a bot turn run there)
 * through `poke`, fed by the database's activity notifications; a reconnect always catches up.
 */
export class StreamHub {
  private readonly streams = new Map<string, Set<StreamSubscription>>();
  private readonly typing = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly conversations: ConversationService,
    private readonly logger: Logger,
  ) {
    if (!conversations) throw new Error('StreamHub: conversations is required');
  }

  /** Opens a stream from `watermark` (exclusive): the backlog is sent at once, then live activities. */
  subscribe(conversationId: string, watermark: number, send: (group: ActivityGroup) => void): { close(): void } {
    const sub = new StreamSubscription(conversationId, watermark, send, this.conversations, this.logger);
    let set = this.streams.get(conversationId);
    if (!set) {
      set = new Set();
      this.streams.set(conversationId, set);
    }
    set.add(sub);
    void sub.pump();
    return {
      close: () => {
        sub.closed = true;
        const s = this.streams.get(conversationId);
        s?.delete(sub);
        if (s && s.size === 0) {
          this.streams.delete(conversationId);
          this.cancelTyping(conversationId);
        }
      },
    };
  }

  /** New activities were recorded in a conversation. */
  notify(conversationId: string, recorded: RecordedActivity[]): void {
    this.cancelTyping(conversationId);
    for (const sub of this.streams.get(conversationId) ?? []) sub.deliver(recorded);
  }

  /** Activities up to `seq` were recorded somewhere (possibly another instance). */
  poke(conversationId: string, seq: number): void {
    const subs = this.streams.get(conversationId);
    if (!subs) return;
    this.cancelTyping(conversationId);
    for (const sub of subs) sub.poke(seq);
  }

  /** Every stream re-reads what it has not sent (notifications were lost while the database listener reconnected). */
  pokeAll(): void {
    for (const subs of this.streams.values()) for (const sub of subs) void sub.pump();
  }

  /** True when this instance holds a stream of the conversation. */
  has(conversationId: string): boolean {
    return this.streams.has(conversationId);
  }

  /**
   * A typing indicator, shown only if no message follows within `delayMs`: a quick answer arrives
   * without a flicker of "escribiendo…" (and without an extra frame); a slow one shows it.
   */
  pushTyping(conversationId: string, activity: ActivityJson, delayMs: number): void {
    if (!this.streams.has(conversationId)) return;
    this.cancelTyping(conversationId);
    const timer = setTimeout(() => {
      this.typing.delete(conversationId);
      this.pushEphemeral(conversationId, activity);
    }, delayMs);
    timer.unref();
    this.typing.set(conversationId, timer);
  }

  private cancelTyping(conversationId: string): void {
    const timer = this.typing.get(conversationId);
    if (timer) {
      clearTimeout(timer);
      this.typing.delete(conversationId);
    }
  }

  /** An activity that is not part of the transcript (typing). */
  private pushEphemeral(conversationId: string, activity: ActivityJson): void {
    for (const sub of this.streams.get(conversationId) ?? []) sub.sendEphemeral(activity);
  }

  get size(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.size;
    return n;
  }
}
