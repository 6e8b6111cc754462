import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { auditLog, catalogDraft, catalogVersions } from '../schema';
import type { AuditEntry } from './audit.repository';

export type CatalogSource = 'publish' | 'import' | 'rollback' | 'default';
export interface VersionSummary {
  added: number;
  removed: number;
  changed: number;
}

export interface CatalogVersionRow {
  version: number;
  catalog: Record<string, unknown>;
  contentHash: string;
  source: CatalogSource;
  note: string | null;
  summary: VersionSummary;
  publishedBy: string;
  publishedAt: Date;
}

export type CatalogVersionInfo = Omit<CatalogVersionRow, 'catalog'>;

export interface CatalogDraftRow {
  catalog: Record<string, unknown>;
  basedOnVersion: number | null;
  revision: number;
  updatedBy: string;
  updatedAt: Date;
}

/** The PostgreSQL channel a publish notifies; the payload is the new version number. */
export const CATALOG_CHANNEL = 'ventanilla_catalog';
// Serializes publishes across instances (version numbers are max + 1).
const PUBLISH_LOCK = 7172002;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Catalog versions (immutable) and the working draft. */
export class CatalogRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('CatalogRepository: db is required');
  }

  async latestVersionNumber(): Promise<number | null> {
    const [row] = await this.db.select({ v: sql<number | null>`max(${catalogVersions.version})` }).from(catalogVersions);
    return row?.v === null || row?.v === undefined ? null : Number(row.v);
  }

  async getVersion(version: number): Promise<CatalogVersionRow | null> {
    const [row] = await this.db.select().from(catalogVersions).where(eq(catalogVersions.version, version)).limit(1);
    return row ?? null;
  }

  async latest(): Promise<CatalogVersionRow | null> {
    const [row] = await this.db.select().from(catalogVersions).orderBy(desc(catalogVersions.version)).limit(1);
    return row ?? null;
  }

  /** Every version without its content, newest first. */
  async listVersions(): Promise<CatalogVersionInfo[]> {
    return this.db
      .select({
        version: catalogVersions.version,
        contentHash: catalogVersions.contentHash,
        source: catalogVersions.source,
        note: catalogVersions.note,
        summary: catalogVersions.summary,
        publishedBy: catalogVersions.publishedBy,
        publishedAt: catalogVersions.publishedAt,
      })
      .from(catalogVersions)
      .orderBy(desc(catalogVersions.version));
  }

  async getDraft(): Promise<CatalogDraftRow | null> {
    const [row] = await this.db.select().from(catalogDraft).where(eq(catalogDraft.id, 1)).limit(1);
    return row ? toDraft(row) : null;
  }

  /**
   * Changes the draft under a row lock: `change` receives the current draft (null when there is
   * none) and returns the new content, or null to leave it alone. The audit entry is written in
   * the same transaction.
   */
  async updateDraft(
    change: (current: CatalogDraftRow | null) => { catalog: Record<string, unknown>; basedOnVersion: number | null; audit: AuditEntry } | null,
    updatedBy: string,
  ): Promise<CatalogDraftRow | null> {
    return this.db.transaction(async (tx) => {
      const current = await this.lockDraft(tx);
      const next = change(current);
      if (!next) return current;
      const row = await this.writeDraft(tx, next.catalog, next.basedOnVersion, updatedBy);
      await tx.insert(auditLog).values(toAudit(next.audit));
      return row;
    });
  }

  /**
   * Publishes a new immutable version (max + 1) in one transaction: the version row, the draft reset
   * to it (when asked), the audit entry and a NOTIFY that every instance receives on commit.
   * `build` receives the latest published version and may refuse by throwing.
   */
  async publish(
    build: (latest: CatalogVersionRow | null, draft: CatalogDraftRow | null) => {
      catalog: Record<string, unknown>;
      contentHash: string;
      source: CatalogSource;
      note: string | null;
      summary: VersionSummary;
      audit: AuditEntry;
    },
    publishedBy: string,
    options: { resetDraft: boolean },
  ): Promise<CatalogVersionRow> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${PUBLISH_LOCK})`);
      const draft = await this.lockDraft(tx);
      const [latest] = await tx.select().from(catalogVersions).orderBy(desc(catalogVersions.version)).limit(1);
      const next = build(latest ?? null, draft);
      const version = (latest?.version ?? 0) + 1;
      const [row] = await tx
        .insert(catalogVersions)
        .values({ version, catalog: next.catalog, contentHash: next.contentHash, source: next.source, note: next.note, summary: next.summary, publishedBy })
        .returning();
      if (!row) throw new Error('CatalogRepository.publish(): insert returned nothing');
      if (options.resetDraft || !draft) await this.writeDraft(tx, next.catalog, version, publishedBy);
      await tx.insert(auditLog).values(toAudit({ ...next.audit, details: { ...next.audit.details, version } }));
      await tx.execute(sql`select pg_notify(${CATALOG_CHANNEL}, ${String(version)})`);
      return row;
    });
  }

  private async lockDraft(tx: Tx): Promise<CatalogDraftRow | null> {
    const [row] = await tx.select().from(catalogDraft).where(eq(catalogDraft.id, 1)).for('update').limit(1);
    return row ? toDraft(row) : null;
  }

  private async writeDraft(tx: Tx, catalog: Record<string, unknown>, basedOnVersion: number | null, updatedBy: string): Promise<CatalogDraftRow> {
    const [row] = await tx
      .insert(catalogDraft)
      .values({ id: 1, catalog, basedOnVersion, revision: 1, updatedBy })
      .onConflictDoUpdate({
        target: catalogDraft.id,
        set: { catalog, basedOnVersion, updatedBy, revision: sql`${catalogDraft.revision} + 1`, updatedAt: sql`now()` },
      })
      .returning();
    if (!row) throw new Error('CatalogRepository.writeDraft(): upsert returned nothing');
    return toDraft(row);
  }
}

function toDraft(row: typeof catalogDraft.$inferSelect): CatalogDraftRow {
  return { catalog: row.catalog, basedOnVersion: row.basedOnVersion, revision: row.revision, updatedBy: row.updatedBy, updatedAt: row.updatedAt };
}

function toAudit(e: AuditEntry): typeof auditLog.$inferInsert {
  return { actor: e.actor, action: e.action, target: e.target ?? null, details: e.details ?? {} };
}
