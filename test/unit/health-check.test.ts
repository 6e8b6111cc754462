import type { HealthRun, NewHealthRun, NewOutboxMessage } from '../../models';
import { HealthCheckService, HealthError, type HealthCheckDeps, type HealthSettings } from '../../services/health/health-check';
import type { ProbeOutcome } from '../../services/health/health-probes';
import { MANUAL_MIN_INTERVAL_MS } from '../../services/health/health-rules';
import { deskMonth, HealthScheduler } from '../../services/health/health-scheduler';

const SECRETS = { authToken: 'tw-secret-token-123', page: 'EAAB-page-token-456', x: 'x-user-token-789', imap: 'clave imap/ñ', smtp: 'smtp-pass-000' };

const SETTINGS: HealthSettings = {
  twilio: { accountSid: 'AC123', authToken: SECRETS.authToken },
  pbxSipDomain: 'pbx.cau.test',
  imap: [{ name: 'mesa@cau.test@imap.cau.test/INBOX', host: 'imap.cau.test', port: 993, secure: true, starttls: false, user: 'mesa@cau.test', password: SECRETS.imap, mailbox: 'INBOX', rejectUnauthorized: true }],
  smtpUrl: `smtp://mesa%40cau.test:${SECRETS.smtp}@smtp.cau.test:587`,
  messenger: { pageAccessToken: SECRETS.page },
  x: { accessToken: SECRETS.x },
  maxWaitSeconds: 600,
  diskPath: '/srv/ventanilla',
};

const NOW = new Date('2026-11-30T18:00:00Z');
const ok = (detail: string) => async (): Promise<ProbeOutcome> => ({ status: 'ok', detail });
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A strict in-memory repository: only the calls the service may make. */
function fakeRepo(overrides: Partial<HealthCheckDeps['repo']> = {}) {
  const stored: HealthRun[] = [];
  /** What was queued in the outbox with a stored run. */
  const queued: NewOutboxMessage[] = [];
  const coordinators = ['jefa@cau.test', 'jefe2@cau.test'];
  const repo: HealthCheckDeps['repo'] = {
    insert: async (run: NewHealthRun, messagesFor?: (stored: HealthRun) => NewOutboxMessage[]) => {
      if (run.kind === 'monthly' && stored.some((r) => r.kind === 'monthly' && r.month === run.month)) return null;
      const row: HealthRun = { ...run, id: stored.length + 1, note: null, notedBy: null, notedAt: null };
      stored.push(row);
      if (messagesFor) queued.push(...messagesFor(row));
      return row;
    },
    setNote: async (id: number, note: string, by: string, at: Date) => {
      const row = stored.find((r) => r.id === id);
      if (!row) return null;
      Object.assign(row, { note, notedBy: by, notedAt: at });
      return { ...row };
    },
    monthlyEvidence: async (months: readonly string[]) =>
      stored
        .filter((r) => r.kind === 'monthly' && r.month !== null && months.includes(r.month))
        .map((r) => {
          const counts = { ok: 0, warn: 0, fail: 0, skipped: 0 };
          for (const x of r.results) counts[x.status] += 1;
          return { month: r.month as string, id: r.id, at: r.at, ok: r.ok, counts };
        }),
    coordinatorEmails: async () => [...coordinators],
    list: async () => ({ runs: [], total: stored.length }),
    get: async (id: number) => stored.find((r) => r.id === id) ?? null,
    latestAt: async () => stored.at(-1)?.at ?? null,
    probeDatabase: async () => ({ kind: 'postgres', version: '16.4', appliedMigrations: 9, shippedMigrations: 9 }),
    outboxLag: async () => ({ pending: 0, dead: 0, byKind: [{ kind: 'email', pending: 0, oldestAt: null }, { kind: 'webhook', pending: 0, oldestAt: null }] }),
    queueLag: async () => ({ queued: 0, longestSince: null }),
    stuckEmails: async () => ({ count: 0, oldestAt: null }),
    ...overrides,
  };
  return { repo, stored, queued };
}

