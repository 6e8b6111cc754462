import type { Browser, BrowserContext, Page } from 'playwright-core';
import { focused, launchChromium, openWatched, signIn, WAIT_MS, type Complaints } from '../support/console-driver';
import { startApp, type RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';

/**
 * «Salud del sistema» in a real browser against the real application: an admin reaches it from the navigation, runs a
 * check, reads every check with its status in words (not color alone) and its detail, finds it in the history and opens
 * an earlier run; a second run right after is refused with the reason; the year strip marks each of the last 12 months'
 * evidence and links to it; a coordinator (the head) reads the log without the run button and writes the action defined.
 */

const ADMIN = { email: 'soporte@example.mx', password: 'ContrasenaSegura123', displayName: 'Técnico UACT' };
const COORDINATOR = { email: 'coordinacion.salud@example.mx', password: 'OtraContrasena456', displayName: 'Laura Méndez' };
const AGENT = { email: 'agente.salud@example.mx', password: 'TerceraContrasena789', displayName: 'Pedro Ruiz' };
const FORBIDDEN = 'Su cuenta no tiene permiso para ver la salud del sistema';
const MARK_WORDS: Record<string, string> = { ok: 'En orden', warn: 'Con advertencias', fail: 'Con fallas', missing: 'Sin evidencia', pending: 'Pendiente' };
const STATUS_WORDS: Record<string, string> = { ok: 'Correcto', warn: 'Advertencia', fail: 'Falla', skipped: 'Omitida' };

describe(`«Salud del sistema» in a real browser (database: ${defaultBackend()})`, () => {
  let browser: Browser;
  let running: RunningApp;
  /** The application's clock: real time plus `shift` ms (a manual run is refused within 30 s of the previous run). */
  let shift = 0;

  beforeAll(async () => {
    browser = await launchChromium();
    running = await startApp({ clock: { now: () => new Date(Date.now() + shift) } });
    await running.app.users.create({ ...ADMIN, role: 'admin', actor: 'test' });
    await running.app.users.create({ ...COORDINATOR, role: 'coordinator', actor: 'test' });
    await running.app.users.create({ ...AGENT, role: 'agent', actor: 'test' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  describe('as an admin', () => {
    let context: BrowserContext;
    let watched: Complaints;
    let page: Page;
    let earlierId: number;

    beforeAll(async () => {
      // A stored monthly run from the scheduler, earlier than anything the admin runs.
      const monthly = await running.app.health.run('monthly', 'scheduler', '2026-10');
      earlierId = monthly.id as number;
      shift += 60_000;
      context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
      watched = await openWatched(context);
      page = watched.page;
    });
    afterAll(async () => {
      await context?.close();
    });
    afterEach(() => {
      expect(watched.problems).toEqual([]);
    });

    it('reaches the section from the navigation and runs a check now', async () => {
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, ADMIN.email, ADMIN.password);
      const nav = page.getByRole('navigation', { name: 'Secciones de la consola' });
      await nav.getByRole('link', { name: 'Salud del sistema' }).click();
      await page.getByRole('heading', { name: 'Salud del sistema', level: 1 }).waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).pathname).toBe('/console/salud');
      // The latest stored run is shown first: the monthly one.
      await page.locator('.health__summary').getByText('Mensual (evidencia de 2026-10)').waitFor({ timeout: WAIT_MS });
      expect(await focused(page)).toMatch(/^h1/);

      await page.getByRole('button', { name: 'Ejecutar revisión ahora' }).click();
      await page.getByRole('status').filter({ hasText: 'Revisión terminada' }).waitFor({ timeout: WAIT_MS });
      await page.locator('.health__summary').getByText('Manual').waitFor({ timeout: WAIT_MS });
      const path = new URL(page.url()).pathname;
      expect(path).toMatch(/^\/console\/salud\/\d+$/);
      const id = Number(path.split('/').pop());
      const stored = await running.app.health.get(id);
      expect(stored?.kind).toBe('manual');
      expect(stored?.checkedBy).toBe(ADMIN.email);

      // Every stored check is a row with its status in words, an icon hidden from screen readers, its detail and time.
      const rows = page.locator('.health__check');
      expect(await rows.count()).toBe(stored?.results.length);
      for (const result of stored?.results ?? []) {
        const row = page.locator(`.health__check[data-check="${result.name}"]`);
        expect((await row.locator('.health__status').innerText()).trim()).toContain(STATUS_WORDS[result.status]);
        expect(await row.locator('.health__icon').getAttribute('aria-hidden')).toBe('true');
        expect(await row.locator('.health__detail').innerText()).toBe(result.detail);
        expect(await row.locator('.health__ms').innerText()).toBe(`${result.ms} ms`);
      }
      expect(await page.locator('.health__check[data-check="database"] .health__name').innerText()).toBe('Base de datos');
      expect(await page.locator('.health__check[data-check="database"] .health__status').innerText()).toContain('Correcto');
      // No channel is configured in this app: each says it was skipped and why.
      expect(await page.locator('.health__check[data-check="twilio"] .health__detail').innerText()).toContain('Canal apagado');
    });

    it('lists the runs in the history, the monthly one marked as evidence, and opens an earlier one', async () => {
      const table = page.locator('table.health__table');
      await table.waitFor({ timeout: WAIT_MS });
      expect(await table.locator('tbody tr').count()).toBe(2);
      const monthlyRow = table.locator(`tr[data-run="${earlierId}"]`);
      expect(await monthlyRow.innerText()).toContain('Mensual (evidencia de 2026-10)');
      expect(await monthlyRow.innerText()).toContain('Automática');
      await monthlyRow.getByRole('link').click();
      await page.waitForURL(`**/console/salud/${earlierId}`, { timeout: WAIT_MS });
      await page.locator('.health__summary').getByText('Mensual (evidencia de 2026-10)').waitFor({ timeout: WAIT_MS });
      expect(await table.locator(`tr[data-run="${earlierId}"] a`).getAttribute('aria-current')).toBe('true');
    });

    it('marks each of the last 12 months\' evidence in the year strip, a present month linking to its run', async () => {
      const { months } = await running.app.health.history({ limit: 1, offset: 0 });
      const strip = page.locator('ol.health__months > li');
      await strip.first().waitFor({ timeout: WAIT_MS });
      expect(await strip.count()).toBe(12);
      expect(await strip.evaluateAll((els) => els.map((el) => [el.getAttribute('data-month'), el.getAttribute('data-mark')]))).toEqual(months.map((m) => [m.month, m.mark]));
      for (const m of months) {
        const item = page.locator(`li.health__month[data-month="${m.month}"]`);
        expect(await item.innerText()).toContain(MARK_WORDS[m.mark]);
        expect(await item.locator('a').count()).toBe(m.run ? 1 : 0);
        if (m.run) expect(await item.locator('a').getAttribute('href')).toBe(`/console/salud/${m.run.id}`);
      }
      // The scheduler's 2026-10 run is the month's evidence (while 2026-10 is among the last 12 months).
      const october = months.find((m) => m.month === '2026-10');
      if (october) {
        expect(october.run?.id).toBe(earlierId);
        expect(['ok', 'warn', 'fail']).toContain(october.mark);
      }
    });

    it('refuses a second run right after the first, saying why', async () => {
      await page.getByRole('button', { name: 'Ejecutar revisión ahora' }).click();
      await page.locator('.health__alert').getByText(/La revisión anterior fue hace menos de 30 s/).waitFor({ timeout: WAIT_MS });
      expect(await page.getByRole('button', { name: 'Ejecutar revisión ahora' }).isEnabled()).toBe(true);
    });
  });

  it('lets a coordinator read the log without running a check, and write and edit the action defined on a run', async () => {
    const context = await browser.newContext({ baseURL: running.baseUrl, locale: 'es-MX' });
    try {
      const watched = await openWatched(context);
      const page = watched.page;
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, COORDINATOR.email, COORDINATOR.password);
      const nav = page.getByRole('navigation', { name: 'Secciones de la consola' });
      await nav.getByRole('link', { name: 'Salud del sistema' }).click();
      await page.getByRole('heading', { name: 'Salud del sistema', level: 1 }).waitFor({ timeout: WAIT_MS });
      await page.locator('.health__check').first().waitFor({ timeout: WAIT_MS });
      expect(await page.getByRole('button', { name: 'Ejecutar revisión ahora' }).count()).toBe(0);
      const shown = Number(await page.locator('table.health__table tr.is-current').getAttribute('data-run'));
      expect(await page.locator('.health__note-empty').innerText()).toBe('La jefatura todavía no registra una acción para esta revisión.');

      const box = page.getByLabel('Acción definida por la jefatura');
      await box.fill('Revisar con TI el canal de correo antes del viernes.');
      await page.getByRole('button', { name: 'Guardar acción' }).click();
      await page.locator('.health__note-text').filter({ hasText: 'Revisar con TI el canal de correo antes del viernes.' }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('.health__note-by').innerText()).toContain(`Registrada por ${COORDINATOR.email}`);
      expect(await running.app.health.get(shown)).toMatchObject({ note: 'Revisar con TI el canal de correo antes del viernes.', notedBy: COORDINATOR.email });

      // Edited: the new text replaces the old one; an empty one is refused with the reason.
      await box.fill('Correo revisado; sin acción pendiente.');
      await page.getByRole('button', { name: 'Guardar cambios' }).click();
      await page.locator('.health__note-text').filter({ hasText: 'Correo revisado; sin acción pendiente.' }).waitFor({ timeout: WAIT_MS });
      expect((await running.app.health.get(shown))?.note).toBe('Correo revisado; sin acción pendiente.');
      await box.fill('   ');
      await page.getByRole('button', { name: 'Guardar cambios' }).click();
      await page.locator('.health__alert').getByText('Escriba la acción definida por la jefatura (no puede quedar vacía).').waitFor({ timeout: WAIT_MS });
      expect((await running.app.health.get(shown))?.note).toBe('Correo revisado; sin acción pendiente.');
      // After a reload the note is still there.
      await page.reload();
      await page.locator('.health__note-text').filter({ hasText: 'Correo revisado; sin acción pendiente.' }).waitFor({ timeout: WAIT_MS });
      expect(watched.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('does not offer the section to an agent, and the address says it is not allowed', async () => {
    const context = await browser.newContext({ baseURL: running.baseUrl, locale: 'es-MX' });
    try {
      const watched = await openWatched(context);
      const page = watched.page;
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, AGENT.email, AGENT.password);
      const nav = page.getByRole('navigation', { name: 'Secciones de la consola' });
      await nav.getByRole('link').first().waitFor({ timeout: WAIT_MS });
      expect(await nav.getByRole('link', { name: 'Salud del sistema' }).count()).toBe(0);
      await page.goto(`${running.baseUrl}/console/salud`);
      await page.getByRole('alert').filter({ hasText: FORBIDDEN }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('.health__check').count()).toBe(0);
      expect((await page.request.get('/api/health/checks')).status()).toBe(403);
      expect(watched.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
