import { TurnTracker } from '../../bots/turn-tracker';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('TurnTracker', () => {
  it('runs turns of one conversation one after another, and others in parallel', async () => {
    const tracker = new TurnTracker();
    const order: string[] = [];
    const gate = deferred();
    const a1 = tracker.run('a', async () => {
      order.push('a1 start');
      await gate.promise;
      order.push('a1 end');
    });
    const a2 = tracker.run('a', async () => {
      order.push('a2');
    });
    const b1 = tracker.run('b', async () => {
      order.push('b1');
    });
    await b1;
    expect(order).toEqual(['a1 start', 'b1']);
    gate.resolve();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('keeps going after a failed turn and drains when idle', async () => {
    const tracker = new TurnTracker();
    await expect(tracker.run('a', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(tracker.run('a', async () => 'ok')).resolves.toBe('ok');
    expect(tracker.active).toBe(0);
    await expect(tracker.drain(10)).resolves.toBe(true);
  });

  it('drain waits for running turns and gives up after the timeout', async () => {
    const tracker = new TurnTracker();
    const gate = deferred();
    const turn = tracker.run('a', () => gate.promise);
    await expect(tracker.drain(20)).resolves.toBe(false);
    const drained = tracker.drain(1000);
    gate.resolve();
    await turn;
    await expect(drained).resolves.toBe(true);
  });
});
