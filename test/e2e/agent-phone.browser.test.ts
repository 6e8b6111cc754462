import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PersonChannel } from '../../services/handoff/handoff-types';
import { apiGet, launchChromium, openWatched, signIn, toastWith, WAIT_MS, type Complaints } from '../support/console-driver';
import { startApp, type RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';

/**
 * «Teléfono para llamadas» in the agent console, in a real browser against the real application (issue 6): the
 * warning while the agent has no phone, a queued phone call marked «Llamada», the server's refusal to hand them the
 * call, the dialog that sets the phone (with a wrong number first), the warning gone, and the call accepted. The
 * steps run in order on one page.
 */

const AGENT = { email: 'agente.tel@example.mx', password: 'OtraContrasena456', displayName: 'Pedro Ruiz' };
const WARNING = 'Configure su teléfono para atender llamadas';

describe(`agent phone for calls in a real browser (database: ${defaultBackend()})`, () => {
  let browser: Browser;
  let running: RunningApp;
  let context: BrowserContext;
  let watched: Complaints;
  let page: Page;
  let handoffId: string;
  /** What the handoff service told the caller (the phone channel is simulated at its port: no Twilio here). */
  const toCaller: string[] = [];

  beforeAll(async () => {
    running = await startApp({ env: { HANDOFF_HOLD_SECONDS: '600' } });
    const caller: PersonChannel = {
      say: async (_c, _ch, messages) => void toCaller.push(...messages.map((m) => m.text)),
      signal: async (_c, _ch, signal) => void toCaller.push(`[${signal.kind}]`),
      typing: async () => undefined,
    };
    running.app.handoff.attachPerson(caller, ['voice']);
    await running.app.users.create({ ...AGENT, role: 'agent', actor: 'test' });
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 } });
    watched = await openWatched(context);
    page = watched.page;
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.stop();
  });

  const phoneValue = () => page.locator('.agent-phone [data-phone-route]');
  const warning = () => page.getByText(WARNING);

  it('warns an agent without a phone, beside their presence', async () => {
    await page.goto(`${running.baseUrl}/console`);
    await signIn(page, AGENT.email, AGENT.password);
    await page.getByRole('heading', { name: 'Atención', level: 1 }).waitFor({ timeout: WAIT_MS });
    await page.locator('[data-connection="open"]').waitFor({ timeout: WAIT_MS });
    await warning().waitFor({ timeout: WAIT_MS });
    expect(await page.locator('.agent-phone').innerText()).toMatch(/^Teléfono para llamadas:\s+sin configurar\s+Configurar$/);
    // Busy: a call waits in the queue instead of being offered at once.
    await page.getByLabel('Mi estado').selectOption('busy');
    await toastWith(page, 'Su estado ahora es «Ocupado».').waitFor({ timeout: WAIT_MS });
  });

  it('marks a queued phone call «Llamada», and shows the server’s refusal to hand it over without a phone', async () => {
    const conversation = await running.app.conversations.create('voice', '+525598765432');
    const outcome = await running.app.handoff.request({
      conversationId: conversation.id,
      channel: 'voice',
      reason: 'asked',
      context: { request: 'quiero hablar con una persona', person: { name: 'Lucía Gómez' } },
    });
    expect(outcome.kind).toBe('queued');
    if (outcome.kind !== 'queued') return;
    handoffId = outcome.handoffId;

    const item = page.locator(`#agent-queue .qitem[data-handoff-id="${handoffId}"]`);
    await item.waitFor({ timeout: WAIT_MS });
    expect(await item.locator('[data-call]').innerText()).toBe('☎ Llamada');
    expect(await item.innerText()).toContain('Teléfono');
    await item.getByRole('button', { name: 'Aceptar la llamada de Lucía Gómez' }).click();
    await toastWith(page, /^Para atender llamadas necesita un teléfono o una dirección SIP en su cuenta/).waitFor({ timeout: WAIT_MS });
    expect(new URL(page.url()).pathname).toBe('/console/atencion');
    expect(await item.isVisible()).toBe(true);
    expect(await warning().isVisible()).toBe(true);
    await page.screenshot({ path: '/tmp/agent-phone-warning-e2e.png' });
  });

  it('sets the phone in a dialog: a wrong number is explained next to the field, a right one removes the warning', async () => {
    await page.getByRole('button', { name: 'Configurar teléfono' }).click();
    const dialog = page.locator('#modal');
    await dialog.getByRole('heading', { name: 'Teléfono para llamadas' }).waitFor({ timeout: WAIT_MS });
    const input = dialog.getByLabel('Teléfono o dirección SIP');
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);

    await input.fill('1234 5678');
    await dialog.getByRole('button', { name: 'Guardar' }).click();
    await dialog.getByText('Revise el teléfono para llamadas.').waitFor({ timeout: WAIT_MS });
    expect(await dialog.locator('.field__error').innerText()).toMatch(/^El número tiene 8 dígitos: un teléfono de México lleva 10/);
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await apiGet<{ route: string | null }>(page, '/api/handoff/me/phone')).toEqual({ route: null });

    await input.fill('55 1234 5678');
    await dialog.getByRole('button', { name: 'Guardar' }).click();
    await toastWith(page, 'Sus llamadas sonarán en +52 55 1234 5678.').waitFor({ timeout: WAIT_MS });
    expect(await page.locator('#modal').isVisible()).toBe(false);
    await warning().waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(await phoneValue().innerText()).toBe('+52 55 1234 5678');
    expect(await page.getByRole('button', { name: 'Cambiar el teléfono para llamadas' }).isVisible()).toBe(true);
    expect(await apiGet<{ route: string | null }>(page, '/api/handoff/me/phone')).toEqual({ route: '+525512345678' });
  });

  it('keeps the phone after a reload (from the snapshot), and accepts the call', async () => {
    await page.reload();
    await page.locator('[data-connection="open"]').waitFor({ timeout: WAIT_MS });
    await page.waitForFunction(() => document.querySelector('.agent-phone [data-phone-route]')?.textContent === '+52 55 1234 5678', undefined, { timeout: WAIT_MS });
    expect(await warning().count()).toBe(0);

    await page.locator(`#agent-queue .qitem[data-handoff-id="${handoffId}"]`).getByRole('button', { name: 'Aceptar la llamada de Lucía Gómez' }).click();
    await toastWith(page, 'Aceptó la llamada de Lucía Gómez: en un momento sonará su teléfono.').waitFor({ timeout: WAIT_MS });
    await page.locator('.conv--loaded').waitFor({ timeout: WAIT_MS });
    expect(new URL(page.url()).pathname).toBe(`/console/atencion/c/${handoffId}`);
    const mine = page.locator(`#agent-mine .qitem[data-handoff-id="${handoffId}"]`);
    await mine.waitFor({ timeout: WAIT_MS });
    expect(await mine.locator('[data-call]').innerText()).toBe('☎ Llamada');
    expect(toCaller).toContain('[accepted]');
    await page.screenshot({ path: '/tmp/agent-phone-e2e.png', fullPage: true });
  });

  it('clears the phone by emptying the field, and the warning comes back', async () => {
    await page.getByRole('button', { name: 'Cambiar el teléfono para llamadas' }).click();
    const dialog = page.locator('#modal');
    const input = dialog.getByLabel('Teléfono o dirección SIP');
    expect(await input.inputValue()).toBe('+525512345678');
    await input.fill('');
    await dialog.getByRole('button', { name: 'Guardar' }).click();
    await toastWith(page, 'Quitó su teléfono para llamadas: no podrá aceptar llamadas.').waitFor({ timeout: WAIT_MS });
    await warning().waitFor({ timeout: WAIT_MS });
    expect(await phoneValue().innerText()).toBe('sin configurar');
    expect(await apiGet<{ route: string | null }>(page, '/api/handoff/me/phone')).toEqual({ route: null });
    expect(watched.problems).toEqual([]);
  });
});
