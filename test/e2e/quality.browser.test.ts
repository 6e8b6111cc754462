import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CallRepository, ConversationRepository, HandoffRepository, type NewActivity } from '../../models';
import { conversations } from '../../models/schema';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { isoWeekOf } from '../../services/reports/weekly-summary';
import { apiGet, launchChromium, openWatched, signIn, WAIT_MS, type Complaints } from '../support/console-driver';
import { startApp, type RunningApp } from '../support/harness';
import { wallTime } from '../support/month-generator';
import { defaultBackend } from '../support/test-database';

/**
 * «Calidad» in a real browser against the real application, one whole monthly cycle (seed 001 stage 2, seed 004 stage
 * 4): an admin draws the month's sample in the page and reviews every item (confirming or overriding the pre-checks,
 * one «no cumple» with observations) and sends it; the coordinator returns it with comments; the admin reads them,
 * corrects an item and sends it again; the coordinator approves it and assigns a corrective action; the agent sees it
 * and marks it done. The tabulation on the page equals the verdicts entered; the weekly summary per agent equals the
 * handoffs written here. No script errors on any page.
 */

const TZ = 'America/Mexico_City';
const ADMIN = { email: 'admin.calidad@example.mx', password: 'ContrasenaSegura123', displayName: 'Irma Revisora' };
const COORDINATOR = { email: 'coordinacion@example.mx', password: 'ContrasenaSegura456', displayName: 'Laura Méndez' };
const PEDRO = { email: 'pedro@example.mx', password: 'OtraContrasena789', displayName: 'Pedro Ruiz' };
const LUCIA = { email: 'lucia@example.mx', password: 'OtraContrasena012', displayName: 'Lucía Paz' };
const KEYS = ['immediacy', 'greeting', 'script', 'tone', 'attention', 'concision', 'patience', 'transfer', 'farewell', 'hold'] as const;
type Key = (typeof KEYS)[number];
type Verdict = 'pass' | 'fail' | 'na';
const RETURN_COMMENTS = 'Revise el contacto en espera de la llamada de Lucía: hubo silencios largos.';
const OBSERVATION = 'No se presentó con su nombre al tomar la conversación.';

interface ReviewItem {
  id: string;
  position: number;
  channel: string;
  agent: { id: string; name: string } | null;
  verdicts: Record<string, string>;
  observations: string | null;
}
interface ReviewDetail {
  status: string;
  items: ReviewItem[];
  coordinatorComments: string | null;
  tabulation: { compliance: number; judged: number; passed: number };
}

