import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { parseCatalog } from '../../services/catalog/catalog-format';
import { readDefaultCatalog } from '../../services/catalog/default-catalog';
import { greeting, messages } from '../../dialogs/messages/es-MX';
import { launchChromium, WAIT_MS } from '../support/console-driver';
import { startApp, type RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';

/**
 * The web chat page at `/` in a real browser (Debian chromium driven by playwright-core): the official Web Chat
 * bundle talking to our own Direct Line, with nothing loaded from another host and nothing logged as an error.
 */

const SCREENSHOT = '/tmp/webchat-e2e.png';
const SESSION_KEY = 'ventanilla.webchat.session';

/**
 * A clock that runs at real speed but reads 10:00 in Mexico City (16:00Z) of today when the app starts, so the
 * greeting is always «Buenos días» and its exact text can be asserted.
 */
function morningClock(): { now(): Date } {
  const realStart = Date.now();
  const start = Date.parse(`${new Date(realStart).toISOString().slice(0, 10)}T16:00:00Z`);
  return { now: () => new Date(start + (Date.now() - realStart)) };
}

const BOT_NAME = 'Ventanilla';
const DEFAULT_ORG = 'Centro de Atención a Usuarios';
const greetingFor = (orgName: string) => greeting({ timeOfDay: 'Buenos días', botName: BOT_NAME, orgName, ask: true });
/** A request outside the centre's competence: the shipped catalog routes it out of scope. */
const REQUEST = '¿Cuándo pagan la beca de este semestre?';
const SHIPPED = parseCatalog(readDefaultCatalog());
/** The referral of the shipped catalog, the apology, then the protocol question. */
const REPLY = [
  SHIPPED.referral.message,
  messages.attention.referralPhone(SHIPPED.referral.phone),
  messages.attention.outOfScopeApology,
  messages.anythingElse,
];
const YES = 'Sí, por favor';
/** Web Chat's «send failed» status (es-ES strings, and the English ones in case the locale fell back). */
const SEND_FAILED = /No se pudo enviar|Reintentar|Send failed|Retry/i;
/** Web Chat's «still sending» status: the server has not echoed the activity yet. */
const SENDING = /Enviando|Sending/i;

/** One browser page with everything it requested, opened sockets to, and complained about. */
interface Watched {
  page: Page;
  requests: string[];
  sockets: string[];
  problems: string[];
}

async function watch(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage();
  const watched: Watched = { page, requests: [], sockets: [], problems: [] };
  page.on('request', (request) => watched.requests.push(request.url()));
  page.on('websocket', (ws) => watched.sockets.push(ws.url()));
  // Console errors include CSP violations and resources the browser could not load (e.g. a missing favicon).
  page.on('console', (message) => {
    if (message.type() === 'error') watched.problems.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => watched.problems.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) watched.problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    // A reload aborts the old document's open requests: that is not a failure of the page.
    const reason = request.failure()?.errorText ?? 'failed';
    if (reason !== 'net::ERR_ABORTED') watched.problems.push(`requestfailed: ${request.url()} ${reason}`);
  });
  return watched;
}

/** Everything the page loaded came from the app itself (blob: URLs carry their creator's origin), and so did the stream. */
function expectCleanAndLocal(watched: Watched, baseUrl: string): void {
  const origin = new URL(baseUrl).origin;
  const wsOrigin = origin.replace(/^http/, 'ws');
  expect(watched.requests).toEqual(expect.arrayContaining([`${origin}/`, `${origin}/static/webchat.js`]));
  expect(watched.requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin)).toEqual([]);
  expect(watched.sockets.length).toBeGreaterThan(0);
  expect(watched.sockets.filter((url) => new URL(url).origin !== wsOrigin)).toEqual([]);
  expect(watched.problems).toEqual([]);
}

const chat = (page: Page): Locator => page.locator('#webchat');
const sendBox = (page: Page): Locator => chat(page).locator('[data-id="webchat-sendbox-input"]');
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Transcript bubbles, inside `scope`, whose whole text is `text`. */
const bubble = (scope: Page | Locator, text: string): Locator =>
  scope.locator('.webchat__bubble__content').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) });
const trimmedTexts = async (locator: Locator): Promise<string[]> => (await locator.allInnerTexts()).map((t) => t.trim());

async function send(page: Page, text: string): Promise<void> {
  const box = sendBox(page);
  await box.waitFor({ state: 'visible', timeout: WAIT_MS });
  await box.click();
  await box.pressSequentially(text);
  await box.press('Enter');
}

