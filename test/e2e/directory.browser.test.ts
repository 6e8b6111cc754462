import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DirectoryService } from '../../services/directory/directory.service';
import { apiGet, launchChromium, openWatched, signIn, toastWith, WAIT_MS, type Complaints } from '../support/console-driver';
import type { RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';
import { startDirectoryApp } from '../integration/directory-app';

/**
 * The coordinators' «Directorio» in a real browser against the real application: the list and its search, editing an
 * entry, a new one refused then accepted, taking one out, trying the switchboard lookup, importing a CSV file, and
 * the section hidden from an agent. The steps run in order on one page.
 */

const FIXTURE = fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'directory.csv'), 'utf8');
const COORDINATOR = { email: 'coordinacion@example.mx', password: 'ContrasenaSegura123', displayName: 'Laura Méndez' };
const AGENT = { email: 'agente@example.mx', password: 'OtraContrasena456', displayName: 'Pedro Ruiz' };

interface Entry {
  id: string;
  name: string;
  extension: string | null;
  availability: string;
  availabilityNote: string | null;
  active: boolean;
  route: unknown;
}

const rowsShown = (page: Page) => page.locator('table.directory-table tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('th')?.textContent ?? ''));

describe(`coordinators' directory console in a real browser (database: ${defaultBackend()})`, () => {
  let browser: Browser;
  let running: RunningApp;
  let directory: DirectoryService;
  let tmp: string;

  beforeAll(async () => {
    browser = await launchChromium();
    ({ running, directory } = await startDirectoryApp());
    await running.app.users.create({ ...COORDINATOR, role: 'coordinator', actor: 'test' });
    await running.app.users.create({ ...AGENT, role: 'agent', actor: 'test' });
    expect((await directory.importCsv('test', FIXTURE)).errors).toEqual([]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-directory-e2e-'));
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('as a coordinator', () => {
    let context: BrowserContext;
    let watched: Complaints;
    let page: Page;

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

    it('reaches «Directorio» from the navigation and lists the active entries, areas first', async () => {
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, COORDINATOR.email, COORDINATOR.password);
      const nav = page.getByRole('navigation', { name: 'Secciones de la consola' });
      await nav.getByRole('link', { name: 'Directorio' }).click();
      await page.getByRole('heading', { name: 'Directorio del conmutador', level: 1 }).waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).pathname).toBe('/console/directorio');
      expect(await nav.getByRole('link', { name: 'Directorio' }).getAttribute('aria-current')).toBe('page');
      await page.locator('table.directory-table tbody tr').first().waitFor({ timeout: WAIT_MS });
      const names = await rowsShown(page);
      expect(names).toHaveLength(54);
      expect(names[0]).toBe('Adquisiciones');
      expect(names).toContain('Lic. María Pérez Gómez');
      expect(await page.locator('.list__count').innerText()).toBe('54 entradas (54 activas)');
      expect(await page.title()).toBe('Directorio del conmutador — Consola Ventanilla');
    });

    it('searches by name, alias or extension, accents and case aside', async () => {
      const search = page.getByRole('searchbox', { name: 'Buscar' });
      await search.fill('PEREZ');
      await page.waitForFunction(() => document.querySelectorAll('table.directory-table tbody tr').length === 2);
      expect((await rowsShown(page)).sort()).toEqual(['Ing. Mario Pérez Luna', 'Lic. María Pérez Gómez']);
      await search.fill('lupita');
      await page.waitForFunction(() => document.querySelectorAll('table.directory-table tbody tr').length === 1);
      expect(await rowsShown(page)).toEqual(['Guadalupe Vázquez Cervantes']);
      await search.fill('45001');
      await page.waitForFunction(() => document.querySelectorAll('table.directory-table tbody tr').length === 1);
      expect(await rowsShown(page)).toEqual(['Ing. Jorge Ramírez Soto']);
      await page.getByLabel('Tipo').selectOption({ label: 'Área' });
      await page.getByText('Ninguna entrada coincide con la búsqueda y los filtros.').waitFor({ timeout: WAIT_MS });
      await page.getByLabel('Tipo').selectOption({ label: 'Todos' });
      await search.fill('');
    });

    it('edits an entry: availability and its note, saved at once and seen by the switchboard lookup', async () => {
      await page.getByRole('link', { name: 'Lic. María Pérez Gómez' }).click();
      await page.getByRole('heading', { name: 'Editar: María Pérez Gómez' }).waitFor({ timeout: WAIT_MS });
      expect(await page.getByLabel('Extensión').inputValue()).toBe('42500');
      expect(await page.getByLabel('Dirección SIP').inputValue()).toBe('sip:42500@pbx.cau.example.gob.mx');
      expect(await page.getByLabel('NIP nuevo').inputValue()).toBe('');
      await page.getByLabel('Disponibilidad', { exact: true }).selectOption({ label: 'No disponible' });
      await page.getByLabel('Nota de disponibilidad').fill('Está de vacaciones hasta el 3 de diciembre.');
      await page.getByText('Cambios sin guardar.').waitFor({ timeout: WAIT_MS });
      await page.getByRole('button', { name: 'Guardar' }).click();
      await toastWith(page, 'Se guardó María Pérez Gómez en el directorio.').waitFor({ timeout: WAIT_MS });
      await page.getByRole('heading', { name: 'Personas y áreas' }).waitFor({ timeout: WAIT_MS });
      const [match] = await directory.lookup('la licenciada María Pérez');
      expect(match?.entry).toMatchObject({ availability: 'unavailable', availabilityNote: 'Está de vacaciones hasta el 3 de diciembre.', hasPin: true });
      const row = page.locator('table.directory-table tbody tr', { hasText: 'María Pérez Gómez' });
      expect(await row.locator('.badge').innerText()).toBe('No disponible');
    });

    it('refuses a new entry on an extension already taken, next to the field, then saves it', async () => {
      await page.getByRole('link', { name: 'Nueva entrada' }).click();
      await page.getByRole('heading', { name: 'Nueva entrada' }).waitFor({ timeout: WAIT_MS });
      await page.getByLabel('Nombre').fill('Tomás Ibáñez Ruiz');
      await page.getByLabel('Título').fill('Ing.');
      await page.getByLabel('Género').selectOption({ label: 'Masculino (el)' });
      await page.getByLabel('Área', { exact: true }).fill('Tecnologías de la Información');
      await page.getByLabel('Alias').fill('Tommy\nel ingeniero Tomás');
      await page.getByLabel('Extensión').fill('42500');
      await page.getByLabel('Ruta de la llamada').selectOption({ label: 'Número telefónico' });
      await page.getByLabel('Número', { exact: true }).fill('+525553001234');
      await page.getByLabel('Dígitos a enviar al contestar').fill('ww45300');
      await page.getByRole('button', { name: 'Guardar' }).click();
      const error = page.locator('[data-error-for="extension"]');
      await error.getByText('La extensión 42500 ya es de María Pérez Gómez.').waitFor({ timeout: WAIT_MS });
      expect(await page.getByLabel('Extensión').getAttribute('aria-invalid')).toBe('true');
      await page.getByLabel('Extensión').fill('45300');
      await page.getByRole('button', { name: 'Guardar' }).click();
      await toastWith(page, 'Se guardó Tomás Ibáñez Ruiz en el directorio.').waitFor({ timeout: WAIT_MS });
      const { entries } = await apiGet<{ entries: Entry[] }>(page, '/api/directory?q=Tomás');
      expect(entries[0]).toMatchObject({ name: 'Tomás Ibáñez Ruiz', extension: '45300', route: { kind: 'pstn', number: '+525553001234', sendDigits: 'ww45300' } });
      expect((await directory.lookup('con el ingeniero Tomás Ibáñez'))[0]?.entry.name).toBe('Tomás Ibáñez Ruiz');
    });

    it('takes an entry out after confirming, and can bring it back', async () => {
      await page.getByRole('searchbox', { name: 'Buscar' }).fill('tomas');
      await page.getByRole('link', { name: 'Ing. Tomás Ibáñez Ruiz' }).click();
      await page.getByRole('button', { name: 'Dar de baja…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Dar de baja a Tomás Ibáñez Ruiz' });
      await dialog.waitFor({ timeout: WAIT_MS });
      await dialog.getByRole('button', { name: 'Dar de baja' }).click();
      await toastWith(page, 'Se dio de baja a Tomás Ibáñez Ruiz.').waitFor({ timeout: WAIT_MS });
      expect(await rowsShown(page)).not.toContain('Ing. Tomás Ibáñez Ruiz');
      expect(await directory.byExtension('45300')).toBeNull();
      await page.getByLabel('Estado').selectOption({ label: 'Dadas de baja' });
      await page.getByRole('link', { name: 'Ing. Tomás Ibáñez Ruiz' }).click();
      await page.getByRole('button', { name: 'Reactivar' }).click();
      await toastWith(page, 'Se reactivó a Tomás Ibáñez Ruiz.').waitFor({ timeout: WAIT_MS });
      expect((await directory.byExtension('45300'))?.name).toBe('Tomás Ibáñez Ruiz');
      await page.getByLabel('Estado').selectOption({ label: 'Activas' });
      await page.getByRole('searchbox', { name: 'Buscar' }).fill('');
    });

    it('tries the switchboard lookup as a caller would say it', async () => {
      await page.getByRole('link', { name: 'Probar búsqueda' }).click();
      await page.getByRole('heading', { name: 'Probar búsqueda' }).waitFor({ timeout: WAIT_MS });
      await page.getByLabel('Lo que dice quien llama').fill('con el ingeniero Jorge Ramírez de sistemas');
      await page.getByRole('button', { name: 'Buscar' }).click();
      await page.locator('[data-outcome="confident"]').waitFor({ timeout: WAIT_MS });
      const first = page.locator('.try__result tbody tr').first();
      expect(await first.locator('th').innerText()).toBe('Jorge Ramírez Soto');
      expect(await first.innerText()).toContain('«el Ing. Jorge Ramírez Soto»');
      await page.getByLabel('Lo que dice quien llama').fill('Ramírez');
      await page.getByRole('button', { name: 'Buscar' }).click();
      await page.locator('[data-outcome="ambiguous"]').waitFor({ timeout: WAIT_MS });
    });

    it('imports a CSV file: a bad one is refused line by line, a good one previewed then applied', async () => {
      await page.getByRole('link', { name: 'Importar y exportar' }).click();
      await page.getByRole('heading', { name: 'Importar', exact: true }).waitFor({ timeout: WAIT_MS });
      const download = page.waitForEvent('download');
      await page.locator('[data-export="directory"]').click();
      const exported = fs.readFileSync(await (await download).path(), 'utf8');
      expect(exported).toContain('persona,Tomás Ibáñez Ruiz,Ing.,M,Tecnologías de la Información');

      const bad = path.join(tmp, 'malo.csv');
      fs.writeFileSync(bad, 'tipo,nombre,extension\npersona,Alguien Más,42500\n');
      await page.getByLabel('Archivo del directorio (.csv)').setInputFiles(bad);
      const refused = page.locator('[data-import-result="invalid"]');
      await refused.waitFor({ timeout: WAIT_MS });
      expect(await refused.innerText()).toContain('La extensión 42500 ya es de María Pérez Gómez.');

      const good = path.join(tmp, 'bueno.csv');
      fs.writeFileSync(good, `${exported.replace(/^\uFEFF/, '').trimEnd()}\r\npersona,Zoila Quintanar Ugalde,Lic.,F,Finanzas,Analista,,44400,,,disponible,,,,no,\r\n`);
      await page.getByLabel('Archivo del directorio (.csv)').setInputFiles(good);
      const preview = page.locator('[data-import-result="valid"]');
      await preview.waitFor({ timeout: WAIT_MS });
      expect(await preview.locator('[data-count="created"]').innerText()).toBe('1');
      expect(await preview.locator('[data-count="unchanged"]').innerText()).toBe('55');
      expect(await directory.byExtension('44400')).toBeNull();
      await preview.getByRole('button', { name: 'Importar' }).click();
      await toastWith(page, 'Directorio importado: 1 nuevas, 0 actualizadas, 0 dadas de baja.').waitFor({ timeout: WAIT_MS });
      await page.getByRole('heading', { name: 'Personas y áreas' }).waitFor({ timeout: WAIT_MS });
      expect(await rowsShown(page)).toContain('Lic. Zoila Quintanar Ugalde');
      expect((await directory.byExtension('44400'))?.name).toBe('Zoila Quintanar Ugalde');
    });
  });

  it('does not offer «Directorio» to an agent', async () => {
    const context = await browser.newContext({ baseURL: running.baseUrl, locale: 'es-MX' });
    try {
      const watched = await openWatched(context);
      const page = watched.page;
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, AGENT.email, AGENT.password);
      const nav = page.getByRole('navigation', { name: 'Secciones de la consola' });
      await nav.getByRole('link').first().waitFor({ timeout: WAIT_MS });
      expect(await nav.getByRole('link', { name: 'Directorio' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
