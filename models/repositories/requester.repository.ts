import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { identityCodes, requesterIdentities, requesters } from '../schema';

export type RequesterRow = typeof requesters.$inferSelect;
/** What the attention script knows about a person; absent fields are unknown. */
export type RequesterFields = Partial<Pick<RequesterRow, 'name' | 'unitCode' | 'unitName' | 'role' | 'extension' | 'email' | 'phone'>>;

/** A channel identity: (`webchat`, user id), (`voice`, caller number), (`email`, sender address)… */
export interface IdentityKey {
  kind: string;
  value: string;
}

/** Requesters (one person across conversations) and the channel identities linked to them. */
export class RequesterRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('RequesterRepository: db is required');
  }

  /** The requester linked to that identity, or null. */
  async findByIdentity(identity: IdentityKey): Promise<RequesterRow | null> {
    const [row] = await this.db
      .select({ requester: requesters })
      .from(requesterIdentities)
      .innerJoin(requesters, eq(requesters.id, requesterIdentities.requesterId))
      .where(and(eq(requesterIdentities.kind, identity.kind), eq(requesterIdentities.value, identity.value)))
      .limit(1);
    return row?.requester ?? null;
  }

  async findById(id: string): Promise<RequesterRow | null> {
    const [row] = await this.db.select().from(requesters).where(eq(requesters.id, id)).limit(1);
    return row ?? null;
  }

  /**
   * Stores what is known about the person behind `identity`: updates the linked requester (only the fields given),
   * or creates one and links the identity. Concurrent first sightings of one identity end up on one requester.
   */
  async save(identity: IdentityKey, fields: RequesterFields, verified: boolean, now: Date): Promise<RequesterRow> {
    return this.db.transaction(async (tx) => {
      const [linked] = await tx
        .select({ id: requesterIdentities.requesterId })
        .from(requesterIdentities)
        .where(and(eq(requesterIdentities.kind, identity.kind), eq(requesterIdentities.value, identity.value)))
        .for('update')
        .limit(1);
      if (linked) {
        const [row] = await tx.update(requesters).set({ ...fields, updatedAt: now }).where(eq(requesters.id, linked.id)).returning();
        if (!row) throw new Error('RequesterRepository.save(): linked requester vanished');
        return row;
      }
      const [created] = await tx.insert(requesters).values({ ...fields, createdAt: now, updatedAt: now }).returning();
      if (!created) throw new Error('RequesterRepository.save(): insert returned nothing');
      const [identityRow] = await tx
        .insert(requesterIdentities)
        .values({ kind: identity.kind, value: identity.value, requesterId: created.id, verified, createdAt: now })
        .onConflictDoNothing()
        .returning({ requesterId: requesterIdentities.requesterId });
      if (identityRow) return created;
      // Another turn linked the identity first: keep theirs, add our fields to it, drop ours.
      await tx.delete(requesters).where(eq(requesters.id, created.id));
      const [winner] = await tx
        .update(requesters)
        .set({ ...fields, updatedAt: now })
        .where(
          eq(
            requesters.id,
            sql`(select ${requesterIdentities.requesterId} from ${requesterIdentities} where ${requesterIdentities.kind} = ${identity.kind} and ${requesterIdentities.value} = ${identity.value})`,
          ),
        )
        .returning();
      if (!winner) throw new Error('RequesterRepository.save(): identity race left no requester');
      return winner;
    });
  }

  /** The surviving record of `id` (a coordinator may have merged it into another), or null when unknown. */
  async resolve(id: string): Promise<RequesterRow | null> {
    let row = await this.findById(id);
    for (let hops = 0; row?.mergedInto && hops < 5; hops++) row = await this.findById(row.mergedInto);
    return row;
  }

  /**
   * Links a channel identity to a requester on proof (`code`: a code sent to their address or phone was typed back).
   * An identity linked elsewhere moves (the proof is newer); returns the requester now linked.
   */
  async link(identity: IdentityKey, requesterId: string, proof: string, now: Date): Promise<void> {
    await this.db
      .insert(requesterIdentities)
      .values({ kind: identity.kind, value: identity.value, requesterId, verified: true, proof, createdAt: now })
      .onConflictDoUpdate({ target: [requesterIdentities.kind, requesterIdentities.value], set: { requesterId, verified: true, proof } });
  }

  /** Stores a link code (only its hash) for `identity`; earlier unused codes of the identity stop working. */
  async createCode(p: { identity: IdentityKey; requesterId: string; sentTo: 'email' | 'phone'; target: string; codeHash: string; expiresAt: Date }, now: Date): Promise<string> {
    return this.db.transaction(async (tx) => {
      await tx
        .update(identityCodes)
        .set({ usedAt: now })
        .where(and(eq(identityCodes.kind, p.identity.kind), eq(identityCodes.value, p.identity.value), isNull(identityCodes.usedAt)));
      const [row] = await tx
        .insert(identityCodes)
        .values({ kind: p.identity.kind, value: p.identity.value, requesterId: p.requesterId, sentTo: p.sentTo, target: p.target, codeHash: p.codeHash, expiresAt: p.expiresAt, createdAt: now })
        .returning({ id: identityCodes.id });
      if (!row) throw new Error('RequesterRepository.createCode(): insert returned nothing');
      return row.id;
    });
  }

  /**
   * Checks a typed code against the identity's newest live code (one attempt counted, under a row lock). Returns the
   * code's requester when it matches (the code is then used up), null otherwise; `check` compares hashes.
   */
  async useCode(identity: IdentityKey, check: (codeHash: string, codeId: string) => boolean, maxAttempts: number, now: Date): Promise<{ requesterId: string; sentTo: string; target: string } | null> {
    return this.db.transaction(async (tx) => {
      const [code] = await tx
        .select()
        .from(identityCodes)
        .where(and(eq(identityCodes.kind, identity.kind), eq(identityCodes.value, identity.value), isNull(identityCodes.usedAt), gt(identityCodes.expiresAt, now)))
        .orderBy(desc(identityCodes.createdAt))
        .limit(1)
        .for('update');
      if (!code || code.attempts >= maxAttempts) return null;
      const ok = check(code.codeHash, code.id);
      await tx
        .update(identityCodes)
        .set({ attempts: code.attempts + 1, ...(ok ? { usedAt: now } : {}) })
        .where(eq(identityCodes.id, code.id));
      return ok ? { requesterId: code.requesterId, sentTo: code.sentTo, target: code.target } : null;
    });
  }

  async setCodeHash(id: string, codeHash: string): Promise<void> {
    await this.db.update(identityCodes).set({ codeHash }).where(eq(identityCodes.id, id));
  }
}
