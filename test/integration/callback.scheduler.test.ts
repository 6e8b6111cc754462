import { Client } from 'pg';
import { CALLBACK_SCHEDULER_LOCK, CallbackRepository, CallRepository, createRepositories, Database, type Repositories } from '../../models';
import { CallbackScheduler } from '../../services/callbacks/callback-scheduler';
import { CallbackService, type CallbackRow } from '../../services/callbacks/callback.service';
import { BusinessHours, parseBusinessHours } from '../../services/handoff/business-hours';
import { parseHolidays } from '../../services/handoff/mexican-holidays';
import { HttpTwilioRestClient } from '../../services/twilio/rest-client';
import { TwilioFakeApi } from '../support/twilio-fake-api';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

/**
 * Callbacks placed by the scheduler through the Twilio REST client against a local fake of Twilio's API, on PGlite
 * and on the PostgreSQL server: due times, business hours, retries until `max_attempts`, lost attempts, the
 * handoff's worded callbacks, cancellation, and — on the server — the advisory lock and two schedulers at once.
 */

const ACCOUNT = 'AC00000000000000000000000000000001';
const TOKEN = 'test-auth-token';
const PUBLIC = 'https://cau.example.mx';
const FROM = '+525500000000';
const TZ = 'America/Mexico_City';
const T0 = new Date('2026-06-10T17:00:00Z'); // Wednesday 11:00 in Mexico City
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ALWAYS_OPEN = new BusinessHours(null, { timeZone: TZ, holidays: parseHolidays('') });
const OFFICE = new BusinessHours(parseBusinessHours('lun-vie 08:00-18:00'), { timeZone: TZ, holidays: parseHolidays('') });

class ManualClock {
  t = T0.getTime();
  now(): Date {
    return new Date(this.t);
  }
  advance(minutes: number): void {
    this.t += minutes * 60_000;
  }
  set(at: Date): void {
    this.t = at.getTime();
  }
}

interface Rig {
  clock: ManualClock;
  service: CallbackService;
  scheduler: CallbackScheduler;
  repo: CallbackRepository;
}

