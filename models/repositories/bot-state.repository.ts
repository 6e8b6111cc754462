import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { botState } from '../schema';

export interface StoredState {
  data: Record<string, unknown>;
  etag: string;
}

/** Thrown when a write's expected eTag no longer matches the stored one. */
export class ETagConflictError extends Error {
  readonly code = 'state/etag_conflict' as const;
  constructor(readonly key: string) {
    super(`BotStateRepository.write(): eTag conflict on "${key}"`);
  }
}

/** Bot state rows (key → JSON document + eTag). */
export class BotStateRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('BotStateRepository: db is required');
  }

  async read(keys: string[]): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    if (keys.length === 0) return out;
    const rows = await this.db
      .select({ key: botState.key, data: botState.data, etag: botState.etag })
      .from(botState)
      .where(inArray(botState.key, keys));
    for (const r of rows) out.set(r.key, { data: r.data, etag: r.etag });
    return out;
  }

  /**
   * Writes one item. `expectedEtag` null or '*' overwrites; otherwise the stored eTag must match
   * (or the item must not exist yet). Returns the new eTag.
   */
  async write(key: string, data: Record<string, unknown>, expectedEtag: string | null): Promise<string> {
    const etag = randomUUID();
    const unconditional = expectedEtag === null || expectedEtag === '*';
    const rows = await this.db
      .insert(botState)
      .values({ key, data, etag })
      .onConflictDoUpdate({
        target: botState.key,
        set: { data, etag, updatedAt: sql`now()` },
        ...(unconditional ? {} : { setWhere: sql`${botState.etag} = ${expectedEtag}` }),
      })
      .returning({ etag: botState.etag });
    if (rows.length === 0) throw new ETagConflictError(key);
    return etag;
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.delete(botState).where(inArray(botState.key, keys));
  }
}
