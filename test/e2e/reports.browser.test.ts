import fs from 'node:fs';
import { and, asc, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { focused, launchChromium, openWatched, signIn, WAIT_MS, type Complaints } from '../support/console-driver';
import { MonthlyReportRepository } from '../../models';
import { activities } from '../../models/schema';
import { MonthlyReportScheduler } from '../../services/reports/report-scheduler';
import { startApp, type RunningApp } from '../support/harness';
import { generateMonth, wallTime, type GeneratedMonth } from '../support/month-generator';
import { defaultBackend } from '../support/test-database';

/**
 * «Indicadores» in a real browser against the real application, over a month written by the month generator: the
 * four seed figures equal the generator's own expectations, the charts draw (and say their data in text), every number
 * (seed figures, the other figures, the breakdown cells, the channel bars) opens the list of exactly the items behind
 * it (paged with «Cargar más», a dialog that takes focus and closes with Escape), the month picker changes the address
 * and the figures, the CSV downloads, empty and malformed months are explained, the month's stored monthly report
 * (when it was generated and mailed, its Excel as sent) is told after the figures, the unanswered outbound calls open
 * their list, and an agent neither sees the section nor gets its figures.
 */

const TZ = 'America/Mexico_City';
const COORDINATOR = { email: 'coordinacion@example.mx', password: 'ContrasenaSegura123', displayName: 'Laura Méndez' };
const AGENT = { email: 'agente.consola@example.mx', password: 'OtraContrasena456', displayName: 'Pedro Ruiz' };
const FORBIDDEN = 'Su cuenta no tiene permiso para ver los indicadores';
/** The console's names of the generator's channels (console/web/labels.js). */
const CHANNEL_NAMES: Record<string, string> = {
  webchat: 'Chat web',
  voice: 'Teléfono',
  email: 'Correo electrónico',
  whatsapp: 'WhatsApp',
  sms: 'SMS',
  facebook: 'Messenger',
  x: 'X (mensaje directo)',
  oficio: 'Oficio',
  presencial: 'Presencial',
};
const SEED_KEYS = ['firstLevel', 'secondLevel', 'transferred', 'outbound'] as const;

/** `YYYY-MM` `delta` months from `month`. */
function shift(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The previous month on the desk's calendar: the page's default. */
function previousMonth(): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).formatToParts(new Date()).map((x) => [x.type, x.value]));
  return shift(`${p.year}-${p.month}`, -1);
}

const monthName = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat('es-MX', { timeZone: 'UTC', year: 'numeric', month: 'long' }).format(new Date(Date.UTC(y, m - 1, 15)));
};
const pctText = (p: number) => `${p.toFixed(1)} %`;

