import { splitMessage } from '../../bots/channels/twilio-sms/sms-text';
import { messages } from '../../dialogs/messages/es-MX';
import { twilioSignature, type TwilioParams } from '../../services/twilio/signature';
import { AUTH_TOKEN, ACCOUNT_SID, createAgent, OUR_NUMBER, PUBLIC_BASE_URL, startTwilioApp, TestClock, type TwilioApp } from './twilio-fixture';

const m = messages.attention;

/** SMS and WhatsApp on `POST /api/twilio/sms`: the same bot, plain text, one conversation per sender. */
describe('Twilio SMS and WhatsApp channel', () => {
  let t: TwilioApp;
  const clock = new TestClock();
  let sequence = 0;

  beforeAll(async () => {
    t = await startTwilioApp({}, clock);
  }, 120_000);
  afterAll(() => t.stop());

  function smsParams(from: string, body: string, messageSid = `SM${String(++sequence).padStart(32, '0')}`): TwilioParams {
    const to = from.startsWith('whatsapp:') ? `whatsapp:${OUR_NUMBER}` : OUR_NUMBER;
    return {
      ToCountry: 'MX', ToState: '', SmsMessageSid: messageSid, NumMedia: '0', ToCity: '', FromZip: '', SmsSid: messageSid, FromState: '',
      SmsStatus: 'received', FromCity: '', Body: body, FromCountry: 'MX', To: to, ToZip: '', NumSegments: '1', MessageSid: messageSid,
      AccountSid: ACCOUNT_SID, From: from, ApiVersion: '2010-04-01',
    };
  }

  /** Posts a signed message webhook; returns the `<Message>` bodies answered. */
  async function send(params: TwilioParams): Promise<string[]> {
    const url = `${PUBLIC_BASE_URL}/api/twilio/sms`;
    const res = await fetch(`${t.running.baseUrl}/api/twilio/sms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(AUTH_TOKEN, url, params) },
      body: new URLSearchParams(params as Record<string, string>).toString(),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`sms: HTTP ${res.status} ${body}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    return [...body.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((x) =>
      (x[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'),
    );
  }

  async function conversationOf(channel: string, from: string): Promise<string> {
    const latest = await t.running.app.calls.latestConversation(channel, from);
    if (!latest) throw new Error(`no conversation for ${from}`);
    return latest.id;
  }

  async function lastBotText(channel: string, from: string): Promise<string> {
    const lines = await t.running.app.conversations.since(await conversationOf(channel, from), 0, 1000);
    const bot = lines.filter((r) => r.activity.type === 'message' && (r.activity.from as { role?: string }).role === 'bot');
    return String(bot[bot.length - 1]?.activity.text ?? '');
  }

  test('(g) a request by SMS to a ticket: plain text, numbered options answered with a digit', async () => {
    const from = '+525566667777';
    let replies = await send(smsParams(from, 'necesito que activen el nodo de red de la oficina nueva'));
    expect(replies.join('\n')).toMatch(/^(Buenos días|Buenas tardes|Buenas noches), le atiende Ventanilla/);
    let ticket: string | null = null;
    let sawMenu = false;
    for (let turn = 0; turn < 20 && ticket === null; turn++) {
      const q = await lastBotText('sms', from);
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
      replies = await send(smsParams(from, answer));
      ticket = /CAU-\d{4}-\d{6}/.exec(replies.join('\n'))?.[0] ?? null;
    }
    expect(ticket).not.toBeNull();
    expect(sawMenu).toBe(true);
    const stored = await t.running.app.repositories.tickets.findByNumber(ticket ?? '');
    expect(stored).toMatchObject({ kind: 'request', serviceCode: 'RED-ACTIVACION-NODO', channel: 'sms' });
    // A digit answering a numbered menu reached the bot as the option it names.
    const lines = await t.running.app.conversations.since(await conversationOf('sms', from), 0, 1000);
    const typedOne = lines.find((r) => (r.activity.channelData as { typed?: string } | undefined)?.typed === '1');
    expect(typedOne?.activity.text).not.toBe('1');
  }, 90_000);

  test('(g) a retried webhook (same MessageSid) runs no second turn and gets the same answer', async () => {
    const from = '+525566668888';
    const params = smsParams(from, 'olvidé la contraseña de mi correo institucional');
    const first = await send(params);
    const again = await send(params);
    expect(again).toEqual(first);
    expect(first.length).toBeGreaterThan(0);
    const lines = await t.running.app.conversations.since(await conversationOf('sms', from), 0, 1000);
    expect(lines.filter((r) => r.activity.type === 'message' && (r.activity.from as { role?: string }).role === 'user')).toHaveLength(1);
  }, 60_000);

  test('WhatsApp: its own channel; a thread idle for 24 h starts a new conversation', async () => {
    const from = 'whatsapp:+5215511112222';
    const replies = await send(smsParams(from, 'hola'));
    expect(replies.length).toBeGreaterThan(0);
    const first = await conversationOf('whatsapp', from);
    expect(await t.running.app.conversations.get(first)).toMatchObject({ channel: 'whatsapp', userId: from });
    await send(smsParams(from, 'no puedo entrar a mi correo'));
    expect(await conversationOf('whatsapp', from)).toBe(first);
    clock.advance(25 * 3600);
    const fresh = await send(smsParams(from, 'hola de nuevo'));
    const second = await conversationOf('whatsapp', from);
    expect(second).not.toBe(first);
    expect(fresh.join('\n')).toMatch(/le atiende Ventanilla/);
  }, 60_000);

  test('(g) handoff on SMS: the agent is announced and a long agent reply is sent in parts under 1,600 characters', async () => {
    const agent = await createAgent(t.running.app, { email: 'sms.agente@ipn.mx', name: 'Laura', phone: null });
    const from = '+525599990000';
    await send(smsParams(from, 'quiero hablar con un agente'));
    const conversationId = await conversationOf('sms', from);
    const state = await t.running.app.handoff.queueState(conversationId);
    expect(state.state).toBe('offered');
    t.api.reset();
    await t.running.app.handoff.accept(agent, state.state === 'offered' ? state.handoffId : '');
    const announced = t.api.requestsOf('sendMessage');
    expect(announced.length).toBeGreaterThan(0);
    expect(announced[0]?.form).toMatchObject({ To: from, From: OUR_NUMBER });
    expect(String(announced[0]?.form.Body)).toContain('Laura');

    t.api.reset();
    const sentence = 'Revisé su cuenta y encontré que la contraseña expiró por la política de seguridad institucional. ';
    const long = sentence.repeat(30).trim();
    await t.running.app.handoff.reply(agent, state.state === 'offered' ? state.handoffId : '', long, 'client-1');
    const parts = t.api.requestsOf('sendMessage').map((r) => String(r.form.Body));
    expect(parts.length).toBe(2);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(1600);
      expect(part).toMatch(/\.$/); // cut at the end of a sentence
    }
    expect(parts.join(' ')).toBe(`Laura: ${long}`);
    // A retried agent send (same client id) is not sent again.
    t.api.reset();
    await t.running.app.handoff.reply(agent, state.state === 'offered' ? state.handoffId : '', long, 'client-1');
    expect(t.api.requestsOf('sendMessage')).toEqual([]);
    // While with the agent, the person's messages go to the agent: the bot says nothing.
    expect(await send(smsParams(from, 'gracias, lo reviso'))).toEqual([]);
  }, 60_000);

  test('long replies split on sentence boundaries, each under the limit', () => {
    const text = `${'Primera oración bastante larga para llenar espacio. '.repeat(40)}\n\nSegundo párrafo. ${'Otra más. '.repeat(100)}`;
    const parts = splitMessage(text, 1600);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(1600);
      expect(p).toMatch(/[.]$/);
    }
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(text.trim().replace(/\s+/g, ' '));
    expect(splitMessage('x'.repeat(3300), 1600).map((p) => p.length)).toEqual([1600, 1600, 100]);
  });
});
