import { CallbackRepository, CallRepository, ReportRepository } from '../../models';
import { ITEM_INDICATORS, type ItemFilter, type ItemIndicator } from '../../models/repositories/report.repository';
import { NO_GROUP, NO_UNIT } from '../../services/reports/indicators';
import { decodeCursor, encodeCursor, type DrillItem, type ItemsPage, ReportService } from '../../services/reports/monthly-report';
import { ConsoleSession } from '../support/console-session';
import { startApp, type RunningApp } from '../support/harness';
import { type ExpectedItem, type GeneratedMonth, generateMonth } from '../support/month-generator';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

/**
 * The drill-down behind every number of «Indicadores» (`GET /api/reports/items`): for each indicator, overall and in
 * a channel, a resolver group, a unit and an agent of a generated month, walking every page lists exactly the items
 * the generator wrote for it — as many as the indicators count, the same ids, in order of arrival — and the API
 * refuses a bad indicator, filter, cursor or page size in Spanish.
 */

const TZ = 'America/Mexico_City';
const MONTH = '2026-11';
const PASSWORD = 'contraseña-segura-123';

type Expected = ReturnType<GeneratedMonth['expectedFor']>;
type Bucket = Expected['byChannel'][string];

/** The indicators of received items (`outbound` and `outboundFailed` list calls: tested apart). */
type ItemKind = Exclude<ItemIndicator, 'outbound' | 'outboundFailed'>;
const ITEM_KINDS = ITEM_INDICATORS.filter((i): i is ItemKind => i !== 'outbound' && i !== 'outboundFailed');

/** Which generator flag each indicator lists. */
const FLAG: Record<ItemKind, (i: ExpectedItem) => boolean> = {
  received: () => true,
  firstLevel: (i) => i.first,
  secondLevel: (i) => i.second,
  transferred: (i) => i.transferred,
  informative: (i) => i.informative,
  outOfScope: (i) => i.outOfScope,
  handoffs: (i) => i.handoff,
  contained: (i) => i.contained,
  abandoned: (i) => i.abandoned,
  callback: (i) => i.callback,
};

/** The count the report gives for an indicator in a bucket (callback has none: the generator's items say). */
function countOf(bucket: Partial<Bucket> & { received: number }, indicator: ItemKind): number | null {
  switch (indicator) {
    case 'received': return bucket.received;
    case 'contained': return bucket.containment?.count ?? null;
    case 'abandoned': return bucket.abandonment?.count ?? null;
    case 'callback': return null;
    default: return bucket[indicator]?.count ?? null;
  }
}

/** Every page of a drill-down, following `nextCursor`. */
async function walk(next: (cursor: string | null) => Promise<ItemsPage>): Promise<{ items: DrillItem[]; pages: number }> {
  const items: DrillItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await next(cursor);
    pages += 1;
    items.push(...page.items);
    cursor = page.nextCursor;
    if (pages > 1000) throw new Error('the drill-down never ends');
  } while (cursor !== null);
  return { items, pages };
}

describe('drill-down cursors', () => {
  it('round-trip as opaque tokens and refuse anything tampered', () => {
    const c = { at: '2026-11-03 08:15:02.123456-06', id: 'conv-00012' };
    const token = encodeCursor(c);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(token)).toEqual(c);
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const bad of ['no es un cursor', `${token}!`, forged({ at: "2026-11-03'; drop table tickets; --", id: 'x' }), forged({ at: '2026-11-03 08:15:02-06' }), forged([1, 2]), forged({ at: '2026-13-45 99:99:99-06', id: 'x' }), forged({ at: c.at, id: c.id, extra: 1 })]) {
      expect(() => decodeCursor(bad)).toThrow(/cursor de la página no es válido/);
    }
  });
});