/** RFC 4180 rows (quoted fields, doubled quotes), after the byte order mark. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
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
    } else if (ch === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe(`the coordinators' «Indicadores» in a real browser (database: ${defaultBackend()})`, () => {
  const MONTH = previousMonth();
  const EARLIER = shift(MONTH, -1);
  let browser: Browser;
  let running: RunningApp;
  let g: GeneratedMonth;
  let expected: ReturnType<GeneratedMonth['expectedFor']>;
  let expectedEarlier: ReturnType<GeneratedMonth['expectedFor']>;

  beforeAll(async () => {
    browser = await launchChromium();
    // No handoff ticks: they would act on the generated queue (cancel the open handoffs at their maximum wait, a
    // line to the person) while the month is read, and its figures would change under the test.
    // No outbox worker: the stored report's e-mails stay queued (there is no SMTP server here).
    running = await startApp({ overrides: { handoffTickMs: 0, outboxWorker: false } });
    const { app } = running;
    await app.users.create({ ...COORDINATOR, role: 'coordinator', actor: 'test' });
    await app.users.create({ ...AGENT, role: 'agent', actor: 'test' });
    g = await generateMonth(app.database, { month: MONTH, seed: 20261, timeZone: TZ, conversations: 60, walkIns: 6, outbound: 3 });
    expected = g.expectedFor();
    const [y, m] = MONTH.split('-').map(Number) as [number, number];
    // The generator also writes items of the previous month's last hours: that month is not empty, and differs.
    expectedEarlier = g.expectedFor(wallTime(TZ, y, m - 1, 1), wallTime(TZ, y, m, 1));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  describe('as a coordinator', () => {
    let context: BrowserContext;
    let watched: Complaints;
    let page: Page;

    beforeAll(async () => {
      context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 }, locale: 'es-MX', acceptDownloads: true });
      watched = await openWatched(context);
      page = watched.page;
    });
    afterAll(async () => {
      await context?.close();
    });
    afterEach(() => {
      // No script errors, no CSP violations, no failed requests at any step.
      expect(watched.problems).toEqual([]);
    });

    const kpiValue = (key: string) => page.locator(`[data-indicator="${key}"] .kpi__value`).innerText();
    const kpiNumber = (key: string) => page.locator(`[data-indicator="${key}"] .kpi__number`).innerText();
    const kpiCount = (key: string) => page.locator(`[data-indicator="${key}"] .kpi__count`).textContent();
    const seedTitle = () => page.locator('#reports-seed-title');
    const expectHeadline = async (figures: typeof expected) => {
      for (const key of SEED_KEYS) {
        expect(await kpiValue(key)).toBe(pctText(figures[key].pct));
        expect(await kpiNumber(key)).toBe(String(figures[key].count));
        expect(await kpiCount(key)).toContain(`de ${figures.received} recibidas`);
      }
    };
    /** Chart.js drew on the canvas: an instance is attached and some pixels are painted. */
    const drawn = (selector: string) =>
      page.waitForFunction(
        (sel) => {
          const canvas = document.querySelector<HTMLCanvasElement>(sel);
          const chart = canvas ? (window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): unknown } }).Chart?.getChart(canvas) : undefined;
          if (!canvas || !chart || canvas.width === 0 || canvas.height === 0) return false;
          const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
          return false;
        },
        selector,
        { timeout: WAIT_MS },
      );

    it('reaches «Indicadores» from the navigation, on the previous month, with the four seed figures at the top', async () => {
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, COORDINATOR.email, COORDINATOR.password);
      const nav = page.getByRole('navigation', { name: 'Secciones de la consola' });
      await nav.getByRole('link', { name: 'Indicadores' }).click();
      await page.getByRole('heading', { name: 'Indicadores', level: 1 }).waitFor({ timeout: WAIT_MS });
      await page.locator('[data-indicator="firstLevel"] .kpi__value').waitFor({ timeout: WAIT_MS });
      const url = new URL(page.url());
      expect(url.pathname).toBe('/console/reportes');
      expect(url.searchParams.get('month')).toBe(MONTH);
      expect(await nav.getByRole('link', { name: 'Indicadores' }).getAttribute('aria-current')).toBe('page');
      expect(await page.getByLabel('Mes', { exact: true }).inputValue()).toBe(MONTH);
      expect(await seedTitle().innerText()).toContain(monthName(MONTH));
      expect(expected.received).toBeGreaterThan(50);
      await expectHeadline(expected);
      // After loading, focus is on the page's heading.
      expect(await focused(page)).toMatch(/^h1/);
      expect(await page.locator('.reports__received').innerText()).toContain(`${expected.received} solicitudes recibidas`);
    });

    it('paints the headline figures on a fresh load of the address', async () => {
      const requested: string[] = [];
      const onRequest = (r: { url(): string }) => {
        const url = new URL(r.url());
        requested.push(url.pathname + url.search);
      };
      page.on('request', onRequest);
      const started = Date.now();
      await page.goto(`${running.baseUrl}/console/reportes?month=${MONTH}`);
      await page.locator('[data-indicator="outbound"] .kpi__value').waitFor({ state: 'visible', timeout: WAIT_MS });
      page.off('request', onRequest);
      // The shell asks for the month's figures with the page, before it asks who is signed in, and once; it loads the
      // module of «Indicadores» and not those of the other sections.
      const monthly = `/api/reports/monthly?month=${MONTH}`;
      expect(requested.filter((u) => u === monthly)).toHaveLength(1);
      expect(requested.indexOf(monthly)).toBeGreaterThanOrEqual(0);
      expect(requested.indexOf(monthly)).toBeLessThan(requested.indexOf('/api/auth/me'));
      expect(requested).toContain('/console/static/reports.js');
      for (const other of ['agent-view.js', 'catalog-view.js', 'directory-view.js', 'requesters.js', 'quality.js', 'health.js']) expect(requested).not.toContain(`/console/static/${other}`);
      // Reported, not asserted: the benchmark (npm run bench:reports) owns the timing target.
      console.log(`«Indicadores» first paint (headline figures visible): ${Date.now() - started} ms for ${expected.received} received items`);
      await expectHeadline(expected);
      // The charting library comes from node_modules through one strict address, cacheable, as JavaScript.
      const bundle = await page.request.get('/console/vendor/chart.umd.js');
      expect(bundle.status()).toBe(200);
      expect(bundle.headers()['content-type']).toBe('text/javascript; charset=utf-8');
      expect(bundle.headers()['cache-control']).toBe('public, max-age=3600');
      expect(await bundle.text()).toContain('Chart.js v4');
      const again = await page.request.get('/console/vendor/chart.umd.js', { headers: { 'if-none-match': bundle.headers().etag ?? '' } });
      expect(again.status()).toBe(304);
      for (const other of ['chart.js', 'chart.cjs', '..%2Fpackage.json', 'chart.umd.min.js']) {
        expect((await page.request.get(`/console/vendor/${other}`)).status()).toBe(404);
      }
    });

    it('shows the other figures and the SLA per priority', async () => {
      const more = await page.locator('.reports__more').innerText();
      expect(more).toContain(`${pctText(expected.informative.pct)} (${expected.informative.count})`);
      expect(more).toContain(`${pctText(expected.containment.pct)} (${expected.containment.count})`);
      expect(more).toContain(`${pctText(expected.abandonment.pct)} (${expected.abandonment.count})`);
      const mss = (s: number | null) => (s === null ? '—' : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`);
      expect(more).toContain(mss(expected.waits.avgSeconds));
      expect(more).toContain(mss(expected.waits.p90Seconds));
      expect(more).toContain(mss(expected.handleTime.avgSeconds));
      for (const [priority, sla] of Object.entries(expected.sla)) {
        const cells = await page.locator(`table.reports__sla tr[data-priority="${priority}"] td`).allInnerTexts();
        expect(cells[0]).toBe(String(sla.tickets));
        if (sla.tickets > 0) expect(cells[2]).toBe(`${pctText(sla.firstResponsePct)} (${sla.firstResponseMet})`);
      }
    });

    it('draws the trend, channel and group charts, each with its data in text', async () => {
      await page.locator('#chart-trend[data-state="ready"]').waitFor({ state: 'attached', timeout: WAIT_MS });
      for (const id of ['chart-trend', 'chart-channels', 'chart-groups']) {
        await drawn(`#${id} canvas`);
        const box = await page.locator(`#${id} canvas`).boundingBox();
        expect(box?.width).toBeGreaterThan(100);
        expect(box?.height).toBeGreaterThan(100);
      }
      // By channel: every channel of the month, by its Spanish name, with its count (table and canvas label).
      const channelRows = await page.locator('#chart-channels table.chart__data tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent)));
      const channels = Object.entries(expected.byChannel).filter(([, b]) => b.received > 0);
      expect(channelRows.map((r) => [r[0], r[1]]).sort()).toEqual(channels.map(([c, b]) => [CHANNEL_NAMES[c], String(b.received)]).sort());
      const channelLabel = (await page.locator('#chart-channels canvas').getAttribute('aria-label')) ?? '';
      for (const [c] of channels) expect(channelLabel).toContain(CHANNEL_NAMES[c]);
      const groupText = (await page.locator('#chart-groups table.chart__data').textContent()) ?? '';
      for (const [group, b] of Object.entries(expected.byGroup)) if (b.received > 0) expect(groupText).toContain(group);
      // The trend: six months, the last two with the generator's figures.
      const trend = await page.locator('#chart-trend table.chart__data tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent)));
      expect(trend).toHaveLength(6);
      expect(trend[5]).toEqual([monthName(MONTH), ...SEED_KEYS.map((k) => pctText(expected[k].pct))]);
      expect(trend[4]).toEqual([monthName(EARLIER), ...SEED_KEYS.map((k) => pctText(expectedEarlier[k].pct))]);
      expect(trend[0]?.slice(1)).toEqual(['Sin actividad', 'Sin actividad', 'Sin actividad', 'Sin actividad']);
    });

    it('downloads the month as CSV and Excel', async () => {
      const [csv] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), page.getByRole('link', { name: 'Descargar CSV' }).click()]);
      expect(csv.suggestedFilename()).toBe(`reporte-general-${MONTH}.csv`);
      const rows = parseCsv(fs.readFileSync(await csv.path(), 'utf8'));
      expect(rows[0]?.[5]).toBe('resultado');
      expect(rows.length - 1).toBe(expected.received);
      expect(await page.getByRole('link', { name: 'Descargar Excel' }).getAttribute('href')).toBe(`/api/reports/monthly?month=${MONTH}&format=xlsx`);
    });

    it('tells whether the month’s report was generated and mailed, after the figures, with the Excel as sent', async () => {
      const line = page.locator('.reports__stored');
      // Held back: the figures are painted while the stored report is still being asked for.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/reports/stored?*', async (route) => {
        await held;
        await route.continue();
      });
      await page.goto(`${running.baseUrl}/console/reportes?month=${MONTH}`);
      await page.locator('[data-indicator="outbound"] .kpi__value').waitFor({ state: 'visible', timeout: WAIT_MS });
      expect(await line.getAttribute('data-state')).toBe('loading');
      release();
      await page.locator('.reports__stored[data-state="missing"]').waitFor({ timeout: WAIT_MS });
      await page.unroute('**/api/reports/stored?*');
      const day = running.app.reportScheduler.reportDay;
      expect(await line.innerText()).toBe(`Aún no se genera el reporte mensual de este mes (se genera el día ${day} del mes siguiente).`);

      // Generated and mailed (to the active coordinator and two more addresses), by the coordinator from the CLI.
      const scheduler = new MonthlyReportScheduler({
        reports: running.app.reports,
        repo: new MonthlyReportRepository(running.app.database),
        clock: { now: () => new Date() },
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        settings: { email: true, extraEmails: ['jefatura@example.mx', 'direccion@example.mx'] },
      });
      const meta = await scheduler.regenerate(MONTH, { generatedBy: COORDINATOR.email, email: true });
      expect([...meta.recipients].sort()).toEqual(expect.arrayContaining([COORDINATOR.email, 'direccion@example.mx', 'jefatura@example.mx']));
      await page.goto(`${running.baseUrl}/console/reportes?month=${MONTH}`);
      await page.locator('.reports__stored[data-state="stored"]').waitFor({ timeout: WAIT_MS });
      const text = await line.locator('.reports__stored-text').innerText();
      expect(text.startsWith('Reporte mensual guardado el ')).toBe(true);
      expect(text).toContain(` por ${COORDINATOR.email}; enviado el `);
      expect(text.endsWith(` a ${meta.recipients.length} destinatarios.`)).toBe(true);
      const link = line.getByRole('link', { name: 'Descargar el Excel enviado' });
      expect(await link.getAttribute('href')).toBe(`/api/reports/stored/xlsx?month=${MONTH}`);
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), link.click()]);
      expect(download.suggestedFilename()).toBe(`reporte-general-${MONTH}.xlsx`);
      const sent = await running.app.reportScheduler.storedXlsx(MONTH);
      expect(fs.readFileSync(await download.path()).equals(sent?.xlsx ?? Buffer.alloc(0))).toBe(true);
      // Another month has none yet.
      await page.goto(`${running.baseUrl}/console/reportes?month=${EARLIER}`);
      await page.locator('.reports__stored[data-state="missing"]').waitFor({ timeout: WAIT_MS });
      await page.goto(`${running.baseUrl}/console/reportes?month=${MONTH}`);
      await page.locator('.reports__stored[data-state="stored"]').waitFor({ timeout: WAIT_MS });
    });

    const drill = () => page.locator('dialog.drill');
    const drillRows = () => drill().locator('tbody tr[data-id]');
    /** Pages through the open list («Cargar más») until it is complete; the ids of its rows. */
    const readList = async () => {
      const settled = () => page.waitForFunction(() => ['complete', 'partial'].includes(document.querySelector('dialog.drill')?.getAttribute('data-state') ?? ''), undefined, { timeout: WAIT_MS });
      await settled();
      let clicks = 0;
      while ((await drill().getAttribute('data-state')) !== 'complete') {
        const before = await drillRows().count();
        await drill().getByRole('button', { name: 'Cargar más' }).click();
        await page.waitForFunction((n) => document.querySelectorAll('dialog.drill tbody tr[data-id]').length > n, before, { timeout: WAIT_MS });
        await settled();
        clicks += 1;
      }
      return { ids: await drillRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? '')), clicks };
    };
    const closeList = async () => {
      await page.keyboard.press('Escape');
      await drill().waitFor({ state: 'hidden', timeout: WAIT_MS });
    };

    it('a seed number opens the list of exactly its items: a dialog with a heading, focus on it, a captioned table; Escape closes it', async () => {
      const number = page.locator('[data-indicator="secondLevel"] .kpi__drill');
      await number.click();
      await drill().waitFor({ state: 'visible', timeout: WAIT_MS });
      const { ids } = await readList();
      expect(ids).toHaveLength(expected.secondLevel.count);
      expect(ids).toEqual(g.received().filter((i) => i.second).map((i) => i.id));
      expect(await focused(page)).toMatch(/^h2#drill-title/);
      expect(await drill().getByRole('heading', { level: 2 }).innerText()).toBe('Segundo nivel (tickets)');
      expect(await drill().locator('table caption').textContent()).toContain('Segundo nivel (tickets)');
      expect(await drill().locator('[role="status"].drill__status').innerText()).toContain(`Se muestran ${expected.secondLevel.count} de ${expected.secondLevel.count}`);
      // A row names its tickets; a ticket opens its details (the ticket API coordinators may read).
      const item = g.received().find((i) => i.second && i.kind === 'conversation') as (typeof g.items)[number];
      const row = drill().locator(`tbody tr[data-id="${item.id}"]`);
      expect(await row.locator('.drill__conversation').innerText()).toBe(item.id);
      const ticket = row.getByRole('button', { name: item.tickets[0] as string });
      await ticket.click();
      await drill().locator(`tr.drill__detail[data-ticket="${item.tickets[0]}"]`).getByText(`Ticket ${item.tickets[0]}`).waitFor({ timeout: WAIT_MS });
      expect(await ticket.getAttribute('aria-expanded')).toBe('true');
      // The conversation's id opens its transcript over the list: a dialog with a heading that takes focus, one
      // labelled line per message the conversation recorded (read here from the database), Escape back to the id.
      const recorded = await running.app.database.db
        .select({ direction: activities.direction, text: activities.text })
        .from(activities)
        .where(and(eq(activities.conversationId, item.id), eq(activities.type, 'message')))
        .orderBy(asc(activities.seq));
      expect(recorded.length).toBeGreaterThan(2);
      const opener = row.getByRole('button', { name: `Ver la conversación ${item.id}` });
      await opener.click();
      const transcript = page.locator('dialog.conversation');
      await page.waitForFunction(() => document.querySelector('dialog.conversation')?.getAttribute('data-state') === 'complete', undefined, { timeout: WAIT_MS });
      expect(await focused(page)).toMatch(/^h2#conversation-title/);
      expect(await transcript.getByRole('heading', { level: 2 }).innerText()).toBe(`Conversación ${item.id}`);
      const lines = await transcript.locator('ol.transcript > li').evaluateAll((els) => els.map((li) => [li.querySelector('.line__who')?.textContent ?? '', li.querySelector('.line__text')?.textContent ?? '']));
      expect(lines).toEqual(recorded.map((r) => [r.direction === 'in' ? 'Persona' : 'Bot', r.text ?? '']));
      await page.keyboard.press('Escape');
      await transcript.waitFor({ state: 'hidden', timeout: WAIT_MS });
      expect(await drill().isVisible()).toBe(true);
      expect(await focused(page)).toMatch(/^button\.btn--link\.drill__open-conversation/);
      await closeList();
      expect(await focused(page)).toMatch(/^button\.kpi__drill/);
    });

    it('the unanswered outbound calls open their list: number, who asked, attempt and the result recorded', async () => {
      const failed = expected.outboundAttempts - expected.outbound.count;
      expect(failed).toBeGreaterThan(0);
      const button = page.locator('.reports__outbound-failed button[data-drill="outboundFailed"]');
      expect(await button.innerText()).toBe(String(failed));
      await button.click();
      await drill().waitFor({ state: 'visible', timeout: WAIT_MS });
      const { ids } = await readList();
      const written = g.outboundCalls.filter((c) => !c.answered && c.startedAt >= g.from && c.startedAt < g.to).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
      expect(ids).toEqual(written.map((c) => c.callSid));
      // textContent: the headers are shown in capitals by the style sheet.
      expect(await drill().locator('thead th').allTextContents()).toEqual(['Fecha', 'Número', 'Solicitó', 'Motivo', 'Intento', 'Resultado', 'Registro de la llamada', 'Duración (m:ss)', 'Conversación']);
      const first = written[0] as (typeof written)[number];
      const cells = await drill().locator(`tbody tr[data-id="${first.callSid}"] > *`).allTextContents();
      expect(cells.slice(1, 6)).toEqual([first.phone, first.requestedBy, 'Llamada al exterior', `${first.attempt} de 3`, 'No contestada: nadie respondió']);
      expect(cells[6]).toContain('estado de la llamada: no-answer');
      expect(cells[8]).toBe(first.conversationId);
      expect(await drill().locator('[role="status"].drill__status').innerText()).toContain(`Se muestran ${failed} de ${failed} llamadas`);
      await closeList();
    });

    it('the received count pages with «Cargar más» until every item is listed', async () => {
      expect(expected.received).toBeGreaterThan(50);
      await page.locator('.reports__received button').click();
      await drill().waitFor({ state: 'visible', timeout: WAIT_MS });
      const { ids, clicks } = await readList();
      expect(clicks).toBeGreaterThan(0);
      expect(ids).toEqual(g.received().map((i) => i.id));
      await closeList();
    });

    it('every figure and every breakdown cell lists as many items as it says', async () => {
      const cells = [
        ['[data-indicator="outbound"]', 'outbound', expected.outbound.count],
        ['[data-indicator="firstLevel"]', 'firstLevel', expected.firstLevel.count],
        ['.reports__more', 'informative', expected.informative.count],
        ['.reports__more', 'contained', expected.containment.count],
        ['.reports__more', 'abandoned', expected.abandonment.count],
        ['table[data-breakdown="channel"] tr[data-key="voice"] td[data-col="secondLevel"]', 'secondLevel', expected.byChannel.voice?.secondLevel.count ?? 0],
        ['table[data-breakdown="channel"] tr[data-key="webchat"] td[data-col="abandonment"]', 'abandoned', expected.byChannel.webchat?.abandonment.count ?? 0],
        ['table[data-breakdown="group"] tr[data-key="Sin grupo"] td[data-col="received"]', 'received', expected.byGroup['Sin grupo']?.received ?? 0],
        ['table[data-breakdown="group"] tr[data-key="Redes"] td[data-col="handoffs"]', 'handoffs', expected.byGroup.Redes?.handoffs.count ?? 0],
      ] as const;
      const unit = Object.entries(expected.byUnit).sort((a, b) => b[1].received - a[1].received)[0] as [string, { firstLevel: { count: number } }];
      const agent = Object.entries(expected.byAgent).sort((a, b) => b[1].received - a[1].received)[0] as [string, { received: number }];
      const all: Array<readonly [string, string, number]> = [
        ...cells,
        [`table[data-breakdown="unit"] tr[data-key="${unit[0]}"] td[data-col="firstLevel"]`, 'firstLevel', unit[1].firstLevel.count],
        [`table[data-breakdown="agent"] tr[data-key="${agent[0]}"] td[data-col="received"]`, 'received', agent[1].received],
      ];
      for (const [where, indicator, n] of all) {
        expect(n).toBeGreaterThan(0);
        const button = page.locator(`${where} button[data-drill="${indicator}"]`).first();
        expect(await button.innerText()).toBe(String(n));
        await button.click();
        await drill().waitFor({ state: 'visible', timeout: WAIT_MS });
        const { ids } = await readList();
        expect(ids).toHaveLength(n);
        await closeList();
      }
    });

    it('a bar of the channel chart opens the list of its channel', async () => {
      await page.locator('#chart-channels canvas').scrollIntoViewIfNeeded();
      const bar = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('#chart-channels canvas');
        const chart = canvas ? (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { getDatasetMeta(i: number): { data: Array<{ x: number; y: number; base: number }> }; data: { labels: string[] } } } }).Chart.getChart(canvas) : null;
        const el = chart?.getDatasetMeta(0).data[0];
        return el ? { x: el.x, y: (el.y + el.base) / 2, label: chart?.data.labels[0] } : null;
      });
      expect(bar).not.toBeNull();
      const box = await page.locator('#chart-channels canvas').boundingBox();
      await page.mouse.click((box?.x ?? 0) + (bar?.x ?? 0), (box?.y ?? 0) + (bar?.y ?? 0));
      await drill().waitFor({ state: 'visible', timeout: WAIT_MS });
      const topChannel = Object.entries(CHANNEL_NAMES).find(([, name]) => name === bar?.label)?.[0] ?? '';
      const { ids } = await readList();
      expect(ids).toEqual(g.received().filter((i) => i.channel === topChannel).map((i) => i.id));
      expect(await drill().getByRole('heading', { level: 2 }).innerText()).toBe(`Solicitudes recibidas — ${bar?.label}`);
      await closeList();
    });

    it('changing the month updates the address and the figures, and keeps focus on the picker', async () => {
      expect(expectedEarlier.received).toBeGreaterThan(0);
      expect(expectedEarlier.received).not.toBe(expected.received);
      const picker = page.getByLabel('Mes', { exact: true });
      await picker.focus();
      await picker.fill(EARLIER);
      await seedTitle().filter({ hasText: monthName(EARLIER) }).waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).searchParams.get('month')).toBe(EARLIER);
      await expectHeadline(expectedEarlier);
      expect(await focused(page)).toMatch(/^input#report-month/);
      // Back returns to the month before.
      await page.goBack();
      await seedTitle().filter({ hasText: monthName(MONTH) }).waitFor({ timeout: WAIT_MS });
      await expectHeadline(expected);
      expect(await page.getByLabel('Mes', { exact: true }).inputValue()).toBe(MONTH);
      await page.locator('#chart-trend[data-state="ready"]').waitFor({ state: 'attached', timeout: WAIT_MS });
    });

    it('says «Sin actividad en este mes» for an empty month, and explains a malformed one', async () => {
      await page.goto(`${running.baseUrl}/console/reportes?month=2020-01`);
      await page.getByText('Sin actividad en este mes').waitFor({ timeout: WAIT_MS });
      expect(await page.locator('.kpi').count()).toBe(0);
      await page.locator('#chart-trend[data-state="ready"]').waitFor({ state: 'attached', timeout: WAIT_MS });

      await page.goto(`${running.baseUrl}/console/reportes?month=2026-13`);
      const alert = page.locator('.reports__alert');
      await alert.getByText(/Mes inválido.*AAAA-MM/).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('.kpi').count()).toBe(0);
    });
  });

  it('does not offer «Indicadores» to an agent, and the address says it is not allowed', async () => {
    const context = await browser.newContext({ baseURL: running.baseUrl, locale: 'es-MX' });
    try {
      const watched = await openWatched(context);
      const page = watched.page;
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, AGENT.email, AGENT.password);
      const nav = page.getByRole('navigation', { name: 'Secciones de la consola' });
      await nav.getByRole('link').first().waitFor({ timeout: WAIT_MS });
      expect(await nav.getByRole('link', { name: 'Indicadores' }).count()).toBe(0);
      await page.goto(`${running.baseUrl}/console/reportes?month=${MONTH}`);
      await page.getByRole('alert').filter({ hasText: FORBIDDEN }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('.kpi').count()).toBe(0);
      // The API refuses too (the page does not depend on hiding it).
      const res = await page.request.get(`/api/reports/monthly?month=${MONTH}`);
      expect(res.status()).toBe(403);
      expect(watched.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
