import type { FacebookChannel } from '../../bots/channels/facebook/facebook-channel';
import { messages } from '../../dialogs/messages/es-MX';
import { facebookSignature } from '../../services/facebook/signature';
import { GraphFakeApi, type GraphRequest } from '../support/graph-fake-api';
import { createAgent, startTwilioApp, TestClock, type TwilioApp } from './twilio-fixture';

const m = messages.attention;
const APP_SECRET = 'facebook-app-secret-for-tests-0123';
const VERIFY_TOKEN = 'verify-token-ventanilla-42';
const PAGE_TOKEN = 'EAAGtestpagetoken0123456789abcdef';
const PAGE_ID = '104857600000001';

/** Messenger on `GET|POST /api/facebook/webhook`: the same bot, replies through a local fake of the Send API. */
describe('Facebook Messenger channel', () => {
  let t: TwilioApp;
  let graph: GraphFakeApi;
  let fb: FacebookChannel;
  const clock = new TestClock();
  let sequence = 0;

  beforeAll(async () => {
    graph = await GraphFakeApi.start({ pageAccessToken: PAGE_TOKEN });
    t = await startTwilioApp(
      { FACEBOOK_APP_SECRET: APP_SECRET, FACEBOOK_VERIFY_TOKEN: VERIFY_TOKEN, FACEBOOK_PAGE_ACCESS_TOKEN: PAGE_TOKEN, FACEBOOK_GRAPH_BASE_URL: graph.baseUrl },
      clock,
    );
    const wired = t.running.app.facebook;
    if (!wired) throw new Error('FACEBOOK_APP_SECRET, FACEBOOK_VERIFY_TOKEN and FACEBOOK_PAGE_ACCESS_TOKEN turn Messenger on');
    fb = wired;
  }, 120_000);
  afterAll(async () => {
    await fb?.conversations.idle(10_000);
    await t?.stop();
    await graph?.close();
  });

  const nextMid = () => `m_${String(++sequence).padStart(24, '0')}`;

  function messaging(psid: string, message: Record<string, unknown>): Record<string, unknown> {
    const now = clock.now().getTime();
    return {
      object: 'page',
      entry: [{ id: PAGE_ID, time: now, messaging: [{ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: now, message }] }],
    };
  }

  async function post(body: unknown, signature?: string): Promise<Response> {
    const raw = JSON.stringify(body);
    return fetch(`${t.running.baseUrl}/api/facebook/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature ?? facebookSignature(APP_SECRET, raw) },
      body: raw,
    });
  }

  /** Posts a signed text message; returns the Send API requests it caused. */
  async function say(psid: string, text: string, extra: Record<string, unknown> = {}): Promise<GraphRequest[]> {
    const before = graph.requests.length;
    const res = await post(messaging(psid, { mid: nextMid(), text, ...extra }));
    expect(res.status).toBe(200);
    await fb.conversations.idle();
    return graph.requests.slice(before);
  }

  async function conversationOf(psid: string): Promise<string> {
    const latest = await t.running.app.calls.latestConversation('facebook', psid);
    if (!latest) throw new Error(`no conversation for ${psid}`);
    return latest.id;
  }

  async function userMessages(psid: string) {
    const lines = await t.running.app.conversations.since(await conversationOf(psid), 0, 1000);
    return lines.filter((r) => r.activity.type === 'message' && (r.activity.from as { role?: string }).role === 'user');
  }

  async function lastBotText(psid: string): Promise<string> {
    const lines = await t.running.app.conversations.since(await conversationOf(psid), 0, 1000);
    const bot = lines.filter((r) => r.activity.type === 'message' && (r.activity.from as { role?: string }).role === 'bot');
    return String(bot[bot.length - 1]?.activity.text ?? '');
  }

  test('verification: the right verify token gets the challenge as text; a wrong one is refused (403 JSON)', async () => {
    const ok = await fetch(`${t.running.baseUrl}/api/facebook/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${t.running.baseUrl}/api/facebook/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`);
    expect(bad.status).toBe(403);
    expect(bad.headers.get('content-type')).toMatch(/json/);
    expect(await bad.json()).toMatchObject({ error: { code: 'Forbidden' } });
    const noMode = await fetch(`${t.running.baseUrl}/api/facebook/webhook?hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`);
    expect(noMode.status).toBe(403);
  });

  test('a signed message gets the greeting and the answer through the Send API (RESPONSE, page token)', async () => {
    const psid = '7000000000000001';
    const sent = await say(psid, 'necesito que activen el nodo de red de la oficina nueva');
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) {
      expect(r.path).toBe('/v21.0/me/messages');
      expect(r.query.access_token).toBe(PAGE_TOKEN);
      expect(r.body).toMatchObject({ recipient: { id: psid }, messaging_type: 'RESPONSE' });
      expect(r.body.message?.text?.length).toBeLessThanOrEqual(2000);
      expect(r.body.message?.text).not.toMatch(/\*\*|__|\[[^\]]+\]\(/);
    }
    expect(sent.map((r) => r.body.message?.text).join('\n')).toMatch(/^(Buenos días|Buenas tardes|Buenas noches), le atiende Ventanilla/);
    expect(await t.running.app.conversations.get(await conversationOf(psid))).toMatchObject({ channel: 'facebook', userId: psid });
  }, 60_000);

  test('a forged or missing signature is refused (403 JSON) and nothing is recorded or sent', async () => {
    const psid = '7000000000000002';
    const before = graph.requests.length;
    const body = messaging(psid, { mid: nextMid(), text: 'hola' });
    const forged = await post(body, facebookSignature('not-the-secret', JSON.stringify(body)));
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'InvalidSignature' } });
    const raw = JSON.stringify(body);
    const missing = await fetch(`${t.running.baseUrl}/api/facebook/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: raw });
    expect(missing.status).toBe(403);
    // A signature of another body (the body was altered on the way).
    const altered = await post({ ...body, extra: 1 }, facebookSignature(APP_SECRET, raw));
    expect(altered.status).toBe(403);
    await fb.conversations.idle();
    expect(await t.running.app.calls.latestConversation('facebook', psid)).toBeNull();
    expect(graph.requests.length).toBe(before);
  });

  test('a redelivered event (same mid) runs one turn; echoes are ignored', async () => {
    const psid = '7000000000000003';
    const body = messaging(psid, { mid: nextMid(), text: 'olvidé la contraseña de mi correo institucional' });
    const before = graph.requests.length;
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    await fb.conversations.idle();
    expect(await userMessages(psid)).toHaveLength(1);
    const firstRun = graph.requests.length - before;
    expect(firstRun).toBeGreaterThan(0);

    const echo = messaging(psid, { mid: nextMid(), text: 'mensaje de la página', is_echo: true, app_id: 1517776481860111 });
    const entry = (echo.entry as Array<{ messaging: Array<Record<string, unknown>> }>)[0];
    if (entry?.messaging[0]) entry.messaging[0] = { ...entry.messaging[0], sender: { id: PAGE_ID }, recipient: { id: psid } };
    const afterFirst = graph.requests.length;
    expect((await post(echo)).status).toBe(200);
    await fb.conversations.idle();
    expect(graph.requests.length).toBe(afterFirst);
    expect(await userMessages(psid)).toHaveLength(1);
    expect(await t.running.app.calls.latestConversation('facebook', PAGE_ID)).toBeNull();
  }, 60_000);

  test('standby events are only recorded; an attachment alone gets the text-only answer', async () => {
    const psid = '7000000000000004';
    await say(psid, 'hola');
    const now = clock.now().getTime();
    const before = graph.requests.length;
    const standby = {
      object: 'page',
      entry: [{ id: PAGE_ID, time: now, standby: [{ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: now, message: { mid: nextMid(), text: 'escribo al buzón' } }] }],
    };
    expect((await post(standby)).status).toBe(200);
    await fb.conversations.idle();
    expect(graph.requests.length).toBe(before);
    const recorded = await userMessages(psid);
    expect(recorded[recorded.length - 1]?.activity).toMatchObject({ text: 'escribo al buzón', channelData: { standby: true } });

    const sent = await say(psid, '', { attachments: [{ type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/v/foto.jpg' } }] });
    // The bot answers in text and asks for words (m.textOnly inside a question, its own wording at the opening).
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.map((r) => r.body.message?.text).join('\n')).toMatch(/escríbame/);
    const photo = (await userMessages(psid)).pop()?.activity;
    expect(photo).toMatchObject({ text: '', attachments: [{ contentType: 'image/*', contentUrl: 'https://scontent.xx.fbcdn.net/v/foto.jpg' }] });
  }, 60_000);

  test('a request to a ticket end to end, answering with quick replies', async () => {
    const psid = '7000000000000005';
    let sent = await say(psid, 'necesito que activen el nodo de red de la oficina nueva');
    let ticket: string | null = null;
    let sawQuickReplies = false;
    for (let turn = 0; turn < 20 && ticket === null; turn++) {
      const q = await lastBotText(psid);
      const replies = sent.flatMap((r) => r.body.message?.quick_replies ?? []);
      for (const qr of replies) expect(qr.title.length).toBeLessThanOrEqual(20);
      expect(replies.length).toBeLessThanOrEqual(13);
      const last = sent[sent.length - 1]?.body.message?.quick_replies ?? [];
      if (q === m.askUnitAndRole || q === m.askUnit) sent = await say(psid, 'soy personal administrativo de UPIICSA');
      else if (q === m.askExtension) sent = await say(psid, '70100');
      else if (q.startsWith('Tengo estos datos suyos')) sent = await say(psid, 'sí');
      else if (q === m.askName) sent = await say(psid, 'Ana López Pérez');
      else if (q === m.askEmail) sent = await say(psid, 'ana.lopez@ipn.mx');
      else if (last.length > 0 && last[0]) {
        sawQuickReplies = true;
        // A tap on a quick reply: Messenger sends its title as text and its payload.
        sent = await say(psid, last[0].title, { quick_reply: { payload: last[0].payload } });
      } else sent = await say(psid, 'no estoy seguro');
      ticket = /CAU-\d{4}-\d{6}/.exec(sent.map((r) => r.body.message?.text ?? '').join('\n'))?.[0] ?? null;
    }
    expect(ticket).not.toBeNull();
    expect(sawQuickReplies).toBe(true);
    const stored = await t.running.app.repositories.tickets.findByNumber(ticket ?? '');
    expect(stored).toMatchObject({ kind: 'request', serviceCode: 'RED-ACTIVACION-NODO', channel: 'facebook' });
  }, 120_000);

  test('agents answer from the console: RESPONSE within 24 h, HUMAN_AGENT tag up to 7 days, nothing after', async () => {
    const agent = await createAgent(t.running.app, { email: 'fb.agente@ipn.mx', name: 'Laura', phone: null });
    const psid = '7000000000000006';
    await say(psid, 'quiero hablar con un agente');
    const conversationId = await conversationOf(psid);
    const state = await t.running.app.handoff.queueState(conversationId);
    expect(state.state).toBe('offered');
    const handoffId = state.state === 'offered' ? state.handoffId : '';
    graph.reset();
    await t.running.app.handoff.accept(agent, handoffId);
    const announced = graph.messages;
    expect(announced.length).toBeGreaterThan(0);
    expect(announced.map((r) => r.body.message?.text).join('\n')).toContain('Laura');
    expect(announced.every((r) => r.body.messaging_type === 'RESPONSE')).toBe(true);

    graph.reset();
    await t.running.app.handoff.reply(agent, handoffId, 'Hola, reviso su solicitud.', 'fb-client-1');
    expect(graph.messages.map((r) => [r.body.messaging_type, r.body.message?.text])).toEqual([['RESPONSE', 'Laura: Hola, reviso su solicitud.']]);

    // 25 hours later the person has not written: only the agent's own messages go, with the HUMAN_AGENT tag.
    clock.advance(25 * 3600);
    graph.reset();
    await t.running.app.handoff.reply(agent, handoffId, 'Ya quedó activado su nodo.', 'fb-client-2');
    expect(graph.messages.map((r) => r.body)).toEqual([
      { recipient: { id: psid }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'Laura: Ya quedó activado su nodo.' } },
    ]);
    // A retried send (same client id) goes once.
    await t.running.app.handoff.reply(agent, handoffId, 'Ya quedó activado su nodo.', 'fb-client-2');
    expect(graph.messages).toHaveLength(1);
    // Automatic messages (hold, position) are not sent outside 24 h.
    graph.reset();
    await fb.person.say(conversationId, 'facebook', [{ text: 'Permítame, lo sigo atendiendo.', automatic: true }]);
    expect(graph.requests).toEqual([]);

    // After 7 days nothing may be sent; the message stays in the transcript marked undelivered.
    clock.advance(7 * 24 * 3600);
    await t.running.app.handoff.reply(agent, handoffId, '¿Sigue ahí?', 'fb-client-3');
    expect(graph.requests).toEqual([]);
    const lines = await t.running.app.conversations.since(conversationId, 0, 1000);
    expect(lines[lines.length - 1]?.activity).toMatchObject({ text: '¿Sigue ahí?', channelData: { undelivered: 'outside-messaging-window' } });

  }, 90_000);
});