describe('the console’s recent indicators (ReportService.recentIndicators)', () => {
  /** A repository double that counts the month computations and answers each with its own number. */
  const counting = () => {
    const calls: string[] = [];
    let fail = false;
    const repo = {
      indicators: async (from: Date) => {
        calls.push(from.toISOString());
        if (fail) throw new Error('base de datos caída');
        return { items: [{ dim: 'total' as const, key: null, name: null, received: calls.length, firstLevel: 0, secondLevel: 0, transferred: 0, informative: 0, outOfScope: 0, handoffs: 0, contained: 0 }], queue: [], sla: [], outbound: { answered: 0, attempts: 0 } };
      },
      items: () => {
        throw new Error('items() is not expected here');
      },
      outboundCalls: () => {
        throw new Error('outboundCalls() is not expected here');
      },
    };
    return { repo, calls, failNext: (v: boolean) => (fail = v) };
  };

  it('computes an ended period once a minute, once for requests that arrive together, and not a failure', async () => {
    const { repo, calls, failNext } = counting();
    let now = Date.parse('2027-01-01T00:00:00Z');
    const reports = new ReportService({ repo, timeZone: TZ, now: () => now });
    const november = reports.month(MONTH);
    const [a, b] = await Promise.all([reports.recentIndicators(november), reports.recentIndicators(november)]);
    expect(calls).toHaveLength(1);
    expect(a.received).toBe(1);
    expect(b).toBe(a);
    now += 59_000;
    expect((await reports.recentIndicators(november)).received).toBe(1);
    expect((await reports.recentIndicators(reports.month('2026-10'))).received).toBe(2);
    now += 1_000;
    expect((await reports.recentIndicators(november)).received).toBe(3);
    now += 60_000;
    failNext(true);
    await expect(reports.recentIndicators(november)).rejects.toThrow('base de datos caída');
    failNext(false);
    expect((await reports.recentIndicators(november)).received).toBe(5);
    // The exports' and the stored report's path always computes.
    expect((await reports.indicators(november)).received).toBe(6);
  });

  it('computes a period that has not ended every time (its numbers agree with the live drill-down)', async () => {
    const { repo, calls } = counting();
    const now = Date.parse('2026-11-20T12:00:00Z');
    const reports = new ReportService({ repo, timeZone: TZ, now: () => now });
    await reports.recentIndicators(reports.month(MONTH));
    await reports.recentIndicators(reports.month(MONTH));
    expect(calls).toHaveLength(2);
    await reports.recentIndicators(reports.month('2026-10'));
    await reports.recentIndicators(reports.month('2026-10'));
    expect(calls).toHaveLength(3);
  });

  it('with cacheSeconds 0 every request computes', async () => {
    const { repo, calls } = counting();
    const reports = new ReportService({ repo, timeZone: TZ, cacheSeconds: 0 });
    await reports.recentIndicators(reports.month(MONTH));
    await reports.recentIndicators(reports.month(MONTH));
    expect(calls).toHaveLength(2);
  });
});

