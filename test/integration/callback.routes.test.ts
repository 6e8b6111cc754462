import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Server } from 'restify';
import { makeServer } from '../../app/server';
import { CallbackRoutes } from '../../bots/channels/twilio-voice/callback.routes';
import { TwilioWebhook } from '../../bots/channels/twilio-voice/twilio-webhook';
import { AuthRoutes } from '../../console/api/auth.routes';
import { CallbackApiRoutes } from '../../console/api/callback.routes';
import { CallbackRepository, CallRepository, createRepositories, DirectoryRepository, type Repositories } from '../../models';
import { SessionService } from '../../services/auth/session.service';
import { CallbackScheduler } from '../../services/callbacks/callback-scheduler';
import { CallbackService, type CallbackRequestInput, type CallbackRow } from '../../services/callbacks/callback.service';
import { DirectoryService } from '../../services/directory/directory.service';
import type { DirectoryEntry } from '../../services/directory/directory-types';
import { BusinessHours } from '../../services/handoff/business-hours';
import { parseHolidays } from '../../services/handoff/mexican-holidays';
import { RateLimiter } from '../../services/http/rate-limiter';
import { Metrics } from '../../services/observability/metrics';
import { HttpTwilioRestClient } from '../../services/twilio/rest-client';
import { VoiceTwiml } from '../../services/twilio/twiml';
import { UserService } from '../../services/users/user.service';
import { ConsoleSession } from '../support/console-session';
import { SimulatedCaller } from '../support/simulated-caller';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';
import { TwilioFakeApi } from '../support/twilio-fake-api';

/**
 * The calls the callback scheduler places, answered by a simulated person through signed Twilio webhooks (the
 * TwiML is parsed and followed as Twilio would), and the console's callback API with real sessions — on PGlite and
 * on the PostgreSQL server.
 */

const ACCOUNT = 'AC00000000000000000000000000000002';
const TOKEN = 'callback-test-token';
const PUBLIC = 'https://mesa.cau.example.mx';
const FROM = '+525500000000';
const TZ = 'America/Mexico_City';
const T0 = new Date('2026-06-10T17:00:00Z'); // Wednesday 11:00 in Mexico City
const PASSWORD = 'contraseña-muy-segura-1';


class ManualClock {
  t = T0.getTime();
  now(): Date {
    return new Date(this.t);
  }
  advance(minutes: number): void {
    this.t += minutes * 60_000;
  }
}

