import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';
import { apiGet, fold, focused, launchChromium, openWatched, shownCodes, signIn, toastWith, WAIT_MS, type Complaints } from '../support/console-driver';

/**
 * The coordinators' catalog editor at /console, in a real browser against the real application: log in, find
 * services, create and edit one, try it against draft and published catalog, publish, read the history and the
 * diff, roll back, import (an invalid file) and export, and the refusal for an agent's account.
 * The tests of the main describe run in order and share one page: each step starts where the previous one ended.
 */

interface Service {
  code: string;
  name: string;
  category: string;
  scope: 'sai' | 'informative';
  kind: 'fault' | 'request' | 'either';
  resolverGroup: string;
  examples: string[];
  selfHelp: string[];
  diagnostics: { id: string; question: string; answer: string; options?: string[] }[];
  defaultUrgency: string;
  active: boolean;
}
interface CatalogFile {
  format: string;
  language: string;
  referral: { message: string; phone: string };
  services: Service[];
  outOfScope: { examples: string[] };
}
interface Draft {
  catalog: CatalogFile;
  changed: boolean;
  publishedVersion: number | null;
}
interface Versions {
  versions: { version: number; source: string; note: string | null; publishedBy: string | null }[];
}

const COORDINATOR = { email: 'coordinacion@example.mx', password: 'ContrasenaSegura123', displayName: 'Laura Méndez' };
const AGENT = { email: 'agente@example.mx', password: 'OtraContrasena456', displayName: 'Pedro Ruiz' };
const NEW_CODE = 'REALIDAD-VIRTUAL';
const NEW_NAME = 'Préstamo de visores de realidad virtual';
const NEW_CATEGORY = 'Laboratorios';
const FIRST_EXAMPLES = [
  'quiero pedir prestados los visores de realidad virtual',
  'los lentes de realidad virtual del laboratorio no encienden',
  'necesito gafas de realidad virtual para mi clase',
  'cómo reservo el equipo de realidad virtual',
  'el visor de realidad virtual no detecta los controles',
];
/** Only the new service knows these words: the draft should pick it, the published catalog cannot. */
const PROBE = 'necesito unas gafas de realidad virtual para la práctica';