/** Waits until the transcript shows every text, then checks each is there exactly once and in this order. */
async function expectTranscript(page: Page, texts: string[]): Promise<void> {
  for (const text of texts) await bubble(chat(page), text).first().waitFor({ state: 'visible', timeout: WAIT_MS });
  const shown = await trimmedTexts(chat(page).locator('.webchat__bubble__content'));
  for (const text of texts) expect({ text, times: shown.filter((t) => t === text).length }).toEqual({ text, times: 1 });
  const positions = texts.map((text) => shown.indexOf(text));
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
}

/**
 * The user's message `text` was accepted: its status turns to «Enviado a las …» only when the server echoed the
 * activity back on the stream (without the echo it stays «Enviando» and then becomes «No se pudo enviar»).
 */
async function expectSent(page: Page, text: string): Promise<void> {
  const activity = chat(page).locator('article').filter({ has: bubble(page, text) });
  const status = activity.locator('.webchat__activity-status');
  await status.filter({ hasText: /^\s*Enviado a las / }).waitFor({ timeout: WAIT_MS });
  expect(await status.innerText()).not.toMatch(SEND_FAILED);
  expect(await status.innerText()).not.toMatch(SENDING);
}

/** Nothing in the transcript is pending or failed. */
async function expectNothingFailed(page: Page): Promise<void> {
  expect(await chat(page).getByText(SEND_FAILED).count()).toBe(0);
  expect(await chat(page).getByText(SENDING).count()).toBe(0);
}

