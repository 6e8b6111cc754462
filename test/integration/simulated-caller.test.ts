/**
 * The simulated caller against a tiny TwiML server that checks signatures with our validator: every request the
 * harness sends must be signed over the public URL and carry Twilio's parameters, and it must follow the TwiML the
 * way Twilio does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { validTwilioSignature, type TwilioParams } from '../../services/twilio/signature';
import { VoiceTwiml } from '../../services/twilio/twiml';
import { SimulatedCaller, parseTwiml } from '../support/simulated-caller';

const TOKEN = 'test-auth-token-0123456789abcdef';
const PUBLIC = 'https://ventanilla.example.mx';

interface Received {
  path: string;
  params: Record<string, string>;
  signed: boolean;
}

function parseForm(raw: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Answers by path; unsigned or wrongly signed requests get 403, as our adapter does. */
function script(path: string, p: Record<string, string>): { type?: string; body: string } {
  const t = new VoiceTwiml();
  switch (path) {
    case '/api/twilio/voice':
      return { body: t.say('Buenos días.').gather({ action: 'voice/gather?step=1', hints: 'correo, red' }, (g) => g.say('¿En qué puedo ayudarle?')).toString() };
    case '/api/twilio/voice/gather':
      if (p.SpeechResult === undefined && p.Digits === undefined) return { body: t.say('No le escuché.').hangup().toString() };
      return { body: t.say(`Entendí: ${p.SpeechResult ?? p.Digits}.`).redirect('/menu?from=gather&x=1').toString() };
    case '/menu':
      return {
        body: t.gather({ action: '/choice', input: 'dtmf', numDigits: 1, actionOnEmptyResult: false }, (g) => g.say('Para sí, marque 1.'))
          .say('No marcó nada.').toString(),
      };
    case '/choice':
      return { body: t.dial({ action: '/dial?entry=7', timeout: 20, answerOnBridge: true }, { number: '+525557296000', sendDigits: 'ww42500' }).toString() };
    case '/dial':
      return { body: t.say(`Resultado ${p.DialCallStatus}.`).enqueue('Mesa de Ayuda', { waitUrl: '/wait', action: '/queue-exit' }).toString() };
    case '/wait':
      if (p.QueuePosition === '9') return { body: t.say('Ya no puede esperar.').leave().toString() };
      return { body: t.say(`Lugar ${p.QueuePosition}, tiempo ${p.QueueTime}.`).pause(25).toString() };
    case '/queue-exit':
      if (p.QueueResult === 'bridged') return { body: t.hangup().toString() };
      return { body: t.say('Deje su mensaje.').record({ action: '/rec', maxLength: 120, playBeep: true }).toString() };
    case '/rec':
      return { body: t.say(`Gracias, ${p.RecordingDuration} segundos.`).hangup().toString() };
    case '/empty-ok':
      return { body: t.gather({ action: '/api/twilio/voice/gather' }, (g) => g.say('¿Sigue ahí?')).toString() };
    case '/bad-attribute':
      return { body: '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/x" action_on_empty_result="true"/></Response>' };
    case '/bad-boolean':
      return { body: '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/x" actionOnEmptyResult="1"/></Response>' };
    case '/bad-xml':
      return { body: '<Response><Say>Pérez & Hijos</Say></Response>' };
    case '/not-xml':
      return { type: 'application/json', body: '{}' };
    default:
      return { body: t.toString() };
  }
}

