import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { botMessages, DirectLineTestClient, type Json, StreamCollector } from '../support/directline-client';
import { apiGet, launchChromium, openWatched, signIn, toastWith, WAIT_MS, type Complaints } from '../support/console-driver';
import { startApp, type RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';

/**
 * The agent console («Atención») in a real browser against the real application, with a person on the web chat's
 * Direct Line: presence, the queue with its live wait, the beep and the title badge while the agent looks away,
 * accepting, the transcript both ways (each line once), a protocol phrase, «Crear ticket», closing, and the form
 * for requests that came by letter. The steps run in order on one page.
 */

const AGENT = { email: 'agente@example.mx', password: 'OtraContrasena456', displayName: 'Pedro Ruiz' };
const COORDINATOR = { email: 'coordinacion@example.mx', password: 'ContrasenaSegura123', displayName: 'Laura Méndez' };
const RESOLVER = { email: 'redes@example.mx', password: 'ContrasenaRedes789', displayName: 'Mario Soto' };
const ASK = 'quiero hablar con una persona';
const LATER = 'mi correo institucional no abre desde ayer';
const REPLY = 'Con gusto; ¿me confirma su número de empleado?';

/** A picture of the conversation pane, for a look at the layout after a run. */
const SCREENSHOT = '/tmp/agent-console-e2e.png';

const texts = (activities: Json[]) => botMessages(activities).map((a) => String(a.text));

describe(`agent console in a real browser (database: ${defaultBackend()})`, () => {
  let browser: Browser;
  let running: RunningApp;
  let context: BrowserContext;
  let watched: Complaints;
  let page: Page;
  let person: { client: DirectLineTestClient; conversationId: string; stream: StreamCollector };
  /** The TCP sockets of the agent console's WebSockets, to cut them as a network failure would. */
  const agentTcp: Duplex[] = [];

  beforeAll(async () => {
    running = await startApp({ env: { HANDOFF_HOLD_SECONDS: '600' } });
    running.app.server.server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      if ((req.url ?? '').startsWith('/api/agent/socket')) agentTcp.push(socket);
    });
    await running.app.users.create({ ...AGENT, role: 'agent', actor: 'test' });
    await running.app.users.create({ ...COORDINATOR, role: 'coordinator', actor: 'test' });
    await running.app.users.create({ ...RESOLVER, role: 'resolver', resolverGroup: 'Redes y telecomunicaciones', actor: 'test' });
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 } });
    watched = await openWatched(context);
    page = watched.page;
  });

  afterAll(async () => {
    await person?.stream.close();
    await context?.close();
    await browser?.close();
    await running?.stop();
  });

  /** Makes the page look hidden (another tab) or visible again, as the browser would tell it. */
  async function setHidden(hidden: boolean): Promise<void> {
    await page.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  }

  const transcriptTexts = () => page.locator('.transcript .line .line__text').allInnerTexts();

  it('lands an agent on «Atención», connected, without the catalog in the navigation', async () => {
    await page.goto(`${running.baseUrl}/console`);
    await signIn(page, AGENT.email, AGENT.password);
    await page.getByRole('heading', { name: 'Atención', level: 1 }).waitFor({ timeout: WAIT_MS });
    expect(new URL(page.url()).pathname).toBe('/console/atencion');
    expect(await page.locator('#mainnav').getByRole('link').allInnerTexts()).toEqual(['Atención', 'Calidad']);
    await page.locator('[data-connection="open"]').waitFor({ timeout: WAIT_MS });
    expect(await page.getByText('Nadie espera en este momento.').isVisible()).toBe(true);
  });

  it('sets the presence to «Ocupado»', async () => {
    await page.getByLabel('Mi estado').selectOption('busy');
    await toastWith(page, 'Su estado ahora es «Ocupado».').waitFor({ timeout: WAIT_MS });
    const { snapshot } = await apiGet<{ snapshot: { me: { status: string } } }>(page, '/api/handoff/snapshot');
    expect(snapshot.me.status).toBe('busy');
  });

  it('rings and badges the title for a person who asks for an agent while the agent looks away', async () => {
    await setHidden(true);
    const { client, conversationId } = await DirectLineTestClient.generate(running.baseUrl);
    const started = await client.startConversation();
    const stream = await StreamCollector.open(started.body.streamUrl as string);
    person = { client, conversationId, stream };
    await stream.waitFor((acts) => texts(acts).length >= 1, WAIT_MS);
    expect((await client.post(conversationId, ASK)).status).toBe(200);

    const item = page.locator('#agent-queue .qitem');
    await item.waitFor({ timeout: WAIT_MS });
    await page.waitForFunction(() => document.title === '(1) Ventanilla — consola', undefined, { timeout: WAIT_MS });
    expect(await page.evaluate(() => document.body.dataset.agentBeeps)).toBe('1');
    expect(await item.innerText()).toContain('Pidió hablar con un agente');
    expect(await item.innerText()).toContain('Mesa de ayuda');
    expect(await item.innerText()).toContain(`«${ASK}»`.slice(0, 10));
    // The wait runs by itself, second by second.
    const wait = item.locator('.qitem__wait');
    expect(await wait.innerText()).toMatch(/^hace \d+ s$/);
    const first = await wait.innerText();
    await page.waitForFunction((before) => document.querySelector('#agent-queue .qitem__wait')?.textContent !== before, first, { timeout: 5000 });

    await setHidden(false);
    await page.waitForFunction(() => document.title === 'Atención — Consola Ventanilla', undefined, { timeout: WAIT_MS });
  });

  it('accepts it: the person hears the agent’s name and the agent sees the whole transcript and the bot’s context', async () => {
    await page.locator('#agent-queue .qitem').getByRole('button', { name: /^Aceptar la conversación/ }).click();
    await page.locator('.conv--loaded').waitFor({ timeout: WAIT_MS });
    expect(new URL(page.url()).pathname).toMatch(/^\/console\/atencion\/c\/[0-9a-f-]{36}$/);
    await person.stream.waitFor((acts) => texts(acts).some((t) => t.includes(AGENT.displayName)), WAIT_MS);
    await page.waitForFunction((ask) => Array.from(document.querySelectorAll('.transcript .line--person .line__text')).some((el) => el.textContent === ask), ASK, { timeout: WAIT_MS });
    expect(await page.locator('.transcript .line--bot').count()).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { name: 'Lo que sabe el bot' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Tickets anteriores' }).isVisible()).toBe(true);
    expect(await page.locator('#agent-mine .qitem').count()).toBe(1);
    expect(await page.locator('#agent-mine').innerText()).toContain('En atención');
  });

  it('shows what the person writes, once, and sends the agent’s reply with Enter', async () => {
    await person.client.post(person.conversationId, LATER);
    await page.waitForFunction((later) => Array.from(document.querySelectorAll('.transcript .line--person .line__text')).some((el) => el.textContent === later), LATER, { timeout: WAIT_MS });

    const box = page.getByLabel('Respuesta para la persona');
    await box.fill(REPLY);
    await box.press('Enter');
    await person.stream.waitFor((acts) => acts.some((a) => a.text === REPLY), WAIT_MS);
    await page.waitForFunction((reply) => Array.from(document.querySelectorAll('.transcript .line--agent .line__text')).some((el) => el.textContent === reply), REPLY, { timeout: WAIT_MS });
    expect(await box.inputValue()).toBe('');

    // Each line once, in order.
    const seqs = await page.locator('.transcript .line').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const shown = await transcriptTexts();
    expect(shown.filter((t) => t === LATER)).toHaveLength(1);
    expect(shown.filter((t) => t === REPLY)).toHaveLength(1);
    expect(shown.indexOf(LATER)).toBeLessThan(shown.indexOf(REPLY));
    expect(person.stream.activities.filter((a) => a.text === REPLY)).toHaveLength(1);
  });

  it('reconnects after a network cut and shows what the person wrote meanwhile, each line once', async () => {
    expect(agentTcp.length).toBeGreaterThan(0);
    for (const socket of agentTcp.splice(0)) socket.destroy();
    await page.locator('[data-connection="waiting"], [data-connection="connecting"]').waitFor({ timeout: WAIT_MS });
    for (const line of ['sigo aquí', '¿me escucha?']) await person.client.post(person.conversationId, line);
    await page.locator('[data-connection="open"]').waitFor({ timeout: WAIT_MS });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.transcript .line--person .line__text')).some((el) => el.textContent === '¿me escucha?'), undefined, { timeout: WAIT_MS });
    const shown = await transcriptTexts();
    expect(shown.filter((t) => t === 'sigo aquí')).toHaveLength(1);
    expect(shown.filter((t) => t === '¿me escucha?')).toHaveLength(1);
    expect(shown.indexOf('sigo aquí')).toBeLessThan(shown.indexOf('¿me escucha?'));
    const seqs = await page.locator('.transcript .line').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('sends a protocol phrase from its button', async () => {
    const before = person.stream.activities.length;
    await page.getByRole('group', { name: 'Frases del protocolo' }).getByRole('button', { name: 'Espera' }).click();
    await person.stream.waitFor((acts) => acts.slice(before).some((a) => /Permítame/.test(String(a.text))), WAIT_MS);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.transcript .line--agent .line__text')).some((el) => /Permítame/.test(el.textContent ?? '')), undefined, { timeout: WAIT_MS });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('creates a ticket from the conversation and shows its number', async () => {
    await page.getByRole('button', { name: 'Crear ticket' }).click();
    const dialog = page.locator('#modal');
    await dialog.getByRole('heading', { name: 'Crear ticket' }).waitFor({ timeout: WAIT_MS });
    const description = dialog.getByLabel(/^Descripción/);
    if ((await description.inputValue()).trim() === '') await description.fill(LATER);
    await dialog.getByRole('button', { name: 'Registrar ticket' }).click();
    const number = dialog.locator('[data-ticket-number]');
    await number.waitFor({ timeout: WAIT_MS });
    const ticket = await number.innerText();
    expect(ticket).toMatch(/^CAU-\d{4}-\d{6}$/);
    await dialog.getByRole('button', { name: 'Aceptar' }).click();
    const { ticket: stored } = await apiGet<{ ticket: { conversationId: string | null } }>(page, `/api/tickets/${ticket}`);
    expect(stored.conversationId).toBe(person.conversationId);
  });

  it('closes the conversation after confirming', async () => {
    await page.getByRole('button', { name: 'Cerrar', exact: true }).click();
    await page.locator('#modal').getByRole('button', { name: 'Cerrar conversación' }).click();
    await toastWith(page, 'Se cerró la conversación.').waitFor({ timeout: WAIT_MS });
    expect(new URL(page.url()).pathname).toBe('/console/atencion');
    await page.getByText('No tiene conversaciones a su cargo.').waitFor({ timeout: WAIT_MS });
  });

  it('transfers a second conversation to a group with a note, then returns it to the bot', async () => {
    const { client, conversationId } = await DirectLineTestClient.generate(running.baseUrl);
    const started = await client.startConversation();
    const stream = await StreamCollector.open(started.body.streamUrl as string);
    try {
      await stream.waitFor((acts) => texts(acts).length >= 1, WAIT_MS);
      await client.post(conversationId, 'necesito un agente por favor');
      const item = page.locator('#agent-queue .qitem');
      await item.waitFor({ timeout: WAIT_MS });
      await item.getByRole('button', { name: /^Aceptar la conversación/ }).click();
      await page.getByRole('button', { name: 'Transferir' }).waitFor({ timeout: WAIT_MS });
      await page.getByRole('button', { name: 'Transferir' }).click();
      const dialog = page.locator('#modal');
      await dialog.getByRole('heading', { name: 'Transferir la conversación' }).waitFor({ timeout: WAIT_MS });
      // Without a note the dialog says so and stays open.
      await dialog.getByRole('button', { name: 'Transferir' }).click();
      await dialog.getByText('Escriba una nota para quien recibe la conversación.').waitFor({ timeout: WAIT_MS });
      await dialog.getByLabel('Grupo', { exact: true }).selectOption('Mesa de ayuda');
      await dialog.getByLabel(/^Nota para quien la recibe/).fill('Pide restablecer su correo; ya verifiqué su identidad.');
      await dialog.getByRole('button', { name: 'Transferir' }).click();
      await toastWith(page, 'Se transfirió la conversación.').waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).pathname).toBe('/console/atencion');
      // Back in the group's queue (the agent is busy), with the note for whoever takes it.
      await page.locator('#agent-queue .qitem__note').filter({ hasText: 'ya verifiqué su identidad' }).waitFor({ timeout: WAIT_MS });

      await page.locator('#agent-queue .qitem').getByRole('button', { name: /^Aceptar la conversación/ }).click();
      await page.getByRole('button', { name: 'Regresar al bot' }).waitFor({ timeout: WAIT_MS });
      await page.getByRole('button', { name: 'Regresar al bot' }).click();
      await page.locator('#modal').getByRole('button', { name: 'Regresar al bot' }).click();
      await toastWith(page, 'La conversación regresó al bot.').waitFor({ timeout: WAIT_MS });
      await stream.waitFor((acts) => texts(acts).some((t) => /¿Hay algo más en que pueda ayudarle\?/.test(t)), WAIT_MS);
      await page.getByText('No tiene conversaciones a su cargo.').waitFor({ timeout: WAIT_MS });
    } finally {
      await stream.close();
    }
  });

  it('registers a request that came by letter', async () => {
    await page.getByRole('link', { name: 'Registrar solicitud' }).click();
    await page.getByRole('heading', { name: /Registrar una solicitud/ }).waitFor({ timeout: WAIT_MS });
    // Nothing filled: the form says what is missing, by field.
    await page.getByRole('button', { name: 'Registrar solicitud' }).click();
    await page.locator('.form-summary').getByText(/Escriba el nombre de quien solicita/).waitFor({ timeout: WAIT_MS });

    await page.getByLabel('Número de oficio').fill('DG/0457/2026');
    await page.getByLabel(/^Nombre/).fill('Mtra. Rosa Díaz');
    await page.getByLabel('Unidad (escuela, centro o área)').fill('ESCOM');
    await page.getByLabel('Tipo de usuario').selectOption('administrativo');
    await page.getByLabel('Correo electrónico').fill('rosa.diaz@example.mx');
    await page.getByLabel(/^Descripción/).fill('Solicita el alta de 3 cuentas de correo para personal de nuevo ingreso.');
    await page.getByLabel('Código de servicio').fill('CORREO-ALTA-CUENTA');
    await page.getByRole('button', { name: 'Registrar solicitud' }).click();
    const number = page.locator('.walkin__result [data-ticket-number]');
    await number.waitFor({ timeout: WAIT_MS });
    const ticket = await number.innerText();
    const { ticket: stored } = await apiGet<{ ticket: { channel: string; description: string; resolverGroup: string; requester: Record<string, string> } }>(page, `/api/tickets/${ticket}`);
    expect(stored.channel).toBe('oficio');
    expect(stored.description).toBe('Oficio núm. DG/0457/2026. Solicita el alta de 3 cuentas de correo para personal de nuevo ingreso.');
    expect(stored.requester).toMatchObject({ name: 'Mtra. Rosa Díaz', unit: 'ESCOM', role: 'administrativo' });
    // The form is empty again for the next one.
    expect(await page.getByLabel(/^Nombre/).inputValue()).toBe('');
  });

  it('logged nothing wrong: no script errors, no CSP violations', () => {
    expect(watched.problems).toEqual([]);
  });

  it('lets coordination mark a catalog service as attended by an agent', async () => {
    const other = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 } });
    try {
      const { page: p, problems } = await openWatched(other);
      await p.goto(`${running.baseUrl}/console/catalogo/servicios/CORREO-CONTRASENA`);
      await signIn(p, COORDINATOR.email, COORDINATOR.password);
      const box = p.getByLabel('Lo atiende un agente');
      await box.waitFor({ timeout: WAIT_MS });
      expect(await box.isChecked()).toBe(false);
      expect(await p.locator('#mainnav').getByRole('link').allInnerTexts()).toEqual(['Atención', 'Catálogo de servicios', 'Directorio', 'Solicitantes', 'Indicadores', 'Calidad', 'Salud del sistema']);
      await box.check();
      await p.getByRole('button', { name: 'Guardar en el borrador' }).click();
      await toastWith(p, 'Se guardó el servicio CORREO-CONTRASENA en el borrador.').waitFor({ timeout: WAIT_MS });
      type Draft = { catalog: { services: Array<{ code: string; requiresAgent?: boolean }> } };
      const draft = await apiGet<Draft>(p, '/api/catalog/draft');
      expect(draft.catalog.services.find((x) => x.code === 'CORREO-CONTRASENA')?.requiresAgent).toBe(true);
      expect(draft.catalog.services.filter((x) => x.requiresAgent === true).map((x) => x.code)).toEqual(['CORREO-CONTRASENA']);
      // Unchecked again, the field goes away (it is optional in the format).
      await p.goto(`${running.baseUrl}/console/catalogo/servicios/CORREO-CONTRASENA`);
      await p.getByLabel('Lo atiende un agente').uncheck();
      await p.getByRole('button', { name: 'Guardar en el borrador' }).click();
      await toastWith(p, 'Se guardó el servicio CORREO-CONTRASENA en el borrador.').waitFor({ timeout: WAIT_MS });
      const after = await apiGet<Draft>(p, '/api/catalog/draft');
      expect(after.catalog.services.find((x) => x.code === 'CORREO-CONTRASENA')?.requiresAgent ?? false).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('tells a resolver that the account does not attend conversations', async () => {
    const other = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 900, height: 900 } });
    try {
      const { page: p, problems } = await openWatched(other);
      await p.goto(`${running.baseUrl}/console`);
      await signIn(p, RESOLVER.email, RESOLVER.password);
      await p.locator('#topbar').waitFor({ state: 'visible', timeout: WAIT_MS });
      await p.goto(`${running.baseUrl}/console/atencion`);
      await p.getByRole('alert').filter({ hasText: 'Su cuenta no atiende conversaciones' }).waitFor({ timeout: WAIT_MS });
      expect(await p.locator('#mainnav').getByRole('link', { name: 'Atención' }).count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
