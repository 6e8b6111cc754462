import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { ConfigError, loadConfig } from '../../app/config';
import { ReportRoutes } from '../../console/api/report.routes';
import { ReportRepository } from '../../models';
import { DEFAULT_SLA_TARGETS, monthPeriod, parseSlaTargets, pct, rangePeriod, ReportError } from '../../services/reports/indicators';
import { CHANNEL_LABELS, OUTBOUND_COLUMNS, ReportService, ROW_COLUMNS } from '../../services/reports/monthly-report';
import { ConsoleSession } from '../support/console-session';
import { startApp, type RunningApp } from '../support/harness';
import { type ExpectedItem, type GeneratedMonth, generateMonth } from '../support/month-generator';
import { defaultBackend, makeDatabaseLocation, openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

/**
 * The monthly indicators (seed 002 «MEDICIÓN», DESIGN.md §10) against a month written by the generator through the
 * product's repositories: every figure equals what the generator computed from its own bookkeeping; the CSV and the
 * XLSX are read back; the API answers only coordination and refuses a bad month in Spanish; the CLI prints §10.
 */

const TZ = 'America/Mexico_City';
const MONTH = '2026-11';
/** November 2026 in Mexico City (UTC−6 all year since 2022). */
const NOVEMBER = { from: '2026-11-01T06:00:00.000Z', to: '2026-12-01T06:00:00.000Z', timeZone: TZ };
const PASSWORD = 'contraseña-segura-123';
const root = path.resolve(__dirname, '..', '..');

/** `YYYY-MM-DD HH:mm` on the desk's clock. */
function local(at: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The «resultado» of a row: the most telling of what happened to the item. */
function expectedResult(i: ExpectedItem): string {
  if (i.second) return 'Segundo nivel (ticket)';
  if (i.transferred) return 'Transferida a extensión';
  if (i.first) return 'Primer nivel';
  if (i.informative) return 'Registro informativo';
  if (i.outOfScope) return 'Fuera de competencia (orientada)';
  if (i.abandoned) return 'Abandonada en espera de agente';
  if (i.handoff) return 'Canalizada a agente';
  if (i.callback) return 'Devolución de llamada agendada';
  return 'Sin resolver';
}

/** What the report lists for an item, as text cells: fecha … duración. */
function expectedCells(i: ExpectedItem): string[] {
  return [
    local(i.at),
    CHANNEL_LABELS[i.channel] ?? i.channel,
    i.requester ?? '',
    i.unit === 'Sin unidad' ? '' : i.unit,
    i.service ?? '',
    expectedResult(i),
    i.tickets.join(', '),
    i.agentName ?? '',
    i.waitSeconds === null ? '' : String(i.waitSeconds),
    i.durationSeconds === null ? '' : String(i.durationSeconds),
  ];
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF), after the byte order mark. */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.slice(1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && body[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  expect(field).toBe('');
  return rows;
}

/** A cell as the text the CSV would carry (dates as the desk's wall clock). */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  // Spreadsheet times are fractions of a day: back to the nearest minute.
  if (v instanceof Date) return new Date(Math.round(v.getTime() / 60_000) * 60_000).toISOString().slice(0, 16).replace('T', ' ');
  return String(v);
}

async function readXlsx(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  // A plain ArrayBuffer copy: exceljs's own `Buffer` type is not Node's.
  const copy = new ArrayBuffer(buffer.length);
  new Uint8Array(copy).set(buffer);
  await book.xlsx.load(copy);
  return book;
}

/** The summary sheet's row whose first cell is `label`: its values from column B on. */
function summaryRow(sheet: ExcelJS.Worksheet, label: string): ExcelJS.CellValue[] {
  let found: ExcelJS.CellValue[] | null = null;
  sheet.eachRow((row) => {
    if (row.getCell(1).value === label) found = [row.getCell(2).value, row.getCell(3).value];
  });
  if (!found) throw new Error(`no row «${label}» in the summary sheet`);
  return found;
}

/** The XLSX checks shared by the service and the API tests. */
async function expectWorkbook(buffer: Buffer, g: GeneratedMonth): Promise<void> {
  const book = await readXlsx(buffer);
  expect(book.worksheets.map((w) => w.name)).toEqual(['Indicadores', 'Llamadas y conversaciones', 'Llamadas al exterior']);
  const summary = book.getWorksheet('Indicadores') as ExcelJS.Worksheet;
  const e = g.expectedFor();
  expect(summary.getCell('A1').value).toBe('Reporte general de llamadas');
  expect(summary.getCell('A2').value).toBe('Periodo: noviembre de 2026');
  expect(summaryRow(summary, 'Solicitudes recibidas')[0]).toBe(e.received);
  expect(summaryRow(summary, 'Atendidas en primer nivel')).toEqual([e.firstLevel.count, e.firstLevel.pct]);
  expect(summaryRow(summary, 'Atendidas en segundo nivel (ticket)')).toEqual([e.secondLevel.count, e.secondLevel.pct]);
  expect(summaryRow(summary, 'Transferidas')).toEqual([e.transferred.count, e.transferred.pct]);
  expect(summaryRow(summary, 'Llamadas realizadas al exterior')).toEqual([e.outbound.count, e.outbound.pct]);
  expect(summaryRow(summary, 'Canalizadas a un agente')).toEqual([e.handoffs.count, e.handoffs.pct]);
  expect(summaryRow(summary, 'Espera, percentil 90 (s)')[0]).toBe(e.waits.p90Seconds);
  expect(summaryRow(summary, 'Abandonos en espera (% de las canalizadas)')).toEqual([e.abandonment.count, e.abandonment.pct]);
  expect(summaryRow(summary, 'Teléfono')).toEqual([e.byChannel.voice?.received, e.byChannel.voice?.firstLevel.count]);

  const detail = book.getWorksheet('Llamadas y conversaciones') as ExcelJS.Worksheet;
  const rows: string[][] = [];
  detail.eachRow((row) => rows.push(Array.from({ length: ROW_COLUMNS.length }, (_, i) => cellText(row.getCell(i + 1).value))));
  expect(rows[0]).toEqual(ROW_COLUMNS.map((c) => c.header));
  expect(rows.slice(1)).toEqual(g.received().map(expectedCells));
  expect(detail.getCell('A2').value).toBeInstanceOf(Date);

  // One row per outbound staff call placed in the month, answered or not, in order: the generator's own record.
  const outbound = book.getWorksheet('Llamadas al exterior') as ExcelJS.Worksheet;
  const calls: string[][] = [];
  outbound.eachRow((row) => calls.push(Array.from({ length: OUTBOUND_COLUMNS.length }, (_, i) => cellText(row.getCell(i + 1).value))));
  expect(calls[0]).toEqual(['Fecha', 'Solicitó', 'Número', 'Resultado', 'Intento', 'Duración (s)', 'Conversación']);
  const written = g.outboundCalls.filter((c) => c.startedAt >= g.from && c.startedAt < g.to).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  expect(written.some((c) => c.answered) && written.some((c) => !c.answered)).toBe(true);
  expect(calls.slice(1)).toEqual(
    written.map((c) => [
      local(c.startedAt),
      c.requestedBy,
      c.phone,
      c.answered ? 'Llamada al exterior contestada' : 'No contestada: nadie respondió',
      String(c.attempt),
      c.durationSeconds === null ? '' : String(c.durationSeconds),
      c.conversationId,
    ]),
  );
  expect(calls.length - 1).toBe(e.outboundAttempts);
  expect(outbound.getCell('A2').value).toBeInstanceOf(Date);
}

describe('report periods, percentages and SLA targets', () => {
  it('a month is its days on the desk’s calendar, daylight saving included', () => {
    expect(monthPeriod('2026-11', TZ)).toEqual({ from: new Date(NOVEMBER.from), to: new Date(NOVEMBER.to), timeZone: TZ, month: '2026-11' });
    expect(monthPeriod('2026-12', TZ).to.toISOString()).toBe('2027-01-01T06:00:00.000Z');
    const march = monthPeriod('2026-03', 'America/New_York');
    expect([march.from.toISOString(), march.to.toISOString()]).toEqual(['2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z']);
  });

  it.each([['2026-13'], ['2026-1'], ['noviembre'], ['2026-11-05'], [''], [undefined]])('refuses the month %p in Spanish', (month) => {
    expect(() => monthPeriod(month, TZ)).toThrow(ReportError);
    expect(() => monthPeriod(month, TZ)).toThrow(/indíquelo como AAAA-MM/);
  });

  it('a range is whole days (both included) or exact instants, forward, at most 400 days', () => {
    expect(rangePeriod('2026-11-10', '2026-11-10', TZ)).toMatchObject({ from: new Date('2026-11-10T06:00:00Z'), to: new Date('2026-11-11T06:00:00Z'), month: null });
    expect(rangePeriod('2026-11-10T08:00:00-06:00', '2026-11-10T20:30:00Z', TZ)).toMatchObject({ from: new Date('2026-11-10T14:00:00Z'), to: new Date('2026-11-10T20:30:00Z') });
    expect(() => rangePeriod('2026-11-20', '2026-11-10', TZ)).toThrow(/debe ser posterior/);
    expect(() => rangePeriod('2025-01-01', '2026-12-31', TZ)).toThrow(/400 días/);
    expect(() => rangePeriod('2026-02-30', '2026-03-01', TZ)).toThrow(/Fecha de inicio \(from\) inválida/);
    expect(() => rangePeriod('2026-11-01', undefined, TZ)).toThrow(/Fecha de fin \(to\) inválida/);
  });

  it('percentages are of received, half up to one decimal', () => {
    expect([pct(1, 3), pct(2, 3), pct(1, 8), pct(5, 16), pct(0, 0), pct(7, 7), pct(1, 2000)]).toEqual([33.3, 66.7, 12.5, 31.3, 0, 100, 0.1]);
  });

  it('SLA_TARGETS changes the priorities it names and keeps the defaults of the others', () => {
    const t = parseSlaTargets('P1:10m/2h, P3: 2h/2d ;P5:45s/90m');
    expect(t.P1).toEqual({ firstResponseSeconds: 600, resolutionSeconds: 7200 });
    expect(t.P3).toEqual({ firstResponseSeconds: 7200, resolutionSeconds: 172_800 });
    expect(t.P5).toEqual({ firstResponseSeconds: 45, resolutionSeconds: 5400 });
    expect(t.P2).toEqual(DEFAULT_SLA_TARGETS.P2);
    expect(() => parseSlaTargets('P7:1h/2h')).toThrow(/prioridad desconocida/);
    expect(() => parseSlaTargets('P1:1h')).toThrow(/PRIORIDAD:RESPUESTA\/RESOLUCIÓN/);
    expect(() => parseSlaTargets('P1:2h/1h')).toThrow(/resolución no puede ser antes/);
    expect(() => parseSlaTargets('P1:xh/1h')).toThrow(/no es una duración/);
  });

  it('the configuration reads SLA_TARGETS and names it when it is wrong', () => {
    expect(loadConfig({}).reports.slaTargets).toEqual(DEFAULT_SLA_TARGETS);
    expect(loadConfig({ SLA_TARGETS: 'P2:20m/6h' }).reports.slaTargets.P2).toEqual({ firstResponseSeconds: 1200, resolutionSeconds: 21_600 });
    expect(() => loadConfig({ SLA_TARGETS: 'P9:1h/2h' })).toThrow(ConfigError);
    expect(() => loadConfig({ SLA_TARGETS: 'P9:1h/2h' })).toThrow(/SLA_TARGETS: «P9:1h\/2h»: prioridad desconocida/);
  });
});

describe.each(testBackends())('monthly indicators on %s', (backend) => {
  let t: TestDatabase;
  let g: GeneratedMonth;
  let reports: ReportService;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    g = await generateMonth(t.database, { month: MONTH, seed: 2026, timeZone: TZ });
    // A small page, so the listing crosses several pages (and its cursor is tested).
    reports = new ReportService({ repo: new ReportRepository(t.database.db), timeZone: TZ, pageSize: 37 });
  }, 120_000);
  afterAll(() => t.dispose());

  it('the month written has something of every kind, and items outside it', () => {
    const e = g.expectedFor();
    expect(e.received).toBeGreaterThan(100);
    for (const k of ['firstLevel', 'secondLevel', 'transferred', 'outbound', 'informative', 'outOfScope', 'handoffs', 'containment', 'abandonment'] as const) {
      expect(e[k].count).toBeGreaterThan(0);
    }
    expect(g.items.some((i) => i.at < g.from)).toBe(true);
    expect(g.items.some((i) => i.at >= g.to)).toBe(true);
    expect(e.outboundAttempts).toBeGreaterThan(e.outbound.count);
  });

  it('the monthly JSON has the keys of DESIGN.md §10 and equals the generator’s hand-computed indicators', async () => {
    const report = await reports.monthly(MONTH);
    for (const key of ['month', 'received', 'firstLevel', 'secondLevel', 'transferred', 'outbound', 'informative', 'outOfScope', 'handoffs', 'byChannel']) {
      expect(report).toHaveProperty(key);
    }
    for (const key of ['firstLevel', 'secondLevel', 'transferred', 'outbound', 'informative', 'outOfScope', 'handoffs'] as const) {
      expect(Object.keys(report[key]).sort()).toEqual(['count', 'pct']);
      expect(report[key].pct).toBe(Math.round((report[key].count / report.received) * 1000) / 10);
    }
    expect(report).toEqual({ month: MONTH, ...g.expectedFor(), period: NOVEMBER });
  });

  it('every item is in one channel, one group and one unit: the breakdowns add up to received', async () => {
    const report = await reports.monthly(MONTH);
    const sum = (o: Record<string, { received: number }>) => Object.values(o).reduce((a, b) => a + b.received, 0);
    expect(sum(report.byChannel)).toBe(report.received);
    expect(sum(report.byGroup)).toBe(report.received);
    expect(sum(report.byUnit)).toBe(report.received);
    expect(Object.keys(report.byChannel)).toEqual(expect.arrayContaining(['voice', 'webchat', 'oficio']));
  });

  it('a range of days gives the month’s figures for the whole month and only its part for part of it', async () => {
    const { month: _month, ...whole } = await reports.monthly(MONTH);
    expect(await reports.indicators(reports.range('2026-11-01', '2026-11-30'))).toEqual(whole);
    const part = reports.range('2026-11-08', '2026-11-21');
    expect(await reports.indicators(part)).toEqual({ ...g.expectedFor(part.from, part.to), period: { from: '2026-11-08T06:00:00.000Z', to: '2026-11-22T06:00:00.000Z', timeZone: TZ } });
  });

  it('the SLA targets decide what is met', async () => {
    const tight = parseSlaTargets('P1:5m/1h, P2:5m/1h, P3:5m/1h, P4:5m/1h, P5:5m/1h');
    const strict = new ReportService({ repo: new ReportRepository(t.database.db), timeZone: TZ, slaTargets: tight });
    const report = await strict.monthly(MONTH);
    expect(report.sla).toEqual(g.expectedFor(g.from, g.to, tight).sla);
    expect(report.sla).not.toEqual(g.expectedFor().sla);
  });

  it('the CSV has one row per received item, in order of arrival, with what happened to it', async () => {
    const rows = parseCsv(await reports.csv(reports.month(MONTH)));
    expect(rows[0]).toEqual(ROW_COLUMNS.map((c) => c.key));
    expect(rows.slice(1)).toEqual(g.received().map(expectedCells));
  });

  it('the XLSX reads back with exceljs: the summary’s figures and one row per item', async () => {
    await expectWorkbook(await reports.xlsx(reports.month(MONTH)), g);
  });
});