/** `YYYY-MM` `delta` months from this month on the desk's calendar. */
function monthFromNow(delta: number): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).formatToParts(new Date()).map((x) => [x.type, x.value]));
  const d = new Date(Date.UTC(Number(p.year), Number(p.month) - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Today plus `days` on the desk's calendar, `YYYY-MM-DD`. */
function dayFromNow(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-quality-tests';
const RECORDING_SID = `RE${'a'.repeat(32)}`;

/** One second of 8 kHz, 16-bit mono silence as a WAV file: a recording the browser can load. */
function silentWav(): Buffer {
  const samples = 8000;
  const data = Buffer.alloc(samples * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Twilio's recordings endpoint, as far as the console needs it: Basic auth, the recording of RECORDING_SID. */
async function startRecordings(): Promise<{ baseUrl: string; served: string[]; close(): Promise<void> }> {
  const served: string[] = [];
  const wav = silentWav();
  const expected = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401);
      res.end();
      return;
    }
    if (req.method === 'GET' && req.url === `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${RECORDING_SID}.mp3`) {
      served.push(req.url);
      res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': String(wav.length) });
      res.end(wav);
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, served, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);
const pctText = (p: number) => `${new Intl.NumberFormat('es-MX', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(p)} %`;

describe(`the quality review in a real browser (database: ${defaultBackend()})`, () => {
  // Two months back: a sample is drawn only from a closed month, and the next review (last month) must be closed too.
  const MONTH = monthFromNow(-2);
  const [year, mon] = MONTH.split('-').map(Number) as [number, number];
  // The first Monday on or after the 5th: four weekdays of the same ISO week inside the month.
  const fifth = new Date(Date.UTC(year, mon - 1, 5));
  const mondayDay = 5 + ((8 - fifth.getUTCDay()) % 7);
  const WEEK = isoWeekOf(year, mon, mondayDay);
  const at = (dayOffset: number, hour: number) => wallTime(TZ, year, mon, mondayDay + dayOffset, hour);

  let browser: Browser;
  let running: RunningApp;
  let recordings: Awaited<ReturnType<typeof startRecordings>>;
  const ids: Record<string, string> = {};
  /** The verdicts entered in the page, per item id (what the tabulation must add up). */
  const entered = new Map<string, Record<Key, Verdict>>();
  let items: ReviewItem[] = [];

  /** One conversation a person wrote in, with the bot's greeting, and optionally an agent's handoff and a caller's call. */
  async function conversation(id: string, channel: string, start: Date, handoff: { agent: string; wait: number; handle: number } | null): Promise<void> {
    const db = running.app.database.db;
    const repo = new ConversationRepository(running.app.database);
    const userId = channel === 'voice' ? '+5215512345678' : `persona-${id}`;
    await repo.create({ id, channel, externalId: id, userId });
    await db.update(conversations).set({ createdAt: start }).where(eq(conversations.id, id));
    const line = (direction: 'in' | 'out', text: string, offset: number, agent = false): NewActivity => ({
      direction,
      channel,
      type: 'message',
      fromId: direction === 'in' ? userId : 'ventanilla-bot',
      recipientId: null,
      clientActivityId: null,
      text,
      timestamp: plus(start, offset),
      payload: { type: 'message', text, from: { id: direction === 'in' ? userId : 'ventanilla-bot' }, ...(agent ? { channelData: { agent: true } } : {}) },
    });
    const lines = [line('out', 'Buenos días, le atiende Ventanilla, ¿en qué puedo ayudarle?', 1), line('in', 'No tengo internet en el laboratorio.', 20), line('out', 'Permítame, lo reviso.', 25)];
    if (handoff) lines.push(line('out', 'Hola, lo atiende un agente. ¿En qué le ayudo?', handoff.wait + 40, true), line('out', '¿Hay algo más en que pueda ayudarle? Hasta luego, que tenga buen día.', handoff.wait + handoff.handle - 5, true));
    await repo.appendMany(id, lines);
    if (channel === 'voice') {
      const calls = new CallRepository(db);
      await calls.start({ callSid: `CA-${id}`, conversationId: id, direction: 'inbound', purpose: 'caller', fromNumber: userId, toNumber: '+525550000000', status: 'in-progress', answeredAt: plus(start, 2) }, start);
      await calls.updateStatus(`CA-${id}`, { status: 'completed', endedAt: plus(start, 600), durationSeconds: 598 });
      if (handoff) await calls.patch(`CA-${id}`, { agentUserId: ids[handoff.agent] as string, recordingConsent: true, recordingSid: RECORDING_SID });
    }
    if (!handoff) return;
    const handoffs = new HandoffRepository(db);
    const queuedAt = plus(start, 30);
    const { handoff: h } = await handoffs.enqueue({ conversationId: id, channel, resolverGroup: 'Mesa de ayuda', reason: 'asked', priority: 0, context: {} }, queuedAt);
    const accepted = await handoffs.accept(h.id, ids[handoff.agent] as string, plus(queuedAt, handoff.wait), () => true);
    if (!accepted.ok) throw new Error(`accept failed: ${accepted.why}`);
    await handoffs.end(h.id, 'closed', 'closed_by_agent', plus(queuedAt, handoff.wait + handoff.handle));
  }

  beforeAll(async () => {
    browser = await launchChromium();
    recordings = await startRecordings();
    // Twilio configured (its API on the local stand-in): the console can stream call recordings.
    running = await startApp({
      env: { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_PHONE_NUMBER: '+525550001000', TWILIO_API_BASE_URL: recordings.baseUrl, PUBLIC_BASE_URL: 'http://mesa.ventanilla.test' },
    });
    const { app } = running;
    await app.users.create({ ...ADMIN, role: 'admin', actor: 'test' });
    await app.users.create({ ...COORDINATOR, role: 'coordinator', actor: 'test' });
    ids.pedro = (await app.users.create({ ...PEDRO, role: 'agent', actor: 'test' })).user.id;
    ids.lucia = (await app.users.create({ ...LUCIA, role: 'agent', actor: 'test' })).user.id;
    for (const key of ['pedro', 'lucia']) await new HandoffRepository(app.database.db).setPresence(ids[key] as string, { status: 'offline', capacity: 5 }, new Date());
    // Pedro: a web chat (waited 60 s, attended 300 s) and an e-mail (120 s, 600 s); Lucía: a call (30 s, 240 s); the bot alone: a web chat.
    await conversation('q-chat-pedro', 'webchat', at(0, 10), { agent: 'pedro', wait: 60, handle: 300 });
    await conversation('q-mail-pedro', 'email', at(1, 10), { agent: 'pedro', wait: 120, handle: 600 });
    await conversation('q-call-lucia', 'voice', at(2, 10), { agent: 'lucia', wait: 30, handle: 240 });
    await conversation('q-chat-bot', 'webchat', at(3, 10), null);
    // Lucía's own leg of the call (answered 62 s in), and two switchboard transfers she tried: busy, then put through.
    const calls = new CallRepository(app.database.db);
    await calls.start({ callSid: 'CA-q-call-lucia-leg', parentCallSid: 'CA-q-call-lucia', direction: 'outbound', purpose: 'agent', status: 'queued', agentUserId: ids.lucia }, plus(at(2, 10), 60));
    await calls.updateStatus('CA-q-call-lucia-leg', { status: 'in-progress', answeredAt: plus(at(2, 10), 62) });
    for (const [seconds, status] of [[400, 'busy'], [500, 'completed']] as const) {
      await calls.addTransfer('CA-q-call-lucia', { at: plus(at(2, 10), seconds).toISOString(), entryId: 'e-1', name: 'Dirección', extension: '1234', status, durationSeconds: null, attempt: 1 });
    }
    // The next month's first conversation: its review is where MONTH's corrective actions are followed up.
    const [ny, nm] = monthFromNow(-1).split('-').map(Number) as [number, number];
    await conversation('q-chat-next', 'webchat', wallTime(TZ, ny, nm, 1, 0, 1), null);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await recordings?.close();
  });

  /** A signed-in page of its own browser context, with its complaints watched. */
  async function session(user: { email: string; password: string }): Promise<{ context: BrowserContext; watched: Complaints; page: Page }> {
    const context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
    const watched = await openWatched(context);
    await watched.page.goto(`${running.baseUrl}/console`);
    await signIn(watched.page, user.email, user.password);
    await watched.page.locator('#mainnav a').first().waitFor({ timeout: WAIT_MS });
    return { context, watched, page: watched.page };
  }

  const statusBadge = (page: Page) => page.locator('.quality-status [data-status]');
  const review = (page: Page) => apiGet<ReviewDetail>(page, `/api/quality/reviews/${MONTH}`);

  /** Marks one item's verdicts in its page and saves them; `then` = the save button to press. */
  async function markItem(page: Page, item: ReviewItem, verdicts: Record<Key, Verdict>, observations: string | null): Promise<void> {
    await page.goto(`${running.baseUrl}/console/calidad/${MONTH}/elementos/${item.id}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(`^Elemento ${item.position} de ${items.length}`) }).waitFor({ timeout: WAIT_MS });
    for (const key of KEYS) await page.locator(`#verdict-${key}-${verdicts[key]}`).check();
    if (observations !== null) await page.getByLabel('Observaciones').fill(observations);
    await page.getByRole('button', { name: 'Guardar revisión' }).click();
    await page.locator('.quality-save-status').filter({ hasText: `Revisión del elemento ${item.position} guardada.` }).waitFor({ timeout: WAIT_MS });
    entered.set(item.id, { ...verdicts });
  }

  const allPass = (): Record<Key, Verdict> => Object.fromEntries(KEYS.map((k) => [k, k === 'transfer' ? 'na' : 'pass'])) as Record<Key, Verdict>;

  let admin: { context: BrowserContext; watched: Complaints; page: Page };
  let coordinator: { context: BrowserContext; watched: Complaints; page: Page };

  afterEach(() => {
    expect(admin?.watched.problems ?? []).toEqual([]);
    expect(coordinator?.watched.problems ?? []).toEqual([]);
  });

  it('lets an admin draw the month’s sample from «Nueva muestra»', async () => {
    admin = await session(ADMIN);
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Secciones de la consola' }).getByRole('link', { name: 'Calidad' }).click();
    await page.getByRole('heading', { level: 1, name: 'Revisiones de calidad' }).waitFor({ timeout: WAIT_MS });
    await page.locator('.quality-empty').waitFor({ timeout: WAIT_MS });
    await page.getByLabel(/^Mes/).fill(MONTH);
    await page.getByLabel('Tamaño de la muestra').fill('10');
    await page.getByLabel('Semilla').fill('prueba-e2e');
    await page.getByRole('button', { name: 'Extraer muestra' }).click();
    await page.waitForURL(`**/console/calidad/${MONTH}`, { timeout: WAIT_MS });
    expect(await statusBadge(page).innerText()).toBe('En revisión');
    const detail = await review(page);
    items = detail.items;
    // Every conversation a person wrote in that month, and nothing else.
    expect(items.map((i) => i.channel).sort()).toEqual(['email', 'voice', 'webchat', 'webchat']);
    expect(await page.locator('table.quality-items tbody tr').count()).toBe(4);
    expect(await page.locator('.quality-progress label').innerText()).toBe('Revisados: 0 de 4');
    // The admin reviews, but only the coordinator decides: no «Aprobar» here.
    expect(await page.getByRole('button', { name: 'Aprobar' }).count()).toBe(0);
    // A second sample of the same month is refused in Spanish.
    const again = await page.request.post('/api/quality/reviews', { data: { month: MONTH }, headers: { 'x-csrf-token': await csrf(page) } });
    expect(again.status()).toBe(409);
  });

  it('reviews every item beside its transcript, one «no cumple» with observations, and sends the review', async () => {
    const { page } = admin;
    for (const item of [...items].sort((a, b) => a.position - b.position)) {
      if (item.position === 2) {
        // Sent with items still unreviewed: refused, saying which.
        await page.goto(`${running.baseUrl}/console/calidad/${MONTH}`);
        await page.locator('.quality-progress label').filter({ hasText: 'Revisados: 1 de 4' }).waitFor({ timeout: WAIT_MS });
        await page.getByRole('button', { name: 'Enviar a coordinación' }).click();
        const alert = page.locator('.quality-status [role="alert"] .notice--error');
        await alert.waitFor({ timeout: WAIT_MS });
        expect(await alert.innerText()).toMatch(/Faltan veredictos en 3 de 4 conversaciones[\s\S]*Conversación 2: falta/);
        expect(await statusBadge(page).innerText()).toBe('En revisión');
      }
      const verdicts = allPass();
      let observations: string | null = null;
      if (item.agent?.id === ids.pedro && item.channel === 'webchat') {
        verdicts.greeting = 'fail';
        observations = OBSERVATION;
      }
      await markItem(page, item, verdicts, observations);
      // The transcript is beside the checklist, and the pre-checks show what they found.
      expect(await page.locator('.quality-transcript .line').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('.quality-check').count()).toBe(KEYS.length);
      expect(await page.locator('.quality-check__pre strong').count()).toBeGreaterThan(0);
    }
    await page.goto(`${running.baseUrl}/console/calidad/${MONTH}`);
    await page.locator('.quality-progress label').filter({ hasText: 'Revisados: 4 de 4' }).waitFor({ timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Enviar a coordinación' }).click();
    await statusBadge(page).filter({ hasText: 'Enviada a coordinación' }).waitFor({ timeout: WAIT_MS });
    const saved = await review(page);
    expect(saved.status).toBe('submitted');
    for (const item of saved.items) expect(item.verdicts).toEqual(entered.get(item.id));
    expect(saved.items.find((i) => i.agent?.id === ids.pedro && i.channel === 'webchat')?.observations).toBe(OBSERVATION);
  });

  it('plays the call’s recording beside the checklist, streamed through the console', async () => {
    const { page } = admin;
    const call = items.find((i) => i.channel === 'voice') as ReviewItem;
    await page.goto(`${running.baseUrl}/console/calidad/${MONTH}/elementos/${call.id}`);
    const audio = page.locator('.quality-recording audio');
    await audio.waitFor({ timeout: WAIT_MS });
    expect(await audio.getAttribute('src')).toBe(`/api/quality/reviews/${MONTH}/items/${call.id}/recording`);
    const duration = await audio.evaluate(
      (el: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          el.addEventListener('loadedmetadata', () => resolve(el.duration), { once: true });
          el.addEventListener('error', () => reject(new Error(`audio error ${el.error?.code ?? '?'}`)), { once: true });
          el.load();
        }),
    );
    expect(duration).toBeCloseTo(1, 1);
    expect(recordings.served.length).toBeGreaterThan(0);
    // Only the item with a recording has a player.
    const chat = items.find((i) => i.channel === 'email') as ReviewItem;
    await page.goto(`${running.baseUrl}/console/calidad/${MONTH}/elementos/${chat.id}`);
    await page.getByRole('heading', { level: 2, name: 'Protocolo de atención' }).waitFor({ timeout: WAIT_MS });
    expect(await page.locator('audio').count()).toBe(0);
  });

  it('lets the coordinator return it with comments, which the reviewer reads and answers', async () => {
    coordinator = await session(COORDINATOR);
    const c = coordinator.page;
    await c.goto(`${running.baseUrl}/console/calidad/${MONTH}`);
    await c.getByRole('button', { name: 'Devolver con comentarios' }).click();
    await c.getByLabel('Qué hay que corregir').fill(RETURN_COMMENTS);
    await c.locator('#modal').getByRole('button', { name: 'Devolver' }).click();
    await statusBadge(c).filter({ hasText: 'Devuelta' }).waitFor({ timeout: WAIT_MS });

    const { page } = admin;
    await page.goto(`${running.baseUrl}/console/calidad/${MONTH}`);
    await statusBadge(page).filter({ hasText: 'Devuelta' }).waitFor({ timeout: WAIT_MS });
    expect(await page.locator('.quality-comments__text').innerText()).toBe(RETURN_COMMENTS);
    const call = items.find((i) => i.agent?.id === ids.lucia) as ReviewItem;
    // Leaving an item with unsaved verdicts asks first.
    await page.goto(`${running.baseUrl}/console/calidad/${MONTH}/elementos/${call.id}`);
    await page.locator('#verdict-tone-fail').check();
    const back = page.locator('.breadcrumb a', { hasText: 'Revisión de' });
    await back.click();
    const dialog = page.locator('#modal');
    await dialog.getByRole('heading', { name: 'Cambios sin guardar' }).waitFor({ timeout: WAIT_MS });
    await dialog.getByRole('button', { name: 'Cancelar' }).click();
    expect(new URL(page.url()).pathname).toBe(`/console/calidad/${MONTH}/elementos/${call.id}`);
    await back.click();
    await dialog.getByRole('button', { name: 'Salir sin guardar' }).click();
    await page.waitForURL(`**/console/calidad/${MONTH}`, { timeout: WAIT_MS });
    const verdicts = { ...(entered.get(call.id) as Record<Key, Verdict>), hold: 'fail' as const };
    await markItem(page, call, verdicts, 'Dejó a la persona en silencio más de un minuto sin mensaje de espera.');
    await page.goto(`${running.baseUrl}/console/calidad/${MONTH}`);
    await page.getByRole('button', { name: 'Enviar a coordinación' }).click();
    await statusBadge(page).filter({ hasText: 'Enviada a coordinación' }).waitFor({ timeout: WAIT_MS });
  });

  it('lets the coordinator approve it; the tabulation adds up the verdicts entered', async () => {
    const c = coordinator.page;
    await c.goto(`${running.baseUrl}/console/calidad/${MONTH}`);
    await c.getByRole('button', { name: 'Aprobar' }).click();
    await c.locator('#modal').getByRole('button', { name: 'Aprobar' }).click();
    await statusBadge(c).filter({ hasText: 'Aprobada' }).waitFor({ timeout: WAIT_MS });

    // What the page must show, from the verdicts entered here.
    const fails = new Map<Key, number>(KEYS.map((k) => [k, 0]));
    const byAgent = new Map<string, number>();
    let judged = 0;
    let passed = 0;
    for (const item of items) {
      const v = entered.get(item.id) as Record<Key, Verdict>;
      for (const k of KEYS) {
        if (v[k] === 'fail') {
          fails.set(k, (fails.get(k) ?? 0) + 1);
          byAgent.set(item.agent?.id ?? 'bot', (byAgent.get(item.agent?.id ?? 'bot') ?? 0) + 1);
        }
        if (v[k] !== 'na') judged += 1;
        if (v[k] === 'pass') passed += 1;
      }
    }
    // 4 items × 10 points, «transferencia» not applicable in each: 36 judged.
    expect([fails.get('greeting'), fails.get('hold'), judged]).toEqual([1, 1, 36]);
    for (const k of KEYS) expect(await c.locator(`table.quality-by-type tr[data-type="${k}"] td`).innerText()).toBe(String(fails.get(k)));
    expect(await c.locator(`table.quality-by-agent tr[data-agent="${ids.pedro}"] td[data-fails]`).innerText()).toBe(String(byAgent.get(ids.pedro as string)));
    expect(await c.locator(`table.quality-by-agent tr[data-agent="${ids.lucia}"] td[data-fails]`).innerText()).toBe(String(byAgent.get(ids.lucia as string)));
    expect(await c.locator(`table.quality-by-agent tr[data-agent="${ids.lucia}"] td[data-type="hold"]`).innerText()).toBe('1');
    expect(await c.locator('table.quality-by-channel tr[data-channel="webchat"] td[data-fails]').innerText()).toBe('1');
    expect(await c.locator('.quality-compliance strong').innerText()).toBe(pctText((passed / judged) * 100));

    // Each item's observations in the list, without opening it.
    const approved = await review(c);
    expect(approved.items.filter((i) => i.observations).length).toBeGreaterThanOrEqual(2);
    for (const item of approved.items) {
      expect(await c.locator(`table.quality-items tr[data-item="${item.id}"] td.quality-observations`).innerText()).toBe(item.observations ?? '—');
    }
    expect(await c.locator('table.quality-items td.quality-observations').allInnerTexts()).toContain(OBSERVATION);
    // The report leaves the screen: «Descargar informe (Excel)».
    const link = c.getByRole('link', { name: 'Descargar informe (Excel)' });
    expect(await link.getAttribute('href')).toBe(`/api/quality/reviews/${MONTH}/report.xlsx`);
    const [download] = await Promise.all([c.waitForEvent('download', { timeout: WAIT_MS }), link.click()]);
    expect(download.suggestedFilename()).toBe(`revision-calidad-${MONTH}.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await download.path());
    expect(book.worksheets.map((w) => w.name)).toEqual(['Resumen', 'Tabulado', 'Elementos', 'Acciones']);
    expect((book.getWorksheet('Elementos') as ExcelJS.Worksheet).rowCount).toBe(1 + items.length);
  });

  it('assigns a corrective action to an agent with a due date', async () => {
    const c = coordinator.page;
    await c.getByLabel(/^Agente/).selectOption(ids.pedro as string);
    await c.getByLabel('Punto del protocolo').selectOption('greeting');
    await c.getByLabel('Fecha compromiso').fill(dayFromNow(7));
    await c.getByLabel('Descripción de la acción').fill('Repasar el saludo del protocolo y presentarse con nombre al tomar cada conversación.');
    await c.getByRole('button', { name: 'Asignar acción' }).click();
    const row = c.locator('table.quality-actions tbody tr');
    await row.first().waitFor({ timeout: WAIT_MS });
    expect(await row.count()).toBe(1);
    const text = await row.innerText();
    expect(text).toContain('Pedro Ruiz');
    expect(text).toContain('Abierta');
  });

  it('shows the agent «Mis acciones correctivas», where they mark it done', async () => {
    const agent = await session(PEDRO);
    try {
      const { page, watched } = agent;
      await page.getByRole('navigation', { name: 'Secciones de la consola' }).getByRole('link', { name: 'Calidad' }).click();
      await page.getByRole('heading', { level: 1, name: 'Mis acciones correctivas' }).waitFor({ timeout: WAIT_MS });
      const row = page.locator('table.quality-actions tbody tr');
      await row.first().waitFor({ timeout: WAIT_MS });
      expect(await row.count()).toBe(1);
      expect(await row.innerText()).toContain('Repasar el saludo');
      await page.getByRole('button', { name: 'Marcar como atendida' }).click();
      await page.getByLabel('Nota (opcional)').fill('Lo repasé con la coordinación.');
      await page.locator('#modal').getByRole('button', { name: 'Marcar como atendida' }).click();
      await page.locator('table.quality-actions [data-status="done"]').first().waitFor({ timeout: WAIT_MS });
      // Agents see their own actions only: the reviews themselves are refused.
      expect((await page.request.get(`/api/quality/reviews/${MONTH}`)).status()).toBe(403);
      expect(watched.problems).toEqual([]);
    } finally {
      await agent.context.close();
    }
    const c = coordinator.page;
    await c.goto(`${running.baseUrl}/console/calidad/acciones`);
    await c.locator('table.quality-actions tbody tr[data-status="done"]').waitFor({ timeout: WAIT_MS });
    expect(await c.locator('table.quality-actions tbody tr').innerText()).toContain('Lo repasé con la coordinación.');
  });

  it('follows the action up in the next month’s review', async () => {
    const { page } = admin;
    const next = monthFromNow(-1);
    await page.goto(`${running.baseUrl}/console/calidad`);
    await page.getByLabel(/^Mes/).fill(next);
    await page.getByRole('button', { name: 'Extraer muestra' }).click();
    await page.waitForURL(`**/console/calidad/${next}`, { timeout: WAIT_MS });
    const row = page.locator('#quality-followup-title ~ .table-wrap table.quality-actions tbody tr');
    await row.first().waitFor({ timeout: WAIT_MS });
    expect(await row.count()).toBe(1);
    expect(await row.locator('[data-status]').first().innerText()).toBe('Atendida');
    await row.getByRole('button', { name: 'Eficaz', exact: true }).click();
    await page.getByLabel(/^Qué se observó/).fill('En la muestra de este mes se presentó con su nombre en todas.');
    await page.locator('#modal').getByRole('button', { name: 'Registrar como eficaz' }).click();
    await page.locator('#quality-followup-title ~ .table-wrap tr[data-status="effective"]').waitFor({ timeout: WAIT_MS });
    const actions = await apiGet<{ actions: Array<{ status: string; followUpMonth: string; agent: { id: string } }> }>(page, `/api/quality/actions?agentId=${ids.pedro}`);
    expect(actions.actions.map((a) => [a.status, a.followUpMonth])).toEqual([['effective', next]]);
  });

  it('shows the weekly summary per agent as written', async () => {
    const c = coordinator.page;
    await c.goto(`${running.baseUrl}/console/calidad/semanal?week=${WEEK}`);
    await c.locator('table.weekly-table').waitFor({ timeout: WAIT_MS });
    const cell = (agent: string, col: string) => c.locator(`table.weekly-table tr[data-agent="${ids[agent]}"] td[data-col="${col}"]`).innerText();
    // Pedro: two text conversations, waits 60 and 120 s (average 1:30, p90 2:00), handled 300 and 600 s (7:30).
    expect([await cell('pedro', 'conversations'), await cell('pedro', 'calls'), await cell('pedro', 'waitAvg'), await cell('pedro', 'waitP90'), await cell('pedro', 'handleAvg')]).toEqual(['2', '0', '1:30', '2:00', '7:30']);
    // Lucía: the call, waited 30 s, handled 240 s.
    expect([await cell('lucia', 'conversations'), await cell('lucia', 'calls'), await cell('lucia', 'waitAvg'), await cell('lucia', 'handleAvg')]).toEqual(['0', '1', '0:30', '4:00']);
    const api = await apiGet<{ agents: Array<{ agentId: string; precheck: { checks: number; passed: number; score: number | null } }> }>(c, `/api/reports/weekly?week=${WEEK}`);
    const pre = api.agents.find((a) => a.agentId === ids.pedro)?.precheck;
    expect(pre && pre.checks).toBeGreaterThan(0);
    expect(await cell('pedro', 'precheck')).toBe(`${pctText(pre?.score ?? 0)} (${pre?.passed} de ${pre?.checks})`);
    expect(await c.locator('table.weekly-table tfoot td[data-col="conversations"]').innerText()).toBe('2');
    // Lucía tried two transfers in her call, one did not connect (busy); Pedro made none.
    expect([await cell('lucia', 'transfers'), await cell('lucia', 'unconnected'), await cell('pedro', 'transfers'), await cell('pedro', 'unconnected')]).toEqual(['2', '1', '0', '0']);
    // The pre-check failures by point, as the API counts them.
    const fails = (api.agents.find((a) => a.agentId === ids.pedro)?.precheck as unknown as { fails: Array<{ label: string; fails: number }> }).fails;
    expect(await cell('pedro', 'fails')).toBe(fails.length === 0 ? '—' : fails.map((f) => `${f.label} ${f.fails}`).join(' · '));

    // Pedro's conversations number opens the list of the two he accepted; each opens its transcript.
    const number = c.locator(`table.weekly-table tr[data-agent="${ids.pedro}"] td[data-col="conversations"] button`);
    await number.click();
    const dialog = c.locator('dialog.weekly-items');
    await dialog.locator('tr[data-conversation]').first().waitFor({ timeout: WAIT_MS });
    expect(await dialog.locator('tr[data-conversation]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation')))).toEqual(['q-chat-pedro', 'q-mail-pedro']);
    await dialog.getByRole('button', { name: 'Ver q-chat-pedro' }).click();
    await dialog.locator('.conversation__lines .line').first().waitFor({ timeout: WAIT_MS });
    expect(await dialog.locator('.conversation__lines .line').count()).toBe(5);
    await dialog.getByRole('button', { name: '← Volver a la lista' }).click();
    await dialog.locator('tr[data-conversation]').first().waitFor({ timeout: WAIT_MS });
    expect(await c.evaluate(() => document.activeElement?.getAttribute('data-open'))).toBe('q-chat-pedro');
    await c.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await number.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('does not offer the coordinator a decision on a review she sent herself', async () => {
    const c = coordinator.page;
    const next = monthFromNow(-1);
    const headers = { 'x-csrf-token': await csrf(c) };
    const detail = await apiGet<ReviewDetail>(c, `/api/quality/reviews/${next}`);
    // A long observation: the list shows its start, and the whole text one click away.
    const long = 'La persona pidió hablar con su jefe de área; el agente la atendió sin interrupciones y resolvió todo en la misma llamada sin dejarla en espera.';
    for (const [i, item] of detail.items.entries()) {
      const data = { verdicts: Object.fromEntries(KEYS.map((k) => [k, 'pass'])), ...(i === 0 ? { observations: long } : {}) };
      const put = await c.request.put(`/api/quality/reviews/${next}/items/${item.id}`, { data, headers });
      expect(put.status()).toBe(200);
    }
    expect((await c.request.post(`/api/quality/reviews/${next}/submit`, { data: {}, headers })).status()).toBe(200);
    await c.goto(`${running.baseUrl}/console/calidad/${next}`);
    const notice = c.locator('.quality-status .quality-own-submission');
    await notice.waitFor({ timeout: WAIT_MS });
    expect(await notice.innerText()).toBe('Quien envió la revisión no puede aprobarla ni devolverla; debe hacerlo otro coordinador.');
    expect(await c.getByRole('button', { name: 'Aprobar' }).count()).toBe(0);
    expect(await c.getByRole('button', { name: 'Devolver con comentarios' }).count()).toBe(0);
    expect(await statusBadge(c).innerText()).toBe('Enviada a coordinación');
    const cell = c.locator(`table.quality-items tr[data-item="${detail.items[0]?.id}"] td.quality-observations`);
    expect(await cell.locator('summary').textContent()).toBe(`${long.slice(0, 80).trimEnd()}… (ver completas)`);
    expect(await cell.locator('.quality-observations__full').isVisible()).toBe(false);
    await cell.locator('summary').click();
    expect(await cell.locator('.quality-observations__full').innerText()).toBe(long);
  });
});

/** The page's CSRF token (from the session endpoint). */
async function csrf(page: Page): Promise<string> {
  return (await apiGet<{ csrfToken: string }>(page, '/api/auth/me')).csrfToken;
}
