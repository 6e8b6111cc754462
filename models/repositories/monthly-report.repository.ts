import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database, Db } from '../db';
import { monthlyReports, users } from '../schema';
import { insertOutboxMessages, type NewOutboxMessage } from './outbox.repository';

/** Only one instance generates a month's report at a time: `pg_try_advisory_xact_lock` of this key. */
export const MONTHLY_REPORT_LOCK = 7172018;

/** A stored monthly report without its spreadsheet. */
export interface StoredReportMeta {
  month: string;
  generatedAt: Date;
  /** `scheduler` or the e-mail of who regenerated it. */
  generatedBy: string;
  report: Record<string, unknown>;
  /** Whom it was mailed to (empty: nobody, or no SMTP). */
  recipients: string[];
  /** When its e-mails were queued in the outbox; null when none were. */
  emailedAt: Date | null;
  /** Size of the stored XLSX. */
  xlsxBytes: number;
}

export type StoredReport = StoredReportMeta & { xlsx: Buffer };

/** What is stored of a month, and the e-mails queued with it (same transaction). */
export interface NewStoredReport {
  month: string;
  generatedAt: Date;
  generatedBy: string;
  report: Record<string, unknown>;
  xlsx: Buffer;
  recipients: string[];
  /** One message per recipient; nothing is queued when empty. */
  messages: NewOutboxMessage[];
}

/** What a claim did. */
export type ClaimOutcome =
  /** Another instance holds the lock (it is generating): nothing was done. */
  | { locked: false; stored: false }
  /** The month already had a report: `build` was not called. */
  | { locked: true; stored: false }
  /** `build` ran and its report (and e-mails) were stored. */
  | { locked: true; stored: true; meta: StoredReportMeta };

const r = monthlyReports;
const META = {
  month: r.month,
  generatedAt: r.generatedAt,
  generatedBy: r.generatedBy,
  report: r.report,
  recipients: r.recipients,
  emailedAt: r.emailedAt,
  xlsxBytes: sql<number>`octet_length(${r.xlsx})`.mapWith(Number),
};

/**
 * Monthly reports as generated (table `monthly_reports`, one row per month of the desk's calendar): the JSON of
 * DESIGN.md §10, the XLSX, and whom it was mailed to. The e-mails are written to the outbox in the transaction that
 * stores the report, so a report is never stored without its mail nor mailed without being stored.
 */
export class MonthlyReportRepository {
  private readonly db: Db;

  constructor(private readonly database: Database) {
    if (!database?.db) throw new Error('MonthlyReportRepository: database is required');
    this.db = database.db;
  }

  /**
   * Generates `month` once across instances. In one transaction holding `pg_try_advisory_xact_lock(MONTHLY_REPORT_LOCK)`
   * (without waiting: another holder means it is being generated elsewhere), it checks that the month still has no
   * report, runs `build` and stores what it returns with its e-mails. `build` reads through its own connections (the
   * pool), not this transaction's.
   * Embedded (PGlite: one process, one connection, so no other instance) a transaction would keep `build` from
   * reading at all: there the check and the store are two transactions around `build`, and the store keeps an
   * existing row.
   */
  async claimDue(month: string, build: () => Promise<NewStoredReport>): Promise<ClaimOutcome> {
    if (this.database.kind === 'pglite') {
      const due = await this.db.transaction(async (tx) => (await lockIn(tx)) && !(await existsIn(tx, month)));
      if (!due) return { locked: true, stored: false };
      const built = await build();
      const meta = await this.db.transaction((tx) => storeIn(tx, built, 'keep'));
      return meta ? { locked: true, stored: true, meta } : { locked: true, stored: false };
    }
    return this.db.transaction(async (tx) => {
      if (!(await lockIn(tx))) return { locked: false, stored: false };
      if (await existsIn(tx, month)) return { locked: true, stored: false };
      const meta = await storeIn(tx, await build(), 'keep');
      return meta ? { locked: true, stored: true, meta } : { locked: true, stored: false };
    });
  }

  /** Stores `report` for its month, replacing what was there (a regeneration), with its e-mails. */
  async save(report: NewStoredReport): Promise<StoredReportMeta> {
    const meta = await this.db.transaction((tx) => storeIn(tx, report, 'replace'));
    if (!meta) throw new Error('MonthlyReportRepository.save(): upsert returned nothing');
    return meta;
  }

  /** A month's report without its spreadsheet, or null. */
  async get(month: string): Promise<StoredReportMeta | null> {
    const [row] = await this.db.select(META).from(r).where(eq(r.month, month)).limit(1);
    return row ?? null;
  }

  /** A month's report with its spreadsheet, or null. */
  async getWithXlsx(month: string): Promise<StoredReport | null> {
    const [row] = await this.db
      .select({ ...META, xlsx: r.xlsx })
      .from(r)
      .where(eq(r.month, month))
      .limit(1);
    return row ?? null;
  }

  /** The months with a stored report, newest first, with when and by whom each was generated. */
  async months(limit = 120): Promise<Array<{ month: string; generatedAt: Date; generatedBy: string; emailedAt: Date | null }>> {
    return this.db
      .select({ month: r.month, generatedAt: r.generatedAt, generatedBy: r.generatedBy, emailedAt: r.emailedAt })
      .from(r)
      .orderBy(desc(r.month))
      .limit(Math.min(Math.max(Math.trunc(limit) || 1, 1), 1000));
  }

  /** E-mail addresses of the active coordinators, lower case, sorted. */
  async coordinatorEmails(): Promise<string[]> {
    const rows = await this.db
      .select({ email: sql<string>`lower(${users.email})` })
      .from(users)
      .where(and(eq(users.role, 'coordinator'), eq(users.active, true)))
      .orderBy(sql`lower(${users.email})`);
    return rows.map((row) => row.email);
  }
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function lockIn(tx: Tx): Promise<boolean> {
  const [lock] = await tx.select({ ok: sql<boolean>`pg_try_advisory_xact_lock(${MONTHLY_REPORT_LOCK})` }).from(sql`(select 1) as one`);
  return lock?.ok === true;
}

async function existsIn(tx: Tx, month: string): Promise<boolean> {
  const [row] = await tx.select({ month: r.month }).from(r).where(eq(r.month, month)).limit(1);
  return row !== undefined;
}

/** Inserts (`keep`: only when the month has none) or upserts the report; its e-mails only when it was written. */
async function storeIn(tx: Tx, s: NewStoredReport, mode: 'keep' | 'replace'): Promise<StoredReportMeta | null> {
  const emailedAt = s.messages.length > 0 ? s.generatedAt : null;
  const values = { month: s.month, generatedAt: s.generatedAt, generatedBy: s.generatedBy, report: s.report, xlsx: s.xlsx, recipients: s.recipients, emailedAt };
  const insert = tx.insert(r).values(values);
  const [row] = await (mode === 'keep'
    ? insert.onConflictDoNothing()
    : insert.onConflictDoUpdate({ target: r.month, set: { generatedAt: s.generatedAt, generatedBy: s.generatedBy, report: s.report, xlsx: s.xlsx, recipients: s.recipients, emailedAt } })
  ).returning(META);
  if (!row) return null;
  await insertOutboxMessages(tx, s.messages, s.generatedAt);
  return row;
}