describe.each(testBackends())('callback calls and console API on %s', (backend) => {
  let t: TestDatabase;
  let repos: Repositories;
  let api: TwilioFakeApi;
  let server: Server;
  let baseUrl: string;
  let clock: ManualClock;
  let callbacks: CallbackService;
  let scheduler: CallbackScheduler;
  let repo: CallbackRepository;
  let calls: CallRepository;
  let directory: DirectoryService;
  let maria: DirectoryEntry;
  let ramon: DirectoryEntry;
  const enqueued: Array<{ callSid: string; callback: CallbackRow }> = [];
  let n = 0;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    repos = createRepositories(t.database);
    api = await TwilioFakeApi.start({ accountSid: ACCOUNT, authToken: TOKEN });
    clock = new ManualClock();
    const logger = pino({ level: 'silent' });
    repo = new CallbackRepository(t.database.db);
    calls = new CallRepository(t.database.db);
    directory = new DirectoryService({ repo: new DirectoryRepository(t.database.db), audit: repos.audit, clock });
    maria = await directory.create('test', { kind: 'person', name: 'María Pérez Gómez', title: 'Lic.', gender: 'f', extension: '42500', route: { kind: 'sip', uri: 'sip:42500@pbx.cau.example.mx' } });
    ramon = await directory.create('test', {
      kind: 'person', name: 'Ramón López', title: 'Ing.', gender: 'm', extension: '42611', outboundAllowed: true, pin: '4826',
      route: { kind: 'pstn', number: '+525557296000', sendDigits: 'ww42611' },
    });
    const hours = new BusinessHours(null, { timeZone: TZ, holidays: parseHolidays('') });
    const twilio = new HttpTwilioRestClient({ accountSid: ACCOUNT, authToken: TOKEN, baseUrl: api.baseUrl, sleep: async () => undefined });
    callbacks = new CallbackService({
      repo, audit: repos.audit, hours, clock, logger, twilio,
      settings: { timeZone: TZ, retryMinutes: 10, maxAttempts: 2, defaultGroup: 'Mesa de ayuda' },
    });
    scheduler = new CallbackScheduler({ callbacks, twilio, hours, clock, logger, calls, settings: { publicBaseUrl: PUBLIC, from: FROM } });
    const users = new UserService(repos.users, repos.audit);
    for (const [email, role, queues] of [
      ['agente.correo@cau.mx', 'agent', ['Correo institucional']],
      ['agente.general@cau.mx', 'agent', []],
      ['coordinadora@cau.mx', 'coordinator', []],
      ['resolutor@cau.mx', 'resolver', []],
    ] as const) {
      await users.create({ email, role, password: PASSWORD, actor: 'test', queues: [...queues], ...(role === 'resolver' ? { resolverGroup: 'Redes' } : {}) });
    }
    const sessions = new SessionService(users, repos.sessions, clock);
    server = makeServer({
      logger,
      metrics: new Metrics({ defaultMetrics: false }),
      ready: async () => true,
      routes: [
        new CallbackRoutes({
          webhook: new TwilioWebhook({ authToken: TOKEN, publicBaseUrl: PUBLIC }, logger),
          callbacks,
          directory,
          calls,
          twiml: () => new VoiceTwiml({ voice: 'Polly.Mia', language: 'es-MX' }),
          enqueueHandoff: async (callSid, callback) => {
            enqueued.push({ callSid, callback });
            return new VoiceTwiml().say('Le comunico con un agente.').enqueue('cb-queue', { waitUrl: `${PUBLIC}/api/twilio/voice/queue-wait`, action: `${PUBLIC}/api/twilio/voice/queue-exit` }).toString();
          },
          clock,
          logger,
          settings: { publicBaseUrl: PUBLIC, orgName: 'la Universidad', botName: 'Ventanilla', voice: { voice: 'Polly.Mia', language: 'es-MX' }, timeZone: TZ },
        }),
        new AuthRoutes({ sessions, limiter: new RateLimiter(100, 100, clock), secureCookies: false, sessionMaxAgeSeconds: 3600 }),
        new CallbackApiRoutes({ sessions, callbacks }),
      ],
      page: { botName: 'Ventanilla', orgName: 'CAU', primaryColor: '#123456', accentColor: '#654321' },
      bodyLimitBytes: 1_000_000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeAllConnections();
      await closed;
    }
    await api?.close();
    await t?.dispose();
  });

  beforeEach(async () => {
    await t.database.db.execute(`update callback_requests set status = 'cancelled' where status in ('pending', 'calling')` as never);
    api.reset();
  });

  async function book(input: Partial<CallbackRequestInput> = {}): Promise<CallbackRow> {
    const { callback } = await callbacks.request({
      kind: 'transfer', conversationId: `conv-${++n}-${backend}`, channel: 'voice', phone: '5512345678', reason: 'extension_busy',
      directoryEntryId: maria.id, ...input,
    });
    return callback;
  }

  /** The scheduler places `callback`; the person it calls answers (Twilio fetches our TwiML). */
  async function placeAndAnswer(callback: CallbackRow): Promise<SimulatedCaller> {
    const { placed } = await scheduler.tick();
    const callSid = placed.find((p) => p.id === callback.id)?.callSid;
    if (!callSid) throw new Error(`callback ${callback.id} was not placed`);
    const placedCall = api.calls.get(callSid);
    const caller = new SimulatedCaller({
      baseUrl, publicBaseUrl: PUBLIC, authToken: TOKEN, accountSid: ACCOUNT, callSid, direction: 'outbound-api',
      from: FROM, to: placedCall?.to ?? '', statusCallback: placedCall?.statusCallback ?? '',
    });
    await caller.call(placedCall?.url ?? '');
    return caller;
  }

  it('transfer: «Buenos días, le llamamos … como lo solicitó» and the extension is dialled; connected → done, recorded', async () => {
    const cb = await book();
    const caller = await placeAndAnswer(cb);
    expect(caller.said()).toEqual(['Buenos días, le llamamos de la Mesa de Ayuda de la Universidad, como lo solicitó, para comunicarle con la licenciada María Pérez Gómez. Permítame.']);
    expect(caller.pending).toBe('dial');
    expect(caller.dialAttrs).toMatchObject({ action: `${PUBLIC}/api/twilio/voice/callback-dial?id=${cb.id}`, timeout: '25', answerOnBridge: 'true' });
    expect(caller.dialTarget).toMatchObject({ noun: 'Sip', value: 'sip:42500@pbx.cau.example.mx' });
    expect(await repo.get(cb.id)).toMatchObject({ status: 'calling', lastResult: 'answered' });

    await caller.dialEnds('completed', 95);
    expect(caller.pending).toBe('hangup');
    expect(await repo.get(cb.id)).toMatchObject({ status: 'done', lastResult: 'transferred: completed' });
    expect(await caller.hangUp(120)).toBe(204);
    const call = await calls.get(caller.callSid);
    expect(call).toMatchObject({ purpose: 'callback', status: 'completed', durationSeconds: 120, outcome: 'transferred', callbackId: cb.id });
    expect(call?.answeredAt).toEqual(T0);
    expect(call?.transfers).toEqual([expect.objectContaining({ entryId: maria.id, extension: '42500', status: 'completed', durationSeconds: 95 })]);
    expect(await repo.get(cb.id)).toMatchObject({ status: 'done' });
  });

  it('transfer: the extension is busy again → «le volveremos a llamar …»; after the last attempt an apology', async () => {
    const cb = await book();
    const first = await placeAndAnswer(cb);
    await first.dialEnds('busy');
    expect(first.lastSaid()).toEqual([
      'La línea de la licenciada María Pérez Gómez está ocupada en este momento. Le volveremos a llamar hoy a las 11:10 de la mañana. Hasta luego, que tenga buen día.',
    ]);
    expect(first.pending).toBe('hangup');
    await first.hangUp(40);
    expect(await repo.get(cb.id)).toMatchObject({ status: 'pending', attempts: 1, lastResult: 'transfer busy' });

    clock.advance(10);
    const second = await placeAndAnswer(cb);
    await second.dialEnds('no-answer');
    expect(second.lastSaid()).toEqual([
      'La licenciada María Pérez Gómez no contesta en este momento. Una disculpa, no logramos comunicarle. Si lo necesita, llámenos de nuevo. Hasta luego, que tenga buen día.',
    ]);
    await second.hangUp(40);
    expect(await repo.get(cb.id)).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('nobody answers the callback: the status callback retries it, and the call is recorded as failed', async () => {
    const cb = await book();
    const { placed } = await scheduler.tick();
    const sid = placed[0]?.callSid ?? '';
    const caller = new SimulatedCaller({ baseUrl, publicBaseUrl: PUBLIC, authToken: TOKEN, callSid: sid, direction: 'outbound-api', from: FROM, to: '+525512345678', statusCallback: api.calls.get(sid)?.statusCallback ?? '' });
    expect(await caller.statusCallback('no-answer', { CallDuration: '0' })).toBe(204);
    expect(await repo.get(cb.id)).toMatchObject({ status: 'pending', attempts: 1, lastResult: 'no-answer', nextAttemptAt: new Date(clock.now().getTime() + 10 * 60_000) });
    expect(await calls.get(sid)).toMatchObject({ status: 'no-answer', outcome: 'failed' });
  });

  it('outbound staff call: the number answers and is connected to the staff member who asked (PSTN + digits)', async () => {
    const cb = await book({ kind: 'outbound', phone: '+52 33 1234 5678', directoryEntryId: ramon.id, requestedBy: 'ext. 42611 Ramón López', reason: 'staff_outbound' });
    const caller = await placeAndAnswer(cb);
    expect(api.requestsOf('createCall')[0]?.form.To).toBe('+523312345678');
    expect(caller.said()).toEqual(['Buenos días, le llamamos de la Mesa de Ayuda de la Universidad de parte del ingeniero Ramón López, que solicitó esta llamada. Permítame, le comunico.']);
    expect(caller.dialTarget).toEqual({ noun: 'Number', value: '+525557296000', attrs: { sendDigits: 'ww42611' } });
    await caller.dialEnds('answered', 30);
    expect(await repo.get(cb.id)).toMatchObject({ status: 'done' });
    expect((await repos.audit.latest(50)).filter((a) => a.target === cb.id).map((a) => a.action)).toEqual(
      expect.arrayContaining(['callback.outbound.requested', 'callback.outbound.placed', 'callback.outbound.connected']),
    );
    expect(await calls.get(caller.callSid)).toMatchObject({ purpose: 'outbound' });
  });

  it('handoff: the person answers and the voice channel queues them for an agent', async () => {
    enqueued.length = 0;
    const cb = await book({ kind: 'handoff', directoryEntryId: null, resolverGroup: 'Correo institucional', reason: 'no_agents' });
    const caller = await placeAndAnswer(cb);
    expect(enqueued).toEqual([{ callSid: caller.callSid, callback: expect.objectContaining({ id: cb.id, kind: 'handoff', status: 'calling' }) }]);
    expect(caller.pending).toBe('enqueue');
    await caller.hangUp(300);
    expect(await repo.get(cb.id)).toMatchObject({ status: 'done' });
  });

  it('a callback cancelled while ringing, or whose person left the directory, apologises and hangs up', async () => {
    const coordinator = { id: '00000000-0000-4000-8000-000000000009', email: 'coordinadora@cau.mx', role: 'coordinator' };
    const cb = await book();
    const { placed } = await scheduler.tick();
    await callbacks.cancel(coordinator, cb.id);
    const sid = placed[0]?.callSid ?? '';
    const late = new SimulatedCaller({ baseUrl, publicBaseUrl: PUBLIC, authToken: TOKEN, callSid: sid, direction: 'outbound-api', from: FROM, to: '+525512345678' });
    await late.call(`/api/twilio/voice/callback?id=${cb.id}`);
    expect(late.said()).toEqual(['Buenos días, le llamamos de la Mesa de Ayuda de la Universidad. Una disculpa, esta llamada quedó cancelada. Hasta luego, que tenga buen día.']);
    expect(late.pending).toBe('hangup');

    const gone = await directory.create('test', { kind: 'area', name: 'Recursos Humanos', extension: '43000', route: { kind: 'sip', uri: 'sip:43000@pbx.cau.example.mx' } });
    const cb2 = await book({ directoryEntryId: gone.id });
    await directory.remove('test', gone.id);
    const caller = await placeAndAnswer(cb2);
    expect(caller.said()).toEqual([
      'Buenos días, le llamamos de la Mesa de Ayuda de la Universidad. Una disculpa, ya no es posible comunicarle con el área de Recursos Humanos desde aquí. Si lo necesita, llámenos de nuevo. Hasta luego, que tenga buen día.',
    ]);
    expect(await repo.get(cb2.id)).toMatchObject({ status: 'failed', lastResult: 'directory entry inactive' });
  });

  it.each(['/api/twilio/voice/callback', '/api/twilio/voice/callback-dial', '/api/twilio/voice/callback-status'])('%s refuses forged or missing signatures (403 JSON)', async (path) => {
    const cb = await book();
    const caller = new SimulatedCaller({ baseUrl, publicBaseUrl: PUBLIC, authToken: TOKEN, direction: 'outbound-api', from: FROM, to: '+525512345678' });
    const params = { ...caller.callParams('completed'), DialCallStatus: 'completed' };
    for (const opts of [{ authToken: 'otro-token' }, { omitSignature: true }, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }]) {
      const answer = await caller.rawPost(`${path}?id=${cb.id}`, params, opts);
      expect(answer.status).toBe(403);
      expect(answer.contentType).toMatch(/application\/json/);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'InvalidSignature' } });
    }
    // Signed over another URL (the id changed on the way): refused too.
    const other = await caller.rawPost(`${path}?id=${cb.id}`, params, { signature: (await import('../../services/twilio/signature')).twilioSignature(TOKEN, `${PUBLIC}${path}?id=00000000-0000-4000-8000-000000000000`, params) });
    expect(other.status).toBe(403);
    expect(await repo.get(cb.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  describe('console API', () => {
    async function login(email: string): Promise<ConsoleSession> {
      return ConsoleSession.login(baseUrl, email, PASSWORD);
    }

    it('lists by role and status; cancels within the agent\'s groups only; audits; refuses the rest', async () => {
      const mail = await book({ kind: 'handoff', directoryEntryId: null, resolverGroup: 'Correo institucional', reason: 'no_agents' });
      clock.advance(1);
      const transfer = await book({ name: 'Pedro' });
      const agentMail = await login('agente.correo@cau.mx');
      const agentGeneral = await login('agente.general@cau.mx');
      const coordinator = await login('coordinadora@cau.mx');

      const ids = async (s: ConsoleSession, query = '?status=pending') => {
        const res = await s.request('GET', `/api/callbacks${query}`);
        expect(res.status).toBe(200);
        return (res.body as { callbacks: Array<{ id: string }> }).callbacks.map((c) => c.id);
      };
      expect(await ids(agentMail)).toEqual([mail.id]);
      expect(await ids(agentGeneral)).toEqual([transfer.id]);
      expect(await ids(coordinator)).toEqual([transfer.id, mail.id]);
      const listed = await coordinator.request('GET', '/api/callbacks?status=pending&limit=1');
      expect((listed.body as { callbacks: unknown[] }).callbacks).toEqual([
        expect.objectContaining({ id: transfer.id, kind: 'transfer', status: 'pending', name: 'Pedro', phone: '5512345678', group: 'Mesa de ayuda', attempts: 0, canCancel: true }),
      ]);

      expect((await agentMail.request('POST', `/api/callbacks/${transfer.id}/cancel`)).status).toBe(403);
      const cancelled = await agentMail.request('POST', `/api/callbacks/${mail.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ callback: { id: mail.id, status: 'cancelled', canCancel: false } });
      expect((await agentMail.request('POST', `/api/callbacks/${mail.id}/cancel`)).status).toBe(409);
      expect(await ids(agentMail, '?status=cancelled')).toContain(mail.id);
      const [entry] = (await repos.audit.latest(20)).filter((a) => a.action === 'callback.cancel' && a.target === mail.id);
      expect(entry).toMatchObject({ actor: 'agente.correo@cau.mx', details: expect.objectContaining({ was: 'pending', kind: 'handoff' }) });

      const byCoordinator = await coordinator.request('POST', `/api/callbacks/${transfer.id}/cancel`);
      expect(byCoordinator.status).toBe(200);
      expect((await coordinator.request('POST', '/api/callbacks/00000000-0000-4000-8000-000000000000/cancel')).status).toBe(404);
      expect((await coordinator.request('POST', '/api/callbacks/no-es-un-id/cancel')).status).toBe(404);
      expect((await coordinator.request('GET', '/api/callbacks?status=perdida')).status).toBe(400);
      expect((await coordinator.request('POST', `/api/callbacks/${transfer.id}/cancel`, undefined, { csrf: false })).status).toBe(403);

      const resolver = await login('resolutor@cau.mx');
      expect((await resolver.request('GET', '/api/callbacks')).status).toBe(403);
      expect((await new ConsoleSession(baseUrl).request('GET', '/api/callbacks')).status).toBe(401);
    });
  });
});
