import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a Direct Line token grants: one conversation, as one user, until `exp`. */
export interface DirectLineClaims {
  /** Conversation id. */
  cid: string;
  /** User id the bearer speaks as. */
  uid: string;
  /** 'conv' for REST calls; 'stream' for a WebSocket streamUrl. */
  use: 'conv' | 'stream';
  iat: number;
  exp: number;
}

export type TokenCheck =
  | { ok: true; claims: DirectLineClaims }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

/**
 * Signed, conversation-scoped, expiring tokens (HMAC-SHA256 over a compact JSON body,
 * compared in constant time). The same key on every instance keeps them valid cluster-wide.
 */
export class DirectLineTokens {
  constructor(
    private readonly key: Buffer,
    private readonly clock: { now(): Date },
  ) {
    if (!key || key.length < 32) throw new Error('DirectLineTokens: a key of at least 32 bytes is required');
    if (!clock) throw new Error('DirectLineTokens: clock is required');
  }

  issue(claims: { cid: string; uid: string; use: 'conv' | 'stream' }, ttlSeconds: number): { token: string; expiresIn: number } {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const body = b64(JSON.stringify({ ...claims, iat, exp: iat + ttlSeconds }));
    return { token: `${body}.${this.sign(body)}`, expiresIn: ttlSeconds };
  }

  check(token: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
    const [body, sig] = parts as [string, string];
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
    let claims: DirectLineClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as DirectLineClaims;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (typeof claims.cid !== 'string' || typeof claims.uid !== 'string' || typeof claims.exp !== 'number') {
      return { ok: false, reason: 'malformed' };
    }
    if (claims.exp <= Math.floor(this.clock.now().getTime() / 1000)) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