describe('SimulatedCaller against a local TwiML server', () => {
  let server: http.Server;
  let baseUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const params: TwilioParams = parseForm(Buffer.concat(chunks).toString('utf8'));
        const signature = req.headers['x-twilio-signature'];
        const signed = validTwilioSignature(TOKEN, typeof signature === 'string' ? signature : undefined, `${PUBLIC}${req.url ?? ''}`, params);
        received.push({ path: `${url.pathname}${url.search}`, params: params as Record<string, string>, signed });
        if (!signed) {
          res.writeHead(403, { 'Content-Type': 'application/json' });
          res.end('{"code":"InvalidSignature"}');
          return;
        }
        if (url.pathname === '/api/twilio/voice/status') {
          res.writeHead(204);
          res.end();
          return;
        }
        const answer = script(url.pathname, params as Record<string, string>);
        res.writeHead(200, { 'Content-Type': answer.type ?? 'text/xml' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    received.length = 0;
  });

  const newCaller = () => new SimulatedCaller({ baseUrl, publicBaseUrl: PUBLIC, authToken: TOKEN, from: '+525512345678', to: '+525500000000' });

  it('follows a whole call: Gather, Redirect, DTMF, Dial busy, queue with hold announcements, message, hang-up', async () => {
    const caller = newCaller();
    expect(caller.pending).toBe('none');

    await caller.call();
    expect(caller.said()).toEqual(['Buenos días.', '¿En qué puedo ayudarle?']);
    expect(caller.pending).toBe('gather');
    expect(caller.gatherAttrs).toMatchObject({ action: 'voice/gather?step=1', input: 'speech dtmf', speechTimeout: 'auto', actionOnEmptyResult: 'true' });
    expect(received[0]?.params).toMatchObject({
      AccountSid: caller.accountSid, ApiVersion: '2010-04-01', CallSid: caller.callSid, CallStatus: 'ringing', Direction: 'inbound',
      From: '+525512345678', To: '+525500000000', Caller: '+525512345678', Called: '+525500000000', FromCountry: 'MX', FromCity: '',
    });

    // Relative action resolved against the document URL, then redirect followed at once.
    await caller.say('no puedo entrar a mi correo');
    expect(received.map((r) => r.path)).toEqual(['/api/twilio/voice', '/api/twilio/voice/gather?step=1', '/menu?from=gather&x=1']);
    expect(received[1]?.params).toMatchObject({ SpeechResult: 'no puedo entrar a mi correo', Confidence: '0.92000000', CallStatus: 'in-progress' });
    expect(received[1]?.params.Digits).toBeUndefined();
    expect(caller.lastSaid()).toEqual(['Entendí: no puedo entrar a mi correo.', 'Para sí, marque 1.']);
    expect(caller.turns).toBe(2);
    await expect(caller.say('sí')).rejects.toThrow(/does not listen to speech/);

    await caller.press('1');
    expect(received.at(-1)).toMatchObject({ path: '/choice', params: { Digits: '1' } });
    expect(caller.pending).toBe('dial');
    expect(caller.dialAttrs).toMatchObject({ action: '/dial?entry=7', timeout: '20', answerOnBridge: 'true' });
    expect(caller.dialTarget).toEqual({ noun: 'Number', value: '+525557296000', attrs: { sendDigits: 'ww42500' } });

    await caller.dialEnds('busy');
    const dial = received.at(-1);
    expect(dial).toMatchObject({ path: '/dial?entry=7', params: { DialCallStatus: 'busy', DialBridged: 'false', CallStatus: 'in-progress' } });
    expect(dial?.params.DialCallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(dial?.params.DialCallDuration).toBeUndefined();
    expect(caller.pending).toBe('enqueue');
    expect(caller.enqueueAttrs).toMatchObject({ queue: 'Mesa de Ayuda', waitUrl: '/wait', action: '/queue-exit', waitUrlMethod: 'POST' });

    await caller.waitInQueue();
    await caller.waitInQueue({ position: 2, size: 3, avgQueueTime: 40 });
    expect(caller.said().slice(-2)).toEqual(['Lugar 1, tiempo 0.', 'Lugar 2, tiempo 25.']);
    expect(received.at(-1)?.params).toMatchObject({ QueuePosition: '2', CurrentQueueSize: '3', AvgQueueTime: '40', QueueTime: '25' });
    expect(received.at(-1)?.params.QueueSid).toMatch(/^QU/);
    expect(caller.pending).toBe('enqueue');

    await caller.leaveQueue('leave');
    expect(received.at(-1)).toMatchObject({ path: '/queue-exit', params: { QueueResult: 'leave', QueueTime: '50' } });
    expect(caller.pending).toBe('record');
    expect(caller.recordAttrs).toMatchObject({ action: '/rec', maxLength: '120', playBeep: 'true' });

    await caller.recordMessage('https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1', 12, '#');
    expect(received.at(-1)?.params).toMatchObject({ RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1', RecordingDuration: '12', Digits: '#' });
    expect(caller.lastSaid()).toEqual(['Gracias, 12 segundos.']);
    expect(caller.pending).toBe('hangup');

    expect(await caller.hangUp()).toBe(204);
    expect(received.at(-1)).toMatchObject({ path: '/api/twilio/voice/status', params: { CallStatus: 'completed', CallbackSource: 'call-progress-events' } });
    expect(Number(received.at(-1)?.params.CallDuration)).toBeGreaterThan(50);
    expect(caller.pending).toBe('none');
    expect(received.every((r) => r.signed)).toBe(true);
  });

  it('silence with actionOnEmptyResult posts the action with neither SpeechResult nor Digits', async () => {
    const caller = newCaller();
    await caller.call();
    await caller.silence();
    const posted = received.at(-1);
    expect(posted?.path).toBe('/api/twilio/voice/gather?step=1');
    expect(posted?.params).not.toHaveProperty('SpeechResult');
    expect(posted?.params).not.toHaveProperty('Digits');
    expect(caller.lastSaid()).toEqual(['No le escuché.']);
    expect(caller.pending).toBe('hangup');
  });

  it('silence without actionOnEmptyResult goes on with the verbs after the Gather, then hangs up', async () => {
    const caller = newCaller();
    await caller.call('/menu');
    const before = received.length;
    await caller.silence();
    expect(received.length).toBe(before);
    expect(caller.lastSaid()).toEqual(['No marcó nada.']);
    expect(caller.pending).toBe('hangup');
  });

  it('keeps only numDigits keys and strips the finishing key', async () => {
    const caller = newCaller();
    await caller.call();
    await caller.press('42500#');
    expect(received[1]?.params).toMatchObject({ Digits: '42500', FinishedOnKey: '#' });
    const menu = newCaller();
    await menu.call('/menu');
    await menu.press('12');
    expect(received.at(-1)?.params.Digits).toBe('1');
  });

  it('leaves the queue when the waitUrl document says <Leave>, and reports a hang-up while queued', async () => {
    const caller = newCaller();
    await caller.call('/choice');
    await caller.dialEnds('no-answer');
    await caller.waitInQueue({ position: 9 });
    expect(received.slice(-2).map((r) => [r.path, r.params.QueueResult])).toEqual([['/wait', undefined], ['/queue-exit', 'leave']]);
    expect(caller.pending).toBe('record');

    const other = newCaller();
    await other.call('/choice');
    await other.dialEnds('completed', 95);
    expect(received.at(-1)?.params).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '95', DialBridged: 'true' });
    await other.hangUp();
    expect(received.slice(-2).map((r) => [r.path, r.params.QueueResult ?? r.params.CallStatus])).toEqual([
      ['/queue-exit', 'hangup'], ['/api/twilio/voice/status', 'completed'],
    ]);
  });

  it('refuses to act on something the call is not waiting for', async () => {
    const caller = newCaller();
    await expect(caller.say('hola')).rejects.toThrow(/waiting for none, not gather/);
    await caller.call();
    await expect(caller.dialEnds('busy')).rejects.toThrow(/waiting for gather, not dial/);
    await expect(caller.call()).rejects.toThrow(/already gather/);
  });

  it('sends forged, foreign and missing signatures on request, without changing the call', async () => {
    const caller = newCaller();
    await caller.call();
    const params = caller.callParams('in-progress');
    expect((await caller.rawPost('/api/twilio/voice', params, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).status).toBe(403);
    expect((await caller.rawPost('/api/twilio/voice', params, { authToken: 'another-token' })).status).toBe(403);
    expect((await caller.rawPost('/api/twilio/voice', params, { omitSignature: true })).status).toBe(403);
    expect((await caller.rawPost('/api/twilio/voice', params)).status).toBe(200);
    expect(caller.pending).toBe('gather');
  });

  it.each([
    ['/bad-attribute', /attribute Twilio does not know: action_on_empty_result/],
    ['/bad-boolean', /actionOnEmptyResult must be true or false/],
    ['/bad-xml', /not well-formed/],
    ['/not-xml', /not TwiML/],
  ])('fails the test when the server answers TwiML Twilio would refuse: %s', async (path, error) => {
    await expect(newCaller().call(path)).rejects.toThrow(error);
  });

  it('validates the root and the nesting: only Say, Play and Pause inside Gather', () => {
    expect(() => parseTwiml('<?xml version="1.0"?><Reply/>')).toThrow(/root must be <Response>/);
    expect(() => parseTwiml('<Response><Gather action="/x"><Dial>+52</Dial></Gather></Response>')).toThrow(/<Dial> is not allowed inside <Gather>/);
    expect(parseTwiml('<Response><Gather action="/x"><Say>Hola</Say><Pause length="1"/></Gather></Response>')[0]?.children.map((c) => c.name))
      .toEqual(['Say', 'Pause']);
  });
});