describe.each(testBackends())('callback scheduler on %s', (backend) => {
  let t: TestDatabase;
  let repos: Repositories;
  let api: TwilioFakeApi;
  let calls: CallRepository;
  let n = 0;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    repos = createRepositories(t.database);
    calls = new CallRepository(t.database.db);
    api = await TwilioFakeApi.start({ accountSid: ACCOUNT, authToken: TOKEN });
  });
  afterAll(async () => {
    await api.close();
    await t.dispose();
  });
  beforeEach(async () => {
    api.reset();
    // Each test sees only its own callbacks.
    await t.database.db.execute(`update callback_requests set status = 'cancelled' where status in ('pending', 'calling')` as never);
  });

  function rig(options: { hours?: BusinessHours; database?: Database; clock?: ManualClock; maxAttempts?: number } = {}): Rig {
    const clock = options.clock ?? new ManualClock();
    const db = (options.database ?? t.database).db;
    const repo = new CallbackRepository(db);
    const hours = options.hours ?? ALWAYS_OPEN;
    const twilio = new HttpTwilioRestClient({ accountSid: ACCOUNT, authToken: TOKEN, baseUrl: api.baseUrl, sleep: async () => undefined });
    const service = new CallbackService({
      repo,
      audit: repos.audit,
      hours,
      clock,
      logger: silent,
      twilio,
      settings: { timeZone: TZ, retryMinutes: 10, maxAttempts: options.maxAttempts ?? 3, defaultGroup: 'Mesa de ayuda' },
    });
    const scheduler = new CallbackScheduler({
      callbacks: service,
      twilio,
      hours,
      clock,
      logger: silent,
      calls: new CallRepository(db),
      settings: { publicBaseUrl: PUBLIC, from: FROM, ringSeconds: 30, batchSize: 5 },
    });
    return { clock, service, scheduler, repo };
  }

  const conversation = () => `conv-cb-${++n}-${backend}`;

  async function book(r: Rig, preferredTime?: string, extra: Partial<Parameters<CallbackService['request']>[0]> = {}): Promise<CallbackRow> {
    const { callback } = await r.service.request({
      kind: 'transfer',
      conversationId: conversation(),
      channel: 'voice',
      phone: '55 1234 5678',
      reason: 'extension_busy',
      name: 'Juan Pérez',
      directoryEntryId: '11111111-2222-4333-8444-555555555555',
      ...(preferredTime !== undefined ? { preferredTime } : {}),
      ...extra,
    });
    return callback;
  }

  const createCalls = () => api.requestsOf('createCall');
  const idsCalled = () => createCalls().map((req) => new URL(String(req.form.Url)).searchParams.get('id'));

  it('places a due callback once: Twilio gets the number, our TwiML and status URLs; the call is recorded', async () => {
    const r = rig();
    const cb = await book(r);
    expect(cb).toMatchObject({ status: 'pending', scheduledAt: null, attempts: 0, phone: '5512345678', maxAttempts: 3 });

    const report = await r.scheduler.tick();
    expect(report).toMatchObject({ locked: true, open: true, notPlaced: [], expired: [] });
    expect(report.placed.map((p) => p.id)).toEqual([cb.id]);
    const [req] = createCalls();
    expect(req?.auth).toEqual({ username: ACCOUNT, password: TOKEN });
    expect(req?.form).toMatchObject({
      To: '+525512345678',
      From: FROM,
      Url: `${PUBLIC}/api/twilio/voice/callback?id=${cb.id}`,
      StatusCallback: `${PUBLIC}/api/twilio/voice/callback-status?id=${cb.id}`,
      StatusCallbackEvent: 'completed',
      Timeout: '30',
    });
    const row = await r.repo.get(cb.id);
    expect(row).toMatchObject({ status: 'calling', attempts: 1, lastCallSid: report.placed[0]?.callSid });
    expect(await calls.get(report.placed[0]?.callSid ?? '')).toMatchObject({ direction: 'outbound', purpose: 'callback', toNumber: '+525512345678', callbackId: cb.id });

    // Calling: a second tick does not place it again.
    expect((await r.scheduler.tick()).placed).toEqual([]);
    expect(createCalls()).toHaveLength(1);

    expect(await r.service.callEnded(cb.id, row?.lastCallSid ?? '', 'completed')).toMatchObject({ status: 'done', lastResult: 'completed' });
    expect((await r.repo.get(cb.id))?.handledAt).toEqual(r.clock.now());
  });

  it('waits for the time they asked for («mañana a las diez»), earliest due first', async () => {
    const r = rig({ hours: OFFICE });
    const tomorrow = await book(r, 'mañana a las diez');
    const inHalfAnHour = await book(r, 'en media hora');
    expect(tomorrow.scheduledAt?.toISOString()).toBe('2026-06-11T16:00:00.000Z');
    expect(inHalfAnHour.scheduledAt?.toISOString()).toBe('2026-06-10T17:30:00.000Z');

    expect((await r.scheduler.tick()).placed).toEqual([]);
    r.clock.advance(30);
    expect((await r.scheduler.tick()).placed.map((p) => p.id)).toEqual([inHalfAnHour.id]);
    r.clock.set(new Date('2026-06-11T16:00:00Z'));
    expect((await r.scheduler.tick()).placed.map((p) => p.id)).toEqual([tomorrow.id]);
  });

  it('places nothing while the desk is closed; at opening the waiting callbacks go out', async () => {
    const clock = new ManualClock();
    clock.set(new Date('2026-06-11T02:00:00Z')); // Wednesday 20:00
    const r = rig({ hours: OFFICE, clock });
    const cb = await book(r, 'lo antes posible');
    expect(cb.scheduledAt).toBeNull();
    expect(await r.scheduler.tick()).toMatchObject({ open: false, placed: [] });
    clock.set(new Date('2026-06-11T14:00:00Z')); // Thursday 8:00
    expect((await r.scheduler.tick()).placed.map((p) => p.id)).toEqual([cb.id]);
  });

  it('busy / no-answer / failed → pending again after the retry delay, until max_attempts → failed', async () => {
    const r = rig();
    const cb = await book(r);
    const results = ['busy', 'no-answer', 'failed'];
    for (const [i, status] of results.entries()) {
      const { placed } = await r.scheduler.tick();
      expect(placed.map((p) => p.id)).toEqual([cb.id]);
      const ended = await r.service.callEnded(cb.id, placed[0]?.callSid ?? '', status);
      if (i < results.length - 1) {
        expect(ended).toMatchObject({ status: 'pending', attempts: i + 1, lastResult: status, nextAttemptAt: new Date(r.clock.now().getTime() + 10 * 60_000) });
        // Not before the delay.
        r.clock.advance(9);
        expect((await r.scheduler.tick()).placed).toEqual([]);
        r.clock.advance(1);
      } else {
        expect(ended).toMatchObject({ status: 'failed', attempts: 3, lastResult: 'failed', nextAttemptAt: null, handledAt: r.clock.now() });
      }
    }
    r.clock.advance(60);
    expect((await r.scheduler.tick()).placed).toEqual([]);
    expect(createCalls()).toHaveLength(3);
  });

  it('a late or foreign status callback changes nothing (only the live attempt counts)', async () => {
    const r = rig();
    const cb = await book(r);
    const first = (await r.scheduler.tick()).placed[0]?.callSid ?? '';
    await r.service.callEnded(cb.id, first, 'busy');
    // Repeated (Twilio retries webhooks) and from a call that is not this callback's.
    expect(await r.service.callEnded(cb.id, first, 'busy')).toBeNull();
    r.clock.advance(10);
    const second = (await r.scheduler.tick()).placed[0]?.callSid ?? '';
    expect(await r.service.callEnded(cb.id, first, 'completed')).toBeNull();
    expect(await r.service.callEnded(cb.id, 'CA-not-ours', 'completed')).toBeNull();
    expect(await r.repo.get(cb.id)).toMatchObject({ status: 'calling', attempts: 2, lastCallSid: second });
    expect(await r.service.callEnded('not-a-uuid', second, 'completed')).toBeNull();
  });

  it('Twilio refusing the call counts as an attempt: retried later with the API error noted', async () => {
    const r = rig();
    const cb = await book(r);
    api.failNext(1, 503); // a new call is not repeated after a 5xx (one may exist): the attempt counts
    const report = await r.scheduler.tick();
    expect(report.placed).toEqual([]);
    expect(report.notPlaced.map((p) => p.id)).toEqual([cb.id]);
    expect(await r.repo.get(cb.id)).toMatchObject({ status: 'pending', attempts: 1, lastCallSid: null, lastResult: expect.stringMatching(/^api_error: /) });
    r.clock.advance(10);
    expect((await r.scheduler.tick()).placed.map((p) => p.id)).toEqual([cb.id]);
  });

  it('an attempt without any news (lost status callback, crashed instance) is retried when its lease ends', async () => {
    const r = rig();
    const cb = await book(r);
    await r.scheduler.tick();
    r.clock.advance(9);
    expect(await r.scheduler.tick()).toMatchObject({ expired: [] });
    r.clock.advance(1);
    expect(await r.scheduler.tick()).toMatchObject({ expired: [cb.id], placed: [] });
    expect(await r.repo.get(cb.id)).toMatchObject({ status: 'pending', attempts: 1, lastResult: 'lost: no status callback' });
    r.clock.advance(10);
    expect((await r.scheduler.tick()).placed.map((p) => p.id)).toEqual([cb.id]);
    // Answered: the lease becomes long (the call may last), so it is not counted as lost.
    const sid = (await r.repo.get(cb.id))?.lastCallSid ?? '';
    expect(await r.service.answered(cb.id, sid)).toMatchObject({ status: 'calling', lastResult: 'answered' });
    r.clock.advance(60);
    expect(await r.scheduler.tick()).toMatchObject({ expired: [] });
    // …and if its status never comes, it ends as done (they were reached), not called again.
    r.clock.advance(240);
    expect(await r.scheduler.tick()).toMatchObject({ expired: [cb.id], placed: [] });
    expect(await r.repo.get(cb.id)).toMatchObject({ status: 'done', attempts: 2, lastResult: 'answered: no status callback' });
  });

  it('places the callbacks the handoff fallback booked with words only, at the time they said', async () => {
    const r = rig({ hours: OFFICE });
    const worded = await repos.handoffs.addCallback(
      { conversationId: conversation(), channel: 'webchat', requesterId: null, name: 'Ana', phone: '5598765432', preferredTime: 'mañana a las diez', resolverGroup: 'Correo', reason: 'no_agents' },
      T0,
    );
    const asap = await repos.handoffs.addCallback(
      { conversationId: conversation(), channel: 'webchat', requesterId: null, name: 'Luis', phone: '5511112222', preferredTime: null, resolverGroup: null, reason: 'desk_closed' },
      T0,
    );
    const { placed } = await r.scheduler.tick();
    expect(placed.map((p) => p.id)).toEqual([asap]);
    expect((await r.repo.get(worded))?.scheduledAt?.toISOString()).toBe('2026-06-11T16:00:00.000Z');
    r.clock.set(new Date('2026-06-11T16:00:00Z'));
    expect((await r.scheduler.tick()).placed.map((p) => p.id)).toEqual([worded]);
  });

  it('outbound staff calls are audited when booked, placed and ended', async () => {
    const r = rig({ maxAttempts: 1 });
    const cb = await book(r, undefined, { kind: 'outbound', phone: '+52 55 4444 3333', requestedBy: 'ext. 42500 María Pérez', reason: 'staff_outbound' });
    const sid = (await r.scheduler.tick()).placed[0]?.callSid ?? '';
    await r.service.callEnded(cb.id, sid, 'no-answer');
    expect(await r.repo.get(cb.id)).toMatchObject({ status: 'failed', attempts: 1 });
    const audit = (await repos.audit.latest(20)).filter((a) => a.target === cb.id);
    expect(audit.map((a) => a.action).reverse()).toEqual(['callback.outbound.requested', 'callback.outbound.placed', 'callback.outbound.failed']);
    expect(audit.every((a) => a.actor === 'ext. 42500 María Pérez')).toBe(true);
    expect(audit[1]?.details).toMatchObject({ callSid: sid, phone: '+525544443333' });
    expect(await calls.get(sid)).toMatchObject({ purpose: 'outbound', toNumber: '+525544443333' });
  });

  it('refuses a booking without a usable phone or without whom to connect', async () => {
    const r = rig();
    await expect(book(r, undefined, { phone: '12' })).rejects.toMatchObject({ code: 'callback/invalid' });
    await expect(book(r, undefined, { directoryEntryId: null })).rejects.toMatchObject({ code: 'callback/invalid' });
    await expect(book(r, undefined, { kind: 'outbound', requestedBy: null })).rejects.toMatchObject({ code: 'callback/invalid' });
  });

  it('a cancelled callback is never placed; one still ringing is cancelled at Twilio', async () => {
    const r = rig();
    const coordinator = { id: '00000000-0000-4000-8000-000000000001', email: 'coord@cau.mx', role: 'coordinator' };
    const waiting = await book(r, 'en una hora');
    await r.service.cancel(coordinator, waiting.id);
    r.clock.advance(120);
    const ringing = await book(r);
    const sid = (await r.scheduler.tick()).placed.map((p) => p.callSid);
    expect(idsCalled()).toEqual([ringing.id]);
    await r.service.cancel(coordinator, ringing.id);
    const [update] = api.requestsOf('updateCall');
    expect(update?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls/${sid[0]}.json`);
    expect(update?.form).toEqual({ Status: 'canceled' });
    // Its status callback (canceled) comes later and changes nothing.
    expect(await r.service.callEnded(ringing.id, sid[0] ?? '', 'canceled')).toBeNull();
    expect(await r.repo.get(ringing.id)).toMatchObject({ status: 'cancelled', lastResult: 'cancelled by coord@cau.mx' });
  });
});

// Two processes share only a PostgreSQL server: the lock and the race need one.
const onServer = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onServer('callback scheduler on several instances (PostgreSQL server)', () => {
  let t: TestDatabase;
  let api: TwilioFakeApi;
  const instances: Database[] = [];

  beforeAll(async () => {
    t = await openTestDatabase('postgres');
    api = await TwilioFakeApi.start({ accountSid: ACCOUNT, authToken: TOKEN });
  });
  afterAll(async () => {
    await api.close();
    for (const d of instances) await d.close();
    await t.dispose();
  });

  async function instance(clock: ManualClock): Promise<{ service: CallbackService; scheduler: CallbackScheduler }> {
    const database = await Database.open({ url: t.url, dataDir: 'unused', poolMax: 5 });
    instances.push(database);
    const repos = createRepositories(database);
    const twilio = new HttpTwilioRestClient({ accountSid: ACCOUNT, authToken: TOKEN, baseUrl: api.baseUrl, sleep: async () => undefined });
    const service = new CallbackService({
      repo: new CallbackRepository(database.db),
      audit: repos.audit,
      hours: ALWAYS_OPEN,
      clock,
      logger: silent,
      settings: { timeZone: TZ, retryMinutes: 10, maxAttempts: 3, defaultGroup: 'Mesa de ayuda' },
    });
    const scheduler = new CallbackScheduler({ callbacks: service, twilio, hours: ALWAYS_OPEN, clock, logger: silent, settings: { publicBaseUrl: PUBLIC, from: FROM, batchSize: 3 } });
    return { service, scheduler };
  }

  it('while another session holds the scheduler lock, a tick claims nothing', async () => {
    const clock = new ManualClock();
    const a = await instance(clock);
    const { callback } = await a.service.request({ kind: 'handoff', conversationId: 'conv-lock', channel: 'voice', phone: '5512345678', reason: 'no_agents' });
    const holder = new Client({ connectionString: t.url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [CALLBACK_SCHEDULER_LOCK]);
      expect(await a.scheduler.tick()).toMatchObject({ locked: false, placed: [] });
      expect(api.requestsOf('createCall')).toHaveLength(0);
      await holder.query('select pg_advisory_unlock($1)', [CALLBACK_SCHEDULER_LOCK]);
      expect((await a.scheduler.tick()).placed.map((p) => p.id)).toEqual([callback.id]);
    } finally {
      await holder.end();
    }
    const sid = (await a.service.get(callback.id))?.lastCallSid ?? '';
    expect(await a.service.callEnded(callback.id, sid, 'completed')).toMatchObject({ status: 'done' });
  });

  it('two schedulers ticking at once on two pools place each of 40 callbacks exactly once', async () => {
    api.reset();
    const clock = new ManualClock();
    const a = await instance(clock);
    const b = await instance(clock);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { callback } = await (i % 2 ? a : b).service.request({ kind: 'handoff', conversationId: `conv-race-${i}`, channel: 'voice', phone: `55100000${String(i).padStart(2, '0')}`, reason: 'no_agents' });
      ids.push(callback.id);
    }
    const reports = { a: [] as Awaited<ReturnType<CallbackScheduler['tick']>>[], b: [] as Awaited<ReturnType<CallbackScheduler['tick']>>[] };
    // Both keep ticking until every callback was placed (each tick places up to 3).
    const run = async (s: CallbackScheduler, into: Awaited<ReturnType<CallbackScheduler['tick']>>[]) => {
      for (let i = 0; i < 200 && api.requestsOf('createCall').length < ids.length; i++) {
        into.push(await s.tick());
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([run(a.scheduler, reports.a), run(b.scheduler, reports.b), run(a.scheduler, reports.a), run(b.scheduler, reports.b)]);

    const called = api.requestsOf('createCall').map((req) => new URL(String(req.form.Url)).searchParams.get('id'));
    expect(called.length).toBe(ids.length);
    expect(new Set(called)).toEqual(new Set(ids));
    // Two loops share each scheduler, and a tick asked while one runs gets that same tick: count each once.
    const all = [...new Set([...reports.a, ...reports.b])];
    // The lock was contended at least once (a tick found the other instance placing calls).
    expect(all.some((r) => !r.locked)).toBe(true);
    expect(all.flatMap((r) => r.placed).length).toBe(ids.length);
    for (const id of ids) expect(await a.service.get(id)).toMatchObject({ status: 'calling', attempts: 1 });
  });
});