describe.each(testBackends())('the drill-down of every number on %s', (backend) => {
  let t: TestDatabase;
  let g: GeneratedMonth;
  let reports: ReportService;
  let expected: Expected;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    g = await generateMonth(t.database, { month: MONTH, seed: 2026, timeZone: TZ });
    reports = new ReportService({ repo: new ReportRepository(t.database.db), timeZone: TZ });
    expected = g.expectedFor();
  }, 120_000);
  afterAll(() => t.dispose());

  /** All items of `filter`, in pages of `limit`. */
  const listed = (filter: ItemFilter, limit = 7) => walk((cursor) => reports.drill(reports.month(MONTH), filter, cursor ? decodeCursor(cursor) : null, limit));

  /** What the generator says `filter` selects, in order of arrival (abandoned: by handoff, so compared as a set). */
  const wanted = (filter: ItemFilter) =>
    g.received().filter(
      (i) =>
        FLAG[(filter.indicator ?? 'received') as ItemKind](i) &&
        (filter.channel === undefined || i.channel === filter.channel) &&
        (filter.group === undefined || i.group === (filter.group ?? NO_GROUP)) &&
        (filter.unit === undefined || i.unit === (filter.unit ?? NO_UNIT)) &&
        (filter.agent === undefined || i.agentEmail === filter.agent),
    );

  const check = async (filter: ItemFilter, bucket: (Partial<Bucket> & { received: number }) | undefined) => {
    const { items, pages } = await listed(filter);
    const want = wanted(filter);
    const count = bucket ? countOf(bucket, (filter.indicator ?? 'received') as ItemKind) : null;
    if (count !== null) expect(items).toHaveLength(count);
    if (filter.indicator === 'abandoned') expect(items.map((i) => i.id).sort()).toEqual(want.map((i) => i.id).sort());
    else expect(items.map((i) => i.id)).toEqual(want.map((i) => i.id));
    expect(pages).toBe(Math.max(1, Math.ceil(items.length / 7)));
    return items;
  };

  it('the month has items behind every indicator, and in the buckets tested', () => {
    for (const indicator of ITEM_KINDS) expect(wanted({ indicator }).length).toBeGreaterThan(0);
    expect(expected.byChannel.voice?.received).toBeGreaterThan(10);
    expect(expected.byGroup.Redes?.received).toBeGreaterThan(5);
    expect(expected.byGroup[NO_GROUP]?.received).toBeGreaterThan(5);
  });

  it.each(ITEM_KINDS.map((i) => [i]))('%s: every page together is exactly the items the month counts', async (indicator) => {
    const items = await check({ indicator }, { ...expected, received: expected.received, containment: expected.containment, abandonment: expected.abandonment });
    // Each item carries what the drill-down is about.
    const flag: Partial<Record<ItemIndicator, keyof DrillItem>> = { firstLevel: 'firstLevel', secondLevel: 'secondLevel', transferred: 'transferred', informative: 'informative', outOfScope: 'outOfScope', handoffs: 'handoff', abandoned: 'abandoned', callback: 'callback' };
    const key = flag[indicator];
    if (key) for (const item of items) expect(item[key]).toBe(true);
  });

  it.each(ITEM_KINDS.map((i) => [i]))('%s by channel (voice) and by resolver group (Redes, «Sin grupo»)', async (indicator) => {
    await check({ indicator, channel: 'voice' }, expected.byChannel.voice);
    await check({ indicator, group: 'Redes' }, expected.byGroup.Redes);
    await check({ indicator, group: null }, expected.byGroup[NO_GROUP]);
  });

  it('by unit and by agent, for the item indicators', async () => {
    const unit = Object.keys(expected.byUnit).find((u) => u !== NO_UNIT) as string;
    const agent = Object.keys(expected.byAgent)[0] as string;
    for (const indicator of ITEM_KINDS.filter((i) => i !== 'abandoned')) {
      await check({ indicator, unit }, expected.byUnit[unit]);
      await check({ indicator, unit: null }, expected.byUnit[NO_UNIT]);
      await check({ indicator, agent }, expected.byAgent[agent]);
    }
  });

  it('an item tells its tickets, its conversation and its result; letters and visits have no conversation', async () => {
    const { items } = await listed({ indicator: 'secondLevel' }, 50);
    const byId = new Map(g.received().map((i) => [i.id, i]));
    for (const item of items) {
      const want = byId.get(item.id) as ExpectedItem;
      expect(item.tickets).toEqual(want.tickets);
      expect(item.channel).toBe(want.channel);
      expect(item.at).toBe(want.at.toISOString());
      expect(item.result).toBe('Segundo nivel (ticket)');
      expect(item.conversationId).toBe(want.kind === 'conversation' ? want.id : null);
    }
    expect(items.some((i) => i.kind === 'walk_in')).toBe(true);
  });

  it('outbound: the answered outbound staff calls of the month, each with the conversation of its request', async () => {
    const { items } = await listed({ indicator: 'outbound' }, 2);
    expect(items).toHaveLength(expected.outbound.count);
    const answered = g.outboundCalls.filter((c) => c.answered && c.startedAt >= g.from && c.startedAt < g.to).map((c) => c.startedAt.toISOString());
    expect(items.map((i) => i.at)).toEqual(answered.sort());
    for (const item of items) {
      expect(item).toMatchObject({ kind: 'outbound_call', channel: 'voice', result: 'Llamada al exterior contestada' });
      expect(g.received().some((i) => i.id === item.conversationId)).toBe(true);
    }
  });

  it('outboundFailed: the unanswered attempts, as many as attempts − answered, each with its number, requester, attempt and result', async () => {
    const { items, pages } = await listed({ indicator: 'outboundFailed' }, 2);
    const report = await reports.indicators(reports.month(MONTH));
    expect(report.outboundAttempts - report.outbound.count).toBeGreaterThan(0);
    expect(items).toHaveLength(report.outboundAttempts - report.outbound.count);
    expect(items).toHaveLength(expected.outboundAttempts - expected.outbound.count);
    expect(pages).toBe(Math.ceil(items.length / 2));
    const written = g.outboundCalls.filter((c) => !c.answered && c.startedAt >= g.from && c.startedAt < g.to).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    expect(items.map((i) => i.id)).toEqual(written.map((c) => c.callSid));
    for (const [n, item] of items.entries()) {
      const want = written[n] as (typeof written)[number];
      expect(item).toMatchObject({
        kind: 'outbound_call',
        at: want.startedAt.toISOString(),
        conversationId: want.conversationId,
        requester: want.requestedBy,
        result: 'No contestada: nadie respondió',
        call: { phone: want.phone, attempt: want.attempt, maxAttempts: 3, status: 'no-answer', fault: false },
      });
      expect(item.call?.requestStatus).toMatch(/^(pending|done|failed)$/);
    }
    // The answered list and the failed one are the month's attempts, each once.
    const answered = await listed({ indicator: 'outbound' }, 50);
    expect(new Set([...answered.items, ...items].map((i) => i.id)).size).toBe(report.outboundAttempts);
    for (const item of answered.items) expect(item.call).toMatchObject({ status: 'completed', fault: false });
  });

  it('outboundFailed tells a fault from a busy line; an attempt the telephony API refused is no call and is not listed', async () => {
    // September (nothing else written there): attempt 1 fails (Twilio `failed`), attempt 2 is refused by the API (no
    // call), attempt 3 finds the line busy: the request ends failed. Written as the callback scheduler does.
    const callbacks = new CallbackRepository(t.database.db);
    const calls = new CallRepository(t.database.db);
    const plus = (at: Date, s: number) => new Date(at.getTime() + s * 1000);
    const start = new Date('2026-09-10T16:00:00Z');
    const request = await callbacks.create({ kind: 'outbound', conversationId: 'conv-septiembre', channel: 'voice', phone: '5511112222', reason: 'Llamada al exterior', requestedBy: 'ext. 41000 Juan Soto', maxAttempts: 3 }, start);
    let now = plus(start, 10);
    const attempt = async (status: string | null) => {
      const claim = await callbacks.claimDue(now, { limit: 1, leaseUntil: plus(now, 600), retryAt: plus(now, 600) });
      expect(claim.claimed[0]?.id).toBe(request.id);
      if (status === null) {
        await callbacks.retry(request.id, null, 'api_error: 21211 número inválido', plus(now, 600), now);
      } else {
        const callSid = `CASEP${claim.claimed[0]?.attempts}`;
        await calls.start({ callSid, direction: 'outbound', purpose: 'outbound', toNumber: '+525511112222', status: 'queued', callbackId: request.id, meta: { callbackKind: 'outbound', attempt: claim.claimed[0]?.attempts } }, now);
        await callbacks.attemptStarted(request.id, callSid, 'queued');
        await calls.updateStatus(callSid, { status, endedAt: plus(now, 20) });
        await callbacks.retry(request.id, callSid, status, plus(now, 600), plus(now, 20));
      }
      now = plus(now, 700);
    };
    await attempt('failed');
    await attempt(null);
    await attempt('busy');
    const september = reports.month('2026-09');
    const report = await reports.indicators(september);
    expect(report).toMatchObject({ outboundAttempts: 2, outbound: { count: 0 } });
    const page = await reports.drill(september, { indicator: 'outboundFailed' }, null, 10);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((i) => [i.id, i.result, i.call])).toEqual([
      ['CASEP1', 'Falla: no se pudo establecer (número o servicio telefónico)', { phone: '+525511112222', attempt: 1, maxAttempts: 3, status: 'failed', fault: true, requestStatus: 'failed', lastResult: null }],
      ['CASEP3', 'No contestada: línea ocupada', { phone: '+525511112222', attempt: 3, maxAttempts: 3, status: 'busy', fault: false, requestStatus: 'failed', lastResult: 'busy' }],
    ]);
    expect(page.items.map((i) => [i.requester, i.conversationId])).toEqual([['ext. 41000 Juan Soto', 'conv-septiembre'], ['ext. 41000 Juan Soto', 'conv-septiembre']]);
    expect(await reports.drill(september, { indicator: 'outbound' }, null, 10)).toEqual({ items: [], nextCursor: null });
  });

  it('a bucket with nothing in it is one empty page', async () => {
    expect(await reports.drill(reports.month(MONTH), { indicator: 'transferred', channel: 'oficio' }, null, 10)).toEqual({ items: [], nextCursor: null });
    expect(await reports.drill(reports.month('2020-01'), { indicator: 'received' }, null, 10)).toEqual({ items: [], nextCursor: null });
  });
});

