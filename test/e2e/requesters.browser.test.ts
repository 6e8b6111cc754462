import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { RequesterRoutes } from '../../console/api/requester.routes';
import { RequesterAdminRepository, type Db } from '../../models';
import { conversations, requesterIdentities, requesters } from '../../models/schema';
import { RequesterAdminService } from '../../services/requesters/requester-admin.service';
import { apiGet, focused, launchChromium, openWatched, signIn, toastWith, WAIT_MS, type Complaints } from '../support/console-driver';
import { startApp, type RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';

/**
 * The coordinators' «Solicitantes» in a real browser against the real application: search, open a record, merge
 * another record into it («Fusionar con…»), follow an old link to the survivor, split an identity off again
 * («Separar…»), checking the API's state after each change; and the section hidden from an agent.
 */

const COORDINATOR = { email: 'coordinacion@example.mx', password: 'ContrasenaSegura123', displayName: 'Laura Méndez' };
const AGENT = { email: 'agente@example.mx', password: 'OtraContrasena456', displayName: 'Pedro Ruiz' };
const HOSTILE_NAME = '<img src=x onerror="window.__hacked=1">Zacarías';

interface Detail {
  id: string;
  name: string | null;
  phone: string | null;
  identities: Array<{ kind: string; value: string; verified: boolean; proof: string | null }>;
  tickets: Array<{ number: string }>;
}

/** The app with the requesters API: the one the container wires (`app.requesterAdmin`), or one over its database. */
async function startRequesterApp(): Promise<RunningApp> {
  const running = await startApp();
  const wired: unknown = Reflect.get(running.app, 'requesterAdmin');
  if (wired instanceof RequesterAdminService) return running;
  const requesterAdmin = new RequesterAdminService({ repo: new RequesterAdminRepository(running.app.database.db), clock: { now: () => new Date() } });
  new RequesterRoutes({ sessions: running.app.sessions, requesters: requesterAdmin }).register(running.app.server);
  return running;
}

async function person(db: Db, fields: Partial<typeof requesters.$inferInsert>, identities: Array<{ kind: string; value: string; proof: string }>): Promise<string> {
  const [row] = await db.insert(requesters).values(fields).returning();
  for (const i of identities) await db.insert(requesterIdentities).values({ kind: i.kind, value: i.value, requesterId: row!.id, verified: true, proof: i.proof });
  return row!.id;
}

describe(`coordinators' requester records in a real browser (database: ${defaultBackend()})`, () => {
  let browser: Browser;
  let running: RunningApp;
  let ana: string;
  let anita: string;
  const numbers: Record<string, string> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    running = await startRequesterApp();
    const { app } = running;
    await app.users.create({ ...COORDINATOR, role: 'coordinator', actor: 'test' });
    await app.users.create({ ...AGENT, role: 'agent', actor: 'test' });
    const db = app.database.db;
    ana = await person(db, { name: 'Ana López Gómez', unitName: 'Escuela Superior de Cómputo', role: 'docente', email: 'ana.lopez@escom.mx' }, [
      { kind: 'email', value: 'ana.lopez@escom.mx', proof: 'sender' },
      { kind: 'webchat', value: 'wc-ana', proof: 'channel' },
    ]);
    anita = await person(db, { name: 'Anita', phone: '5512345678' }, [{ kind: 'facebook', value: 'psid-9001', proof: 'code' }]);
    await person(db, { name: HOSTILE_NAME }, [{ kind: 'x', value: 'x-zeta', proof: 'channel' }]);
    const ticket = async (requesterId: string, channel: string, userId: string, description: string) => {
      const conversationId = `${channel}-${randomUUID()}`;
      await db.insert(conversations).values({ id: conversationId, channel, externalId: conversationId, userId });
      const { ticket: t } = await app.tickets.register(
        { kind: 'request', serviceCode: null, serviceName: null, resolverGroup: null, requester: {}, channel, conversationId, description, urgency: 'medium', impact: 'minor', requesterId },
        'test',
      );
      return t.number;
    };
    numbers.email = await ticket(ana, 'email', 'ana.lopez@escom.mx', 'No puedo entrar al correo');
    numbers.webchat = await ticket(ana, 'webchat', 'wc-ana', 'La impresora no imprime');
    numbers.facebook = await ticket(anita, 'facebook', 'psid-9001', 'Sin red en el laboratorio');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  describe('as a coordinator', () => {
    let context: BrowserContext;
    let watched: Complaints;
    let page: Page;

    beforeAll(async () => {
      context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
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

    const detailHeading = (name: string) => page.locator('.requesters__detail').getByRole('heading', { name, level: 2 });
    const identityKinds = () => page.locator('table.requester-identities tbody th').allInnerTexts();
    const ticketNumbers = () => page.locator('table.requester-tickets tbody th').allInnerTexts();

    it('reaches «Solicitantes» from the navigation and searches by name, accents and case aside', async () => {
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, COORDINATOR.email, COORDINATOR.password);
      const nav = page.getByRole('navigation', { name: 'Secciones de la consola' });
      await nav.getByRole('link', { name: 'Solicitantes' }).click();
      await page.getByRole('heading', { name: 'Solicitantes', level: 1 }).waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).pathname).toBe('/console/solicitantes');
      expect(await nav.getByRole('link', { name: 'Solicitantes' }).getAttribute('aria-current')).toBe('page');
      // With no search, the latest records.
      await page.locator('.requester-list li').nth(2).waitFor({ timeout: WAIT_MS });

      await page.getByRole('searchbox', { name: 'Buscar solicitante' }).fill('ANA LOPEZ');
      await page.getByRole('button', { name: 'Buscar', exact: true }).click();
      await page.waitForFunction(() => document.querySelectorAll('.requester-list li').length === 1);
      expect(await page.locator('.requester-list li a').innerText()).toBe('Ana López Gómez');
      expect(await page.locator('.list__count').first().innerText()).toBe('1 ficha coincide con «ANA LOPEZ».');
      expect(new URL(page.url()).search).toBe('?q=ANA%20LOPEZ');
    });

    it('shows what it finds as text, never as markup', async () => {
      await page.getByRole('searchbox', { name: 'Buscar solicitante' }).fill('zacarias');
      await page.getByRole('searchbox', { name: 'Buscar solicitante' }).press('Enter');
      await page.waitForFunction(() => document.querySelector('.requester-list li a')?.textContent?.includes('Zacarías'));
      await page.locator('.requester-list li a').click();
      await detailHeading(HOSTILE_NAME).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('.requesters img').count()).toBe(0);
      expect(await page.evaluate(() => Reflect.get(window, '__hacked'))).toBeUndefined();
    });

    it('opens a record with its identities and tickets', async () => {
      await page.getByRole('searchbox', { name: 'Buscar solicitante' }).fill('ana lopez');
      await page.getByRole('searchbox', { name: 'Buscar solicitante' }).press('Enter');
      await page.getByRole('link', { name: 'Ana López Gómez' }).click();
      await detailHeading('Ana López Gómez').waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).pathname).toBe(`/console/solicitantes/${ana}`);
      expect(await identityKinds()).toEqual(['Correo', 'Chat web']);
      expect((await ticketNumbers()).sort()).toEqual([numbers.email, numbers.webchat].sort());
      expect(await page.locator('dl.facts').innerText()).toContain('Docente');
      expect(await page.getByRole('button', { name: 'Separar…' }).isEnabled()).toBe(true);
    });

    it('merges the Messenger record into it: asks for a reason, then shows what moved', async () => {
      await page.getByRole('button', { name: 'Fusionar con…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Fusionar con «Ana López Gómez»' });
      await dialog.waitFor({ timeout: WAIT_MS });
      expect(await focused(page)).toMatch(/^input#merge-search/);
      await dialog.getByLabel('Buscar la otra ficha').fill('psid-9001');
      await dialog.getByLabel('Buscar la otra ficha').press('Enter');
      // Enter searched; it did not submit the merge.
      await dialog.getByText('1 ficha encontrada.').waitFor({ timeout: WAIT_MS });
      expect(await apiGet<{ mergedInto: string | null }>(page, `/api/requesters/${anita}`)).toMatchObject({ mergedInto: null });
      await dialog.getByRole('button', { name: 'Fusionar' }).click();
      await dialog.getByText('Busque y elija la ficha que se fusiona.').waitFor({ timeout: WAIT_MS });
      await dialog.getByRole('radio', { name: /^Anita/ }).check();
      await dialog.getByLabel('Motivo').fill('no');
      await dialog.getByRole('button', { name: 'Fusionar' }).click();
      await dialog.locator('.notice__title', { hasText: 'El motivo debe tener entre 3 y 500 caracteres.' }).waitFor({ timeout: WAIT_MS });
      expect(await dialog.locator('.modal__error').innerText()).toBe('El motivo debe tener entre 3 y 500 caracteres.');
      await dialog.getByLabel('Motivo').fill('Es la misma persona: lo confirmó por teléfono.');
      await dialog.getByRole('button', { name: 'Fusionar' }).click();
      await toastWith(page, 'Se fusionaron las fichas.').waitFor({ timeout: WAIT_MS });
      await page.locator('.requester-result').getByText('Fichas fusionadas. Pasaron a esta ficha: 1 identidad, 1 ticket. Datos completados: teléfono.').waitFor({ timeout: WAIT_MS });
      expect(await dialog.isVisible()).toBe(false);
      expect(await focused(page)).toBe('h2');
      expect(await identityKinds()).toEqual(['Correo', 'Chat web', 'Messenger']);
      expect((await ticketNumbers()).sort()).toEqual([numbers.email, numbers.webchat, numbers.facebook].sort());

      const old = await apiGet<{ mergedInto: string; requester: Detail }>(page, `/api/requesters/${anita}`);
      expect(old.mergedInto).toBe(ana);
      expect(old.requester).toMatchObject({ id: ana, name: 'Ana López Gómez', phone: '5512345678' });
      expect(old.requester.identities.find((i) => i.kind === 'facebook')).toMatchObject({ value: 'psid-9001', verified: true, proof: 'code' });
      const { requesters: found } = await apiGet<{ requesters: Array<{ id: string }> }>(page, '/api/requesters?q=anita');
      expect(found).toEqual([]);
    });

    it('leads an old link of the merged record to the survivor', async () => {
      await page.goto(`${running.baseUrl}/console/solicitantes/${anita}`);
      await detailHeading('Ana López Gómez').waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).pathname).toBe(`/console/solicitantes/${ana}`);
      await page.getByText('La ficha que abrió se fusionó con esta; aquí están sus identidades y tickets.').waitFor({ timeout: WAIT_MS });
    });

    it('splits the Messenger identity off into a new record, with only its tickets', async () => {
      await page.getByRole('button', { name: 'Separar…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Separar identidades de «Ana López Gómez»' });
      await dialog.waitFor({ timeout: WAIT_MS });
      await dialog.getByLabel('Motivo').fill('El Messenger es de su hermana.');
      await dialog.getByRole('button', { name: 'Separar' }).click();
      await dialog.getByText('Elija al menos una identidad para separar.').waitFor({ timeout: WAIT_MS });
      await dialog.getByRole('checkbox', { name: 'Messenger: psid-9001' }).check();
      await dialog.getByRole('button', { name: 'Separar' }).click();
      await toastWith(page, 'Se separaron las identidades en una ficha nueva.').waitFor({ timeout: WAIT_MS });
      await detailHeading('Solicitante sin nombre').waitFor({ timeout: WAIT_MS });
      expect(await focused(page)).toBe('h2');
      const newId = new URL(page.url()).pathname.split('/').pop() as string;
      expect(newId).not.toBe(ana);
      expect(await identityKinds()).toEqual(['Messenger']);
      expect(await ticketNumbers()).toEqual([numbers.facebook]);
      await page.locator('.requester-result').getByText('Ficha nueva creada con 1 identidad separada de «Ana López Gómez». Pasaron a ella: 1 identidad, 1 ticket.').waitFor({ timeout: WAIT_MS });

      const created = await apiGet<{ mergedInto: null; requester: Detail }>(page, `/api/requesters/${newId}`);
      expect(created.requester.identities).toEqual([{ kind: 'facebook', value: 'psid-9001', verified: true, proof: 'coordinator', createdAt: expect.any(String) }]);
      expect(created.requester.tickets.map((t) => t.number)).toEqual([numbers.facebook]);
      const left = await apiGet<{ requester: Detail }>(page, `/api/requesters/${ana}`);
      expect(left.requester.identities.map((i) => i.kind)).toEqual(['email', 'webchat']);
      expect(left.requester.tickets.map((t) => t.number).sort()).toEqual([numbers.email, numbers.webchat].sort());

      await page.getByRole('link', { name: 'Volver a la ficha de Ana López Gómez' }).click();
      await detailHeading('Ana López Gómez').waitFor({ timeout: WAIT_MS });
      expect(await identityKinds()).toEqual(['Correo', 'Chat web']);
      const log = await running.app.repositories.audit.latest(10);
      expect(log.filter((a) => a.action.startsWith('requester.')).map((a) => [a.actor, a.action, a.target])).toEqual([
        [COORDINATOR.email, 'requester.split', ana],
        [COORDINATOR.email, 'requester.merge', ana],
      ]);
    });
  });

  it('does not offer «Solicitantes» to an agent, and the address says it is not allowed', async () => {
    const context = await browser.newContext({ baseURL: running.baseUrl, locale: 'es-MX' });
    try {
      const watched = await openWatched(context);
      const page = watched.page;
      await page.goto(`${running.baseUrl}/console`);
      await signIn(page, AGENT.email, AGENT.password);
      const nav = page.getByRole('navigation', { name: 'Secciones de la consola' });
      await nav.getByRole('link').first().waitFor({ timeout: WAIT_MS });
      expect(await nav.getByRole('link', { name: 'Solicitantes' }).count()).toBe(0);
      await page.goto(`${running.baseUrl}/console/solicitantes/${ana}`);
      await page.getByText('Su cuenta no tiene permiso para ver los solicitantes').waitFor({ timeout: WAIT_MS });
      expect(await page.locator('.requesters__detail').count()).toBe(0);
      expect(watched.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
