import { createHmac } from 'node:crypto';
import { X_CHANNEL } from '../../bots/channels/x/x-conversations';
import { messages } from '../../dialogs/messages/es-MX';
import { XFakeApi } from '../support/x-fake-api';
import { createAgent, startTwilioApp, TestClock, type TwilioApp } from './twilio-fixture';

const m = messages.attention;
const CONSUMER_SECRET = 'x-consumer-secret-for-tests-0123456789';
const ACCESS_TOKEN = 'x-user-access-token-for-tests-abcdef';
const OUR_ID = '4337869213';

/** X direct messages on `GET|POST /api/x/webhook`: CRC, signed deliveries, the same bot, replies by the v2 DM API. */
describe('X direct-message channel', () => {
  let t: TwilioApp;
  let api: XFakeApi;
  const clock = new TestClock();
  let sequence = 0;

  beforeAll(async () => {
    api = await XFakeApi.start({ accessToken: ACCESS_TOKEN, ourUserId: OUR_ID });
    t = await startTwilioApp({ X_CONSUMER_SECRET: CONSUMER_SECRET, X_ACCESS_TOKEN: ACCESS_TOKEN, X_API_BASE_URL: api.baseUrl }, clock);
    // X_CONSUMER_SECRET and X_ACCESS_TOKEN turn the channel on.
    expect(t.running.app.x).not.toBeNull();
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await api?.close();
  });

  const nextEventId = () => String(1_500_000_000_000_000_000n + BigInt(++sequence));

  function dmPayload(sender: string, text: string, o: { id?: string; recipient?: string; quickReply?: string } = {}) {
    return {
      for_user_id: OUR_ID,
      direct_message_events: [
        {
          type: 'message_create',
          id: o.id ?? nextEventId(),
          created_timestamp: String(Date.now()),
          message_create: {
            target: { recipient_id: o.recipient ?? OUR_ID },
            sender_id: sender,
            source_app_id: '268278',
            message_data: {
              text,
              entities: { hashtags: [], symbols: [], urls: [], user_mentions: [] },
              ...(o.quickReply ? { quick_reply_response: { type: 'options', metadata: o.quickReply } } : {}),
            },
          },
        },
      ],
      users: {
        [sender]: { id: sender, created_timestamp: '1422556069340', name: 'Ana López', screen_name: 'analopez', protected: false, verified: false },
        [OUR_ID]: { id: OUR_ID, created_timestamp: '1447274211138', name: 'CAU', screen_name: 'cau_ipn', protected: false, verified: false },
      },
    };
  }

  async function post(body: string, signature: string | null): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${t.running.baseUrl}/api/x/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(signature !== null ? { 'x-twitter-webhooks-signature': signature } : {}) },
      body,
    });
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  const sign = (body: string) => `sha256=${createHmac('sha256', CONSUMER_SECRET).update(body).digest('base64')}`;

  /** Posts a signed delivery; returns the texts sent to `sender` during it. */
  async function dm(sender: string, text: string, o: { id?: string; quickReply?: string } = {}): Promise<string[]> {
    const before = api.messages.length;
    const body = JSON.stringify(dmPayload(sender, text, o));
    const res = await post(body, sign(body));
    if (res.status !== 200) throw new Error(`x: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    return api.messages.slice(before).filter((x) => x.to === sender).map((x) => x.text);
  }

  async function conversationOf(sender: string): Promise<string | null> {
    return (await t.running.app.calls.latestConversation(X_CHANNEL, sender))?.id ?? null;
  }

  async function lastBotText(sender: string): Promise<string> {
    const lines = await t.running.app.conversations.since((await conversationOf(sender)) ?? '', 0, 1000);
    const bot = lines.filter((r) => r.activity.type === 'message' && (r.activity.from as { role?: string }).role === 'bot');
    return String(bot[bot.length - 1]?.activity.text ?? '');
  }

  test('CRC: the response_token is sha256= and the base64 HMAC-SHA256 of crc_token with the consumer secret', async () => {
    const token = 'NDA3MjMxMzQtYjc4Yi00Yzc3LTk3ZjMtYzI5MTQ2MzA1NTU3';
    const res = await fetch(`${t.running.baseUrl}/api/x/webhook?crc_token=${encodeURIComponent(token)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const expected = `sha256=${createHmac('sha256', CONSUMER_SECRET).update(token).digest('base64')}`;
    expect(await res.json()).toEqual({ response_token: expected });

    const missing = await fetch(`${t.running.baseUrl}/api/x/webhook`);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('BadArgument');
  });

  test('a signed DM gets the greeting and an answer through the v2 DM endpoint', async () => {
    const sender = '3001969357';
    const sent = await dm(sender, 'olvidé la contraseña de mi correo institucional');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.join('\n')).toMatch(/^(Buenos días|Buenas tardes|Buenas noches), le atiende Ventanilla/);
    const request = api.requests.find((r) => r.participantId === sender);
    expect(request).toMatchObject({ method: 'POST', path: `/2/dm_conversations/with/${sender}/messages`, bearer: ACCESS_TOKEN, status: 201 });
    expect(Object.keys(request?.json ?? {})).toEqual(['text']);
    for (const text of sent) expect(text).not.toMatch(/\*\*|__|\[[^\]]+\]\(/);
    const conversationId = await conversationOf(sender);
    expect(await t.running.app.conversations.get(conversationId ?? '')).toMatchObject({ channel: 'x', userId: sender });
  }, 60_000);

  test('a forged or missing signature is refused with 403 JSON and nothing is recorded or sent', async () => {
    const sender = '3001969358';
    const body = JSON.stringify(dmPayload(sender, 'hola'));
    const before = api.requests.length;
    const forged = await post(body, `sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('base64')}`);
    expect(forged.status).toBe(403);
    expect((forged.json as { error: { code: string } }).error.code).toBe('InvalidSignature');
    const tampered = await post(body.replace('hola', 'hola!'), sign(body));
    expect(tampered.status).toBe(403);
    const missing = await post(body, null);
    expect(missing.status).toBe(403);
    expect(await conversationOf(sender)).toBeNull();
    expect(api.requests.length).toBe(before);
  });

  test('a redelivered event (same id) runs no second turn and sends nothing again', async () => {
    const sender = '3001969359';
    const id = nextEventId();
    const first = await dm(sender, 'no puedo entrar a mi correo', { id });
    expect(first.length).toBeGreaterThan(0);
    const again = await dm(sender, 'no puedo entrar a mi correo', { id });
    expect(again).toEqual([]);
    const lines = await t.running.app.conversations.since((await conversationOf(sender)) ?? '', 0, 1000);
    expect(lines.filter((r) => (r.activity.from as { role?: string }).role === 'user')).toHaveLength(1);
  }, 60_000);

  test("events our own account sent (sender_id == for_user_id) are ignored", async () => {
    const person = '3001969360';
    const before = api.requests.length;
    const body = JSON.stringify(dmPayload(OUR_ID, 'Buenos días, le atiende Ventanilla', { recipient: person }));
    const res = await post(body, sign(body));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ turns: 0, ignored: 1 });
    expect(await conversationOf(OUR_ID)).toBeNull();
    expect(await conversationOf(person)).toBeNull();
    expect(api.requests.length).toBe(before);
  });

  test('a request by DM to a ticket: plain text, numbered options answered with a digit', async () => {
    const sender = '3001969361';
    let replies = await dm(sender, 'necesito que activen el nodo de red de la oficina nueva');
    expect(replies.join('\n')).toMatch(/le atiende Ventanilla/);
    let ticket: string | null = null;
    let sawMenu = false;
    for (let turn = 0; turn < 20 && ticket === null; turn++) {
      const q = await lastBotText(sender);
      const joined = replies.join('\n');
      expect(joined).not.toMatch(/\*\*|__|\[[^\]]+\]\(/);
      let answer: string;
      if (q === m.askUnitAndRole || q === m.askUnit) answer = 'soy personal administrativo de UPIICSA';
      else if (q === m.askExtension) answer = '70100';
      else if (q.startsWith('Tengo estos datos suyos')) answer = 'sí';
      else if (q === m.askName) answer = 'Ana López Pérez';
      else if (q === m.askEmail) answer = 'ana.lopez@ipn.mx';
      else if (/Responda (1 para|con el número)/.test(joined)) {
        sawMenu = true;
        answer = '1';
      } else answer = 'no estoy seguro';
      replies = await dm(sender, answer);
      ticket = /CAU-\d{4}-\d{6}/.exec(replies.join('\n'))?.[0] ?? null;
    }
    expect(ticket).not.toBeNull();
    expect(sawMenu).toBe(true);
    const stored = await t.running.app.repositories.tickets.findByNumber(ticket ?? '');
    expect(stored).toMatchObject({ kind: 'request', serviceCode: 'RED-ACTIVACION-NODO', channel: 'x' });
    const lines = await t.running.app.conversations.since((await conversationOf(sender)) ?? '', 0, 1000);
    const typedOne = lines.find((r) => (r.activity.channelData as { typed?: string } | undefined)?.typed === '1');
    expect(typedOne?.activity.text).not.toBe('1');
  }, 120_000);

  test('handoff on X: the agent is announced and answers from the console by DM', async () => {
    const agent = await createAgent(t.running.app, { email: 'x.agente@ipn.mx', name: 'Laura', phone: null });
    const sender = '3001969362';
    await dm(sender, 'quiero hablar con un agente');
    const conversationId = (await conversationOf(sender)) ?? '';
    const state = await t.running.app.handoff.queueState(conversationId);
    expect(state.state).toBe('offered');
    const handoffId = state.state === 'offered' ? state.handoffId : '';
    const before = api.messages.length;
    await t.running.app.handoff.accept(agent, handoffId);
    const announced = api.messages.slice(before);
    expect(announced.length).toBeGreaterThan(0);
    expect(announced[0]?.to).toBe(sender);
    expect(announced.map((x) => x.text).join('\n')).toContain('Laura');

    const mark = api.messages.length;
    await t.running.app.handoff.reply(agent, handoffId, 'Ya revisé su cuenta: **la contraseña expiró**.', 'x-client-1');
    expect(api.messages.slice(mark)).toEqual([{ to: sender, text: 'Laura: Ya revisé su cuenta: la contraseña expiró.' }]);
    // A retried agent send (same client id) is not sent again.
    await t.running.app.handoff.reply(agent, handoffId, 'Ya revisé su cuenta: **la contraseña expiró**.', 'x-client-1');
    expect(api.messages.length).toBe(mark + 1);
    // While with the agent, the person's messages go to the agent: the bot says nothing.
    expect(await dm(sender, 'gracias, lo reviso')).toEqual([]);
  }, 60_000);

  test('a conversation idle for 24 h starts a new one', async () => {
    const sender = '3001969363';
    await dm(sender, 'hola');
    const first = await conversationOf(sender);
    await dm(sender, 'no puedo entrar a mi correo');
    expect(await conversationOf(sender)).toBe(first);
    clock.advance(25 * 3600);
    const fresh = await dm(sender, 'hola de nuevo');
    expect(await conversationOf(sender)).not.toBe(first);
    expect(fresh.join('\n')).toMatch(/le atiende Ventanilla/);
  }, 60_000);
});
