import type { AddressObject } from 'mailparser';
import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { Database, MonthlyReportRepository, ReportRepository } from '../../models';
import { outbox, users } from '../../models/schema';
import { ReportService } from '../../services/reports/monthly-report';
import { MonthlyReportScheduler, type ReportTick } from '../../services/reports/report-scheduler';
import { ConsoleSession } from '../support/console-session';
import { startApp, type RunningApp } from '../support/harness';
import { LoopbackSmtpServer } from '../support/loopback-smtp';
import { generateMonth, wallTime, type GeneratedMonth } from '../support/month-generator';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The monthly report generated on its own from day 3 of the next month (seed 001), stored, and mailed to the active
 * coordinators with the XLSX attached, through the outbox and a real SMTP server on loopback; the stored report's
 * routes; without SMTP; and — on the PostgreSQL server — two instances ticking at once generate it once.
 */

const TZ = 'America/Mexico_City';
const MONTH = '2026-11';
const PASSWORD = 'contraseña-segura-123';
const PUBLIC = 'https://cau.example.mx';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

/** The value in column B of the row whose column A is `label`, on sheet «Indicadores». */
async function summaryFigure(xlsx: Buffer, label: string): Promise<unknown> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx as unknown as ArrayBuffer);
  const sheet = book.getWorksheet('Indicadores');
  let value: unknown;
  sheet?.eachRow((row) => {
    if (row.getCell(1).value === label) value = row.getCell(2).value;
  });
  return value;
}

