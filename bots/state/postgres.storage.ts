import type { Storage, StoreItems } from 'botbuilder';
import type { BotStateRepository } from '../../models';

/**
 * botbuilder `Storage` on PostgreSQL (server or PGlite) with eTag optimistic concurrency:
 * a write whose `eTag` no longer matches the stored one fails; `*` (or no eTag) overwrites.
 */
export class PostgresStorage implements Storage {
  constructor(private readonly repo: BotStateRepository) {
    if (!repo) throw new Error('PostgresStorage: repository is required');
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new TypeError('PostgresStorage.read(): keys must be an array');
    const found = await this.repo.read([...new Set(keys)]);
    const items: StoreItems = {};
    for (const [key, item] of found) items[key] = { ...item.data, eTag: item.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes || typeof changes !== 'object') throw new TypeError('PostgresStorage.write(): changes must be an object');
    // Sequential on purpose: a conflict on one key reports that key, and earlier keys stay written,
    // as botbuilder's own storages behave.
    for (const [key, value] of Object.entries(changes)) {
      const { eTag, ...data } = (value ?? {}) as Record<string, unknown>;
      const expected = typeof eTag === 'string' && eTag !== '' ? eTag : null;
      await this.repo.write(key, data, expected);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new TypeError('PostgresStorage.delete(): keys must be an array');
    await this.repo.delete(keys);
  }
}
