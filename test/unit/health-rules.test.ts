import {
  countStatuses, diskStatus, lastMonths, monthMark, DISK_FAIL_FREE_RATIO, DISK_WARN_FREE_BYTES, DISK_WARN_FREE_RATIO, migrationsStatus, OUTBOX_FAIL_AGE_MS, OUTBOX_WARN_AGE_MS,
  outboxStatus, queueStatus, redact, runOk, spanishBytes, spanishDuration, worst,
} from '../../services/health/health-rules';
import type { HealthStatus } from '../../models';

const GB = 1024 ** 3;

describe('health rules', () => {
  it('a run is ok unless a check failed: warnings and skipped checks do not spoil it', () => {
    const run = (...statuses: HealthStatus[]) => statuses.map((status) => ({ status }));
    expect(runOk(run('ok', 'warn', 'skipped', 'ok'))).toBe(true);
    expect(runOk(run('ok', 'fail', 'ok'))).toBe(false);
    expect(runOk(run())).toBe(true);
    expect(countStatuses(run('ok', 'ok', 'warn', 'skipped', 'fail', 'ok'))).toEqual({ ok: 3, warn: 1, fail: 1, skipped: 1 });
  });

  it('orders statuses skipped < ok < warn < fail', () => {
    expect(worst()).toBe('skipped');
    expect(worst('ok', 'skipped')).toBe('ok');
    expect(worst('warn', 'ok')).toBe('warn');
    expect(worst('ok', 'fail', 'warn')).toBe('fail');
  });

  it.each<[number | null, number, HealthStatus]>([
    [null, 0, 'ok'],
    [0, 0, 'ok'],
    [OUTBOX_WARN_AGE_MS - 1, 0, 'ok'],
    [OUTBOX_WARN_AGE_MS, 0, 'warn'],
    [OUTBOX_FAIL_AGE_MS - 1, 0, 'warn'],
    [OUTBOX_FAIL_AGE_MS, 0, 'fail'],
    [null, 2, 'warn'],
    [OUTBOX_FAIL_AGE_MS * 2, 5, 'fail'],
  ])('outbox: oldest pending %p ms and %p dead → %s', (age, dead, expected) => {
    expect(outboxStatus(age, dead)).toBe(expected);
  });

  it('queue: a current wait beyond the maximum wait is a warning, never a failure', () => {
    expect(queueStatus(null, 600)).toBe('ok');
    expect(queueStatus(600, 600)).toBe('ok');
    expect(queueStatus(601, 600)).toBe('warn');
    expect(queueStatus(86_400, 600)).toBe('warn');
  });

  it('disk: under 10 % or 1 GB free warns, under 2 % fails', () => {
    const total = 100 * GB;
    expect(diskStatus(50 * GB, total)).toBe('ok');
    expect(diskStatus(total * DISK_WARN_FREE_RATIO, total)).toBe('ok');
    expect(diskStatus(total * DISK_WARN_FREE_RATIO - 1, total)).toBe('warn');
    expect(diskStatus(total * DISK_FAIL_FREE_RATIO, total)).toBe('warn');
    expect(diskStatus(total * DISK_FAIL_FREE_RATIO - 1, total)).toBe('fail');
    // A small volume: half free, but less than 1 GB.
    expect(diskStatus(DISK_WARN_FREE_BYTES - 1, 2 * DISK_WARN_FREE_BYTES - 2)).toBe('warn');
    expect(diskStatus(0, 0)).toBe('fail');
  });

  it('database: migrations applied and shipped must match', () => {
    expect(migrationsStatus(9, 9)).toBe('ok');
    expect(migrationsStatus(8, 9)).toBe('warn');
    expect(migrationsStatus(10, 9)).toBe('warn');
  });

  it('words durations and sizes in Spanish', () => {
    expect(spanishDuration(0)).toBe('0 s');
    expect(spanishDuration(45_400)).toBe('45 s');
    expect(spanishDuration(7 * 60_000 + 20_000)).toBe('7 min');
    expect(spanishDuration(65 * 60_000)).toBe('1 h 5 min');
    expect(spanishDuration(2 * 3_600_000)).toBe('2 h');
    expect(spanishDuration(51 * 3_600_000)).toBe('2 d 3 h');
    expect(spanishBytes(512)).toBe('512 B');
    expect(spanishBytes(5 * 1024 * 1024)).toBe('5 MB');
    expect(spanishBytes(3.25 * GB)).toBe('3.3 GB');
  });

  it('redacts every secret, also URL-encoded, and leaves short values alone', () => {
    const text = 'login a imap://mesa:p%40ss%2Fw0rd@host falló con p@ss/w0rd y token EAAB123; id 42';
    const out = redact(text, ['p@ss/w0rd', 'EAAB123', '42']);
    expect(out).not.toContain('p@ss/w0rd');
    expect(out).not.toContain('p%40ss%2Fw0rd');
    expect(out).not.toContain('EAAB123');
    expect(out).toContain('id 42');
    expect(out.match(/\*\*\*/g)).toHaveLength(3);
  });
});

describe('the year view\'s months', () => {
  it('lists the last 12 months of the desk\'s calendar, oldest first, across a year boundary', () => {
    // 2027-01-01 05:00 UTC is still December 31 in Mexico City, New Year in UTC.
    const at = new Date('2027-01-01T05:00:00Z');
    expect(lastMonths(at, 'America/Mexico_City')).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    expect(lastMonths(at, 'UTC', 3)).toEqual(['2026-11', '2026-12', '2027-01']);
  });

  it('marks a month by its run\'s worst result, a missing past month as missing and the current one as pending', () => {
    expect(monthMark({ ok: 9, warn: 0, fail: 0, skipped: 3 }, false)).toBe('ok');
    expect(monthMark({ ok: 8, warn: 1, fail: 0, skipped: 3 }, false)).toBe('warn');
    expect(monthMark({ ok: 7, warn: 1, fail: 1, skipped: 3 }, true)).toBe('fail');
    expect(monthMark(null, false)).toBe('missing');
    expect(monthMark(null, true)).toBe('pending');
  });
});
