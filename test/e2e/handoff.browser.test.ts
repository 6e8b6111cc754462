import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, openWatched, signIn, toastWith, WAIT_MS, type Complaints } from '../support/console-driver';
import { startApp, type RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';

/**
 * Issue 5's whole path in one real browser with two pages: a person in the web chat (`/`, the official Web Chat over
 * our Direct Line) and an agent in the console (`/console/atencion`). The person asks for a person, waits in the
 * queue hearing their position and the protocol hold message, the agent accepts, they talk, the agent registers a
 * ticket from the conversation and returns it to the bot, which asks «¿Hay algo más en que pueda ayudarle?».
 */

const AGENT = { email: 'lucia@example.mx', password: 'ContrasenaLucia123', displayName: 'Lucía Hernández' };
const ASK = 'Quiero hablar con una persona';
const PROBLEM = 'No puedo entrar a mi correo institucional desde ayer';
const REPLY = 'Con gusto le ayudo; ¿me confirma su número de empleado?';
const ANSWER = 'Es el 45821';

const chat = (page: Page): Locator => page.locator('#webchat');
const botTexts = (page: Page) => chat(page).locator('.webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content').allInnerTexts();

async function say(page: Page, text: string): Promise<void> {
  const box = chat(page).locator('[data-id="webchat-sendbox-input"]');
  await box.click();
  await box.pressSequentially(text);
  await box.press('Enter');
}

/** Waits until some bot bubble in the web chat matches. */
async function botSaid(page: Page, pattern: RegExp): Promise<string> {
  await page.waitForFunction(
    (source) => {
      const re = new RegExp(source);
      return Array.from(document.querySelectorAll('#webchat .webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content')).some((el) =>
        re.test(el.textContent ?? ''),
      );
    },
    pattern.source,
    { timeout: WAIT_MS },
  );
  return (await botTexts(page)).find((t) => pattern.test(t)) as string;
}

describe(`live-agent handoff, web chat and console in one browser (database: ${defaultBackend()})`, () => {
  let browser: Browser;
  let running: RunningApp;
  let personContext: BrowserContext;
  let agentContext: BrowserContext;
  let person: Complaints;
  let agent: Complaints;

  beforeAll(async () => {
    // A hold message every 2 s (the protocol's 20–30 s, shortened so the test sees a few).
    running = await startApp({ env: { HANDOFF_HOLD_SECONDS: '2', HANDOFF_TICK_MS: '250' } });
    await running.app.users.create({ ...AGENT, role: 'agent', actor: 'test' });
    browser = await launchChromium();
    personContext = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 900, height: 900 } });
    agentContext = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 } });
    person = await openWatched(personContext);
    agent = await openWatched(agentContext);
  });

  afterAll(async () => {
    await personContext?.close();
    await agentContext?.close();
    await browser?.close();
    await running?.stop();
  });

  it('goes from «quiero hablar con una persona» to a ticket and back to the bot', async () => {
    // The agent signs in and is away: the person will wait in the queue.
    await agent.page.goto(`${running.baseUrl}/console`);
    await signIn(agent.page, AGENT.email, AGENT.password);
    await agent.page.getByRole('heading', { name: 'Atención', level: 1 }).waitFor({ timeout: WAIT_MS });
    await agent.page.getByLabel('Mi estado').selectOption('away');
    await toastWith(agent.page, 'Su estado ahora es «Ausente».').waitFor({ timeout: WAIT_MS });

    // The person opens the chat, hears the greeting and asks for a person: the bot says why, the position and the wait.
    await person.page.goto(running.baseUrl);
    await botSaid(person.page, /¿En qué puedo ayudarle\?/);
    await say(person.page, ASK);
    await botSaid(person.page, /le comunico con un agente/);
    const queued = await botSaid(person.page, /fila/);
    expect(queued).toMatch(/siguiente persona en la fila|lugar 1 de la fila/);
    expect(queued).toMatch(/tiempo estimado de espera|espera estimada/);
    // While nobody takes it, the protocol hold message keeps the person company.
    await botSaid(person.page, /^Permítame, lo sigo atendiendo/);
    const holds = (await botTexts(person.page)).filter((t) => /^Permítame, lo sigo atendiendo/.test(t)).length;
    expect(holds).toBeGreaterThanOrEqual(1);

    // The agent sees it waiting and accepts it from the queue.
    const item = agent.page.locator('#agent-queue .qitem');
    await item.waitFor({ timeout: WAIT_MS });
    expect(await item.innerText()).toContain('Pidió hablar con un agente');
    await item.getByRole('button', { name: /^Aceptar la conversación/ }).click();
    await agent.page.locator('.conv--loaded').waitFor({ timeout: WAIT_MS });
    // The agent has the whole transcript since the greeting.
    await agent.page.waitForFunction(
      (ask) => Array.from(document.querySelectorAll('.transcript .line--person .line__text')).some((el) => el.textContent === ask),
      ASK,
      { timeout: WAIT_MS },
    );
    expect((await agent.page.locator('.transcript .line--bot .line__text').first().innerText())).toMatch(/le atiende/);

    // The person hears who attends them (the name, never an id).
    await botSaid(person.page, new RegExp(AGENT.displayName));

    // They talk: person → agent, agent → person.
    await say(person.page, PROBLEM);
    await agent.page.waitForFunction(
      (text) => Array.from(document.querySelectorAll('.transcript .line--person .line__text')).some((el) => el.textContent === text),
      PROBLEM,
      { timeout: WAIT_MS },
    );
    const box = agent.page.getByLabel('Respuesta para la persona');
    await box.fill(REPLY);
    await box.press('Enter');
    await botSaid(person.page, /¿me confirma su número de empleado\?/);
    await say(person.page, ANSWER);
    await agent.page.waitForFunction(
      (text) => Array.from(document.querySelectorAll('.transcript .line--person .line__text')).some((el) => el.textContent === text),
      ANSWER,
      { timeout: WAIT_MS },
    );

    // A ticket from the conversation, prefilled with what the person wrote.
    await agent.page.getByRole('button', { name: 'Crear ticket' }).click();
    const dialog = agent.page.locator('#modal');
    await dialog.getByRole('heading', { name: 'Crear ticket' }).waitFor({ timeout: WAIT_MS });
    expect(await dialog.getByLabel(/^Descripción/).inputValue()).toContain(PROBLEM);
    await dialog.getByRole('button', { name: 'Registrar ticket' }).click();
    const numberEl = dialog.locator('[data-ticket-number]');
    await numberEl.waitFor({ timeout: WAIT_MS });
    const number = await numberEl.innerText();
    expect(number).toMatch(/^CAU-\d{4}-\d{6}$/);
    await dialog.getByRole('button', { name: 'Aceptar' }).click();
    await botSaid(person.page, new RegExp(number));

    // Back to the bot: it asks «¿Hay algo más…?».
    await agent.page.getByRole('button', { name: 'Regresar al bot' }).click();
    await agent.page.locator('#modal').getByRole('button', { name: 'Regresar al bot' }).click();
    await toastWith(agent.page, 'La conversación regresó al bot.').waitFor({ timeout: WAIT_MS });
    await botSaid(person.page, /¿Hay algo más en que pueda ayudarle\?/);
    const all = await botTexts(person.page);
    expect(all.findIndex((t) => /¿Hay algo más en que pueda ayudarle\?/.test(t))).toBeGreaterThan(all.findIndex((t) => t.includes(number)));

    // The person sees no send failures, and neither page logged an error.
    expect(await chat(person.page).locator('.webchat__activity-status').filter({ hasText: /No se pudo enviar|Send failed/i }).count()).toBe(0);
    expect(person.problems).toEqual([]);
    expect(agent.problems).toEqual([]);
    await person.page.screenshot({ path: '/tmp/handoff-webchat-e2e.png', fullPage: true });
  }, 120_000);
});
