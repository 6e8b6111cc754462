import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { requesterIdentities, requesters } from '../schema';

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
}
