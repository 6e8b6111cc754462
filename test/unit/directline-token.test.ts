import { DirectLineTokens } from '../../bots/channels/directline/directline-token';

describe('DirectLineTokens', () => {
  let now = Date.parse('2026-11-22T12:00:00Z');
  const clock = { now: () => new Date(now) };
  const tokens = new DirectLineTokens(Buffer.alloc(32, 7), clock);

  it('round-trips its claims', () => {
    const { token, expiresIn } = tokens.issue({ cid: 'c1', uid: 'u1', use: 'conv' }, 60);
    expect(expiresIn).toBe(60);
    const check = tokens.check(token);
    expect(check).toEqual({ ok: true, claims: { cid: 'c1', uid: 'u1', use: 'conv', iat: now / 1000, exp: now / 1000 + 60 } });
  });

  it('detects tampering with the body or the signature', () => {
    const { token } = tokens.issue({ cid: 'c1', uid: 'u1', use: 'conv' }, 60);
    const [body, sig] = token.split('.') as [string, string];
    const otherBody = Buffer.from(JSON.stringify({ cid: 'c2', uid: 'u1', use: 'conv', iat: 0, exp: 9e9 })).toString('base64url');
    expect(tokens.check(`${otherBody}.${sig}`)).toEqual({ ok: false, reason: 'forged' });
    expect(tokens.check(`${body}.${sig.slice(0, -2)}xx`)).toEqual({ ok: false, reason: 'forged' });
    expect(tokens.check('only-one-part')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a token signed with another key', () => {
    const other = new DirectLineTokens(Buffer.alloc(32, 8), clock);
    expect(tokens.check(other.issue({ cid: 'c', uid: 'u', use: 'conv' }, 60).token)).toEqual({ ok: false, reason: 'forged' });
  });

  it('expires exactly at exp', () => {
    const { token } = tokens.issue({ cid: 'c1', uid: 'u1', use: 'conv' }, 60);
    now += 59_000;
    expect(tokens.check(token).ok).toBe(true);
    now += 1_000;
    expect(tokens.check(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a short key', () => {
    expect(() => new DirectLineTokens(Buffer.alloc(8), clock)).toThrow(/32 bytes/);
  });
});
