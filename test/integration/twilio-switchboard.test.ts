/**
 * The switchboard by phone through the whole application: a caller asks for a person by name, hears the confirmation
 * with the extension, is put through (`<Dial>` to the PBX), finds the line busy, books a call back at the time they
 * say; the scheduler places it through the Twilio REST API when it is due, and the answered call back connects them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { messages } from '../../dialogs/messages/es-MX';
import { speakable } from '../../services/twilio/speech';
import { startApp, type RunningApp } from '../support/harness';
import { SimulatedCaller } from '../support/simulated-caller';
import { TwilioFakeApi } from '../support/twilio-fake-api';
import { ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, PUBLIC_BASE_URL, question } from './twilio-fixture';

const s = messages.switchboard;
const FIXTURE = readFileSync(path.join(__dirname, '../fixtures/directory.csv'), 'utf8');
// Monday 2026-11-23, 11:00 in Mexico City.
const T0 = new Date('2026-11-23T17:00:00Z');
const CALLER = '+525512345678';
const COORDINATOR = { id: '00000000-0000-4000-8000-000000000001', email: 'coordinacion@cau.example.gob.mx', role: 'coordinator' };

class ManualClock {
  t = T0.getTime();
  now(): Date {
    return new Date(this.t);
  }
}

describe('the switchboard by phone', () => {
  let api: TwilioFakeApi;
  let running: RunningApp;
  const clock = new ManualClock();

  beforeAll(async () => {
    api = await TwilioFakeApi.start({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    running = await startApp({
      clock,
      env: {
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_PHONE_NUMBER: OUR_NUMBER,
        TWILIO_API_BASE_URL: api.baseUrl,
        PUBLIC_BASE_URL,
        HANDOFF_TICK_MS: '60000',
        BUSINESS_HOURS: 'lun-vie 08:00-18:00',
        HOLIDAYS: 'ninguno',
      },
    });
    const imported = await running.app.directory.importCsv('coordinacion@cau.example.gob.mx', FIXTURE);
    expect(imported.errors).toEqual([]);
  });
  afterAll(async () => {
    await running?.stop();
    await api?.close();
  });

  const caller = (from = CALLER) =>
    new SimulatedCaller({ baseUrl: running.baseUrl, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID, from, to: OUR_NUMBER });
  const heard = (c: SimulatedCaller, text: string) => c.said().some((said) => said.startsWith(speakable(text).replace(/[.?]$/, '')));

  test('busy extension → the caller books a call back, which the scheduler places and connects when it is due', async () => {
    const call = caller();
    await call.call();
    expect(question(call)).toContain(speakable(messages.voice.greetingTail));

    await call.say('comuníqueme con la licenciada María Pérez');
    expect(call.pending).toBe('gather');
    expect(question(call)).toBe('¿Lo comunico con la licenciada María Pérez Gómez, extensión 4 2 5 0 0? Para Sí, diga sí o marque 1. Para No, diga no o marque 2.');

    await call.say('sí');
    expect(heard(call, s.transferring)).toBe(true);
    expect(call.pending).toBe('dial');
    expect(call.dialTarget).toMatchObject({ noun: 'Sip', value: 'sip:42500@pbx.cau.example.gob.mx' });

    await call.dialEnds('busy');
    expect(question(call)).toMatch(/ocupada.*esperar en la línea o prefiere que le llamemos/);

    // Waiting: the hold phrase, a pause, and the extension again.
    await call.say('espero');
    expect(heard(call, s.hold)).toBe(true);
    expect(call.lastTwiml.map((verb) => verb.name)).toEqual(expect.arrayContaining(['Pause', 'Dial']));
    await call.dialEnds('no-answer');
    await call.dialEnds('busy');
    await call.dialEnds('busy');
    expect(question(call)).toMatch(/sigue sin poder atenderle/);

    await call.say('mejor que me llamen');
    expect(question(call)).toBe(speakable(s.askWhen));
    await call.say('mañana a las diez');
    expect(question(call)).toMatch(/Le llamaremos mañana.*termina en/);
    await call.say('sí');
    expect(call.said().join(' ')).toMatch(/Listo\. Le llamaremos mañana.*María Pérez Gómez/);

    const [booked, ...others] = await running.app.callbacks.list(COORDINATOR);
    expect(others).toEqual([]);
    expect(booked).toMatchObject({ kind: 'transfer', status: 'pending', phone: '5512345678' });
    const calls = await running.app.calls.list({ from: new Date(T0.getTime() - 60_000), to: new Date(T0.getTime() + 3_600_000), limit: 10 });
    const record = calls.find((c) => c.callSid === call.callSid);
    expect(record?.transfers.map((t) => t.status)).toEqual(['busy', 'no-answer', 'busy', 'busy']);

    // Not due yet: nothing is placed.
    const scheduler = running.app.callbackScheduler;
    if (!scheduler) throw new Error('the callback scheduler should run with Twilio configured');
    expect((await scheduler.tick()).placed).toEqual([]);
    // Tomorrow at 10:01 the scheduler calls the person back.
    clock.t = new Date('2026-11-24T16:01:00Z').getTime();
    const before = api.requestsOf('createCall').length;
    const report = await scheduler.tick();
    expect(report.placed).toHaveLength(1);
    const created = api.requestsOf('createCall').slice(before);
    expect(created).toHaveLength(1);
    expect(created[0]?.form).toMatchObject({ To: CALLER, From: OUR_NUMBER });
    const url = String(created[0]?.form.Url);
    expect(url).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/api/twilio/voice/callback\\?id=`));

    // The person answers: they hear who calls and why, and are put through to the extension.
    const back = new SimulatedCaller({
      baseUrl: running.baseUrl,
      publicBaseUrl: PUBLIC_BASE_URL,
      authToken: AUTH_TOKEN,
      accountSid: ACCOUNT_SID,
      from: OUR_NUMBER,
      to: CALLER,
      callSid: report.placed[0]?.callSid ?? '',
      direction: 'outbound-api',
      statusCallback: String(created[0]?.form.StatusCallback),
    });
    await back.call(url);
    expect(back.said().join(' ')).toMatch(/le llamamos de la Mesa de Ayuda.*como lo solicitó.*María Pérez Gómez/i);
    expect(back.pending).toBe('dial');
    expect(back.dialTarget).toMatchObject({ noun: 'Sip', value: 'sip:42500@pbx.cau.example.gob.mx' });
    await back.dialEnds('completed', 95);
    await back.hangUp(110);
    const [done] = await running.app.callbacks.list(COORDINATOR, { statuses: ['done'] });
    expect(done?.id).toBe(booked?.id);
  });

  test('an outbound call for internal staff: extension and PIN checked (and hidden), the number called, then the staff member', async () => {
    clock.t = T0.getTime();
    const call = caller('+525554824250');
    await call.call();
    await call.say('necesito hacer una llamada al exterior');
    expect(question(call)).toBe(speakable(s.outboundAskExtension));
    await call.press('42500');
    await call.press('1111');
    expect(call.said()).toContain(speakable(s.outboundBadPin));
    await call.press('42500');
    await call.press('4821');
    expect(question(call)).toMatch(/^Gracias, licenciada María Pérez Gómez\. ¿A qué número desea llamar\?/);
    await call.press('5587654321');
    await call.say('con el proveedor de internet');
    expect(call.said().join(' ')).toMatch(/marcamos al número que termina en 4321.*extensión 4 2 5 0 0/);

    const outbound = (await running.app.callbacks.list(COORDINATOR, { statuses: ['pending'] })).filter((c) => c.kind === 'outbound');
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({ phone: '5587654321' });
    // The PIN keyed in is not in the transcript.
    const conversationId = (await running.app.calls.get(call.callSid))?.conversationId as string;
    const lines = await running.app.conversations.since(conversationId, 0);
    const texts = lines.map((l) => String(l.activity.text ?? ''));
    expect(texts).not.toContain('4821');
    expect(texts).toContain('••••');
    // Placed at once (the desk is open): the number first.
    const before = api.requestsOf('createCall').length;
    await running.app.callbackScheduler?.tick();
    const created = api.requestsOf('createCall').slice(before);
    expect(created.map((r) => r.form.To)).toEqual(['+525587654321']);
  });

  test('a caller who keys in an extension at the greeting is asked to confirm and put through', async () => {
    clock.t = T0.getTime();
    const call = caller('+525598765432');
    await call.call();
    await call.press('42000');
    expect(question(call)).toMatch(/^¿Lo comunico con el área de Recursos Humanos, extensión 4 2 0 0 0\?/);
    await call.press('1');
    expect(call.pending).toBe('dial');
    expect(call.dialTarget).toMatchObject({ noun: 'Sip', value: 'sip:42000@pbx.cau.example.gob.mx' });
    await call.dialEnds('completed', 30);
    // Back from the transfer, the caller hears «¿Hay algo más…?».
    expect(question(call)).toBe(speakable(messages.anythingElse));
  });
});
