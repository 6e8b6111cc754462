import { VoiceRenderer } from '../../bots/channels/twilio-voice/voice-render';
import { VOICE_TEXTS } from '../../bots/channels/twilio-voice/voice-texts';
import { messages } from '../../dialogs/messages/es-MX';
import { speakable } from '../../services/twilio/speech';
import pino from 'pino';
import { createApplication } from '../../app/container';
import { twilioSignature } from '../../services/twilio/signature';
import { testConfig } from '../support/harness';
import type { SimulatedCaller } from '../support/simulated-caller';
import { AUTH_TOKEN, PUBLIC_BASE_URL, question, startTwilioApp, type TwilioApp, voiceScript } from './twilio-fixture';

/** The phone channel end to end: simulated callers posting signed webhooks to the whole application. */
describe('Twilio voice channel', () => {
  let t: TwilioApp;

  beforeAll(async () => {
    t = await startTwilioApp();
  }, 120_000);
  afterAll(() => t.stop());

  async function conversationOf(caller: SimulatedCaller): Promise<string> {
    const call = await t.running.app.calls.get(caller.callSid);
    if (!call?.conversationId) throw new Error(`no call record for ${caller.callSid}`);
    return call.conversationId;
  }

  async function transcript(caller: SimulatedCaller) {
    return (await t.running.app.conversations.since(await conversationOf(caller), 0, 1000)).map((r) => r.activity);
  }

  function ticketIn(caller: SimulatedCaller) {
    return async () => {
      for (const a of await transcript(caller)) {
        const found = typeof a.text === 'string' && (a.from as { role?: string }).role === 'bot' ? /CAU-\d{4}-\d{6}/.exec(a.text) : null;
        if (found) return found[0];
      }
      return null;
    };
  }

  test('a call is answered at once with the protocol greeting inside a speech+DTMF Gather; one conversation per call', async () => {
    const caller = t.caller();
    await caller.call();
    expect(caller.pending).toBe('gather');
    expect(caller.gatherAttrs).toMatchObject({
      input: 'speech dtmf',
      language: 'es-MX',
      speechTimeout: 'auto',
      actionOnEmptyResult: 'true',
      action: `${PUBLIC_BASE_URL}/api/twilio/voice/gather`,
    });
    const greeting = caller.lastTwiml.find((v) => v.name === 'Gather')?.children.find((c) => c.name === 'Say');
    expect(greeting?.attrs).toEqual({ voice: 'Polly.Mia', language: 'es-MX' });
    expect(greeting?.text).toMatch(/^(Buenos días|Buenas tardes|Buenas noches), le atiende Ventanilla/);
    expect(greeting?.text).toContain(messages.askRequest);

    const call = await t.running.app.calls.get(caller.callSid);
    expect(call).toMatchObject({ direction: 'inbound', purpose: 'caller', fromNumber: expect.stringMatching(/^\+52/), status: 'ringing', recordingConsent: false });
    const conversation = await t.running.app.conversations.get(call?.conversationId ?? '');
    expect(conversation).toMatchObject({ channel: 'voice', externalId: caller.callSid });
    // Later webhooks of the call stay in the same conversation.
    await caller.say('quiero saber el estado de mi reporte');
    const again = await t.running.app.conversations.ensure('voice', caller.callSid, null);
    expect(again.id).toBe(conversation?.id);
    const lines = await transcript(caller);
    expect(lines.filter((a) => a.type === 'message' && (a.from as { role?: string }).role === 'user').map((a) => a.text)).toEqual([
      'quiero saber el estado de mi reporte',
    ]);
    expect(lines.every((a) => a.channelId === 'voice')).toBe(true);
  }, 60_000);

  test('(a) a ticket by voice, from the greeting to the ticket number', async () => {
    const caller = t.caller('+525522223333');
    await caller.call();
    const run = await voiceScript(caller, ticketIn(caller), 'necesito que activen el nodo de red de la oficina nueva', {
      identification: 'soy personal administrativo de UPIICSA',
      extension: 'siete cero uno cero cero',
    });
    expect(run.ticketNumber).toMatch(/^CAU-\d{4}-\d{6}$/);
    expect(run.turnsToTicket).toBeGreaterThanOrEqual(2);
    // The request, the known-data check, identification, extension, three diagnostics, name and e-mail.
    expect(run.turnsToTicket).toBeLessThanOrEqual(12);
    const ticket = await t.running.app.repositories.tickets.findByNumber(run.ticketNumber ?? '');
    expect(ticket).toMatchObject({ kind: 'request', serviceCode: 'RED-ACTIVACION-NODO', channel: 'voice' });
    // Spoken digits became the extension; the caller's number is the contact phone.
    expect(ticket?.requester).toMatchObject({ extension: '70100' });
    // The number is dictated, not read as a word.
    const [, year, seq] = /CAU-(\d{4})-(\d{6})/.exec(run.ticketNumber ?? '') ?? [];
    const dictated = speakable(`Su número es ${run.ticketNumber}.`);
    expect(dictated).not.toContain(run.ticketNumber);
    expect(caller.said().some((s) => s.includes(dictated.replace(/^Su número es /, '').replace(/\.$/, '')))).toBe(true);
    expect(year).toBeDefined();
    expect(seq).toBeDefined();
    // No URL, markdown or «» reaches the caller.
    expect(caller.said().join(' ')).not.toMatch(/https?:|[«»*_#]/);
  }, 90_000);

  test('(b) a DTMF menu: suggested actions are read as a spoken menu and a key picks the option', async () => {
    const caller = t.caller();
    await caller.call();
    await caller.say('mi extensión no tiene tono');
    // Identification first, then the diagnostic questions read as menus.
    let q = question(caller);
    for (let i = 0; i < 6 && !/marque 1/.test(q); i++) {
      if (q.startsWith(speakable(messages.attention.askUnitAndRole).slice(0, 30))) await caller.say('soy docente de la ESCOM');
      else if (q.startsWith(speakable(messages.attention.askExtension).slice(0, 20))) await caller.say('cinco dos cero tres cero');
      else await caller.say('sí');
      q = question(caller);
    }
    expect(q).toMatch(/diga .* o marque 1\. /);
    // No numDigits: a key picks an option, and a whole extension can be keyed in too («#» ends the input).
    expect(caller.gatherAttrs?.numDigits).toBeUndefined();
    expect(caller.gatherAttrs?.hints).toBeDefined();
    const call = await t.running.app.calls.get(caller.callSid);
    const menu = (call?.meta as { menu?: Record<string, string> }).menu ?? {};
    expect(Object.keys(menu)).toContain('2');
    await caller.press('2');
    const lines = await transcript(caller);
    const lastFromCaller = lines.filter((a) => (a.from as { role?: string }).role === 'user' && a.type === 'message').pop();
    expect(lastFromCaller).toMatchObject({ text: menu['2'], channelData: { input: 'dtmf', digits: '2' } });
  }, 60_000);

  test('(c) forged and missing signatures → 403 and nothing recorded', async () => {
    const caller = t.caller();
    const params = caller.callParams('ringing');
    const forged = await caller.rawPost('/api/twilio/voice', params, { authToken: 'not-the-token' });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body)).toEqual({ error: { code: 'InvalidSignature', message: expect.any(String) } });
    const missing = await caller.rawPost('/api/twilio/voice', params, { omitSignature: true });
    expect(missing.status).toBe(403);
    // Signed for another URL (the same request replayed to another path) is refused too.
    const other = await caller.rawPost('/api/twilio/voice/gather', params, {
      signature: twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}/api/twilio/voice`, params),
    });
    expect(other.status).toBe(403);
    // A tampered parameter.
    const tampered = await caller.rawPost('/api/twilio/sms', { From: '+525511112222', Body: 'hola', MessageSid: 'SM1' }, {
      signature: twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}/api/twilio/sms`, { From: '+525511112222', Body: 'adiós', MessageSid: 'SM1' }),
    });
    expect(tampered.status).toBe(403);
    expect(await t.running.app.calls.get(caller.callSid)).toBeNull();
    expect(await t.running.app.calls.latestConversation('sms', '+525511112222')).toBeNull();
    // The genuine request goes through.
    await caller.call();
    expect(caller.pending).toBe('gather');
  }, 60_000);

  test('(d) silence: once → the question again; twice → the bot is told (agent offered); three times → goodbye and hang up', async () => {
    const caller = t.caller();
    await caller.call();
    const greeting = question(caller);
    await caller.silence();
    expect(caller.pending).toBe('gather');
    expect(caller.lastSaid()).toEqual(['¿Sigue ahí?', greeting]);
    await caller.silence();
    const events = (await transcript(caller)).filter((a) => a.type === 'event');
    expect(events).toEqual([expect.objectContaining({ name: 'ventanilla.voice.noInput', value: { count: 2 } })]);
    expect(caller.pending).toBe('gather');
    expect(caller.lastSaid().join(' ')).toMatch(/agente/i);
    await caller.silence();
    expect(caller.pending).toBe('hangup');
    expect(caller.lastTwiml.map((v) => v.name)).toEqual(['Say', 'Hangup']);
    expect((await t.running.app.calls.get(caller.callSid))?.outcome).toBe('abandoned');
  }, 60_000);

  test('speech with very low confidence is asked again, not passed to the bot', async () => {
    const caller = t.caller();
    await caller.call();
    const greeting = question(caller);
    await caller.say('mmm eh', 0.1);
    expect(caller.lastSaid()).toEqual(['Disculpe, no le entendí bien.', greeting]);
    const said = (await transcript(caller)).filter((a) => (a.from as { role?: string }).role === 'user' && a.type === 'message');
    expect(said).toEqual([]);
    // An answer after it resets the count.
    await caller.say('no puedo entrar a mi correo institucional');
    expect((await t.running.app.calls.get(caller.callSid))?.meta).toMatchObject({ misses: 0 });
  }, 60_000);

  test('status callback: the call record gets its end and duration', async () => {
    const caller = t.caller();
    await caller.call();
    expect(await caller.hangUp(42)).toBe(204);
    const call = await t.running.app.calls.get(caller.callSid);
    expect(call).toMatchObject({ status: 'completed', durationSeconds: 42 });
    expect(call?.endedAt).toBeInstanceOf(Date);
    expect(call?.answeredAt).toBeInstanceOf(Date);
  }, 60_000);

  test('the fallback route apologises and, with nobody to take the call, offers a callback', async () => {
    const caller = t.caller('+525533334444');
    await caller.call('/api/twilio/voice/fallback', { ErrorCode: '11200', ErrorUrl: `${PUBLIC_BASE_URL}/api/twilio/voice` });
    expect(caller.pending).toBe('gather');
    expect(caller.lastSaid()[0]).toMatch(/^Una disculpa, tuvimos un problema técnico/);
    await caller.press('1');
    expect(caller.pending).toBe('hangup');
    const call = await t.running.app.calls.get(caller.callSid);
    expect(call?.outcome).toBe('callback');
  }, 60_000);

  test('a transfer renders <Dial action> with the SIP URI or the number and its digits; /dial records the try and tells the bot', async () => {
    const renderer = new VoiceRenderer({ voice: 'Polly.Mia', language: 'es-MX', gatherTimeoutSeconds: 6, url: (p) => `${PUBLIC_BASE_URL}${p}` });
    const transfer = (route: object) => [
      { type: 'message', text: 'Le comunico con la Lic. María Pérez, extensión 42500.' },
      { type: 'event', name: 'ventanilla.voice.transfer', value: { entryId: 'E1', spokenName: 'la Lic. María Pérez', extension: '42500', route, timeoutSeconds: 20, attempt: 2 } },
      { type: 'message', text: 'never said' },
    ];
    const sip = renderer.render(transfer({ kind: 'sip', uri: 'sip:42500@pbx.ipn.mx' }), { callerId: '+525512345678' });
    expect(sip.next).toBe('dial');
    expect(sip.twiml).toContain(`<Dial action="${PUBLIC_BASE_URL}/api/twilio/voice/dial?e=E1&amp;a=2" method="POST" timeout="20" callerId="+525512345678" answerOnBridge="true"><Sip>sip:42500@pbx.ipn.mx</Sip></Dial>`);
    expect(sip.twiml).not.toContain('never said');
    const pstn = renderer.render(transfer({ kind: 'pstn', number: '+525557296000', sendDigits: 'ww42500' }));
    expect(pstn.twiml).toContain('<Number sendDigits="ww42500">+525557296000</Number>');
    const held = renderer.render([{ type: 'message', text: 'Permítame.' }, { type: 'event', name: 'ventanilla.voice.hold', value: { seconds: 25 } }]);
    expect(held.twiml).toMatch(/<Say[^>]*>Permítame\.<\/Say><Pause length="25"\/><Gather/);
    const ended = renderer.render([{ type: 'message', text: 'Hasta luego.' }, { type: 'endOfConversation' }]);
    expect(ended.twiml).toMatch(/<Say[^>]*>Hasta luego\.<\/Say><Hangup\/><\/Response>$/);

    const caller = t.caller();
    await caller.call();
    await t.running.app.calls.patch(caller.callSid, {
      meta: { transfer: { entryId: 'E1', spokenName: 'la Lic. María Pérez', extension: '42500', route: { kind: 'sip', uri: 'sip:42500@pbx' }, timeoutSeconds: 20, attempt: 2 } },
    });
    const busy = await caller.rawPost('/api/twilio/voice/dial?e=E1&a=2', { ...caller.callParams('in-progress'), DialCallStatus: 'busy', DialCallSid: 'CA0f', DialBridged: 'false' });
    expect(busy.status).toBe(200);
    expect(busy.contentType).toMatch(/^text\/xml/);
    await caller.rawPost('/api/twilio/voice/dial?e=E1&a=3', { ...caller.callParams('in-progress'), DialCallStatus: 'completed', DialCallDuration: '95', DialCallSid: 'CA10' });
    const call = await t.running.app.calls.get(caller.callSid);
    expect(call?.transfers).toEqual([
      { at: expect.any(String), entryId: 'E1', name: 'la Lic. María Pérez', extension: '42500', status: 'busy', durationSeconds: null, attempt: 2 },
      { at: expect.any(String), entryId: 'E1', name: null, extension: null, status: 'completed', durationSeconds: 95, attempt: 3 },
    ]);
    expect(call?.outcome).toBe('transferred');
    const events = (await transcript(caller)).filter((a) => a.name === 'ventanilla.voice.dialResult').map((a) => a.value);
    expect(events).toEqual([
      { entryId: 'E1', status: 'busy', durationSeconds: null, attempt: 2 },
      { entryId: 'E1', status: 'completed', durationSeconds: 95, attempt: 3 },
    ]);
  }, 60_000);
});

