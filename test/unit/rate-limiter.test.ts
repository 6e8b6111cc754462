import { RateLimiter } from '../../services/http/rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst, then asks to wait, then refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter(60, 3, { now: () => new Date(now) });
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 0]);
    expect(limiter.take('k')).toBe(1);
    now += 1000;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBe(1);
  });

  it('keeps keys apart', () => {
    const limiter = new RateLimiter(60, 1, { now: () => new Date(0) });
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0);
  });
});