function service(
  options: {
    settings?: Partial<HealthSettings>;
    probes?: HealthCheckDeps['probes'];
    repo?: Partial<HealthCheckDeps['repo']>;
    timeoutMs?: number;
    now?: () => Date;
    report?: HealthCheckDeps['report'];
    onQueued?: () => void;
  } = {},
) {
  const { repo, stored, queued } = fakeRepo(options.repo);
  const audit: Array<{ actor: string; action: string; target?: string | null; details?: Record<string, unknown> }> = [];
  const health = new HealthCheckService({
    repo,
    audit: { append: async (e) => void audit.push(e) },
    clock: { now: options.now ?? (() => NOW) },
    logger: silent,
    settings: { ...SETTINGS, ...options.settings },
    probes: {
      twilio: ok('Credenciales aceptadas.'),
      messenger: ok('Token de página válido.'),
      x: ok('Token aceptado.'),
      imap: ok('Sesión iniciada.'),
      smtp: ok('Acepta la conexión.'),
      pbx: ok('Respondió a SIP OPTIONS.'),
      disk: ok('50 GB libres.'),
      memory: ok('Heap 80 MB.'),
      ...options.probes,
    },
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.report ? { report: options.report } : {}),
    ...(options.onQueued ? { onQueued: options.onQueued } : {}),
    timeZone: 'America/Mexico_City',
  });
  return { health, stored, audit, queued };
}

describe('HealthCheckService', () => {
  it('runs every configured check, stores the run and calls it ok', async () => {
    const { health, stored } = service();
    const run = await health.run('manual', 'admin@cau.test');
    expect(run.results.map((r) => r.name)).toEqual([
      'database', 'twilio', 'pbx', 'imap:mesa@cau.test@imap.cau.test/INBOX', 'smtp', 'messenger', 'x', 'outbox', 'queue', 'email', 'disk', 'memory',
    ]);
    expect(run.results.every((r) => r.status === 'ok')).toBe(true);
    expect(run.ok).toBe(true);
    expect(run.id).toBe(1);
    expect(stored[0]?.checkedBy).toBe('admin@cau.test');
    expect(run.results.find((r) => r.name === 'database')?.detail).toMatch(/^PostgreSQL 16\.4 responde en \d+ ms; 9 de 9 migraciones aplicadas\.$/);
  });

  it('marks channels that are not configured as skipped, saying what is missing, and leaves out the e-mail backlog', async () => {
    const { health } = service({ settings: { twilio: null, pbxSipDomain: undefined, imap: [], smtpUrl: null, messenger: null, x: null } });
    const run = await health.run('manual', 'a');
    const byName = Object.fromEntries(run.results.map((r) => [r.name, r]));
    for (const name of ['twilio', 'pbx', 'imap', 'smtp', 'messenger', 'x']) expect(byName[name]?.status).toBe('skipped');
    expect(byName.twilio?.detail).toContain('TWILIO_AUTH_TOKEN');
    expect(byName.email).toBeUndefined();
    expect(run.ok).toBe(true);
  });

  it('a probe that hangs fails with the timeout, one that throws fails with its reason, and secrets never reach a detail', async () => {
    const { health } = service({
      timeoutMs: 150,
      probes: {
        x: () => new Promise<ProbeOutcome>(() => undefined),
        twilio: async () => {
          throw new Error(`connect failed for AC123:${SECRETS.authToken}`);
        },
        imap: async () => ({ status: 'fail', detail: `login rejected for password ${SECRETS.imap} (${encodeURIComponent(SECRETS.imap)})` }),
        smtp: async () => ({ status: 'fail', detail: `EAUTH smtp-pass-000` }),
      },
    });
    const run = await health.run('manual', 'a');
    const byName = Object.fromEntries(run.results.map((r) => [r.name, r]));
    expect(byName.x).toMatchObject({ status: 'fail', detail: 'Sin respuesta en 150 ms.' });
    expect(byName.twilio?.status).toBe('fail');
    expect(byName.twilio?.detail).toContain('Error al revisar: connect failed for AC123:***');
    expect(run.ok).toBe(false);
    const json = JSON.stringify(run);
    for (const secret of Object.values(SECRETS)) {
      expect(json).not.toContain(secret);
      expect(json).not.toContain(encodeURIComponent(secret));
    }
  });

  it('an outbox message pending past the thresholds warns, then fails; a long wait in the queue warns', async () => {
    const age = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
    const lag = (minutes: number) => async () => ({ pending: 2, dead: 0, byKind: [{ kind: 'email', pending: 2, oldestAt: age(minutes) }, { kind: 'webhook', pending: 0, oldestAt: null }] });
    const check = async (minutes: number) => (await service({ repo: { outboxLag: lag(minutes) } }).health.check()).find((r) => r.name === 'outbox');
    expect((await check(3))?.status).toBe('ok');
    const warned = await check(7);
    expect(warned).toMatchObject({ status: 'warn', detail: '2 pendientes (correo 2); el más antiguo espera 7 min (aviso desde 5 min).' });
    expect((await check(61))?.status).toBe('fail');
    const queue = (await service({ repo: { queueLag: async () => ({ queued: 3, longestSince: age(12) }) } }).health.check()).find((r) => r.name === 'queue');
    expect(queue).toMatchObject({ status: 'warn', detail: '3 en espera de un agente; la espera más larga lleva 12 min, más que la espera máxima de 10 min.' });
  });

  it('a run that cannot be stored comes back without id instead of throwing', async () => {
    const { health } = service({ repo: { insert: async () => Promise.reject(new Error('connection lost')) } });
    const run = await health.run('manual', 'a');
    expect(run.id).toBeNull();
    expect(run.results).toHaveLength(12);
  });

  it('refuses a manual run while one is running (409) and right after another (429), and audits the ones it runs', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let now = NOW.getTime();
    const { health, audit } = service({ now: () => new Date(now), probes: { disk: async () => (await gate, { status: 'ok', detail: 'ok' }) } });
    const first = health.runManual('admin@cau.test');
    await new Promise((r) => setImmediate(r));
    expect(health.running).toBe(true);
    await expect(health.runManual('otro@cau.test')).rejects.toMatchObject({ code: 'health/running' });
    release();
    const run = await first;
    expect(run.id).toBe(1);
    expect(audit).toEqual([{ actor: 'admin@cau.test', action: 'health.check', target: '1', details: { ok: true, counts: { ok: 12, warn: 0, fail: 0, skipped: 0 } } }]);
    now += 10_000;
    const tooSoon = await health.runManual('admin@cau.test').catch((e: unknown) => e);
    expect(tooSoon).toBeInstanceOf(HealthError);
    expect(tooSoon).toMatchObject({ code: 'health/too_soon', retryAfterSeconds: (MANUAL_MIN_INTERVAL_MS - 10_000) / 1000 });
    now += MANUAL_MIN_INTERVAL_MS;
    expect((await health.runManual('admin@cau.test')).id).toBe(2);
  });
});

