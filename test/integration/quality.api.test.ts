import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, gte, like, lt, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { AttentionRepository, CallRepository, ConversationRepository, HandoffRepository, RequesterRepository, type Database, type NewActivity } from '../../models';
import { auditLog, calls, conversations, handoffs, qualityReviews } from '../../models/schema';
import { ConsoleSession } from '../support/console-session';
import { startApp, type RunningApp } from '../support/harness';
import { generateMonth, wallTime } from '../support/month-generator';
import { openTestDatabase, testBackends } from '../support/test-database';

/**
 * The quality review through the console API on the whole application: October holds three crafted conversations (an
 * agent's web chat, a recorded phone call, a bot-only e-mail), November a generated month. Draw, pre-checks,
 * verdicts, submit/return/approve with the roles, corrective actions and their follow-up, the recording streamed from
 * a fake Twilio (Basic auth checked), and the same seed drawing the same sample again.
 */

const TZ = 'America/Mexico_City';
const PASSWORD = 'contraseña-segura-123';
const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const AUTH_TOKEN = 'token-de-prueba-twilio-0123456789';
const RECORDING_SID = `RE${'a'.repeat(32)}`;
const AUDIO = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256));
/** Recordings of our account the fake Twilio answers with 404 and with 500. */
const MISSING_SID = `RE${'d'.repeat(32)}`;
const FAILING_SID = `RE${'e'.repeat(32)}`;

/** A stand-in for Twilio's recording download: answers the one recording to the right Basic credentials. */
async function fakeRecordings(): Promise<{ baseUrl: string; seen: Array<{ path: string; auth: string | undefined }>; close(): Promise<void> }> {
  const seen: Array<{ path: string; auth: string | undefined }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization });
    const expected = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"code":20003}');
      return;
    }
    if (req.url === `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${FAILING_SID}.mp3`) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"code":20500}');
      return;
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (req.method === 'GET' && req.url === `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${RECORDING_SID}.mp3` && range) {
      const [from, to] = [Number(range[1]), Math.min(Number(range[2]), AUDIO.length - 1)];
      res.writeHead(206, { 'content-type': 'audio/mpeg', 'content-length': String(to - from + 1), 'content-range': `bytes ${from}-${to}/${AUDIO.length}`, 'accept-ranges': 'bytes' });
      res.end(AUDIO.subarray(from, to + 1));
      return;
    }
    if (req.method === 'GET' && req.url === `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${RECORDING_SID}.mp3`) {
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(AUDIO.length) });
      // In pieces: the console must stream it, whatever the chunks.
      res.write(AUDIO.subarray(0, 30_000));
      setTimeout(() => res.end(AUDIO.subarray(30_000)), 20);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"code":20404}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const plus = (d: Date, s: number) => new Date(d.getTime() + s * 1000);

