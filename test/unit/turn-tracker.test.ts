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

describe('TurnTracker concurrency limit', () => {
  it('runs at most maxConcurrent turns at once and starts the waiting ones in order', async () => {
    const tracker = new TurnTracker(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const turns = gates.map((gate, i) =>
      tracker.run(`conv-${i}`, async () => {
        started.push(i);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await gate.promise;
        inFlight--;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    gates[1]?.resolve();
    await turns[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.resolve();
    await Promise.all(turns);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(tracker.active).toBe(0);
  });
});