describe('HealthScheduler', () => {
  it('reads months on the desk calendar', () => {
    // 1 Dec 2026 03:00 UTC is still 30 Nov in Mexico City.
    expect(deskMonth(new Date('2026-12-01T03:00:00Z'), 'America/Mexico_City')).toBe('2026-11');
    expect(deskMonth(new Date('2026-12-01T07:00:00Z'), 'America/Mexico_City')).toBe('2026-12');
  });

  it('runs the month once, skips when another instance holds the lock, and releases the lock', async () => {
    const { health, stored } = service();
    let held = false;
    let released = 0;
    const lock = async () => {
      if (held) return null;
      held = true;
      return { lost: new Promise<void>(() => undefined), release: async () => void ((held = false), (released += 1)) };
    };
    const repo = { monthlyExists: async (month: string) => stored.some((r) => r.kind === 'monthly' && r.month === month) };
    const scheduler = new HealthScheduler({ health, repo, lock, clock: { now: () => NOW }, logger: silent, timeZone: 'America/Mexico_City' });
    held = true;
    expect(await scheduler.tick()).toEqual({ month: '2026-11', locked: false, storedId: null });
    held = false;
    expect(await scheduler.tick()).toEqual({ month: '2026-11', locked: true, storedId: 1 });
    expect(await scheduler.tick()).toEqual({ month: '2026-11', locked: true, storedId: null });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'monthly', month: '2026-11', checkedBy: 'scheduler' });
    expect(released).toBe(1);
    expect(held).toBe(false);
  });
});