test('Twilio configured without PUBLIC_BASE_URL: the application refuses to start, saying why', async () => {
  const config = testConfig({ TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'token' });
  await expect(createApplication(config, pino({ level: 'silent' }))).rejects.toThrow(/PUBLIC_BASE_URL es obligatoria/);
});

describe('Twilio voice channel with VOICE_RECORDING=on', () => {
  let t: TwilioApp;

  beforeAll(async () => {
    t = await startTwilioApp({ VOICE_RECORDING: 'on' });
  }, 120_000);
  afterAll(() => t.stop());

  test('the greeting announces the recording, which then starts through the REST API and is stored when ready', async () => {
    const caller = t.caller();
    await caller.call();
    expect(caller.lastTwiml[0]).toMatchObject({ name: 'Say', text: VOICE_TEXTS.recordingNotice });
    expect(caller.pending).toBe('gather');
    const [request] = await t.api.waitForRequests(1);
    expect(request).toMatchObject({ kind: 'startRecording', path: expect.stringContaining(`/Calls/${caller.callSid}/Recordings.json`) });
    expect(request?.form.RecordingStatusCallback).toBe(`${PUBLIC_BASE_URL}/api/twilio/voice/recording`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await t.running.app.calls.get(caller.callSid)).toMatchObject({ recordingConsent: true, recordingSid: expect.stringMatching(/^RE/) });
    const url = 'https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE77';
    const answer = await caller.rawPost('/api/twilio/voice/recording', {
      AccountSid: caller.accountSid, CallSid: caller.callSid, RecordingSid: 'RE77', RecordingUrl: url, RecordingStatus: 'completed', RecordingDuration: '73', RecordingChannels: '2', RecordingSource: 'StartCallRecordingAPI',
    });
    expect(answer.status).toBe(204);
    expect(await t.running.app.calls.get(caller.callSid)).toMatchObject({ recordingSid: 'RE77', recordingUrl: url, recordingSeconds: 73 });
  }, 60_000);
});
