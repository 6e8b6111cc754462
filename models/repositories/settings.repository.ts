import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { settings } from '../schema';

/** Installation-wide key/value settings. */
export class SettingsRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('SettingsRepository: db is required');
  }

  async get<T>(key: string): Promise<T | undefined> {
    const [row] = await this.db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).limit(1);
    return row ? (row.value as T) : undefined;
  }

  /** Stores `value` unless the key exists; returns whichever value is stored (first writer wins). */
  async getOrCreate<T>(key: string, value: T): Promise<T> {
    await this.db.insert(settings).values({ key, value }).onConflictDoNothing();
    const stored = await this.get<T>(key);
    if (stored === undefined) throw new Error(`SettingsRepository.getOrCreate(): "${key}" missing after insert`);
    return stored;
  }
}