describe('monthly report scheduler in the application (loopback SMTP)', () => {
  let running: RunningApp;
  let smtp: LoopbackSmtpServer;
  let g: GeneratedMonth;
  const clock = { at: wallTime(TZ, 2026, 12, 1, 9), now: () => new Date(clock.at) };
  const sessions = {} as Record<'coordinator' | 'admin' | 'agent' | 'resolver', ConsoleSession>;

  beforeAll(async () => {
    smtp = new LoopbackSmtpServer();
    await smtp.listen(0);
    running = await startApp({
      clock,
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'Mesa de Ayuda <cau@ipn.mx>',
        PUBLIC_BASE_URL: PUBLIC,
        REPORT_EMAILS: 'Direccion@IPN.mx, coord.b@cau.mx',
        OUTBOX_POLL_MS: '200',
        TZ,
      },
    });
    const { app } = running;
    for (const role of ['coordinator', 'admin', 'agent', 'resolver'] as const) {
      await app.users.create({ email: `${role}@cau.mx`, role, password: PASSWORD, actor: 'test', ...(role === 'resolver' ? { resolverGroup: 'Redes' } : {}) });
      sessions[role] = await ConsoleSession.login(running.baseUrl, `${role}@cau.mx`, PASSWORD);
    }
    await app.users.create({ email: 'Coord.B@cau.mx', role: 'coordinator', password: PASSWORD, actor: 'test' });
    await app.users.create({ email: 'baja@cau.mx', role: 'coordinator', password: PASSWORD, actor: 'test' });
    await app.database.db.update(users).set({ active: false }).where(eq(users.email, 'baja@cau.mx'));
    g = await generateMonth(app.database, { month: MONTH, seed: 803, timeZone: TZ, conversations: 30, walkIns: 3, outbound: 2 });
  }, 120_000);
  afterAll(async () => {
    await running.stop();
    await smtp.close();
  });

  const outboxCount = async () => Number((await running.app.database.db.select({ n: sql<number>`count(*)` }).from(outbox))[0]?.n ?? 0);

  it('before day 3 of December (desk time) nothing is generated, though UTC is already on the 3rd', async () => {
    clock.at = wallTime(TZ, 2026, 12, 2, 23, 30); // 2026-12-03 05:30 UTC
    expect(await running.app.reportScheduler.tick()).toEqual({ month: null, locked: true, stored: false, recipients: [] });
    expect(await running.app.reportScheduler.stored(MONTH)).toBeNull();
    expect(await outboxCount()).toBe(0);
  });

  it('on day 3 it is stored and each active coordinator (and REPORT_EMAILS) gets one e-mail with the XLSX attached', async () => {
    clock.at = wallTime(TZ, 2026, 12, 3, 0, 30);
    const tick = await running.app.reportScheduler.tick();
    const expectedTo = ['coord.b@cau.mx', 'coordinator@cau.mx', 'direccion@ipn.mx'];
    expect(tick).toMatchObject({ month: MONTH, locked: true, stored: true });
    expect([...tick.recipients].sort()).toEqual(expectedTo);

    const expected = g.expectedFor();
    const mails = await smtp.waitFor(3);
    await new Promise((r) => setTimeout(r, 300)); // a fourth (duplicate) message would arrive by now
    expect(smtp.received).toHaveLength(3);
    expect(mails.flatMap((m) => addresses(m.to)).sort()).toEqual(expectedTo);
    for (const mail of mails) {
      expect(mail.subject).toBe('Reporte mensual de la Mesa de Ayuda — noviembre de 2026');
      expect(mail.text).toContain(`Solicitudes recibidas: ${expected.received}`);
      expect(mail.text).toContain(`Atendidas en primer nivel: ${expected.firstLevel.count} (${expected.firstLevel.pct} %)`);
      expect(mail.text).toContain(`Atendidas en segundo nivel (ticket): ${expected.secondLevel.count} (${expected.secondLevel.pct} %)`);
      expect(mail.text).toContain(`Transferidas: ${expected.transferred.count} (${expected.transferred.pct} %)`);
      expect(mail.text).toContain(`Llamadas realizadas al exterior: ${expected.outbound.count} (${expected.outbound.pct} %)`);
      expect(mail.text).toContain('Se adjunta la hoja de cálculo');
      expect(mail.text).toContain(`${PUBLIC}/console/reportes?month=${MONTH}`);
      expect(mail.html).toContain(`href="${PUBLIC}/console/reportes?month=${MONTH}"`);
      expect(mail.attachments).toHaveLength(1);
      const [file] = mail.attachments;
      expect(file?.filename).toBe('reporte-general-2026-11.xlsx');
      expect(file?.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(await summaryFigure(file?.content as Buffer, 'Solicitudes recibidas')).toBe(expected.received);
      expect(await summaryFigure(file?.content as Buffer, 'Atendidas en segundo nivel (ticket)')).toBe(expected.secondLevel.count);
    }

    const stored = await running.app.reportScheduler.stored(MONTH);
    expect(stored).toMatchObject({ month: MONTH, generatedBy: 'scheduler', generatedAt: clock.now(), emailedAt: clock.now() });
    expect([...(stored?.recipients ?? [])].sort()).toEqual(expectedTo);
    expect(stored?.report).toMatchObject({ month: MONTH, received: expected.received, firstLevel: expected.firstLevel, outbound: expected.outbound });
  });

  it('a second tick (and one a day later) does nothing', async () => {
    const before = await outboxCount();
    const storedAt = (await running.app.reportScheduler.stored(MONTH))?.generatedAt;
    expect(await running.app.reportScheduler.tick()).toEqual({ month: MONTH, locked: true, stored: false, recipients: [] });
    clock.at = wallTime(TZ, 2026, 12, 4, 10);
    expect(await running.app.reportScheduler.tick()).toEqual({ month: MONTH, locked: true, stored: false, recipients: [] });
    expect(await outboxCount()).toBe(before);
    expect((await running.app.reportScheduler.stored(MONTH))?.generatedAt).toEqual(storedAt);
  });

  it('stored routes: coordination only (401/403), 404 for a month without report, 400 for a malformed month', async () => {
    // The fixed clock moved days ahead: sessions of 12 h have expired; sign in again.
    for (const role of ['coordinator', 'admin', 'agent', 'resolver'] as const) sessions[role] = await ConsoleSession.login(running.baseUrl, `${role}@cau.mx`, PASSWORD);
    const anonymous = new ConsoleSession(running.baseUrl);
    for (const p of [`/api/reports/stored?month=${MONTH}`, `/api/reports/stored/xlsx?month=${MONTH}`, '/api/reports/stored']) {
      expect((await anonymous.request('GET', p)).status).toBe(401);
      for (const who of [sessions.agent, sessions.resolver]) expect((await who.request('GET', p)).status).toBe(403);
    }
    for (const who of [sessions.coordinator, sessions.admin]) {
      const res = await who.request('GET', `/api/reports/stored?month=${MONTH}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ month: MONTH, generatedBy: 'scheduler', report: { month: MONTH, received: g.expectedFor().received } });
      expect((await who.request('GET', '/api/reports/stored')).body).toMatchObject({ months: [{ month: MONTH, generatedBy: 'scheduler' }] });
      const missing = await who.request('GET', '/api/reports/stored?month=2026-10');
      expect(missing).toMatchObject({ status: 404, body: { error: { code: 'ReportNotFound', message: 'Aún no se genera el reporte mensual de este mes (se genera el día 3 del mes siguiente).' } } });
      expect((await who.request('GET', '/api/reports/stored/xlsx?month=2026-10')).status).toBe(404);
      expect((await who.request('GET', '/api/reports/stored?month=2026-13')).status).toBe(400);
    }
    const download = await fetch(`${running.baseUrl}/api/reports/stored/xlsx?month=${MONTH}`, { headers: { cookie: sessions.coordinator.cookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="reporte-general-2026-11.xlsx"');
    expect(await summaryFigure(Buffer.from(await download.arrayBuffer()), 'Solicitudes recibidas')).toBe(g.expectedFor().received);
  });

  it('regenerate (CLI --store --email) replaces the stored report and mails it again, once per recipient', async () => {
    clock.at = wallTime(TZ, 2026, 12, 5, 9);
    smtp.received.length = 0;
    const meta = await running.app.reportScheduler.regenerate(MONTH, { generatedBy: 'cli', email: true });
    expect(meta).toMatchObject({ month: MONTH, generatedBy: 'cli', generatedAt: clock.now() });
    await smtp.waitFor(3);
    expect(smtp.received.flatMap((m) => addresses(m.to)).sort()).toEqual(['coord.b@cau.mx', 'coordinator@cau.mx', 'direccion@ipn.mx']);
    const quiet = await running.app.reportScheduler.regenerate(MONTH, { generatedBy: 'cli', email: false });
    expect(quiet).toMatchObject({ recipients: [], emailedAt: null });
  });
});

describe('monthly report scheduler without SMTP', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(() => t.dispose());

  it('stores the report with no recipients and queues nothing', async () => {
    await t.database.db.insert(users).values({ email: 'coordinator@cau.mx', displayName: 'Coordinación', role: 'coordinator', passwordHash: 'x' });
    const scheduler = new MonthlyReportScheduler({
      reports: new ReportService({ repo: new ReportRepository(t.database.db), timeZone: TZ }),
      repo: new MonthlyReportRepository(t.database),
      clock: { now: () => wallTime(TZ, 2026, 12, 3, 8) },
      logger: silent,
      settings: { email: false, extraEmails: ['direccion@ipn.mx'] },
    });
    expect(await scheduler.tick()).toEqual({ month: MONTH, locked: true, stored: true, recipients: [] });
    expect(await scheduler.stored(MONTH)).toMatchObject({ month: MONTH, recipients: [], emailedAt: null, report: { month: MONTH, received: 0 } });
    expect(await t.database.db.select().from(outbox)).toEqual([]);
  });
});

// Two instances share only a PostgreSQL server; on PGlite (one process, one connection) there is no race to test.
const onServer = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onServer('monthly report on two instances at once (PostgreSQL server; skipped on PGlite: needs TEST_DATABASE_URL)', () => {
  let t: TestDatabase;
  const instances: Database[] = [];
  beforeAll(async () => {
    t = await openTestDatabase('postgres');
    await t.database.db.insert(users).values([
      { email: 'uno@cau.mx', displayName: 'Uno', role: 'coordinator', passwordHash: 'x' },
      { email: 'dos@cau.mx', displayName: 'Dos', role: 'coordinator', passwordHash: 'x' },
    ]);
    await generateMonth(t.database, { month: MONTH, seed: 5, timeZone: TZ, conversations: 15, walkIns: 2, outbound: 1 });
  }, 120_000);
  afterAll(async () => {
    for (const d of instances) await d.close();
    await t.dispose();
  });

  async function instance(): Promise<{ scheduler: MonthlyReportScheduler; reports: ReportService }> {
    const database = await Database.open({ url: t.url, dataDir: 'unused', poolMax: 4 });
    instances.push(database);
    const reports = new ReportService({ repo: new ReportRepository(database.db), timeZone: TZ });
    const scheduler = new MonthlyReportScheduler({
      reports,
      repo: new MonthlyReportRepository(database),
      clock: { now: () => wallTime(TZ, 2026, 12, 3, 9) },
      logger: pino({ level: 'silent' }),
      settings: { email: true },
    });
    return { scheduler, reports };
  }

  it('generates, stores and mails the month once', async () => {
    const a = await instance();
    const b = await instance();
    // While A is building the spreadsheet, B ticks: B must not build too (then both tick again at once).
    const xlsx = a.reports.xlsx.bind(a.reports);
    const during: Array<Promise<ReportTick>> = [];
    const spyA = jest.spyOn(a.reports, 'xlsx').mockImplementation(async (...args) => {
      during.push(b.scheduler.tick());
      await during[0];
      return xlsx(...args);
    });
    const spyB = jest.spyOn(b.reports, 'xlsx');
    const ticks = [await a.scheduler.tick(), ...(await Promise.all([a.scheduler.tick(), b.scheduler.tick()]))];
    expect(ticks[0]).toMatchObject({ month: MONTH, stored: true });
    const whileBuilding = await Promise.all(during);
    expect(whileBuilding.length).toBeGreaterThan(0);
    expect(whileBuilding[0]).toEqual({ month: MONTH, locked: false, stored: false, recipients: [] });
    expect([...new Set([...ticks, ...whileBuilding])].filter((r) => r.stored)).toHaveLength(1);
    expect(spyA.mock.calls.length + spyB.mock.calls.length).toBe(1);
    const rows = await t.database.db.select({ to: sql<string>`${outbox.payload}->'to'->>0`, key: outbox.dedupeKey }).from(outbox);
    expect(rows.map((r) => r.to).sort()).toEqual(['dos@cau.mx', 'uno@cau.mx']);
    expect(await a.scheduler.tick()).toMatchObject({ stored: false });
  });
});