describe('reports API', () => {
  let running: RunningApp;
  let g: GeneratedMonth;
  const sessions = {} as Record<'coordinator' | 'admin' | 'agent' | 'resolver', ConsoleSession>;

  beforeAll(async () => {
    // No handoff ticks: they would act on the generated queue (cancel the open handoffs at their maximum wait, a
    // line to the person) while the month is read, and its figures would change under the test.
    running = await startApp({ overrides: { handoffTickMs: 0 } });
    const { app } = running;
    const wired: unknown = Reflect.get(app, 'reports');
    if (!(wired instanceof ReportService)) {
      const reports = new ReportService({ repo: new ReportRepository(app.database.db), timeZone: app.config.tz, slaTargets: app.config.reports.slaTargets });
      new ReportRoutes({ sessions: app.sessions, reports }).register(app.server);
    }
    for (const role of ['coordinator', 'admin', 'agent', 'resolver'] as const) {
      await app.users.create({ email: `${role}@cau.mx`, role, password: PASSWORD, actor: 'test', ...(role === 'resolver' ? { resolverGroup: 'Redes' } : {}) });
      sessions[role] = await ConsoleSession.login(running.baseUrl, `${role}@cau.mx`, PASSWORD);
    }
    g = await generateMonth(app.database, { month: MONTH, seed: 77, timeZone: TZ, conversations: 50, walkIns: 5, outbound: 3 });
  }, 120_000);
  afterAll(() => running.stop());

  const download = async (session: ConsoleSession, pathAndQuery: string) => {
    const res = await fetch(`${running.baseUrl}${pathAndQuery}`, { headers: { cookie: session.cookie } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  it('answers only coordination: 401 without a session, 403 for agents and resolvers', async () => {
    const anonymous = new ConsoleSession(running.baseUrl);
    for (const p of [`/api/reports/monthly?month=${MONTH}`, `/api/reports/monthly?month=${MONTH}&format=xlsx`, '/api/reports/indicators?from=2026-11-01&to=2026-11-30']) {
      expect(await anonymous.request('GET', p)).toMatchObject({ status: 401, body: { error: { code: 'Unauthenticated', message: 'Inicie sesión para continuar.' } } });
      for (const who of [sessions.agent, sessions.resolver]) {
        expect(await who.request('GET', p)).toMatchObject({ status: 403, body: { error: { code: 'Forbidden', message: 'Su cuenta no tiene permiso para esta operación.' } } });
      }
    }
  });

  it.each([
    ['/api/reports/monthly?month=2026-13', /Mes inválido.*AAAA-MM/],
    ['/api/reports/monthly', /Mes inválido: indíquelo como AAAA-MM/],
    ['/api/reports/monthly?month=noviembre', /AAAA-MM/],
    ['/api/reports/monthly?month=2026-11&format=pdf', /Formato inválido.*json, csv o xlsx/],
    ['/api/reports/monthly?month=2026-11&month=2026-10', /month va una sola vez/],
    ['/api/reports/indicators?from=2026-11-30&to=2026-11-01', /debe ser posterior/],
    ['/api/reports/indicators?from=2026-11-01', /Fecha de fin \(to\) inválida/],
  ])('GET %s → 400 with a Spanish message', async (p, message) => {
    const res = await sessions.coordinator.request('GET', p);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'BadArgument', message: expect.stringMatching(message) } });
  });

  it('the monthly JSON (coordinator and admin) is the month’s indicators', async () => {
    const expected = { month: MONTH, ...g.expectedFor(), period: NOVEMBER };
    for (const who of [sessions.coordinator, sessions.admin]) {
      const res = await who.request('GET', `/api/reports/monthly?month=${MONTH}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual(expected);
    }
    const range = await sessions.admin.request('GET', '/api/reports/indicators?from=2026-11-08&to=2026-11-21');
    const part = rangePeriod('2026-11-08', '2026-11-21', TZ);
    expect(range).toMatchObject({ status: 200, body: { ...g.expectedFor(part.from, part.to), period: { from: part.from.toISOString(), to: part.to.toISOString(), timeZone: TZ } } });
  });

  it('CSV and XLSX are attachments of the «reporte general de llamadas»', async () => {
    const csv = await download(sessions.coordinator, `/api/reports/monthly?month=${MONTH}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="reporte-general-2026-11.csv"');
    expect(parseCsv(csv.body.toString('utf8')).slice(1)).toEqual(g.received().map(expectedCells));

    const xlsx = await download(sessions.admin, `/api/reports/monthly?month=${MONTH}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toBe('attachment; filename="reporte-general-2026-11.xlsx"');
    await expectWorkbook(xlsx.body, g);
  });
});

describe(`report:monthly CLI on ${defaultBackend()}`, () => {
  let location: Awaited<ReturnType<typeof makeDatabaseLocation>>;
  let g: GeneratedMonth;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-report-'));

  /** Runs `app/cli.ts` as `npm run cli` would (through tsx). */
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'app/cli.ts'), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'silent', TZ, ...location.env },
      encoding: 'utf8',
      timeout: 90_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(async () => {
    location = await makeDatabaseLocation('report');
    const db = await location.open();
    try {
      await db.migrate();
      g = await generateMonth(db, { month: MONTH, seed: 31, timeZone: TZ, conversations: 40, walkIns: 4, outbound: 2 });
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(async () => {
    await location.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the month’s JSON (DESIGN.md §10) by default', () => {
    const r = cli(['report:monthly', '--month', MONTH]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ month: MONTH, ...g.expectedFor(), period: NOVEMBER });
  });

  it('writes the CSV to stdout and the XLSX to --out', async () => {
    const csv = cli(['report:monthly', '--month', MONTH, '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(parseCsv(csv.out).slice(1)).toEqual(g.received().map(expectedCells));
    const file = path.join(dir, 'noviembre.xlsx');
    const xlsx = cli(['report:monthly', '--month', MONTH, '--format', 'xlsx', '--out', file]);
    expect(xlsx.code).toBe(0);
    expect(xlsx.err).toMatch(/Reporte de 2026-11 escrito en .*noviembre\.xlsx/);
    await expectWorkbook(fs.readFileSync(file), g);
  });

  it('refuses a bad month or format with exit code 2 and says why in Spanish', () => {
    const month = cli(['report:monthly', '--month', '2026-13']);
    expect(month.code).toBe(2);
    expect(month.err).toMatch(/Mes inválido \(«2026-13»\): indíquelo como AAAA-MM/);
    const format = cli(['report:monthly', '--month', MONTH, '--format', 'pdf']);
    expect(format.code).toBe(2);
    expect(format.err).toMatch(/Formato inválido \(«pdf»\)/);
  });
});
