import { randomUUID } from 'node:crypto';
import type { Database } from '../db';

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

// Every turn reads and writes state: these run as prepared statements (see Database.run).
const READ = 'select key, data, etag from bot_state where key = any($1::text[])';
const WRITE_ANY = `insert into bot_state (key, data, etag) values ($1, $2::jsonb, $3)
  on conflict (key) do update set data = excluded.data, etag = excluded.etag, updated_at = now()
  returning etag`;
const WRITE_IF_MATCH = `insert into bot_state (key, data, etag) values ($1, $2::jsonb, $3)
  on conflict (key) do update set data = excluded.data, etag = excluded.etag, updated_at = now()
  where bot_state.etag = $4
  returning etag`;
const DELETE = 'delete from bot_state where key = any($1::text[])';

/** Bot state rows (key → JSON document + eTag). */
export class BotStateRepository {
  constructor(private readonly database: Database) {
    if (!database) throw new Error('BotStateRepository: database is required');
  }

  async read(keys: string[]): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    if (keys.length === 0) return out;
    const rows = await this.database.run<{ key: string; data: Record<string, unknown>; etag: string }>('bot_state_read', READ, [keys]);
    for (const r of rows) out.set(r.key, { data: r.data, etag: r.etag });
    return out;
  }

  /**
   * Writes one item. `expectedEtag` null or '*' overwrites; otherwise the stored eTag must match
   * (or the item must not exist yet). Returns the new eTag.
   */
  async write(key: string, data: Record<string, unknown>, expectedEtag: string | null): Promise<string> {
    const etag = randomUUID();
    const json = JSON.stringify(data);
    const rows =
      expectedEtag === null || expectedEtag === '*'
        ? await this.database.run<{ etag: string }>('bot_state_write_any', WRITE_ANY, [key, json, etag])
        : await this.database.run<{ etag: string }>('bot_state_write_if_match', WRITE_IF_MATCH, [key, json, etag, expectedEtag]);
    if (rows.length === 0) throw new ETagConflictError(key);
    return etag;
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.database.run('bot_state_delete', DELETE, [keys]);
  }
}
