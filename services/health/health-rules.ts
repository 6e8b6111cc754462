/**
 * The pure rules of the health check: thresholds (each one documented), how a figure becomes ok / warn / fail, how a
 * run's results reduce to one verdict, and the Spanish wording of durations and sizes. No I/O here, so the rules are
 * unit-tested on their own.
 */
import type { HealthResult, HealthStatus } from '../../models';

/** A check that has not answered after this long counts as failed (its work is abandoned, not awaited). */
export const CHECK_TIMEOUT_MS = 10_000;

/** The outbox worker polls every few seconds: a message pending this long means deliveries are stuck or slow. */
export const OUTBOX_WARN_AGE_MS = 5 * 60_000;
/** …and this long means nothing has gone out for an hour (SMTP down, webhook receiver gone): a failure. */
export const OUTBOX_FAIL_AGE_MS = 60 * 60_000;

/** An inbound e-mail read this long ago and still not processed: its turn keeps failing (or the reader stopped). */
export const EMAIL_STUCK_AGE_MS = 15 * 60_000;

/** Free disk below this share of the volume is a warning… */
export const DISK_WARN_FREE_RATIO = 0.1;
/** …as is less than this many bytes, whatever the share (PostgreSQL needs room for WAL and vacuum). */
export const DISK_WARN_FREE_BYTES = 1024 ** 3;
/** Below this share the database may stop writing soon: a failure. */
export const DISK_FAIL_FREE_RATIO = 0.02;

/** Heap in use above this share of V8's limit: the process is close to running out of memory. */
export const MEMORY_WARN_HEAP_RATIO = 0.9;

/** A manual run is refused (429) this soon after the previous run of any kind. */
export const MANUAL_MIN_INTERVAL_MS = 30_000;

const ORDER: Record<HealthStatus, number> = { skipped: 0, ok: 1, warn: 2, fail: 3 };

/** A run is ok when no check failed (warnings and skipped checks do not spoil it). */
export function runOk(results: readonly Pick<HealthResult, 'status'>[]): boolean {
  return results.every((r) => r.status !== 'fail');
}

/** The worst status among `statuses` (skipped < ok < warn < fail); `skipped` when there are none. */
export function worst(...statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((a, b) => (ORDER[b] > ORDER[a] ? b : a), 'skipped');
}

/** How many results have each status. */
export function countStatuses(results: readonly Pick<HealthResult, 'status'>[]): Record<HealthStatus, number> {
  const counts: Record<HealthStatus, number> = { ok: 0, warn: 0, fail: 0, skipped: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}

/** The outbox's status from its oldest pending message's age (null: nothing pending) and its dead messages. */
export function outboxStatus(oldestAgeMs: number | null, dead: number): HealthStatus {
  const byAge: HealthStatus = oldestAgeMs === null || oldestAgeMs < OUTBOX_WARN_AGE_MS ? 'ok' : oldestAgeMs < OUTBOX_FAIL_AGE_MS ? 'warn' : 'fail';
  return worst(byAge, dead > 0 ? 'warn' : 'ok');
}

/** The queue's status: someone waiting longer than the maximum wait (`HANDOFF_MAX_WAIT_SECONDS`) is a warning. */
export function queueStatus(longestWaitSeconds: number | null, maxWaitSeconds: number): HealthStatus {
  return longestWaitSeconds !== null && longestWaitSeconds > maxWaitSeconds ? 'warn' : 'ok';
}

/** The disk's status from its free and total bytes. */
export function diskStatus(freeBytes: number, totalBytes: number): HealthStatus {
  const ratio = totalBytes > 0 ? freeBytes / totalBytes : 0;
  if (ratio < DISK_FAIL_FREE_RATIO) return 'fail';
  if (ratio < DISK_WARN_FREE_RATIO || freeBytes < DISK_WARN_FREE_BYTES) return 'warn';
  return 'ok';
}

/** The database's status from the migrations applied and shipped: any difference is a warning. */
export function migrationsStatus(applied: number, shipped: number): HealthStatus {
  return applied === shipped ? 'ok' : 'warn';
}

/** A duration in Spanish: «45 s», «7 min», «1 h 5 min», «2 d 3 h». */
export function spanishDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Bytes in Spanish units: «512 MB», «3.2 GB». */
export function spanishBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit >= 3 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `text` with every secret (at least 4 characters) replaced by `***`: details never carry a credential. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('***');
  }
  return out;
}

/** Longest head's note on a run (characters). */
export const NOTE_MAX_LENGTH = 2000;

/** The year view's length: the last this many months. */
export const YEAR_MONTHS = 12;

/** The last `n` months (`YYYY-MM`) on the calendar of `timeZone`, oldest first, ending with the month of `now`. */
export function lastMonths(now: Date, timeZone: string, n: number = YEAR_MONTHS): string[] {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now).map((x) => [x.type, Number(x.value)]));
  const index = (p.year ?? 0) * 12 + (p.month ?? 1) - 1;
  return Array.from({ length: n }, (_, i) => {
    const k = index - (n - 1 - i);
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  });
}

/** A month of the year view: `ok`, `warn`, `fail` (its monthly run's verdict), `missing`, or `pending` (this month, not run yet). */
export type MonthMark = 'ok' | 'warn' | 'fail' | 'missing' | 'pending';

/** The mark of a month from its monthly run's counts (null: no run); the current month without a run is pending. */
export function monthMark(counts: Record<HealthStatus, number> | null, current: boolean): MonthMark {
  if (!counts) return current ? 'pending' : 'missing';
  if (counts.fail > 0) return 'fail';
  return counts.warn > 0 ? 'warn' : 'ok';
}
