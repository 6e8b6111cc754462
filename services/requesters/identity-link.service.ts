import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { AuditRepository, NewOutboxMessage, RequesterRepository } from '../../models';

/** Where a link code goes. */
export interface LinkTarget {
  kind: 'email' | 'phone';
  /** A lower-case address or 10 national digits. */
  value: string;
}

export interface IdentityLinkDeps {
  requesters: RequesterRepository;
  audit: Pick<AuditRepository, 'append'>;
  clock: { now(): Date };
  /** Keys the code hashes (the deployment's secret key). */
  secret: string;
  /** Queues an e-mail (the outbox); without it codes go only by SMS. */
  mail?: ((message: NewOutboxMessage) => Promise<void>) | undefined;
  /** Sends an SMS to 10 national digits; without it codes go only by e-mail. */
  sms?: ((phone: string, body: string) => Promise<void>) | undefined;
  orgName: string;
  /** Minutes a code lives (default 10) and wrong tries allowed (default 5). */
  ttlMinutes?: number;
  maxAttempts?: number;
  /** Six random digits (tests fix them). */
  code?: () => string;
}

/**
 * One person across channels: a channel identity (a Messenger PSID, an X user id, a web chat user…) is linked to a
 * requester only on proof — a code sent to the e-mail address or phone the requester has on file, typed back on the
 * channel. Codes are stored hashed, live ten minutes, allow five tries, and every link is audited.
 */
export class IdentityLinkService {
  private readonly ttlMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly deps: IdentityLinkDeps) {
    if (!deps?.requesters) throw new Error('IdentityLinkService: requesters is required');
    if (!deps.secret) throw new Error('IdentityLinkService: secret is required');
    this.ttlMs = (deps.ttlMinutes ?? 10) * 60_000;
    this.maxAttempts = deps.maxAttempts ?? 5;
  }

  /** True when a code can go to that kind of target. */
  canSend(kind: LinkTarget['kind']): boolean {
    return kind === 'email' ? Boolean(this.deps.mail) : Boolean(this.deps.sms);
  }

  /** Sends a code to `target` for `identity` to prove it is `requesterId`. False when it cannot be sent that way. */
  async start(identity: { kind: string; value: string }, requesterId: string, target: LinkTarget): Promise<boolean> {
    if (!this.canSend(target.kind)) return false;
    const now = this.deps.clock.now();
    const code = this.deps.code?.() ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = await this.deps.requesters.createCode(
      { identity, requesterId, sentTo: target.kind, target: target.value, codeHash: 'pending', expiresAt: new Date(now.getTime() + this.ttlMs) },
      now,
    );
    // The hash binds the code to its row, so a code cannot be replayed against another identity's row.
    await this.deps.requesters.setCodeHash(id, this.hash(id, code));
    const text = `Su código de verificación del ${this.deps.orgName} es ${code}. Vence en ${Math.round(this.ttlMs / 60_000)} minutos. Si usted no lo pidió, ignore este mensaje.`;
    if (target.kind === 'email') {
      await this.deps.mail!({
        kind: 'email',
        dedupeKey: `link-code:${id}`,
        payload: { to: [target.value], subject: `Código de verificación: ${code}`, text, headers: { 'Auto-Submitted': 'auto-generated' } },
      });
    } else {
      await this.deps.sms!(target.value, text);
    }
    return true;
  }

  /** Checks a typed code; on success links the identity to the requester and returns the requester's id. */
  async confirm(identity: { kind: string; value: string }, typed: string): Promise<string | null> {
    const code = typed.replace(/\D/g, '');
    if (code.length !== 6) return null;
    const now = this.deps.clock.now();
    const used = await this.deps.requesters.useCode(identity, (hash, id) => this.same(hash, this.hash(id, code)), this.maxAttempts, now);
    if (!used) return null;
    // A coordinator may have merged the record since the code was sent: link to the surviving one.
    const survivor = (await this.deps.requesters.resolve(used.requesterId))?.id ?? used.requesterId;
    await this.deps.requesters.link(identity, survivor, 'code', now);
    await this.deps.audit.append({
      actor: `${identity.kind}:${identity.value}`,
      action: 'requester.link',
      target: survivor,
      details: { kind: identity.kind, value: identity.value, proof: 'code', sentTo: used.sentTo },
    });
    return survivor;
  }

  private hash(id: string, code: string): string {
    return createHmac('sha256', this.deps.secret).update(`${id}:${code}`).digest('hex');
  }

  private same(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }
}
