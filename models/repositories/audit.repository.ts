import { desc } from 'drizzle-orm';
import type { Db } from '../db';
import { auditLog } from '../schema';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRow extends Required<AuditEntry> {
  id: number;
  at: Date;
}

/** Append-only audit log. */
export class AuditRepository {
  constructor(private readonly db: Db) {
    if (!db) throw new Error('AuditRepository: db is required');
  }

  async append(e: AuditEntry): Promise<void> {
    await this.db.insert(auditLog).values({
      actor: e.actor,
      action: e.action,
      target: e.target ?? null,
      details: e.details ?? {},
    });
  }

  async latest(limit = 50): Promise<AuditRow[]> {
    return this.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
  }
}
