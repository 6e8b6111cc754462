import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { Database, HealthRepository, migrationsFolder, type HealthResult, type HealthRun } from '../../models';
import { handoffs, healthChecks } from '../../models/schema';
import { HealthCheckService, type HealthSettings } from '../../services/health/health-check';
import { HealthScheduler } from '../../services/health/health-scheduler';
import { ConsoleSession } from '../support/console-session';
import { DovecotServer } from '../support/dovecot';
import { FakeSipServer, HealthFakeApis } from '../support/health-fake-apis';
import { startApp } from '../support/harness';
import { LoopbackSmtpServer } from '../support/loopback-smtp';
import { openTestDatabase, testBackends } from '../support/test-database';

/**
 * The system health check against real servers where they are ours (PostgreSQL or PGlite, Dovecot IMAP, an SMTP
 * server, a SIP endpoint on UDP) and local stand-ins of Twilio, Graph and X that check credentials as they do:
 * the right credentials pass, wrong ones fail with Spanish reasons, nothing secret is stored, an aged outbox message
 * warns, the scheduler stores one monthly run per month with two instances ticking at once, and the routes are the
 * admins'.
 */

const CREDS = {
  twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-auth-token-right-1234' },
  pageAccessToken: 'EAAB-page-access-token-right',
  xAccessToken: 'x-user-context-token-right',
};
const IMAP_USER = { user: 'mesa@cau.test', password: 'clave-imap-correcta-77' };
const WRONG = { twilio: 'twilio-auth-token-WRONG-99', page: 'EAAB-page-token-WRONG', x: 'x-token-WRONG-0000', imap: 'clave-imap-INCORRECTA' };
const PASSWORD = 'ContrasenaSegura123';
const TZ = 'America/Mexico_City';
const SHIPPED = (JSON.parse(fs.readFileSync(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
const silent = pino({ level: 'silent' });

const byName = (results: HealthResult[]) => Object.fromEntries(results.map((r) => [r.name, r]));

describe.each(testBackends())('system health check (database: %s)', (backend) => {
  let apis: HealthFakeApis;
  let sip: FakeSipServer;
  let dovecot: DovecotServer;
  let smtp: LoopbackSmtpServer;
  let running: Awaited<ReturnType<typeof startApp>>;
  /** The test's clock: real time plus `shift` ms. */
  let shift = 0;
  const clock = { now: () => new Date(Date.now() + shift) };
  let mailboxName: string;

  beforeAll(async () => {
    [apis, sip, dovecot] = await Promise.all([HealthFakeApis.start(CREDS), FakeSipServer.start(), DovecotServer.start({ users: [IMAP_USER] })]);
    smtp = new LoopbackSmtpServer();
    await smtp.listen(0);
    running = await startApp({
      testDatabase: await openTestDatabase(backend),
      clock,
      env: {
        PUBLIC_BASE_URL: 'https://ventanilla.cau.test',
        TWILIO_ACCOUNT_SID: CREDS.twilio.accountSid,
        TWILIO_AUTH_TOKEN: CREDS.twilio.authToken,
        TWILIO_API_BASE_URL: apis.baseUrl,
        FACEBOOK_APP_SECRET: 'facebook-app-secret',
        FACEBOOK_VERIFY_TOKEN: 'facebook-verify-token',
        FACEBOOK_PAGE_ACCESS_TOKEN: CREDS.pageAccessToken,
        FACEBOOK_GRAPH_BASE_URL: apis.baseUrl,
        X_CONSUMER_SECRET: 'x-consumer-secret',
        X_ACCESS_TOKEN: CREDS.xAccessToken,
        X_API_BASE_URL: apis.baseUrl,
        IMAP_URL: dovecot.urlFor(IMAP_USER.user),
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'Mesa de ayuda <mesa@cau.test>',
        PBX_SIP_DOMAIN: `127.0.0.1:${sip.port}`,
      },
      overrides: { emailReader: false, outboxWorker: false, handoffTickMs: 0 },
    });
    mailboxName = `${IMAP_USER.user}@127.0.0.1/INBOX`;
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    await Promise.all([apis?.close(), sip?.close(), dovecot?.stop(), smtp?.close()]);
  });

  /** A service over the app's database with other settings (wrong credentials, unreachable servers). */
  function serviceWith(settings: Partial<HealthSettings>): HealthCheckService {
    const { app } = running;
    return new HealthCheckService({
      repo: new HealthRepository(app.database),
      audit: app.repositories.audit,
      clock,
      logger: silent,
      settings: {
        twilio: { ...CREDS.twilio, apiBaseUrl: apis.baseUrl },
        pbxSipDomain: `127.0.0.1:${sip.port}`,
        imap: app.config.imap?.mailboxes ?? [],
        smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
        messenger: { pageAccessToken: CREDS.pageAccessToken, graphBaseUrl: apis.baseUrl },
        x: { accessToken: CREDS.xAccessToken, apiBaseUrl: apis.baseUrl },
        maxWaitSeconds: 600,
        diskPath: process.cwd(),
        ...settings,
      },
    });
  }

  it('with the right credentials every channel, the PBX route, the database and the queues check out, and the run is stored', async () => {
    const sipBefore = sip.received;
    apis.requests.length = 0;
    const run = await running.app.health.run('manual', 'prueba@cau.test');
    const r = byName(run.results);
    expect(r.database?.status).toBe('ok');
    expect(r.database?.detail).toContain(`${SHIPPED} de ${SHIPPED} migraciones aplicadas`);
    expect(r.database?.detail).toMatch(backend === 'pglite' ? /^PGlite \(PostgreSQL \d+/ : /^PostgreSQL \d+/);
    expect(r.twilio).toMatchObject({ status: 'ok', detail: 'Credenciales aceptadas; cuenta «CAU pruebas» activa.' });
    expect(r.messenger).toMatchObject({ status: 'ok', detail: 'Token de página válido: página «CAU Página» (102030405060).' });
    expect(r.x).toMatchObject({ status: 'ok', detail: 'Token aceptado: cuenta @cau_mesa (111).' });
    expect(r[`imap:${mailboxName}`]?.status).toBe('ok');
    expect(r[`imap:${mailboxName}`]?.detail).toContain('Sesión iniciada y cerrada en 127.0.0.1');
    expect(r.smtp?.status).toBe('ok');
    expect(r.pbx).toMatchObject({ status: 'ok', detail: `127.0.0.1 (127.0.0.1) respondió a SIP OPTIONS: 200 OK.` });
    expect(sip.received).toBe(sipBefore + 1);
    for (const name of ['outbox', 'queue', 'email']) expect(r[name]?.status).toBe('ok');
    expect(['ok', 'warn', 'fail']).toContain(r.disk?.status);
    expect(run.ok).toBe(run.results.every((x) => x.status !== 'fail'));
    // The providers were asked with the credentials, as their clients sign them.
    const twilioCall = apis.requests.find((q) => q.path.startsWith('/2010-04-01/'));
    expect(twilioCall).toMatchObject({ method: 'GET', path: `/2010-04-01/Accounts/${CREDS.twilio.accountSid}.json`, status: 200 });
    expect(apis.requests.find((q) => q.path === '/2/users/me')?.authorization).toBe(`Bearer ${CREDS.xAccessToken}`);
    // Stored as it was returned.
    expect(run.id).not.toBeNull();
    const stored = await running.app.health.get(run.id as number);
    expect(stored?.results).toEqual(run.results);
    expect(stored).toMatchObject({ kind: 'manual', month: null, checkedBy: 'prueba@cau.test', ok: run.ok });
  });

  it('wrong credentials and unreachable servers fail with Spanish reasons, and no secret is stored', async () => {
    const { app } = running;
    const [mailbox] = app.config.imap?.mailboxes ?? [];
    if (!mailbox) throw new Error('the test app has a mailbox');
    const health = serviceWith({
      twilio: { accountSid: CREDS.twilio.accountSid, authToken: WRONG.twilio, apiBaseUrl: apis.baseUrl },
      messenger: { pageAccessToken: WRONG.page, graphBaseUrl: apis.baseUrl },
      x: { accessToken: WRONG.x, apiBaseUrl: apis.baseUrl },
      imap: [{ ...mailbox, password: WRONG.imap }],
      smtpUrl: 'smtp://usuario:smtp-secreto-123@127.0.0.1:9',
      pbxSipDomain: 'pbx.ventanilla.invalid',
    });
    const run = await health.run('manual', 'prueba@cau.test');
    const r = byName(run.results);
    expect(r.twilio).toMatchObject({ status: 'fail', detail: 'Credenciales de Twilio rechazadas (401): revise TWILIO_ACCOUNT_SID y TWILIO_AUTH_TOKEN.' });
    expect(r.messenger).toMatchObject({ status: 'fail', detail: 'Token de página de Messenger rechazado (código 190): revise FACEBOOK_PAGE_ACCESS_TOKEN.' });
    expect(r.x).toMatchObject({ status: 'fail', detail: 'Token de X rechazado (401): revise X_ACCESS_TOKEN (puede haber caducado).' });
    expect(r[`imap:${mailboxName}`]).toMatchObject({ status: 'fail', detail: 'El servidor IMAP 127.0.0.1 rechazó el usuario o la contraseña.' });
    expect(r.smtp).toMatchObject({ status: 'fail', detail: 'No se pudo conectar con el servidor SMTP 127.0.0.1:9 (ECONNREFUSED).' });
    expect(r.pbx?.status).toBe('fail');
    expect(r.pbx?.detail).toMatch(/^No se pudo resolver pbx\.ventanilla\.invalid \(/);
    expect(run.ok).toBe(false);
    const [row] = await app.database.db.select().from(healthChecks).where(eq(healthChecks.id, run.id as number));
    const json = JSON.stringify(row);
    for (const secret of [...Object.values(WRONG), 'smtp-secreto-123', CREDS.twilio.authToken, CREDS.pageAccessToken, CREDS.xAccessToken, IMAP_USER.password]) {
      expect(json).not.toContain(secret);
    }
  });

  it('an outbox message pending past 5 minutes warns and past an hour fails; a wait beyond the maximum warns', async () => {
    const { app } = running;
    const health = serviceWith({});
    const outboxOf = async () => byName(await health.check()).outbox;
    expect(await outboxOf()).toMatchObject({ status: 'ok', detail: 'Nada pendiente de envío.' });
    const now = clock.now().getTime();
    await app.repositories.outbox.enqueue([{ kind: 'email', payload: { to: ['a@cau.test'], subject: 's', text: 't' }, dedupeKey: 'health-test:1' }], new Date(now - 7 * 60_000));
    expect(await outboxOf()).toMatchObject({ status: 'warn', detail: '1 pendientes (correo 1); el más antiguo espera 7 min (aviso desde 5 min).' });
    await app.repositories.outbox.enqueue([{ kind: 'webhook', payload: { url: 'https://x.test' }, dedupeKey: 'health-test:2' }], new Date(now - 2 * 3_600_000));
    const failed = await outboxOf();
    expect(failed?.status).toBe('fail');
    expect(failed?.detail).toContain('2 pendientes (correo 1, webhook 1); el más antiguo espera 2 h');

    const queueOf = async () => byName(await health.check()).queue;
    expect((await queueOf())?.status).toBe('ok');
    await app.database.db.insert(handoffs).values({ conversationId: 'health-conv-1', channel: 'webchat', resolverGroup: 'Mesa de ayuda', reason: 'user', queuedAt: new Date(now - 15 * 60_000) });
    expect(await queueOf()).toMatchObject({ status: 'warn', detail: '1 en espera de un agente; la espera más larga lleva 15 min, más que la espera máxima de 10 min.' });
    await app.database.db.delete(handoffs).where(eq(handoffs.conversationId, 'health-conv-1'));
  });

  it('stores exactly one monthly run per month even when two instances tick at once', async () => {
    const { app } = running;
    // Two instances: on the server, a second pool and its own lock connection; embedded, one process shares the lock.
    const second = backend === 'postgres' && running.testDatabase?.url ? await Database.open({ url: running.testDatabase.url, dataDir: 'unused' }) : app.database;
    try {
      const month = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).format(at).slice(0, 7);
      // Mid-month of a month well before any other test's runs.
      const at = new Date('2026-03-15T18:00:00Z');
      const scheduler = (database: Database) =>
        new HealthScheduler({
          health: serviceWith({}),
          repo: new HealthRepository(database),
          lock: (key) => database.tryLock(key),
          clock: { now: () => at },
          logger: silent,
          timeZone: TZ,
        });
      const a = scheduler(app.database);
      const b = scheduler(second);
      const sipBefore = sip.received;
      const ticks = await Promise.all([a.tick(), b.tick()]);
      expect(ticks.map((t) => t.month)).toEqual(['2026-03', '2026-03']);
      expect(ticks.filter((t) => t.storedId !== null)).toHaveLength(1);
      // The checks themselves ran once (each run sends one SIP OPTIONS): the lock kept the other instance out.
      expect(sip.received).toBe(sipBefore + 1);
      const again = await Promise.all([a.tick(), b.tick()]);
      expect(again.every((t) => t.storedId === null)).toBe(true);
      const monthly = await app.database.db.select().from(healthChecks).where(eq(healthChecks.kind, 'monthly'));
      expect(monthly.map((m) => [m.month, m.checkedBy])).toEqual([[month(at), 'scheduler']]);
      // The unique index is the last guard: a second monthly run of the month is not written.
      const repo = new HealthRepository(app.database);
      expect(await repo.insert({ at, kind: 'monthly', month: '2026-03', checkedBy: 'otro', ok: true, results: [] })).toBeNull();
      expect(await repo.monthlyExists('2026-03')).toBe(true);
      expect(await repo.monthlyExists('2026-04')).toBe(false);
    } finally {
      if (second !== app.database) await second.close();
    }
  });

  describe('console routes', () => {
    const sessions: Record<'admin' | 'coordinator' | 'agent', ConsoleSession> = {} as never;

    beforeAll(async () => {
      for (const role of ['admin', 'coordinator', 'agent'] as const) {
        await running.app.users.create({ email: `${role}.salud@cau.test`, role, password: PASSWORD, actor: 'test' });
        sessions[role] = await ConsoleSession.login(running.baseUrl, `${role}.salud@cau.test`, PASSWORD);
      }
    });

    it('coordinators and admins read, only admins run: 401 without a session, 403 for agents and for a coordinator\'s run', async () => {
      const anonymous = new ConsoleSession(running.baseUrl);
      expect((await anonymous.request('GET', '/api/health/checks')).status).toBe(401);
      expect((await anonymous.request('PUT', '/api/health/checks/1/note', { note: 'x' })).status).toBe(401);
      expect((await sessions.agent.request('GET', '/api/health/checks')).status).toBe(403);
      expect((await sessions.agent.request('GET', '/api/health/checks/1')).status).toBe(403);
      expect((await sessions.agent.request('PUT', '/api/health/checks/1/note', { note: 'x' })).status).toBe(403);
      for (const role of ['coordinator', 'agent'] as const) expect((await sessions[role].request('POST', '/api/health/checks', {})).status).toBe(403);
      const stored = (await running.app.health.history({ limit: 1, offset: 0 })).runs[0];
      if (!stored) throw new Error('an earlier test stored a run');
      for (const role of ['admin', 'coordinator'] as const) {
        const list = await sessions[role].request('GET', '/api/health/checks');
        expect(list.status).toBe(200);
        expect((list.body as { runs: Array<{ id: number }> }).runs[0]?.id).toBe(stored.id);
        const one = await sessions[role].request('GET', `/api/health/checks/${stored.id}`);
        expect(one.status).toBe(200);
        expect((one.body as { run: HealthRun }).run.id).toBe(stored.id);
      }
    });

    it('the head writes and edits the action defined on a run (audited); empty, too long and unknown runs are refused', async () => {
      const { app } = running;
      const run = (await app.health.history({ limit: 1, offset: 0 })).runs[0];
      if (!run) throw new Error('an earlier test stored a run');
      const coordinator = sessions.coordinator;
      const first = await coordinator.request('PUT', `/api/health/checks/${run.id}/note`, { note: '  Pedir a TI que renueve el certificado del IMAP.  ' });
      expect(first.status).toBe(200);
      const noted = (first.body as { run: HealthRun }).run;
      expect(noted).toMatchObject({ id: run.id, note: 'Pedir a TI que renueve el certificado del IMAP.', notedBy: 'coordinator.salud@cau.test' });
      expect(Math.abs(new Date(noted.notedAt as unknown as string).getTime() - clock.now().getTime())).toBeLessThan(60_000);
      // An admin edits it: the last word stays, with its author.
      expect((await sessions.admin.request('PUT', `/api/health/checks/${run.id}/note`, { note: 'Certificado renovado; revisar el mes próximo.' })).status).toBe(200);
      const one = (await coordinator.request('GET', `/api/health/checks/${run.id}`)).body as { run: HealthRun };
      expect(one.run).toMatchObject({ note: 'Certificado renovado; revisar el mes próximo.', notedBy: 'admin.salud@cau.test' });
      const listed = (await coordinator.request('GET', '/api/health/checks?limit=50')).body as { runs: Array<{ id: number; note: string | null; notedBy: string | null }> };
      expect(listed.runs.find((r) => r.id === run.id)).toMatchObject({ note: 'Certificado renovado; revisar el mes próximo.', notedBy: 'admin.salud@cau.test' });
      // Refusals, in Spanish, and nothing changed.
      const empty = await coordinator.request('PUT', `/api/health/checks/${run.id}/note`, { note: '   ' });
      expect(empty.status).toBe(400);
      expect((empty.body as { error: { message: string } }).error.message).toBe('Escriba la acción definida por la jefatura (no puede quedar vacía).');
      const long = await coordinator.request('PUT', `/api/health/checks/${run.id}/note`, { note: 'a'.repeat(2001) });
      expect(long.status).toBe(400);
      expect((long.body as { error: { message: string } }).error.message).toBe('La acción definida es demasiado larga: 2001 caracteres (máximo 2000).');
      expect((await coordinator.request('PUT', `/api/health/checks/${run.id}/note`, {})).status).toBe(400);
      expect((await coordinator.request('PUT', '/api/health/checks/999999/note', { note: 'x' })).status).toBe(404);
      expect((await coordinator.request('PUT', '/api/health/checks/abc/note', { note: 'x' })).status).toBe(400);
      expect((await app.health.get(run.id))?.note).toBe('Certificado renovado; revisar el mes próximo.');
      const openapi = (await (await fetch(`${running.baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      expect(Object.keys(openapi.paths['/api/health/checks/{id}/note'] ?? {})).toEqual(['put']);
      const audit = await app.repositories.audit.latest(50);
      expect(audit.filter((e) => e.action === 'health.note').map((e) => [e.actor, e.target])).toEqual([
        ['admin.salud@cau.test', String(run.id)],
        ['coordinator.salud@cau.test', String(run.id)],
      ]);
    });

    it('the list carries the last 12 months, the month with a monthly run marked by it and linking to it', async () => {
      const { app } = running;
      // The desk's month now, and a monthly run stored for it.
      const now = clock.now();
      const month = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).format(now).slice(0, 7);
      const stored = await new HealthRepository(app.database).insert({
        at: now, kind: 'monthly', month, checkedBy: 'scheduler', ok: false,
        results: [{ name: 'database', status: 'ok', detail: 'bien', ms: 1 }, { name: 'smtp', status: 'fail', detail: 'caído', ms: 2 }],
      });
      const body = (await sessions.coordinator.request('GET', '/api/health/checks')).body as { months: Array<{ month: string; mark: string; run: { id: number; ok: boolean } | null }> };
      expect(body.months).toHaveLength(12);
      expect(body.months.at(-1)).toMatchObject({ month, mark: 'fail', run: { id: stored?.id, ok: false } });
      const [y, m] = month.split('-').map(Number) as [number, number];
      const first = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 7);
      expect(body.months[0]?.month).toBe(first);
      expect(body.months.slice(0, -1).every((x) => x.month >= first && x.month < month)).toBe(true);
      // The other monthly run stored so far is the scheduler test's 2026-03: marked when it falls in the window.
      const withRuns = body.months.map((x) => x.month).filter((x) => x === '2026-03' || x === month);
      expect(body.months.filter((x) => x.run !== null).map((x) => x.month)).toEqual(withRuns);
      expect(body.months.filter((x) => x.run === null && x.month !== month).every((x) => x.mark === 'missing')).toBe(true);
    });

    it('an admin runs a check now (audited, no secrets in it), is refused a second one right after, and reads the history', async () => {
      shift += 5 * 60_000;
      const admin = sessions.admin;
      const posted = await admin.request('POST', '/api/health/checks', {});
      expect(posted.status).toBe(201);
      const run = (posted.body as { run: HealthRun }).run;
      expect(run).toMatchObject({ kind: 'manual', checkedBy: 'admin.salud@cau.test' });
      expect(byName(run.results).twilio?.status).toBe('ok');
      const again = await admin.request('POST', '/api/health/checks', {});
      expect(again.status).toBe(429);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((again.body as { error: { message: string } }).error.message).toMatch(/^La revisión anterior fue hace menos de 30 s/);

      const list = await admin.request('GET', '/api/health/checks?limit=2');
      const page = list.body as { runs: Array<{ id: number; counts: Record<string, number> }>; total: number };
      expect(list.status).toBe(200);
      expect(page.runs).toHaveLength(2);
      expect(page.runs[0]?.id).toBe(run.id);
      const expectedCounts = { ok: 0, warn: 0, fail: 0, skipped: 0 };
      for (const r of run.results) expectedCounts[r.status] += 1;
      expect(page.runs[0]?.counts).toEqual(expectedCounts);
      expect(page.total).toBeGreaterThanOrEqual(4);

      const one = await admin.request('GET', `/api/health/checks/${run.id}`);
      expect(one.status).toBe(200);
      expect((one.body as { run: HealthRun }).run.results).toEqual(run.results);
      const text = JSON.stringify(one.body);
      for (const secret of [CREDS.twilio.authToken, CREDS.pageAccessToken, CREDS.xAccessToken, IMAP_USER.password]) expect(text).not.toContain(secret);
      expect((await admin.request('GET', '/api/health/checks/999999')).status).toBe(404);
      expect((await admin.request('GET', '/api/health/checks/abc')).status).toBe(400);
      expect((await admin.request('GET', '/api/health/checks?limit=0')).status).toBe(400);

      const audit = await running.app.repositories.audit.latest(20);
      expect(audit.filter((e) => e.action === 'health.check').map((e) => [e.actor, e.target])).toEqual([['admin.salud@cau.test', String(run.id)]]);
    });
  });
});

describe('the health scheduler inside the application', () => {
  it('reports the month\'s run by e-mail to every active coordinator and REPORT_EMAILS, once, listing what failed', async () => {
    const smtp = new LoopbackSmtpServer();
    await smtp.listen(0);
    const running = await startApp({
      env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Mesa de ayuda <mesa@cau.test>', PUBLIC_BASE_URL: 'https://ventanilla.cau.test', REPORT_EMAILS: 'direccion@cau.test' },
      overrides: { emailReader: false, outboxWorker: false, handoffTickMs: 0 },
    });
    try {
      const { app } = running;
      await app.users.create({ email: 'Jefa.UACT@cau.test', role: 'coordinator', password: PASSWORD, actor: 'test' });
      await app.users.create({ email: 'agente.mensual@cau.test', role: 'agent', password: PASSWORD, actor: 'test' });
      // A webhook stuck for two hours: the outbox check fails, so the run has something to report.
      await app.repositories.outbox.enqueue([{ kind: 'webhook', payload: { url: 'https://x.test' }, dedupeKey: 'health-report:stuck' }], new Date(Date.now() - 2 * 3_600_000));
      const at = new Date('2026-05-15T18:00:00Z');
      const scheduler = new HealthScheduler({ health: app.health, repo: new HealthRepository(app.database), lock: (key) => app.database.tryLock(key), clock: { now: () => at }, logger: silent, timeZone: TZ });
      const tick = await scheduler.tick();
      expect(tick.storedId).not.toBeNull();
      expect((await scheduler.tick()).storedId).toBeNull();
      const run = await app.health.get(tick.storedId as number);
      if (!run) throw new Error('the run was stored');
      const fails = run.results.filter((r) => r.status === 'fail');
      const warns = run.results.filter((r) => r.status === 'warn');
      expect(fails.map((r) => r.name)).toContain('outbox');
      await app.outbox.runOnce();
      const mails = (await smtp.waitFor(2)).filter((m) => m.subject?.startsWith('Revisión mensual del sistema'));
      expect(mails.map((m) => (Array.isArray(m.to) ? '' : m.to?.text)).sort()).toEqual(['direccion@cau.test', 'jefa.uact@cau.test']);
      const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
      expect(mails[0]?.subject).toBe(`Revisión mensual del sistema 2026-05: ${plural(fails.length, 'falla', 'fallas')}, ${plural(warns.length, 'advertencia', 'advertencias')}`);
      const text = mails[0]?.text ?? '';
      for (const r of [...fails, ...warns]) expect(text).toContain(r.detail);
      expect(text).toContain(`https://ventanilla.cau.test/console/salud/${run.id}`);
      // A second tick of the month queues nothing more.
      await app.outbox.runOnce();
      expect(smtp.received.filter((m) => m.subject?.startsWith('Revisión mensual del sistema'))).toHaveLength(2);
    } finally {
      await running.stop();
      await smtp.close();
    }
  });

  it('with HEALTH_TICK_MS set, stores this month\'s run on its own, once, and stops with the application', async () => {
    const running = await startApp({ env: { HEALTH_TICK_MS: '100' } });
    try {
      const month = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
      const repo = new HealthRepository(running.app.database);
      const deadline = Date.now() + 30_000;
      while (!(await repo.monthlyExists(month))) {
        if (Date.now() > deadline) throw new Error('no monthly run after 30 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      // A few more ticks find the month done.
      await new Promise((r) => setTimeout(r, 400));
      const { runs, total } = await repo.list({ limit: 10, offset: 0, kind: 'monthly' });
      expect(total).toBe(1);
      expect(runs[0]).toMatchObject({ kind: 'monthly', month, checkedBy: 'scheduler' });
    } finally {
      await running.stop();
    }
  });
});