describe(`coordinators' catalog console in a real browser (database: ${defaultBackend()})`, () => {
  let browser: Browser;
  let running: RunningApp;

  beforeAll(async () => {
    browser = await launchChromium();
    running = await startApp();
    await running.app.users.create({ ...COORDINATOR, role: 'coordinator', actor: 'test' });
    await running.app.users.create({ ...AGENT, role: 'agent', actor: 'test' });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('serves the page and its files with a strict policy, and nothing outside the allow-list', async () => {
    const page = await fetch(`${running.baseUrl}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/console/static/app.js"></script>');

    const deep = await fetch(`${running.baseUrl}/console/catalogo/servicios/CORREO-CONTRASENA`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);

    const script = await fetch(`${running.baseUrl}/console/static/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const css = await fetch(`${running.baseUrl}/console/static/console.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const etag = script.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await fetch(`${running.baseUrl}/console/static/app.js`, { headers: { 'If-None-Match': etag as string } })).status).toBe(304);

    for (const bad of ['/console/static/..%2Fconsole-page.ts', '/console/static/index.html', '/console/static/nada.js', '/console/favicon.ico', '/console/static/%2e%2e%2fpackage.json']) {
      const response = await fetch(`${running.baseUrl}${bad}`);
      expect({ bad, status: response.status }).toEqual({ bad, status: 404 });
    }
  });

  describe('as a coordinator', () => {
    let context: BrowserContext;
    let watched: Complaints;
    let page: Page;
    let seeded: Draft;

    beforeAll(async () => {
      context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: 'es-MX' });
      watched = await openWatched(context);
      page = watched.page;
    });
    afterAll(async () => {
      await context?.close();
    });
    afterEach(() => {
      // No script errors and no CSP violations at any step.
      expect(watched.problems).toEqual([]);
    });

    it('refuses a wrong password with the API message, then signs in and keeps the deep link', async () => {
      await page.goto(`${running.baseUrl}/console/catalogo`);
      await page.getByRole('heading', { name: 'Iniciar sesión', level: 1 }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('#topbar').isHidden()).toBe(true);
      expect(await focused(page)).toMatch(/^input#/);

      const refused = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await signIn(page, COORDINATOR.email, 'no-es-la-contrasena');
      const answer = await refused;
      expect(answer.status()).toBe(401);
      const { error } = (await answer.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('InvalidCredentials');
      const alert = page.locator('.login__error');
      await alert.getByText(error.message).waitFor({ timeout: WAIT_MS });
      expect((await alert.innerText()).trim()).toBe(error.message);
      expect(await page.getByLabel(/^Contraseña/).getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel(/^Contraseña/).inputValue()).toBe('');

      await signIn(page, COORDINATOR.email, COORDINATOR.password);
      await page.getByRole('heading', { name: 'Catálogo de servicios', level: 1 }).waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).pathname).toBe('/console/catalogo');
      expect(await page.locator('#session-name').innerText()).toBe(COORDINATOR.displayName);
      expect(await page.locator('#session-role').innerText()).toBe('Coordinación');
      expect(await page.getByRole('navigation', { name: 'Secciones de la consola' }).getByRole('link', { name: 'Catálogo de servicios' }).getAttribute('aria-current')).toBe('page');
      expect(await page.getByRole('button', { name: 'Cerrar sesión' }).isVisible()).toBe(true);
      expect(await page.title()).toBe('Servicios del catálogo — Consola Ventanilla');

      // A reload keeps the session (cookie) and the place.
      await page.reload();
      await page.getByRole('heading', { name: 'Catálogo de servicios', level: 1 }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('#session-name').innerText()).toBe(COORDINATOR.displayName);
    });

    it('lists every service, and search and filters narrow the list', async () => {
      seeded = await apiGet<Draft>(page, '/api/catalog/draft');
      const services = seeded.catalog.services;
      expect(services.length).toBeGreaterThan(3);
      expect(seeded.changed).toBe(false);
      await page.locator('table.services-table tbody tr').first().waitFor({ timeout: WAIT_MS });
      expect((await shownCodes(page)).sort()).toEqual(services.map((s) => s.code).sort());
      expect(await page.locator('[data-published-version]').innerText()).toBe(`v${seeded.publishedVersion}`);
      expect(await page.locator('[data-draft-state]').getAttribute('data-draft-state')).toBe('clean');
      expect(await page.getByRole('button', { name: 'Publicar…' }).isDisabled()).toBe(true);

      // Search by an accented word of some example, typed without its accents.
      const accented = services
        .flatMap((s) => s.examples)
        .flatMap((e) => e.split(/[^\p{L}]+/u))
        .find((w) => w.length > 4 && fold(w) !== w.toLowerCase());
      expect(accented).toBeDefined();
      const term = fold(accented as string);
      const matching = services.filter((s) => [s.code, s.name, s.category, ...s.examples].some((t) => fold(t).includes(term))).map((s) => s.code);
      expect(matching.length).toBeGreaterThan(0);
      expect(matching.length).toBeLessThan(services.length);
      const search = page.getByRole('searchbox', { name: 'Buscar' });
      await search.fill(term.toUpperCase());
      await expectCodes(page, matching);
      expect(await page.locator('.list__count').innerText()).toBe(`Se muestran ${matching.length} de ${services.length} servicios`);

      // Search by code, in lower case.
      const one = services[services.length - 1] as Service;
      await search.fill(one.code.toLowerCase());
      expect(await shownCodes(page)).toContain(one.code);

      // Nothing matches: the empty state and its way out.
      await search.fill('zzzz-no-existe-zzzz');
      await page.getByText('Ningún servicio coincide con la búsqueda y los filtros.').waitFor({ timeout: WAIT_MS });
      expect(await shownCodes(page)).toEqual([]);
      await page.getByRole('button', { name: 'Quitar filtros' }).click();
      await expectCodes(page, services.map((s) => s.code));
      expect(await search.inputValue()).toBe('');

      // Each filter alone gives exactly the services with that value.
      const scope = page.getByLabel('Ámbito');
      await scope.selectOption({ label: 'Informativo' });
      await expectCodes(page, services.filter((s) => s.scope === 'informative').map((s) => s.code));
      await scope.selectOption({ label: 'Ticket (sai)' });
      await expectCodes(page, services.filter((s) => s.scope === 'sai').map((s) => s.code));
      await scope.selectOption({ label: 'Todos' });

      const kind = page.getByLabel('Tipo');
      await kind.selectOption({ label: 'Falla' });
      await expectCodes(page, services.filter((s) => s.kind === 'fault').map((s) => s.code));
      await kind.selectOption({ label: 'Todos' });

      const category = (services[0] as Service).category;
      await page.getByLabel('Categoría').selectOption({ label: category });
      await expectCodes(page, services.filter((s) => s.category === category).map((s) => s.code));
      // Filters combine: that category, but only the inactive ones.
      await page.getByLabel('Estado', { exact: true }).selectOption({ label: 'Inactivos' });
      await expectCodes(page, services.filter((s) => s.category === category && !s.active).map((s) => s.code));
      await page.getByLabel('Estado', { exact: true }).selectOption({ label: 'Todos' });
      await page.getByLabel('Categoría').selectOption({ label: 'Todas' });
      await expectCodes(page, services.map((s) => s.code));
    });

    it('refuses an invalid code next to the field, then creates the service in the draft', async () => {
      await page.getByRole('link', { name: 'Nuevo servicio' }).click();
      await page.getByRole('heading', { name: 'Nuevo servicio', level: 2 }).waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).pathname).toBe('/console/catalogo/servicios/nuevo');

      const puts: string[] = [];
      const onRequest = (r: { method(): string; url(): string }) => {
        if (r.method() === 'PUT' || r.method() === 'POST') puts.push(`${r.method()} ${r.url()}`);
      };
      page.on('request', onRequest);

      await page.getByLabel('Código').fill('realidad virtual');
      await page.getByLabel('Nombre').fill(NEW_NAME);
      await page.getByLabel('Categoría').fill(NEW_CATEGORY);
      await page.getByLabel('Grupo resolutor').fill('Laboratorio de cómputo');
      await page.getByLabel('Tipo', { exact: true }).selectOption({ label: 'Petición' });
      await page.getByLabel('Urgencia predeterminada').selectOption({ label: 'Baja' });
      for (const example of FIRST_EXAMPLES) await addItem(page, 'Nuevo ejemplo', example);
      await page.getByRole('button', { name: 'Guardar en el borrador' }).click();

      const code = page.getByLabel('Código');
      const codeError = page.locator(`#${await code.getAttribute('id')}-error`);
      await codeError.waitFor({ state: 'visible', timeout: WAIT_MS });
      expect(await codeError.innerText()).toMatch(/MAYÚSCULAS/);
      expect(await code.getAttribute('aria-invalid')).toBe('true');
      // The summary takes the focus and links to the field.
      expect(await focused(page)).toMatch(/form-summary/);
      await page.locator('.form-summary').getByRole('link', { name: /^Código:/ }).click();
      expect(await focused(page)).toBe(`input#${await code.getAttribute('id')}.input--code`);
      expect(puts).toEqual([]);

      // A code that exists already is refused as well.
      const existing = (seeded.catalog.services[0] as Service).code;
      await code.fill(existing);
      await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
      await codeError.getByText(`Ya existe un servicio con el código ${existing}.`).waitFor({ timeout: WAIT_MS });
      expect(puts).toEqual([]);

      await code.fill(NEW_CODE);
      await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
      await page.getByRole('heading', { name: 'Servicios', level: 2 }).waitFor({ timeout: WAIT_MS });
      page.off('request', onRequest);
      expect(puts).toEqual([`POST ${running.baseUrl}/api/catalog/draft/services`]);
      await toastWith(page, `Se guardó el servicio ${NEW_CODE} en el borrador.`).waitFor({ timeout: WAIT_MS });

      const row = page.locator(`tr[data-code="${NEW_CODE}"]`);
      await row.waitFor({ timeout: WAIT_MS });
      expect(await row.locator('td').first().innerText()).toBe(NEW_NAME);
      expect(await row.locator('[data-examples]').innerText()).toBe(String(FIRST_EXAMPLES.length));
      expect(await page.locator('[data-draft-state]').getAttribute('data-draft-state')).toBe('changed');
      expect(await page.getByRole('button', { name: 'Publicar…' }).isEnabled()).toBe(true);

      const draft = await apiGet<Draft>(page, '/api/catalog/draft');
      expect(draft.changed).toBe(true);
      expect(draft.catalog.services.find((s) => s.code === NEW_CODE)).toEqual({
        code: NEW_CODE,
        name: NEW_NAME,
        category: NEW_CATEGORY,
        scope: 'sai',
        kind: 'request',
        resolverGroup: 'Laboratorio de cómputo',
        examples: FIRST_EXAMPLES,
        selfHelp: [],
        diagnostics: [],
        defaultUrgency: 'low',
        active: true,
      });
    });

    it('edits the examples, and shows the server’s objections next to the field they name', async () => {
      await page.locator(`tr[data-code="${NEW_CODE}"]`).getByRole('link', { name: NEW_CODE }).click();
      await page.getByRole('heading', { name: `Editar servicio ${NEW_CODE}`, level: 2 }).waitFor({ timeout: WAIT_MS });
      const legend = page.locator('fieldset[data-list="examples"] legend');
      expect(await legend.innerText()).toBe(`Ejemplos de cómo lo piden (${FIRST_EXAMPLES.length} ejemplos)`);
      const warning = page.locator('fieldset[data-list="examples"] .field__warning');
      expect(await warning.innerText()).toMatch(/al menos 8 ejemplos.*faltan 3/);

      // Remove the 2nd example, add four: 8 in all, and the warning goes away.
      await page.getByRole('button', { name: 'Quitar: Ejemplo 2' }).click();
      const added = ['se rompió la correa del visor de realidad virtual', 'préstamo de cascos de realidad virtual', 'los controles de realidad virtual no tienen pila', 'quiero usar el visor de realidad virtual en el auditorio'];
      for (const example of added) await addItem(page, 'Nuevo ejemplo', example);
      await page.getByRole('textbox', { name: 'Ejemplo 1', exact: true }).fill('quiero pedir prestado un visor de realidad virtual');
      expect(await legend.innerText()).toBe('Ejemplos de cómo lo piden (8 ejemplos)');
      expect(await warning.isHidden()).toBe(true);
      expect(await page.locator('.editor__dirty').innerText()).toBe('Cambios sin guardar.');

      // Two diagnostic questions with the same identifier: only the server checks that.
      for (const question of ['¿El visor enciende?', '¿El visor carga la batería?']) {
        await page.getByRole('button', { name: 'Agregar pregunta' }).click();
        const box = page.locator('fieldset.diagnostic').last();
        await box.getByLabel(/^Pregunta\b/).fill(question);
        await box.getByLabel('Identificador').fill('visor-enciende');
      }
      const response = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/services/${NEW_CODE}`));
      await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
      const refused = await response;
      expect(refused.status()).toBe(400);
      const body = (await refused.json()) as { error: { code: string; message: string; details?: { path: string; message: string }[] } };
      expect(body.error.code).toBe('InvalidCatalog');
      expect(body.error.details).toEqual([expect.objectContaining({ path: 'diagnostics[1].id' })]);
      const second = page.locator('fieldset.diagnostic').nth(1);
      const idError = second.locator('.field__error').filter({ hasText: body.error.details?.[0]?.message ?? '(none)' });
      await idError.waitFor({ state: 'visible', timeout: WAIT_MS });
      expect(await second.getByLabel('Identificador').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('fieldset.diagnostic').first().getByLabel('Identificador').getAttribute('aria-invalid')).toBeNull();
      expect(await page.locator('.form-summary').innerText()).toContain('(diagnostics[1].id)');

      // Drop the second question; a choice question needs two options (checked in the browser).
      await page.getByRole('button', { name: 'Quitar pregunta 2' }).click();
      const first = page.locator('fieldset.diagnostic').first();
      await first.getByLabel('Tipo de respuesta').selectOption({ label: 'Opción de una lista' });
      await first.getByLabel('Nueva opción').fill('Sí, pero no muestra imagen');
      await first.getByLabel('Nueva opción').press('Enter');
      await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
      await first.locator('[data-error-for="diagnostics[0].options"]').getByText('al menos 2 opciones').waitFor({ timeout: WAIT_MS });
      await first.getByLabel('Nueva opción').fill('No enciende');
      await first.getByLabel('Nueva opción').press('Enter');

      await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
      await page.getByRole('heading', { name: 'Servicios', level: 2 }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator(`tr[data-code="${NEW_CODE}"] [data-examples]`).innerText()).toBe('8');
      const saved = (await apiGet<Draft>(page, '/api/catalog/draft')).catalog.services.find((s) => s.code === NEW_CODE);
      expect(saved?.examples).toEqual(['quiero pedir prestado un visor de realidad virtual', ...FIRST_EXAMPLES.slice(2), ...added]);
      expect(saved?.diagnostics).toEqual([{ id: 'visor-enciende', question: '¿El visor enciende?', answer: 'choice', options: ['Sí, pero no muestra imagen', 'No enciende'] }]);
    });

    it('«Probar» routes one phrase with the draft and with the published catalog, side by side', async () => {
      await page.getByRole('link', { name: 'Probar' }).click();
      await page.getByRole('heading', { name: 'Probar', level: 2 }).waitFor({ timeout: WAIT_MS });
      const routed = page.waitForResponse((r) => r.url().endsWith('/api/catalog/route') && r.request().postDataJSON()?.target === 'published');
      await page.getByLabel('Frase de prueba').fill(PROBE);
      await page.getByLabel('Frase de prueba').press('Enter');
      const published = (await (await routed).json()) as { decision: string; code: string | null; confidence: number };

      const draftColumn = page.locator('[data-target="draft"]');
      const publishedColumn = page.locator('[data-target="published"]');
      await draftColumn.waitFor({ timeout: WAIT_MS });
      expect(await draftColumn.locator('dd[data-code]').getAttribute('data-code')).toBe(NEW_CODE);
      expect(await draftColumn.locator('dd[data-code]').innerText()).toBe(`${NEW_CODE} — ${NEW_NAME}`);
      expect(await draftColumn.locator('[data-decision]').innerText()).toBe('Servicio');
      expect(await draftColumn.locator('[data-confidence]').innerText()).toMatch(/^\d{1,3} %$/);
      expect(await publishedColumn.locator('h3').innerText()).toBe(`Versión publicada (v${seeded.publishedVersion})`);
      expect(await publishedColumn.locator('dd[data-code]').getAttribute('data-code')).toBe(published.code ?? '');
      expect(published.code).not.toBe(NEW_CODE);
      const labels: Record<string, string> = { service: 'Servicio', informative: 'Informativo', out_of_scope: 'Fuera de ámbito', ambiguous: 'Ambiguo' };
      expect(await publishedColumn.locator('[data-decision]').innerText()).toBe(labels[published.decision]);
      expect(await publishedColumn.locator('[data-confidence]').innerText()).toBe(`${Math.round(published.confidence * 100)} %`);
      expect(await page.locator('[data-comparison]').getAttribute('data-comparison')).toBe('different');
    });

    it('publishes the draft with a note: the published version goes up by one', async () => {
      await page.getByRole('button', { name: 'Publicar…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Publicar el borrador' });
      await dialog.waitFor({ timeout: WAIT_MS });
      await dialog.getByText(`Cambios respecto de v${seeded.publishedVersion}: 1 servicio nuevo, 0 eliminados, 0 modificados.`).waitFor({ timeout: WAIT_MS });
      expect(await focused(page)).toBe('textarea#publish-note');
      await dialog.getByLabel('Nota de la versión (opcional)').fill('Alta del préstamo de visores de realidad virtual');
      await dialog.getByRole('button', { name: 'Publicar', exact: true }).click();
      await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });

      const next = (seeded.publishedVersion as number) + 1;
      await toastWith(page, `Se publicó la versión ${next}.`).waitFor({ timeout: WAIT_MS });
      await page.locator(`[data-published-version="${next}"]`).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('[data-draft-state]').getAttribute('data-draft-state')).toBe('clean');
      const draft = await apiGet<Draft>(page, '/api/catalog/draft');
      expect(draft.publishedVersion).toBe(next);
      expect(draft.changed).toBe(false);
    });

    it('shows the new version in the history, and its diff names the added service', async () => {
      const next = (seeded.publishedVersion as number) + 1;
      await page.getByRole('link', { name: 'Historial de versiones' }).click();
      await page.getByRole('heading', { name: 'Historial de versiones', level: 2 }).waitFor({ timeout: WAIT_MS });
      const rows = page.locator('table.versions-table tbody tr');
      await rows.first().waitFor({ timeout: WAIT_MS });
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-version')))).toEqual([String(next), String(next - 1)]);
      const cells = await rows.first().locator('th, td').allInnerTexts();
      expect(cells[0]).toBe(`v${next}`);
      expect(cells[1]).toMatch(/\d{4}/); // a date, as Mexico City reads it
      expect(cells[2]).toBe(COORDINATOR.email);
      expect(cells[3]).toBe('Publicación');
      expect(cells[4]).toBe('Alta del préstamo de visores de realidad virtual');
      expect(cells[5]).toBe('1 agregado');
      expect(await rows.nth(1).locator('td').nth(2).innerText()).toBe('Catálogo inicial');
      expect(await rows.first().getByRole('button', { name: /Restaurar/ }).count()).toBe(0);

      await page.getByRole('button', { name: `Ver cambios de la versión ${next}` }).click();
      const region = page.locator('#history-diff');
      await region.getByRole('heading', { name: `Cambios de la versión ${next} respecto de la ${next - 1}` }).waitFor({ timeout: WAIT_MS });
      await region.locator(`[data-diff="added"] li[data-code="${NEW_CODE}"]`).waitFor({ timeout: WAIT_MS });
      expect(await region.locator(`[data-diff="added"] li[data-code="${NEW_CODE}"]`).innerText()).toBe(`${NEW_CODE} — ${NEW_NAME}`);
      expect(await region.locator('[data-diff="removed"], [data-diff="changed"]').count()).toBe(0);
      expect(await focused(page)).toBe('h3#diff-title');
    });

    it('restores the previous version as a new one, and the new service is gone', async () => {
      const before = (seeded.publishedVersion as number);
      const restored = before + 2;
      await page.getByRole('button', { name: `Restaurar la versión ${before}` }).click();
      const dialog = page.getByRole('dialog', { name: `Restaurar la versión ${before}` });
      await dialog.waitFor({ timeout: WAIT_MS });
      await dialog.getByLabel('Motivo (opcional)').fill('Se pospone el préstamo de visores');
      await dialog.getByRole('button', { name: 'Restaurar y publicar' }).click();
      await toastWith(page, `Se restauró la versión ${before} como versión ${restored}.`).waitFor({ timeout: WAIT_MS });

      const rows = page.locator('table.versions-table tbody tr');
      await page.locator(`table.versions-table tr[data-version="${restored}"]`).waitFor({ timeout: WAIT_MS });
      const cells = await rows.first().locator('th, td').allInnerTexts();
      expect(cells.slice(0, 6)).toEqual([`v${restored}`, expect.any(String), COORDINATOR.email, 'Restauración', 'Se pospone el préstamo de visores', '1 eliminado']);
      expect(await page.locator('[data-published-version]').innerText()).toBe(`v${restored}`);

      await page.getByRole('navigation', { name: 'Partes del catálogo' }).getByRole('link', { name: /^Servicios/ }).click();
      await page.locator('table.services-table tbody tr').first().waitFor({ timeout: WAIT_MS });
      expect(await shownCodes(page)).not.toContain(NEW_CODE);
      expect((await shownCodes(page)).sort()).toEqual(seeded.catalog.services.map((s) => s.code).sort());
      const version = await apiGet<{ catalog: CatalogFile }>(page, `/api/catalog/versions/${restored}`);
      expect(version.catalog.services.map((s) => s.code)).not.toContain(NEW_CODE);
    });

    it('lists every problem of an invalid import file with its path, and changes nothing', async () => {
      const versionsBefore = await apiGet<Versions>(page, '/api/catalog/versions');
      const draftBefore = await apiGet<Draft>(page, '/api/catalog/draft');
      await page.getByRole('link', { name: 'Importar y exportar' }).click();
      await page.getByRole('heading', { name: 'Importar', level: 2 }).waitFor({ timeout: WAIT_MS });

      const input = page.getByLabel('Archivo de catálogo (.json)');
      await input.setInputFiles({ name: 'roto.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "ventanilla.catalog/v1", ') });
      await page.locator('[data-import-result="invalid"]').getByText(/roto\.json no es JSON válido/).waitFor({ timeout: WAIT_MS });

      const bad = structuredClone(draftBefore.catalog) as unknown as Record<string, unknown> & { services: Record<string, unknown>[] };
      (bad.services[0] as Record<string, unknown>).kind = 'bug';
      (bad.services[0] as Record<string, unknown>).color = 'rojo';
      (bad.services[1] as Record<string, unknown>).examples = [];
      bad.services.push({ ...(bad.services[2] as Record<string, unknown>) });
      await input.setInputFiles({ name: 'catalogo-malo.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
      const result = page.locator('[data-import-result="invalid"]');
      await result.getByText(/catalogo-malo\.json no es un catálogo válido: 4 problemas/).waitFor({ timeout: WAIT_MS });
      const paths = await result.locator('.problem__path').allInnerTexts();
      expect(paths.sort()).toEqual(['services[0].color', 'services[0].kind', 'services[1].examples', `services[${bad.services.length - 1}].code`].sort());
      expect(await page.getByRole('button', { name: 'Publicar ahora' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Guardar como borrador' }).count()).toBe(0);

      expect(await apiGet<Versions>(page, '/api/catalog/versions')).toEqual(versionsBefore);
      expect(await apiGet<Draft>(page, '/api/catalog/draft')).toEqual(draftBefore);
    });

    it('exports the published catalog and the draft as JSON files', async () => {
      const draft = await apiGet<Draft>(page, '/api/catalog/draft');
      const link = page.getByRole('link', { name: `Descargar versión publicada (v${draft.publishedVersion})` });
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), link.click()]);
      expect(download.suggestedFilename()).toBe(`catalogo-v${draft.publishedVersion}.json`);
      const file = JSON.parse(fs.readFileSync((await download.path()) as string, 'utf8')) as CatalogFile;
      expect(file.format).toBe('ventanilla.catalog/v1');
      expect(file.services.map((s) => s.code).sort()).toEqual(draft.catalog.services.map((s) => s.code).sort());

      const [draftDownload] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), page.getByRole('link', { name: 'Descargar borrador' }).click()]);
      const draftFile = JSON.parse(fs.readFileSync((await draftDownload.path()) as string, 'utf8')) as CatalogFile;
      expect(draftFile.format).toBe('ventanilla.catalog/v1');
      expect(draftFile).toEqual(draft.catalog);
    });

    it('saves the general settings to the draft, then discards the draft', async () => {
      const published = await apiGet<Draft>(page, '/api/catalog/draft');
      expect(published.changed).toBe(false);
      await page.getByRole('link', { name: 'Ajustes generales' }).click();
      await page.getByRole('heading', { name: 'Ajustes generales', level: 2 }).waitFor({ timeout: WAIT_MS });
      expect(await page.getByLabel(/^Teléfono al que se orienta/).inputValue()).toBe(published.catalog.referral.phone);

      // An empty phone is refused in the browser, next to the field.
      const phone = page.getByLabel(/^Teléfono al que se orienta/);
      await phone.fill('');
      await page.getByRole('button', { name: 'Guardar ajustes en el borrador' }).click();
      await page.locator(`#${await phone.getAttribute('id')}-error`).getByText('Campo obligatorio.').waitFor({ timeout: WAIT_MS });
      expect(await phone.getAttribute('aria-invalid')).toBe('true');

      await phone.fill('55 5000 1234');
      await addItem(page, 'Nuevo ejemplo fuera de ámbito', 'quiero tramitar mi credencial de la biblioteca');
      await page.getByRole('button', { name: 'Guardar ajustes en el borrador' }).click();
      await toastWith(page, 'Se guardaron los ajustes en el borrador.').waitFor({ timeout: WAIT_MS });
      await page.locator('[data-draft-state="changed"]').waitFor({ timeout: WAIT_MS });
      const edited = await apiGet<Draft>(page, '/api/catalog/draft');
      expect(edited.catalog.referral).toEqual({ message: published.catalog.referral.message, phone: '55 5000 1234' });
      expect(edited.catalog.outOfScope.examples).toEqual([...published.catalog.outOfScope.examples, 'quiero tramitar mi credencial de la biblioteca']);
      expect(edited.catalog.services).toEqual(published.catalog.services);

      await page.getByRole('button', { name: 'Descartar borrador' }).click();
      const dialog = page.getByRole('dialog', { name: 'Descartar el borrador' });
      await dialog.getByRole('button', { name: 'Descartar cambios' }).click();
      await toastWith(page, 'Se descartó el borrador; ahora es igual a la versión publicada.').waitFor({ timeout: WAIT_MS });
      await page.locator('[data-draft-state="clean"]').waitFor({ timeout: WAIT_MS });
      expect(await page.getByLabel(/^Teléfono al que se orienta/).inputValue()).toBe(published.catalog.referral.phone);
      const discarded = await apiGet<Draft>(page, '/api/catalog/draft');
      expect(discarded.changed).toBe(false);
      expect(discarded.catalog).toEqual(published.catalog);
    });

    it('«Probar» teaches a phrase to the service it belongs to, in the draft, and routes it again', async () => {
      const before = await apiGet<Draft>(page, '/api/catalog/draft');
      expect(before.changed).toBe(false);
      await page.getByRole('link', { name: 'Probar' }).click();
      await page.getByRole('heading', { name: 'Probar', level: 2 }).waitFor({ timeout: WAIT_MS });
      const phrase = 'ocupo que me presten una tableta para la práctica de mañana';
      await page.getByLabel('Frase de prueba').fill(phrase);
      await page.getByLabel('Frase de prueba').press('Enter');
      const draftColumn = page.locator('[data-target="draft"]');
      await draftColumn.waitFor({ timeout: WAIT_MS });
      const routedTo = await draftColumn.locator('dd[data-code]').getAttribute('data-code');
      // Teach it to a service the router did not pick.
      const target = before.catalog.services.find((s) => s.active && s.code !== routedTo) as Service;
      await page.getByLabel('Debe atenderse como').selectOption(target.code);
      await page.getByRole('button', { name: 'Agregar como ejemplo en el borrador' }).click();
      await toastWith(page, `Se agregó la frase como ejemplo de ${target.code} en el borrador.`).waitFor({ timeout: WAIT_MS });
      await page.locator('[data-draft-state="changed"]').waitFor({ timeout: WAIT_MS });
      const taught = await apiGet<Draft>(page, '/api/catalog/draft');
      expect(taught.catalog.services.find((s) => s.code === target.code)?.examples.at(-1)).toBe(phrase);
      // The panel routes the phrase again with the retrained draft.
      await page.locator(`[data-target="draft"] dd[data-code="${target.code}"]`).waitFor({ timeout: WAIT_MS });

      // Teaching the same phrase twice adds nothing.
      await page.getByLabel('Debe atenderse como').selectOption(target.code);
      await page.getByRole('button', { name: 'Agregar como ejemplo en el borrador' }).click();
      await toastWith(page, `La frase ya es un ejemplo de ${target.code}.`).waitFor({ timeout: WAIT_MS });
      expect((await apiGet<Draft>(page, '/api/catalog/draft')).catalog).toEqual(taught.catalog);

      await page.getByRole('button', { name: 'Descartar borrador' }).click();
      await page.getByRole('dialog', { name: 'Descartar el borrador' }).getByRole('button', { name: 'Descartar cambios' }).click();
      await page.locator('[data-draft-state="clean"]').waitFor({ timeout: WAIT_MS });
    });

    it('signs out', async () => {
      await page.getByRole('button', { name: 'Cerrar sesión' }).click();
      await page.getByRole('heading', { name: 'Iniciar sesión', level: 1 }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('#topbar').isHidden()).toBe(true);
      expect((await page.request.get('/api/auth/me')).status()).toBe(401);
    });
  });

  it('lands an agent on «Atención», without the catalog in the menu, and tells them the account cannot edit it', async () => {
    const context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 800, height: 900 } });
    try {
      const { page, problems } = await openWatched(context);
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, AGENT.email, AGENT.password);
      await page.getByRole('heading', { name: 'Atención', level: 1 }).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('#mainnav').getByRole('link', { name: 'Catálogo de servicios' }).count()).toBe(0);
      await page.goto(`${running.baseUrl}/console/catalogo`);
      const alert = page.getByRole('alert').filter({ hasText: 'Su cuenta no tiene permiso para editar el catálogo' });
      await alert.waitFor({ timeout: WAIT_MS });
      expect(await page.locator('#session-role').innerText()).toBe('Agente');
      expect(await page.locator('table.services-table').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Publicar…' }).count()).toBe(0);
      expect(new URL(page.url()).pathname).toBe('/console/catalogo');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** Waits until the table shows exactly `codes` (in any order). */
async function expectCodes(page: Page, codes: string[]): Promise<void> {
  const want = [...codes].sort();
  await page.waitForFunction(
    (expected) => {
      const shown = Array.from(document.querySelectorAll('table.services-table tbody tr')).map((r) => r.getAttribute('data-code') ?? '');
      return JSON.stringify(shown.sort()) === JSON.stringify(expected);
    },
    want,
    { timeout: 5000 },
  ).catch(() => undefined);
  expect((await shownCodes(page)).sort()).toEqual(want);
}

async function addItem(page: Page, fieldLabel: string, text: string): Promise<void> {
  const input = page.getByLabel(fieldLabel, { exact: true });
  await input.fill(text);
  await input.press('Enter');
}