/** October: three conversations written through the repositories. Returns their ids. */
async function craftOctober(database: Database, agent: { id: string; name: string }) {
  const conv = new ConversationRepository(database);
  const repos = { attentions: new AttentionRepository(database.db), handoffs: new HandoffRepository(database.db), calls: new CallRepository(database.db), requesters: new RequesterRepository(database.db) };
  const write = async (id: string, channel: string, at: Date, spec: Array<[number, 'in' | 'bot' | 'agent' | 'system', string]>) => {
    await conv.create({ id, channel, externalId: id, userId: `u-${id}` });
    await database.db.update(conversations).set({ createdAt: at }).where(eq(conversations.id, id));
    await conv.appendMany(
      id,
      spec.map(([s, who, text]): NewActivity => ({
        direction: who === 'in' ? 'in' : 'out',
        channel,
        type: 'message',
        fromId: who === 'in' ? `u-${id}` : 'ventanilla-bot',
        recipientId: null,
        clientActivityId: null,
        text,
        timestamp: plus(at, s),
        payload: {
          type: 'message',
          text,
          from: who === 'in' ? { id: `u-${id}`, role: 'user' } : { id: 'ventanilla-bot', role: 'bot' },
          ...(who === 'agent' ? { channelData: { agent: true, speakerName: agent.name } } : who === 'system' ? { channelData: { automatic: true } } : {}),
        },
      })),
    );
  };
  const person = await repos.requesters.save({ kind: 'email', value: 'maria@ipn.mx' }, { name: 'María Pérez', unitName: 'ESCOM', unitCode: 'ESCOM', role: 'docente', email: 'maria@ipn.mx' }, true, new Date());

  // An agent's web chat: greeting with her name, hold messages, the protocol farewell.
  const a = wallTime(TZ, 2026, 10, 14, 10);
  await write('q-oct-agent', 'webchat', a, [
    [0, 'bot', 'Buenos días, le atiende Ventanilla, el asistente virtual de la Mesa de Ayuda. ¿En qué puedo ayudarle?'],
    [10, 'in', 'quiero hablar con una persona'],
    [12, 'bot', 'Con gusto, le comunico con un agente.'],
    [37, 'system', 'Permítame, lo sigo atendiendo; en breve le atiende un agente.'],
    [50, 'agent', 'Buenos días, le atiende Ana López, ¿en qué puedo ayudarle?'],
    [60, 'in', 'no me llega el correo'],
    [70, 'agent', 'Ya quedó, revise por favor.'],
    [80, 'in', 'gracias'],
    [85, 'agent', '¿Hay algo más en que pueda ayudarle? Le recuerdo mi nombre, Ana López. Hasta luego, que tenga buen día.'],
  ]);
  const { handoff } = await repos.handoffs.enqueue({ conversationId: 'q-oct-agent', channel: 'webchat', resolverGroup: 'Mesa de ayuda', reason: 'asked', context: { request: 'no me llega el correo', person: { name: 'María Pérez', unitName: 'ESCOM', role: 'docente', email: 'maria@ipn.mx' } } }, plus(a, 12));
  const accepted = await repos.handoffs.accept(handoff.id, agent.id, plus(a, 45), () => true);
  if (!accepted.ok) throw new Error('accept failed');
  await repos.handoffs.end(handoff.id, 'closed', 'closed_by_agent', plus(a, 90));

  // A recorded phone call the bot answered at once.
  const v = wallTime(TZ, 2026, 10, 15, 16);
  await write('q-oct-voice', 'voice', v, [
    [0, 'bot', 'Buenas tardes, le atiende Ventanilla, el asistente virtual de la Mesa de Ayuda. ¿En qué puedo ayudarle?'],
    [8, 'in', 'olvidé mi contraseña del correo'],
    [10, 'bot', 'Entre a la página del correo y elija «Olvidé mi contraseña».'],
    [40, 'in', 'listo, gracias'],
    [42, 'bot', 'Fue un gusto atenderle. Le recuerdo que le atendió Ventanilla; hasta luego, que tenga buena tarde.'],
  ]);
  await repos.calls.start({ callSid: `CA${'3'.repeat(32)}`, conversationId: 'q-oct-voice', direction: 'inbound', purpose: 'caller', fromNumber: '+5215512345678', status: 'completed', answeredAt: plus(v, 1) }, v);
  await repos.calls.patch(`CA${'3'.repeat(32)}`, { recordingSid: RECORDING_SID, recordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${RECORDING_SID}`, recordingSeconds: 42 });
  await repos.attentions.record({ conversationId: 'q-oct-voice', channel: 'voice', requesterId: person.id, unitCode: 'ESCOM', outcome: 'first_level', serviceCode: 'CORREO', ticketId: null, description: 'olvidé mi contraseña del correo', idempotencyKey: null }, plus(v, 30));

  // The bot alone by e-mail, no farewell.
  const e = wallTime(TZ, 2026, 10, 20, 9);
  await write('q-oct-email', 'email', e, [[0, 'in', 'No tengo red en el laboratorio'], [3, 'bot', 'Registramos su reporte CAU-2026-000001.']]);
  await repos.attentions.record({ conversationId: 'q-oct-email', channel: 'email', requesterId: null, unitCode: null, outcome: 'ticket', serviceCode: 'RED', ticketId: null, description: 'No tengo red', idempotencyKey: null }, plus(e, 3));
}

type Json = Record<string, unknown> & { items?: Array<Record<string, unknown>> };

describe.each(testBackends())('quality review API (%s)', (backend) => {
  let running: RunningApp;
  let twilio: Awaited<ReturnType<typeof fakeRecordings>>;
  const s = {} as Record<'coordinator' | 'head' | 'admin' | 'agent' | 'other', ConsoleSession>;
  let agentId = '';
  let coordinatorId = '';
  const clock = { at: wallTime(TZ, 2026, 12, 5, 12), now: () => new Date(clock.at) };

  beforeAll(async () => {
    twilio = await fakeRecordings();
    const testDatabase = await openTestDatabase(backend);
    running = await startApp({
      testDatabase,
      clock,
      env: { TZ, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_PHONE_NUMBER: '+525550001000', TWILIO_API_BASE_URL: twilio.baseUrl, PUBLIC_BASE_URL: 'https://mesa.example.mx', HANDOFF_TICK_MS: '60000' },
    });
    const { app } = running;
    for (const [key, role, name] of [['coordinator', 'coordinator', 'Coordinadora'], ['head', 'coordinator', 'Jefa de UACT'], ['admin', 'admin', 'Admin'], ['agent', 'agent', 'Ana López'], ['other', 'agent', 'Beto Ruiz']] as const) {
      const { user } = await app.users.create({ email: `${key}@cau.mx`, role, password: PASSWORD, displayName: name, actor: 'test' });
      if (key === 'agent') agentId = user.id;
      if (key === 'coordinator') coordinatorId = user.id;
      s[key] = await ConsoleSession.login(running.baseUrl, `${key}@cau.mx`, PASSWORD);
    }
    await craftOctober(app.database, { id: agentId, name: 'Ana López' });
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    await twilio?.close();
  });

  const itemOf = (review: Json, conversationId: string) => (review.items ?? []).find((i) => i.conversationId === conversationId) as Json & { id: string; prechecks: Record<string, { result: string; evidence: string }> };

  it('asks for a session and the coordination roles', async () => {
    const anonymous = await fetch(`${running.baseUrl}/api/quality/reviews`);
    expect(anonymous.status).toBe(401);
    expect((await s.agent.request('GET', '/api/quality/reviews')).status).toBe(403);
    expect((await s.agent.request('POST', '/api/quality/reviews', { month: '2026-10' })).status).toBe(403);
  });

  it('refuses a malformed or future month and a bad size, in Spanish', async () => {
    for (const body of [{ month: '2026-13' }, { month: '2027-01' }, { month: '2026-10', size: 0 }, { month: '2026-10', size: 501 }, { month: '2026-10', seed: 'con espacios' }]) {
      const res = await s.coordinator.request('POST', '/api/quality/reviews', body);
      expect(res.status).toBe(400);
      expect((res.body as { error: { message: string } }).error.message).toMatch(/mes|tamaño|semilla/i);
    }
    // The clock is on 5 December: December has not ended, so its sample cannot be drawn yet.
    const current = await s.coordinator.request('POST', '/api/quality/reviews', { month: '2026-12' });
    expect(current.status).toBe(400);
    expect((current.body as { error: { message: string } }).error.message).toBe('Solo se puede extraer la muestra de un mes ya cerrado.');
  });

  let october: Json;
  it('draws October: every conversation (size above the population), with the pre-checks from the transcript and the call', async () => {
    const res = await s.coordinator.request('POST', '/api/quality/reviews', { month: '2026-10', size: 50, seed: 'semilla-octubre' });
    expect(res.status).toBe(201);
    october = res.body as Json;
    expect(october).toMatchObject({ month: '2026-10', seed: 'semilla-octubre', sampleSize: 50, status: 'in_review', createdBy: 'coordinator@cau.mx' });
    expect((october.items ?? []).map((i) => i.conversationId).sort()).toEqual(['q-oct-agent', 'q-oct-email', 'q-oct-voice']);
    expect((october.checklist as Array<{ key: string; prechecked: boolean }>).map((c) => c.key)).toEqual(['immediacy', 'greeting', 'script', 'tone', 'attention', 'concision', 'patience', 'transfer', 'farewell', 'hold']);
    expect(october.strata).toEqual(
      expect.arrayContaining([
        { channel: 'webchat', agentUserId: agentId, agentName: 'Ana López', population: 1, drawn: 1 },
        { channel: 'email', agentUserId: null, agentName: null, population: 1, drawn: 1 },
      ]),
    );

    const agentItem = itemOf(october, 'q-oct-agent');
    expect(agentItem.agent).toEqual({ id: agentId, name: 'Ana López' });
    expect(agentItem.prechecks.greeting?.result).toBe('pass');
    expect(agentItem.prechecks.farewell).toEqual({ result: 'pass', evidence: expect.stringContaining('Despedida de Ana López') });
    expect(agentItem.prechecks.immediacy).toEqual({ result: 'pass', evidence: 'Primera respuesta a los 2 s; Ana López escribió a los 5 s de aceptarla' });
    expect(agentItem.prechecks.hold?.result).toBe('pass');
    expect(agentItem.prechecks.script?.result).toBe('pass');
    const voiceItem = itemOf(october, 'q-oct-voice');
    expect(voiceItem.hasRecording).toBe(true);
    expect(voiceItem.prechecks.immediacy).toEqual({ result: 'pass', evidence: 'Contestada a los 1 s (1 timbre)' });
    const emailItem = itemOf(october, 'q-oct-email');
    expect(emailItem.hasRecording).toBe(false);
    expect(emailItem.prechecks.greeting?.result).toBe('fail');
    expect(emailItem.prechecks.script).toEqual({ result: 'fail', evidence: expect.stringContaining('Faltó: nombre') });

    expect((await s.coordinator.request('POST', '/api/quality/reviews', { month: '2026-10' })).status).toBe(409);
    const list = (await s.admin.request('GET', '/api/quality/reviews')).body as { reviews: Array<Record<string, unknown>> };
    expect(list.reviews).toEqual([expect.objectContaining({ month: '2026-10', status: 'in_review', items: 3, reviewed: 0 })]);
  });

  it('shows an item with its transcript (agent lines named), call and what the script collected', async () => {
    const agentItem = itemOf(october, 'q-oct-agent');
    const detail = (await s.coordinator.request('GET', `/api/quality/reviews/2026-10/items/${agentItem.id}`)).body as Json & { transcript: Array<Record<string, unknown>>; attention: Record<string, unknown> };
    expect(detail.transcript).toHaveLength(9);
    expect(detail.transcript[4]).toMatchObject({ from: 'agent', name: 'Ana López', direction: 'out' });
    expect(detail.transcript[3]).toMatchObject({ from: 'bot', automatic: true });
    expect(detail.transcript[1]).toMatchObject({ from: 'person', text: 'quiero hablar con una persona' });
    expect(detail.call).toBeNull();
    expect(detail.attention).toMatchObject({ request: 'no me llega el correo', person: { name: 'María Pérez', unitName: 'ESCOM' } });
    const voice = (await s.coordinator.request('GET', `/api/quality/reviews/2026-10/items/${itemOf(october, 'q-oct-voice').id}`)).body as Json;
    expect(voice.call).toMatchObject({ hasRecording: true, transfers: [] });
    expect((await s.coordinator.request('GET', '/api/quality/reviews/2026-10/items/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await s.coordinator.request('GET', '/api/quality/reviews/2026-09')).status).toBe(404);
  });

  it('streams the call recording through the console with Twilio Basic auth; 404 when there is none', async () => {
    const voiceId = itemOf(october, 'q-oct-voice').id;
    const before = twilio.seen.length;
    const res = await fetch(`${running.baseUrl}/api/quality/reviews/2026-10/items/${voiceId}/recording`, { headers: { cookie: s.coordinator.cookie }, redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await res.arrayBuffer()).equals(AUDIO)).toBe(true);
    const asked = twilio.seen.slice(before);
    expect(asked).toEqual([{ path: `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${RECORDING_SID}.mp3`, auth: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` }]);
    const none = await s.coordinator.request('GET', `/api/quality/reviews/2026-10/items/${itemOf(october, 'q-oct-email').id}/recording`);
    expect(none.status).toBe(404);
    expect((none.body as { error: { message: string } }).error.message).toMatch(/no tiene grabación/);
    expect((await s.agent.request('GET', `/api/quality/reviews/2026-10/items/${voiceId}/recording`)).status).toBe(403);
  });

  it('passes the player\'s Range to Twilio (206); refuses recordings of another account; maps Twilio\'s failures', async () => {
    const voiceId = itemOf(october, 'q-oct-voice').id;
    const url = `${running.baseUrl}/api/quality/reviews/2026-10/items/${voiceId}/recording`;
    const part = await fetch(url, { headers: { cookie: s.coordinator.cookie, range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect([part.headers.get('content-range'), part.headers.get('content-length'), part.headers.get('accept-ranges')]).toEqual([`bytes 1000-1999/${AUDIO.length}`, '1000', 'bytes']);
    expect(Buffer.from(await part.arrayBuffer()).equals(AUDIO.subarray(1000, 2000))).toBe(true);

    const callSid = `CA${'3'.repeat(32)}`;
    const setUrl = (recordingUrl: string) => running.app.database.db.update(calls).set({ recordingUrl }).where(eq(calls.callSid, callSid));
    const errorOf = async (res: { status: number; body: unknown }) => [res.status, (res.body as { error: { message: string } }).error.message];
    const before = twilio.seen.length;
    try {
      // Another account's recording (or anything but a recording) is never asked for with our credentials.
      for (const other of [`https://api.twilio.com/2010-04-01/Accounts/AC${'9'.repeat(32)}/Recordings/${RECORDING_SID}`, `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${callSid}`]) {
        await setUrl(other);
        expect(await errorOf(await s.coordinator.request('GET', `/api/quality/reviews/2026-10/items/${voiceId}/recording`))).toEqual([404, 'La grabación no está disponible.']);
      }
      expect(twilio.seen.length).toBe(before);
      await setUrl(`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${MISSING_SID}`);
      expect(await errorOf(await s.coordinator.request('GET', `/api/quality/reviews/2026-10/items/${voiceId}/recording`))).toEqual([404, 'La grabación no está disponible.']);
      await setUrl(`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${FAILING_SID}`);
      expect(await errorOf(await s.coordinator.request('GET', `/api/quality/reviews/2026-10/items/${voiceId}/recording`))).toEqual([502, 'No se pudo obtener la grabación desde Twilio; intente más tarde.']);
    } finally {
      await setUrl(`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${RECORDING_SID}`);
    }
  });

  it('takes verdicts, refuses unknown points and values, and will not submit with gaps', async () => {
    const id = itemOf(october, 'q-oct-agent').id;
    expect((await s.coordinator.request('PUT', `/api/quality/reviews/2026-10/items/${id}`, { verdicts: { sonrisa: 'pass' } })).status).toBe(400);
    expect((await s.coordinator.request('PUT', `/api/quality/reviews/2026-10/items/${id}`, { verdicts: { tone: 'ok' } })).status).toBe(400);
    const saved = await s.coordinator.request('PUT', `/api/quality/reviews/2026-10/items/${id}`, { verdicts: { tone: 'pass', greeting: 'fail' }, observations: 'Saludó sin decir el área.' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ verdicts: { tone: 'pass', greeting: 'fail' }, observations: 'Saludó sin decir el área.', reviewedBy: 'coordinator@cau.mx' });
    const submit = await s.coordinator.request('POST', '/api/quality/reviews/2026-10/submit');
    expect(submit.status).toBe(400);
    const details = (submit.body as { error: { details: Array<{ path: string; message: string }> } }).error.details;
    expect(details).toHaveLength(3);
    expect(details.find((d) => d.message.includes('concision'))).toBeDefined();
    // «Atención exclusiva» (seed 002 point 4) is the reviewer's to judge: no pre-check, and submit asks for it.
    expect((october.checklist as Array<{ key: string; label: string; prechecked: boolean }>).find((c) => c.key === 'attention')).toEqual({ key: 'attention', label: 'Atención exclusiva', prechecked: false });
    expect(itemOf(october, 'q-oct-agent').prechecks.attention).toBeUndefined();
    expect(details.every((d) => d.message.includes('attention'))).toBe(true);
  });

  it('submits, is returned with comments by the coordinator, resubmitted and approved; wrong roles get 403', async () => {
    const all = ['immediacy', 'greeting', 'script', 'tone', 'attention', 'concision', 'patience', 'transfer', 'farewell', 'hold'];
    for (const item of october.items ?? []) {
      const verdicts = Object.fromEntries(all.map((k) => [k, 'pass']));
      if (item.conversationId === 'q-oct-agent') verdicts.greeting = 'fail';
      if (item.conversationId === 'q-oct-email') Object.assign(verdicts, { greeting: 'fail', farewell: 'fail', hold: 'na', transfer: 'na' });
      if (item.conversationId === 'q-oct-voice') verdicts.attention = 'fail';
      expect((await s.admin.request('PUT', `/api/quality/reviews/2026-10/items/${String(item.id)}`, { verdicts })).status).toBe(200);
    }
    const submitted = await s.admin.request('POST', '/api/quality/reviews/2026-10/submit');
    expect(submitted.status).toBe(200);
    const review = submitted.body as Json & { tabulation: Record<string, unknown> };
    expect(review).toMatchObject({ status: 'submitted', submittedBy: 'admin@cau.mx' });
    const tab = review.tabulation as { byType: Array<{ item: string; fails: number }>; byAgent: Array<Record<string, unknown>>; byChannel: Array<Record<string, unknown>>; compliance: number };
    expect(tab.byType.find((t) => t.item === 'greeting')?.fails).toBe(2);
    expect(tab.byType.find((t) => t.item === 'farewell')?.fails).toBe(1);
    expect(tab.byAgent).toEqual(expect.arrayContaining([expect.objectContaining({ agentId: agentId, name: 'Ana López', items: 1, fails: 1, byType: { greeting: 1 } })]));
    expect(tab.byType.find((t) => t.item === 'attention')).toEqual({ item: 'attention', label: 'Atención exclusiva', fails: 1 });
    expect(tab.byChannel).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'email', items: 1, fails: 2 }), expect.objectContaining({ channel: 'voice', items: 1, fails: 1, byType: { attention: 1 } })]));
    // 30 verdicts, 2 «no aplica», 4 «no cumple»: 24 of 28.
    expect(tab.compliance).toBeCloseTo(24 / 28, 3);

    expect((await s.coordinator.request('PUT', `/api/quality/reviews/2026-10/items/${itemOf(october, 'q-oct-agent').id}`, { verdicts: { tone: 'fail' } })).status).toBe(409);
    expect((await s.admin.request('POST', '/api/quality/reviews/2026-10/approve', {})).status).toBe(403);
    expect((await s.agent.request('POST', '/api/quality/reviews/2026-10/approve', {})).status).toBe(403);
    expect((await s.coordinator.request('POST', '/api/quality/reviews/2026-10/return', { comments: '  ' })).status).toBe(400);
    const returned = await s.coordinator.request('POST', '/api/quality/reviews/2026-10/return', { comments: 'Revisen el saludo de la llamada.' });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', coordinatorComments: 'Revisen el saludo de la llamada.', decidedBy: 'coordinator@cau.mx' });
    expect((await s.coordinator.request('POST', '/api/quality/reviews/2026-10/approve', {})).status).toBe(409);
    expect((await s.coordinator.request('PUT', `/api/quality/reviews/2026-10/items/${itemOf(october, 'q-oct-voice').id}`, { verdicts: { greeting: 'pass' }, observations: 'Revisado otra vez.' })).status).toBe(200);
    // This time the coordinator sends it herself: she may neither approve nor return it (separation of duties).
    expect((await s.coordinator.request('POST', '/api/quality/reviews/2026-10/submit')).status).toBe(200);
    for (const [path, body] of [['approve', {}], ['return', { comments: 'Otra vez.' }]] as const) {
      const own = await s.coordinator.request('POST', `/api/quality/reviews/2026-10/${path}`, body);
      expect([own.status, (own.body as { error: { message: string } }).error.message]).toEqual([409, 'Quien envió la revisión no puede aprobarla ni devolverla; debe hacerlo otro coordinador.']);
    }
    expect(((await s.coordinator.request('GET', '/api/quality/reviews/2026-10')).body as Json).status).toBe('submitted');
    const approved = await s.head.request('POST', '/api/quality/reviews/2026-10/approve', { comments: 'De acuerdo.' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', submittedBy: 'coordinator@cau.mx', decidedBy: 'head@cau.mx' });
    expect(((approved.body as Json).history as Array<{ action: string }>).map((h) => h.action)).toEqual(['submitted', 'returned', 'submitted', 'approved']);
  });

  let actionId = '';
  it('assigns a corrective action to an agent, who marks it done; the coordination follows it up next month', async () => {
    const bad = await s.coordinator.request('POST', '/api/quality/reviews/2026-10/actions', { agentId: coordinatorId, item: 'greeting', description: 'x', dueDate: '2026-12-20' });
    expect(bad.status).toBe(400);
    expect((await s.coordinator.request('POST', '/api/quality/reviews/2026-10/actions', { agentId, item: 'sonrisa', description: 'x', dueDate: '2026-12-20' })).status).toBe(400);
    expect((await s.coordinator.request('POST', '/api/quality/reviews/2026-10/actions', { agentId, item: 'greeting', description: 'x', dueDate: '2026-02-30' })).status).toBe(400);
    const created = await s.coordinator.request('POST', '/api/quality/reviews/2026-10/actions', { agentId, item: 'greeting', description: 'Repasar el saludo del protocolo con su nombre.', dueDate: '2026-12-20' });
    expect(created.status).toBe(201);
    const action = created.body as Record<string, unknown>;
    actionId = String(action.id);
    expect(action).toMatchObject({ reviewMonth: '2026-10', agent: { id: agentId, name: 'Ana López' }, item: 'greeting', itemLabel: 'Saludo con nombre', status: 'open', overdue: false, createdBy: 'coordinator@cau.mx' });

    const mine = (await s.agent.request('GET', '/api/quality/actions/mine')).body as { actions: Array<{ id: string }> };
    expect(mine.actions.map((a) => a.id)).toEqual([actionId]);
    expect(((await s.other.request('GET', '/api/quality/actions/mine')).body as { actions: unknown[] }).actions).toEqual([]);
    expect((await s.other.request('POST', `/api/quality/actions/${actionId}/done`, {})).status).toBe(403);
    expect((await s.agent.request('GET', '/api/quality/actions')).status).toBe(403);
    const done = await s.agent.request('POST', `/api/quality/actions/${actionId}/done`, { note: 'Lo repasé con la coordinadora.' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', doneNote: 'Lo repasé con la coordinadora.' });
    expect((await s.agent.request('POST', `/api/quality/actions/${actionId}/done`, {})).status).toBe(409);
    expect((await s.agent.request('POST', `/api/quality/actions/${actionId}/follow-up`, { effective: true, note: 'x' })).status).toBe(403);
    expect((await s.coordinator.request('POST', `/api/quality/actions/${actionId}/follow-up`, { effective: 'sí', note: 'x' })).status).toBe(400);
    const followed = await s.coordinator.request('POST', `/api/quality/actions/${actionId}/follow-up`, { effective: true, note: 'En noviembre saludó con su nombre.' });
    expect(followed.status).toBe(200);
    expect(followed.body).toMatchObject({ status: 'effective', followUpMonth: '2026-11', followUpBy: 'coordinator@cau.mx', followUpNote: 'En noviembre saludó con su nombre.' });
    const listed = (await s.admin.request('GET', `/api/quality/actions?status=effective&agentId=${agentId}`)).body as { actions: Array<{ id: string }> };
    expect(listed.actions.map((a) => a.id)).toEqual([actionId]);
    expect(((await s.admin.request('GET', '/api/quality/actions?status=open')).body as { actions: unknown[] }).actions).toEqual([]);

    const audited = await running.app.database.db.select({ action: auditLog.action }).from(auditLog).where(like(auditLog.action, 'quality.%'));
    const actions = new Set(audited.map((a) => a.action));
    for (const a of ['quality.review.created', 'quality.item.reviewed', 'quality.review.submitted', 'quality.review.returned', 'quality.review.approved', 'quality.action.created', 'quality.action.done', 'quality.action.followed_up']) {
      expect(actions.has(a)).toBe(true);
    }
  });

  it('exports the review report as XLSX: summary, tabulation, one row per item with its verdicts, actions', async () => {
    const url = `${running.baseUrl}/api/quality/reviews/2026-10/report.xlsx`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { cookie: s.agent.cookie } })).status).toBe(403);
    expect((await fetch(`${running.baseUrl}/api/quality/reviews/2026-09/report.xlsx`, { headers: { cookie: s.coordinator.cookie } })).status).toBe(404);
    const res = await fetch(url, { headers: { cookie: s.admin.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="revision-calidad-2026-10.xlsx"');
    const review = (await s.coordinator.request('GET', '/api/quality/reviews/2026-10')).body as Json & {
      checklist: Array<{ key: string; label: string }>;
      tabulation: { byType: Array<{ label: string; fails: number }>; byAgent: Array<{ name: string; items: number; fails: number }>; byChannel: Array<{ channel: string; items: number; fails: number }>; compliance: number };
      actions: Array<{ description: string; itemLabel: string; followUpNote: string | null }>;
    };
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Resumen', 'Tabulado', 'Elementos', 'Acciones']);
    const text = (c: ExcelJS.Cell) => (c.value === null || c.value === undefined ? '' : String(c.value));
    const rowsOf = (name: string) => {
      const out: string[][] = [];
      (book.getWorksheet(name) as ExcelJS.Worksheet).eachRow({ includeEmpty: true }, (row) => {
        const cells: string[] = [];
        for (let i = 1; i <= row.cellCount; i++) cells.push(text(row.getCell(i)));
        out.push(cells);
      });
      return out;
    };

    const summary = new Map(rowsOf('Resumen').filter((r) => r.length >= 2).map((r) => [r[0], r[1]]));
    expect(summary.get('Mes')).toBe('2026-10');
    expect(summary.get('Estado')).toBe('Aprobada');
    expect(summary.get('Semilla del sorteo')).toBe('semilla-octubre');
    expect(summary.get('Tamaño de la muestra pedido')).toBe('50');
    expect(summary.get('Elementos en la muestra')).toBe('3');
    expect(summary.get('Enviada a coordinación por')).toBe('coordinator@cau.mx');
    expect(summary.get('Aprobada por')).toBe('head@cau.mx');
    expect(summary.get('Comentarios de coordinación')).toBe('De acuerdo.');
    // The clock stands on 5 December, 12:00 in Mexico City: every decision was taken then.
    expect(summary.get('Aprobada el')).toBe('2026-12-05 12:00');
    expect(Number(summary.get('Cumplimiento'))).toBe(review.tabulation.compliance);
    expect(review.tabulation.compliance).toBeCloseTo(24 / 28, 3);

    const tab = rowsOf('Tabulado');
    const start = tab.findIndex((r) => r[0] === 'Punto del protocolo');
    expect(tab.slice(start + 1, start + 1 + review.checklist.length).map((r) => [r[0], Number(r[1])])).toEqual(review.tabulation.byType.map((t) => [t.label, t.fails]));
    expect(tab.find((r) => r[0] === 'Atención exclusiva')?.[1]).toBe('1');
    expect(tab.find((r) => r[0] === 'Ana López')?.slice(0, 4)).toEqual(['Ana López', '1', '1', 'Saludo con nombre: 1']);
    expect(tab.find((r) => r[0] === 'Correo electrónico')?.slice(0, 4)).toEqual(['Correo electrónico', '1', '2', 'Saludo con nombre: 1; Cortesía y despedida: 1']);
    expect(tab.find((r) => r[0] === 'Teléfono')?.slice(0, 4)).toEqual(['Teléfono', '1', '1', 'Atención exclusiva: 1']);

    const [head, ...items] = rowsOf('Elementos');
    expect(head?.slice(5, 5 + review.checklist.length)).toEqual(review.checklist.map((c) => c.label));
    expect(items).toHaveLength(3);
    const spanish: Record<string, string> = { pass: 'Cumple', fail: 'No cumple', na: 'No aplica' };
    for (const item of review.items ?? []) {
      const row = items.find((r) => r[1] === item.conversationId) as string[];
      expect(row[0]).toBe(String(item.position));
      const verdicts = item.verdicts as Record<string, string>;
      expect(row.slice(5, 5 + review.checklist.length)).toEqual(review.checklist.map((c) => spanish[verdicts[c.key] as string]));
      expect(row[5 + review.checklist.length]).toBe(String(Object.values(verdicts).filter((v) => v === 'fail').length));
      expect(row[6 + review.checklist.length]).toBe(String(item.observations ?? ''));
    }
    expect(items.find((r) => r[1] === 'q-oct-voice')?.slice(2, 5)).toEqual(['Teléfono', 'Bot (sin agente)', 'Sí']);
    expect(items.find((r) => r[1] === 'q-oct-voice')?.[6 + review.checklist.length]).toBe('Revisado otra vez.');
    expect(items.find((r) => r[1] === 'q-oct-agent')?.[6 + review.checklist.length]).toBe('Saludó sin decir el área.');

    const [, ...actions] = rowsOf('Acciones');
    expect(actions).toHaveLength(1);
    expect(actions[0]?.slice(0, 6)).toEqual(['2026-10', 'Ana López', 'Saludo con nombre', review.actions[0]?.description, '2026-12-20', 'Eficaz']);
    expect(actions[0]?.slice(8, 12)).toEqual(['Lo repasé con la coordinadora.', '2026-11', 'En noviembre saludó con su nombre.', 'coordinator@cau.mx']);
  });

  it("scores each agent's pre-checks over the conversations they accepted", async () => {
    const from = wallTime(TZ, 2026, 10, 1);
    const to = wallTime(TZ, 2026, 11, 1);
    const scores = await running.app.quality.scoreAgents(from, to);
    // Only Ana's part of q-oct-agent, by hand: she wrote 5 s after accepting (immediacy pass), greeted with her name
    // (greeting pass), answered each message within 10 s (hold pass) and closed with «Hasta luego» (farewell pass);
    // the script (the bot's) and transfer (she made none) are not hers: 4 checked, 4 passed. The conversation's own
    // pre-checks pass all six, bot's parts included.
    expect(scores).toEqual([{ agentId, name: 'Ana López', conversations: 1, checks: 4, passed: 4, failsByItem: {} }]);
    expect(Object.values(itemOf(october, 'q-oct-agent').prechecks).filter((p) => p.result === 'pass')).toHaveLength(6);
  });

  it('November (generated): the same seed draws the same stratified sample again; October\'s actions are its follow-ups', async () => {
    const g = await generateMonth(running.app.database, { month: '2026-11', seed: 1811, timeZone: TZ, conversations: 60, walkIns: 2, outbound: 1 });
    const first = await s.coordinator.request('POST', '/api/quality/reviews', { month: '2026-11', size: 12, seed: 'f00dfeedcafe0123' });
    expect(first.status).toBe(201);
    const review = first.body as Json & { strata: Array<{ channel: string; agentUserId: string | null; population: number; drawn: number }>; followUps: Array<{ id: string; status: string }> };
    const ids = (review.items ?? []).map((i) => String(i.conversationId));
    expect(ids).toHaveLength(12);
    expect(review.strata.reduce((n, x) => n + x.drawn, 0)).toBe(12);
    // The population is the month's received conversations (the generator's bookkeeping), split by channel and agent.
    const received = g.received().filter((i) => i.kind === 'conversation');
    expect(review.strata.reduce((n, x) => n + x.population, 0)).toBe(received.length);
    for (const x of review.strata) expect(x.drawn).toBeLessThanOrEqual(x.population);
    expect(new Set(review.strata.map((x) => x.channel))).toEqual(new Set(received.map((i) => i.channel)));
    expect(review.followUps.map((a) => a.id)).toEqual([actionId]);

    await running.app.database.db.delete(qualityReviews).where(eq(qualityReviews.month, '2026-11'));
    const again = await s.coordinator.request('POST', '/api/quality/reviews', { month: '2026-11', size: 12, seed: 'f00dfeedcafe0123' });
    expect(again.status).toBe(201);
    expect(((again.body as Json).items ?? []).map((i) => String(i.conversationId))).toEqual(ids);

    await running.app.database.db.delete(qualityReviews).where(eq(qualityReviews.month, '2026-11'));
    const random = await s.coordinator.request('POST', '/api/quality/reviews', { month: '2026-11', size: 12 });
    expect(random.status).toBe(201);
    expect(String((random.body as Json).seed)).toMatch(/^[0-9a-f]{16}$/);

    // scoreAgents over the generated month counts each agent's accepted conversations once.
    const [from, to] = [g.from, g.to];
    const scores = await running.app.quality.scoreAgents(from, to);
    const [{ n }] = (await running.app.database.db
      .select({ n: sql<number>`count(distinct (${handoffs.conversationId}, ${handoffs.agentUserId}))::int` })
      .from(handoffs)
      .where(and(gte(handoffs.acceptedAt, from), lt(handoffs.acceptedAt, to)))) as [{ n: number }];
    expect(scores.reduce((sum, x) => sum + x.conversations, 0)).toBe(n);
    for (const x of scores) expect(x.passed).toBeLessThanOrEqual(x.checks);
    // Every pre-check that ran and did not pass failed on some point: the failures by point add up to the difference.
    for (const x of scores) expect(Object.values(x.failsByItem).reduce((a, n) => a + (n ?? 0), 0)).toBe(x.checks - x.passed);
    expect(scores.some((x) => x.checks > x.passed)).toBe(true);
  }, 120_000);

  it('keeps two reviewers\' verdicts on different points of the same item, saved at once', async () => {
    const review = (await s.coordinator.request('GET', '/api/quality/reviews/2026-11')).body as Json;
    expect(review.status).toBe('in_review');
    const items = (review.items ?? []).slice(0, 4).map((i) => String(i.id));
    // Each point saved by its own request, all at once, alternating the two reviewers.
    const keys = ['immediacy', 'greeting', 'script', 'tone', 'attention', 'concision', 'patience', 'transfer', 'farewell', 'hold'];
    const verdictOf = (i: number) => (['pass', 'fail', 'na'] as const)[i % 3] as string;
    for (const id of items) {
      const answers = await Promise.all(keys.map((k, i) => (i % 2 === 0 ? s.coordinator : s.admin).request('PUT', `/api/quality/reviews/2026-11/items/${id}`, { verdicts: { [k]: verdictOf(i) } })));
      expect(answers.map((a) => a.status)).toEqual(keys.map(() => 200));
      const saved = (await s.coordinator.request('GET', `/api/quality/reviews/2026-11/items/${id}`)).body as { verdicts: Record<string, string> };
      expect(saved.verdicts).toEqual(Object.fromEntries(keys.map((k, i) => [k, verdictOf(i)])));
    }
    if (backend === 'postgres') {
      // Deterministic on the server: another transaction holds the item's row, so both saves have read it before
      // either writes; each must still keep the other's point (a whole-object write would lose one).
      const id = items[1] as string;
      const db = running.app.database.db;
      let saves: Promise<Array<{ status: number }>> | undefined;
      await db.transaction(async (tx) => {
        await tx.execute(sql`select id from quality_review_items where id = ${id} for update`);
        saves = Promise.all([
          s.coordinator.request('PUT', `/api/quality/reviews/2026-11/items/${id}`, { verdicts: { tone: 'na' } }),
          s.admin.request('PUT', `/api/quality/reviews/2026-11/items/${id}`, { verdicts: { hold: 'na' } }),
        ]);
        // Released once both saves wait for the row.
        for (;;) {
          const result = (await db.execute(sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'update "quality_review_items"%'`)) as unknown as { rows: Array<{ n: number }> };
          if ((result.rows[0]?.n ?? 0) >= 2) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      expect((await saves)?.map((r) => r.status)).toEqual([200, 200]);
      const saved = (await s.coordinator.request('GET', `/api/quality/reviews/2026-11/items/${id}`)).body as { verdicts: Record<string, string> };
      expect([saved.verdicts.tone, saved.verdicts.hold]).toEqual(['na', 'na']);
    }
    // Observations change only when sent.
    const [first] = items as [string];
    await s.coordinator.request('PUT', `/api/quality/reviews/2026-11/items/${first}`, { verdicts: {}, observations: 'Nota.' });
    await s.admin.request('PUT', `/api/quality/reviews/2026-11/items/${first}`, { verdicts: { tone: 'pass' } });
    expect(((await s.coordinator.request('GET', `/api/quality/reviews/2026-11/items/${first}`)).body as { observations: string }).observations).toBe('Nota.');
  });

  it('the monthly report scheduler draws the month\'s sample when it stores the report, and retries a failed draw on later ticks', async () => {
    await running.app.database.db.delete(qualityReviews).where(eq(qualityReviews.month, '2026-11'));
    // The draw fails on the tick that stores the report…
    const failing = jest.spyOn(running.app.quality, 'create').mockRejectedValueOnce(new Error('base de datos ocupada'));
    const tick = await running.app.reportScheduler.tick();
    expect(tick).toMatchObject({ month: '2026-11', stored: true });
    expect(failing).toHaveBeenCalledTimes(1);
    failing.mockRestore();
    expect((await s.coordinator.request('GET', '/api/quality/reviews/2026-11')).status).toBe(404);
    // …and the next tick (the report already stored) draws it.
    expect((await running.app.reportScheduler.tick()).stored).toBe(false);
    const review = (await s.coordinator.request('GET', '/api/quality/reviews/2026-11')).body as Json;
    expect(review).toMatchObject({ month: '2026-11', createdBy: 'scheduler', sampleSize: 30, status: 'in_review' });
    expect(review.items).toHaveLength(30);
    expect((await running.app.reportScheduler.tick()).stored).toBe(false);
    expect(await running.app.quality.drawIfMissing('2026-11', 'scheduler')).toBe(false);
  }, 120_000);
});