describe('GET /api/reports/items', () => {
  let running: RunningApp;
  let g: GeneratedMonth;
  const sessions = {} as Record<'coordinator' | 'admin' | 'agent', ConsoleSession>;

  beforeAll(async () => {
    // No handoff ticks: they would act on the generated queue (cancel the open handoffs at their maximum wait, a
    // line to the person) while the month is read, and its figures would change under the test.
    running = await startApp({ overrides: { handoffTickMs: 0 } });
    const { app } = running;
    for (const role of ['coordinator', 'admin', 'agent'] as const) {
      await app.users.create({ email: `${role}@cau.mx`, role, password: PASSWORD, actor: 'test' });
      sessions[role] = await ConsoleSession.login(running.baseUrl, `${role}@cau.mx`, PASSWORD);
    }
    g = await generateMonth(app.database, { month: MONTH, seed: 78, timeZone: TZ, conversations: 40, walkIns: 4, outbound: 2 });
  }, 120_000);
  afterAll(() => running.stop());

  const get = async (who: ConsoleSession, query: string) => who.request('GET', `/api/reports/items?${query}`);

  it('answers only coordination: 401 without a session, 403 for agents', async () => {
    expect((await new ConsoleSession(running.baseUrl).request('GET', `/api/reports/items?month=${MONTH}`)).status).toBe(401);
    expect((await get(sessions.agent, `month=${MONTH}`)).status).toBe(403);
  });

  it('walks the pages of a number by month and by range, as coordinator and admin', async () => {
    const e = g.expectedFor();
    const want = g.received().filter((i) => i.second).map((i) => i.id);
    for (const [who, period] of [[sessions.coordinator, `month=${MONTH}`], [sessions.admin, 'from=2026-11-01&to=2026-11-30']] as const) {
      const { items } = await walk(async (cursor) => {
        const res = await get(who, `${period}&indicator=secondLevel&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('no-store');
        return res.body as ItemsPage;
      });
      expect(items).toHaveLength(e.secondLevel.count);
      expect(items.map((i) => i.id)).toEqual(want);
    }
    const group = encodeURIComponent(NO_GROUP);
    const res = await get(sessions.coordinator, `month=${MONTH}&group=${group}&limit=500`);
    expect((res.body as ItemsPage).items).toHaveLength(e.byGroup[NO_GROUP]?.received ?? -1);
  });

  it('lists the unanswered outbound attempts over HTTP: attempts − answered of the month', async () => {
    const e = g.expectedFor();
    const res = await get(sessions.coordinator, `month=${MONTH}&indicator=outboundFailed&limit=500`);
    expect(res.status).toBe(200);
    const { items } = res.body as ItemsPage;
    expect(items).toHaveLength(e.outboundAttempts - e.outbound.count);
    for (const item of items) expect(item.call).toMatchObject({ status: 'no-answer', fault: false, phone: '+525598765432' });
  });

  it.each([
    [`month=${MONTH}&indicator=todo`, /Indicador desconocido \(«todo»\).*received, firstLevel/],
    [`month=${MONTH}&cursor=zzz`, /cursor de la página no es válido/],
    [`month=${MONTH}&cursor=${Buffer.from('{"at":"ayer","id":"x"}').toString('base64url')}`, /cursor de la página no es válido/],
    [`month=${MONTH}&limit=0`, /limit.*de 1 a 500/],
    [`month=${MONTH}&limit=501`, /limit.*de 1 a 500/],
    [`month=${MONTH}&limit=diez`, /limit.*de 1 a 500/],
    [`month=${MONTH}&indicator=abandoned&unit=ESCOM`, /no se desglosa por unidad/],
    [`month=${MONTH}&channel=`, /filtro channel no es válido/],
    [`month=${MONTH}&indicator=outbound&channel=voice`, /llamadas al exterior no se desglosan/],
    [`month=${MONTH}&indicator=outboundFailed&agent=a@cau.mx`, /llamadas al exterior no se desglosan/],
    [`month=${MONTH}&from=2026-11-01&to=2026-11-30`, /month.*o el periodo.*no ambos/],
    ['month=2026-13', /Mes inválido/],
    ['from=2026-11-30&to=2026-11-01', /debe ser posterior/],
    [`month=${MONTH}&indicator=received&indicator=firstLevel`, /indicator va una sola vez/],
  ])('GET ?%s → 400 with a Spanish message', async (query, message) => {
    const res = await get(sessions.coordinator, query);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'BadArgument', message: expect.stringMatching(message) } });
  });
});