/** A short description of the focused element, for readable failures. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const id = el.getAttribute('data-id') ?? el.id;
    return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}${el.classList.contains('skip') ? '.skip' : ''}`;
  });
}

describe(`web chat page in a real browser (database: ${defaultBackend()})`, () => {
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  });
  afterEach(async () => {
    await context?.close();
  });

  describe('with the default configuration', () => {
    let running: RunningApp;

    beforeAll(async () => {
      running = await startApp({ clock: morningClock() });
    });
    afterAll(async () => {
      await running?.stop();
    });

    it('greets, answers, and keeps the whole conversation across a reload', async () => {
      const GREETING = greetingFor(DEFAULT_ORG);
      const watched = await watch(context);
      const { page } = watched;
      await page.goto(running.baseUrl);

      // The protocol greeting, once, as soon as the chat opens.
      await expectTranscript(page, [GREETING]);
      expect(GREETING).toMatch(/^Buenos días, /);
      expect(GREETING).toContain(messages.askRequest);
      const saved = await page.evaluate((key) => sessionStorage.getItem(key), SESSION_KEY);
      const conversationId = (JSON.parse(saved ?? '{}') as { conversationId?: string }).conversationId;
      expect(conversationId).toMatch(/^\w+$/);

      // The user's message: shown on the user's side, echoed by the server (so not failed), and answered.
      const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/conversations/${conversationId}/activities`));
      await send(page, REQUEST);
      expect((await posted).postDataJSON()).toEqual(
        expect.objectContaining({ type: 'message', text: REQUEST, locale: 'es-MX', channelData: expect.objectContaining({ clientActivityID: expect.any(String) }) }),
      );
      await expectTranscript(page, [GREETING, REQUEST, ...REPLY]);
      await expectSent(page, REQUEST);
      await expectNothingFailed(page);
      expect(await trimmedTexts(chat(page).locator('.webchat__bubble--from-user .webchat__bubble__content'))).toEqual([REQUEST]);

      // Reload: the same conversation comes back whole, with no second welcome.
      await page.reload();
      await expectTranscript(page, [GREETING, REQUEST, ...REPLY]);
      expect(await bubble(chat(page), GREETING).count()).toBe(1);
      expect(await trimmedTexts(chat(page).locator('.webchat__bubble--from-user .webchat__bubble__content'))).toEqual([REQUEST]);
      const resumed = await page.evaluate((key) => sessionStorage.getItem(key), SESSION_KEY);
      expect((JSON.parse(resumed ?? '{}') as { conversationId?: string }).conversationId).toBe(conversationId);
      await expectNothingFailed(page);

      // And it goes on after the reload: «sí» to «¿Hay algo más…?» asks for the next request.
      await send(page, YES);
      await expectTranscript(page, [GREETING, REQUEST, ...REPLY, YES, messages.askRequestAgain]);
      await expectSent(page, YES);
      await expectNothingFailed(page);
      expect(await bubble(chat(page), GREETING).count()).toBe(1);
      expect(await page.locator('#status').innerText()).toBe('');

      await page.screenshot({ path: SCREENSHOT });
      expectCleanAndLocal(watched, running.baseUrl);
    });

    it('shows the attention script\'s suggested actions as buttons, and a click answers the question', async () => {
      const watched = await watch(context);
      const { page } = watched;
      await page.goto(running.baseUrl);
      await expectTranscript(page, [greetingFor(DEFAULT_ORG)]);
      await send(page, 'olvidé la contraseña de mi correo institucional');
      await bubble(chat(page), messages.attention.askUnitAndRole).waitFor({ timeout: WAIT_MS });
      await send(page, 'soy docente de la ESCOM');
      await bubble(chat(page), messages.attention.askExtension).waitFor({ timeout: WAIT_MS });
      // «No tengo» is offered as a button; clicking it sends it as the person's answer.
      // Web Chat renders the suggested actions of the latest activity (its carousel may hold a hidden copy).
      const noExtension = chat(page).getByRole('button', { name: messages.attention.noExtension, exact: true }).last();
      await noExtension.click();
      await bubble(chat(page), messages.attention.diagnosticsIntro).waitFor({ timeout: WAIT_MS });
      expect(await trimmedTexts(chat(page).locator('.webchat__bubble--from-user .webchat__bubble__content'))).toEqual([
        'olvidé la contraseña de mi correo institucional',
        'soy docente de la ESCOM',
        messages.attention.noExtension,
      ]);
      await expectNothingFailed(page);
      expectCleanAndLocal(watched, running.baseUrl);
    });

    it('is usable with the keyboard and labelled for assistive technology', async () => {
      const watched = await watch(context);
      const { page } = watched;
      await page.goto(running.baseUrl);
      await expectTranscript(page, [greetingFor(DEFAULT_ORG)]);

      expect(await page.locator('html').getAttribute('lang')).toBe('es-MX');
      expect(await page.title()).toBe(`${DEFAULT_ORG} — chat de atención`);
      const region = page.getByRole('region', { name: `Conversación con ${BOT_NAME}` });
      expect(await region.count()).toBe(1);
      expect(await region.getAttribute('id')).toBe('webchat');
      // Web Chat itself speaks Spanish: its transcript, send box and send button are labelled in Spanish.
      expect(await chat(page).locator('[aria-label^="Historial de chats"]').count()).toBe(1);
      expect(await sendBox(page).getAttribute('aria-label')).toBe('Cuadro de entrada de mensajes');
      expect(await sendBox(page).getAttribute('placeholder')).toBe('Escriba su mensaje');
      expect(await chat(page).getByRole('button', { name: 'Enviar', exact: true }).count()).toBe(1);

      // The bootstrap puts the cursor in the send box: one can type at once.
      expect(await focused(page)).toBe('input[webchat-sendbox-input]');

      // From the start of the page: leave the chat, click on the empty page margin (the body), then Tab.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.mouse.click(5, 600);
      expect(await focused(page)).toBe('body');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('a.skip');
      const skip = page.locator('a.skip');
      expect(await skip.innerText()).toBe('Ir directamente al chat');
      const box = await skip.boundingBox();
      expect(box).not.toBeNull();
      expect(box?.x).toBeGreaterThanOrEqual(0); // visible when focused, not left off-screen
      await page.keyboard.press('Enter');
      expect(await focused(page)).toBe('section[webchat]');

      // From the chat region, a few Tabs reach the send box.
      const path: string[] = [];
      for (let i = 0; i < 6 && (await focused(page)) !== 'input[webchat-sendbox-input]'; i++) {
        await page.keyboard.press('Tab');
        path.push(await focused(page));
      }
      expect(path[path.length - 1]).toBe('input[webchat-sendbox-input]');
      await page.keyboard.type('Hola');
      expect(await sendBox(page).inputValue()).toBe('Hola');

      expectCleanAndLocal(watched, running.baseUrl);
    });
  });

  describe('with the organisation configured', () => {
    let running: RunningApp;

    beforeAll(async () => {
      running = await startApp({ clock: morningClock(), env: { ORG_NAME: 'CAU de Prueba', ORG_PRIMARY_COLOR: '#123456' } });
    });
    afterAll(async () => {
      await running?.stop();
    });

    it('shows the organisation name and colour', async () => {
      const watched = await watch(context);
      const { page } = watched;
      await page.goto(running.baseUrl);

      expect(await page.title()).toBe('CAU de Prueba — chat de atención');
      const banner = page.locator('header.banner');
      expect(await banner.locator('h1').innerText()).toBe('CAU de Prueba');
      expect(await banner.locator('p').innerText()).toBe(`Chat de atención a usuarios · le atiende ${BOT_NAME}`);
      expect(await banner.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(18, 52, 86)');

      // The bot greets in the organisation's name, with its avatar in the organisation's colour.
      await expectTranscript(page, [greetingFor('CAU de Prueba')]);
      const avatar = chat(page).locator('.webchat__initialsAvatar:not(.webchat__initialsAvatar--fromUser)').first();
      expect(await avatar.innerText()).toBe('VE');
      expect(await avatar.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(18, 52, 86)');

      expectCleanAndLocal(watched, running.baseUrl);
    });
  });
});
