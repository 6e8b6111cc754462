import { type ActivityGroup, StreamHub } from '../../bots/channels/directline/stream-hub';
import type { ConversationService, RecordedActivity } from '../../services/conversations/conversation.service';

/** A strict double: only `since` may be called, and it serves from `store`. */
function conversationsDouble(store: RecordedActivity[]): ConversationService {
  const double = {
    since: async (_id: string, watermark: number) => store.filter((r) => r.seq > watermark),
  };
  return new Proxy(double, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof typeof target];
      throw new Error(`unexpected call: ConversationService.${String(prop)}`);
    },
  }) as unknown as ConversationService;
}

const rec = (seq: number, text: string): RecordedActivity => ({ seq, activity: { type: 'message', text, id: `c|${seq}` } });
const logger = { warn: () => undefined };
const flush = () => new Promise((r) => setImmediate(r));

describe('StreamHub', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('sends the backlog after the watermark, then live activities, each exactly once and in order', async () => {
    const store = [rec(1, 'a'), rec(2, 'b')];
    const hub = new StreamHub(conversationsDouble(store), logger);
    const got: ActivityGroup[] = [];
    hub.subscribe('c', 1, (g) => got.push(g));
    await flush();
    store.push(rec(3, 'c'));
    hub.notify('c', [rec(3, 'c')]);
    hub.notify('c', [rec(3, 'c')]);
    await flush();
    expect(got.flatMap((g) => g.activities.map((a) => a.text))).toEqual(['b', 'c']);
    expect(got.at(-1)?.watermark).toBe('3');
  });

  it('fills a gap from the database when notified out of order', async () => {
    const store = [rec(1, 'a')];
    const hub = new StreamHub(conversationsDouble(store), logger);
    const got: string[] = [];
    hub.subscribe('c', 1, (g) => got.push(...g.activities.map((a) => String(a.text))));
    await flush();
    store.push(rec(2, 'b'), rec(3, 'c'));
    hub.notify('c', [rec(3, 'c')]);
    await flush();
    await flush();
    expect(got).toEqual(['b', 'c']);
  });

  it('shows typing only when no message follows within the delay', async () => {
    const store: RecordedActivity[] = [];
    const hub = new StreamHub(conversationsDouble(store), logger);
    const got: ActivityGroup[] = [];
    hub.subscribe('c', 0, (g) => got.push(g));
    await flush();

    hub.pushTyping('c', { type: 'typing', id: 't1' }, 300);
    store.push(rec(1, 'rápido'));
    hub.notify('c', [rec(1, 'rápido')]);
    jest.advanceTimersByTime(1000);
    expect(got.flatMap((g) => g.activities.map((a) => a.type))).toEqual(['message']);

    hub.pushTyping('c', { type: 'typing', id: 't2' }, 300);
    jest.advanceTimersByTime(299);
    expect(got).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(got[1]).toEqual({ activities: [{ type: 'typing', id: 't2' }] });
  });

  it('stops sending after close', async () => {
    const store = [rec(1, 'a')];
    const hub = new StreamHub(conversationsDouble(store), logger);
    const got: ActivityGroup[] = [];
    const sub = hub.subscribe('c', 1, (g) => got.push(g));
    sub.close();
    hub.notify('c', [rec(2, 'b')]);
    await flush();
    expect(got).toEqual([]);
    expect(hub.size).toBe(0);
  });
});
