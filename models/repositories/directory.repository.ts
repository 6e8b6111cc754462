import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { auditLog, directoryEntries } from '../schema';
import type { AuditEntry } from './audit.repository';

export type DirectoryRow = typeof directoryEntries.$inferSelect;
/** The stored fields of an entry (ids and timestamps are the database's). */
export type DirectoryValues = Omit<typeof directoryEntries.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

/** What a change to the directory writes: new rows, field updates, and the audit entries (written in the same transaction). */
export interface DirectoryChange<T> {
  create: DirectoryValues[];
  update: Array<{ id: string; patch: Partial<DirectoryValues> }>;
  /** Built once the rows exist, so entries can name the ids of new rows. */
  audit: (written: { created: DirectoryRow[]; updated: DirectoryRow[] }) => AuditEntry[];
  result: T;
}

/**
 * The switchboard directory. Every change runs through {@link change}: one transaction, serialised with the other
 * directory changes by an advisory lock, that reads the whole directory, lets the caller plan against it (unique
 * extensions and names are checked there) and writes the plan with its audit entries.
 */
export class DirectoryRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('DirectoryRepository: db is required');
  }

  /** Entries by kind (areas first) and name; inactive ones only when asked. */
  async list(options: { includeInactive?: boolean } = {}): Promise<DirectoryRow[]> {
    return this.db
      .select()
      .from(directoryEntries)
      .where(options.includeInactive ? undefined : eq(directoryEntries.active, true))
      .orderBy(asc(directoryEntries.kind), asc(directoryEntries.name));
  }

  async get(id: string): Promise<DirectoryRow | null> {
    if (!UUID.test(id)) return null;
    const [row] = await this.db.select().from(directoryEntries).where(eq(directoryEntries.id, id)).limit(1);
    return row ?? null;
  }

  /** The active entries with this extension (normally one). */
  async activeByExtension(extension: string): Promise<DirectoryRow[]> {
    return this.db
      .select()
      .from(directoryEntries)
      .where(and(eq(directoryEntries.extension, extension), eq(directoryEntries.active, true)))
      .orderBy(asc(directoryEntries.createdAt));
  }

  /** Reads the directory, plans a change against it (`plan` may throw to refuse), writes it with its audit entries. */
  async change<T>(plan: (current: DirectoryRow[]) => DirectoryChange<T>, now: Date): Promise<{ created: DirectoryRow[]; updated: DirectoryRow[]; result: T }> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ventanilla.directory'))`);
      const current = await tx.select().from(directoryEntries).orderBy(asc(directoryEntries.createdAt));
      const next = plan(current);
      const created = next.create.length > 0 ? await tx.insert(directoryEntries).values(next.create.map((v) => ({ ...v, createdAt: now, updatedAt: now }))).returning() : [];
      const updated: DirectoryRow[] = [];
      for (const { id, patch } of next.update) {
        const [row] = await tx.update(directoryEntries).set({ ...patch, updatedAt: now }).where(eq(directoryEntries.id, id)).returning();
        if (row) updated.push(row);
      }
      const audit = next.audit({ created, updated });
      if (audit.length > 0) {
        await tx.insert(auditLog).values(audit.map((e) => ({ actor: e.actor, action: e.action, target: e.target ?? null, details: e.details ?? {}, at: now })));
      }
      return { created, updated, result: next.result };
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