describe('reporting the monthly run, the head\'s note and the year view (seed 004 stage 2)', () => {
  const REPORT = { email: true, extraEmails: ['Direccion@cau.test', 'jefa@cau.test'], publicBaseUrl: 'https://ventanilla.cau.test/' };

  it('a monthly run with failures and warnings is mailed to every coordinator and REPORT_EMAILS once, listing them and linking to it', async () => {
    let woken = 0;
    const { health, queued } = service({
      report: REPORT,
      onQueued: () => void (woken += 1),
      probes: { twilio: async () => ({ status: 'fail', detail: 'Credenciales de Twilio rechazadas (401).' }), disk: async () => ({ status: 'warn', detail: 'Quedan 3 GB libres (5 %).' }) },
    });
    const run = await health.run('monthly', 'scheduler', '2026-11');
    expect(run.id).toBe(1);
    expect(woken).toBe(1);
    // Coordinators and REPORT_EMAILS, lower case, each once (jefa@ is both).
    expect(queued.map((m) => (m.payload as { to: string[] }).to)).toEqual([['jefa@cau.test'], ['jefe2@cau.test'], ['direccion@cau.test']]);
    expect(queued.map((m) => m.dedupeKey)).toEqual(['health-check:2026-11:jefa@cau.test', 'health-check:2026-11:jefe2@cau.test', 'health-check:2026-11:direccion@cau.test']);
    const mail = queued[0]?.payload as { subject: string; text: string; html: string };
    expect(mail.subject).toBe('Revisión mensual del sistema 2026-11: 1 falla, 1 advertencia');
    expect(mail.text).toContain('Fallas:\n- Twilio (teléfono, SMS y WhatsApp): Credenciales de Twilio rechazadas (401).');
    expect(mail.text).toContain('Advertencias:\n- Espacio en disco: Quedan 3 GB libres (5 %).');
    expect(mail.text).toContain('Consulte la revisión en la consola: https://ventanilla.cau.test/console/salud/1');
    expect(mail.html).toContain('<a href="https://ventanilla.cau.test/console/salud/1">');
    for (const secret of Object.values(SECRETS)) expect(JSON.stringify(queued)).not.toContain(secret);
  });

  it('an all-ok monthly run is mailed too («sin fallas»); manual runs and runs without SMTP mail nobody', async () => {
    const ok = service({ report: REPORT });
    await ok.health.run('monthly', 'scheduler', '2026-10');
    expect((ok.queued[0]?.payload as { subject: string }).subject).toBe('Revisión mensual del sistema 2026-10: sin fallas');
    expect((ok.queued[0]?.payload as { text: string }).text).not.toContain('Fallas:');
    await ok.health.run('manual', 'admin@cau.test');
    expect(ok.queued).toHaveLength(3);
    // The month's second monthly run is not stored, so nothing more is queued.
    await ok.health.run('monthly', 'scheduler', '2026-10');
    expect(ok.queued).toHaveLength(3);

    const noSmtp = service({ report: { ...REPORT, email: false } });
    await noSmtp.health.run('monthly', 'scheduler', '2026-10');
    expect(noSmtp.queued).toEqual([]);
    const noReport = service();
    await noReport.health.run('monthly', 'scheduler', '2026-10');
    expect(noReport.queued).toEqual([]);
  });

  it('stores the head\'s note trimmed, audits it, and refuses an empty or too long one and an unknown run', async () => {
    const { health, audit } = service();
    const run = await health.run('manual', 'admin@cau.test');
    const noted = await health.note(run.id as number, '  Renovar el token de Twilio esta semana.  ', 'jefa@cau.test');
    expect(noted).toMatchObject({ note: 'Renovar el token de Twilio esta semana.', notedBy: 'jefa@cau.test', notedAt: NOW });
    expect(audit.filter((e) => e.action === 'health.note')).toEqual([{ actor: 'jefa@cau.test', action: 'health.note', target: String(run.id), details: { length: 39 } }]);
    for (const bad of ['', '   ', 42, undefined, 'x'.repeat(2001)]) {
      await expect(health.note(run.id as number, bad, 'jefa@cau.test')).rejects.toMatchObject({ code: 'health/bad_note' });
    }
    await expect(health.note(run.id as number, 'x'.repeat(2000), 'jefa@cau.test')).resolves.toMatchObject({ note: 'x'.repeat(2000) });
    await expect(health.note(99, 'Nota', 'jefa@cau.test')).rejects.toMatchObject({ code: 'health/not_found' });
  });

  it('the history carries the last 12 months of the desk\'s calendar, each marked by its monthly run or its absence', async () => {
    // 2026-12-01 03:00 UTC is still November 30 in Mexico City.
    const { health } = service({ now: () => new Date('2026-12-01T03:00:00Z'), probes: { disk: async () => ({ status: 'warn', detail: 'Poco disco.' }) } });
    const warned = await health.run('monthly', 'scheduler', '2026-03');
    const { months } = await health.history({ limit: 20, offset: 0 });
    expect(months.map((m) => m.month)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    expect(months.map((m) => m.mark)).toEqual(['missing', 'missing', 'missing', 'warn', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'pending']);
    expect(months[3]?.run).toMatchObject({ id: warned.id, ok: true, counts: { warn: 1 } });
  });
});
