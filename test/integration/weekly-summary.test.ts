import { eq } from 'drizzle-orm';
import { CallRepository, HandoffRepository, UserRepository, type Database } from '../../models';
import { WeeklyRepository } from '../../models/repositories/weekly.repository';
import { users } from '../../models/schema';
import {
  isoWeekOf,
  isoWeeksIn,
  lastCompleteWeek,
  shiftWeek,
  weekPeriod,
  WeeklySummaryError,
  WeeklySummaryService,
  type AgentPrecheckSource,
  type WeeklySummary,
} from '../../services/reports/weekly-summary';
import { ConsoleSession } from '../support/console-session';
import { startApp, type RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';

/**
 * The weekly summary per agent (seed 000 step 09): ISO weeks on the desk's calendar, and every figure of a week written
 * here by hand through the product's repositories (handoffs accepted, transferred, closed, left open, across the week's
 * edges; callers' calls with the agents' legs, answered or not) against expectations computed by hand below; the
 * route answers coordination only.
 */

const TZ = 'America/Mexico_City';
const PASSWORD = 'contraseña-segura-123';
const SECOND = 1000;
/** 2026-W46: Monday 9 to Sunday 15 November 2026; Mexico City is UTC−6 all year. */
const WEEK = '2026-W46';
const FROM = new Date('2026-11-09T06:00:00.000Z');
const TO = new Date('2026-11-16T06:00:00.000Z');
/** A wall time of Mexico City (UTC−6) in November 2026. */
const mx = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 10, day, hour + 6, minute));
const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * SECOND);

describe('ISO weeks on the desk calendar', () => {
  it('names the ISO week of a day, across year ends', () => {
    expect(isoWeekOf(2026, 11, 9)).toBe('2026-W46');
    expect(isoWeekOf(2026, 11, 15)).toBe('2026-W46');
    expect(isoWeekOf(2026, 11, 16)).toBe('2026-W47');
    expect(isoWeekOf(2026, 1, 1)).toBe('2026-W01');
    expect(isoWeekOf(2021, 1, 3)).toBe('2020-W53');
    expect(isoWeekOf(2024, 12, 30)).toBe('2025-W01');
    expect(isoWeekOf(2027, 1, 1)).toBe('2026-W53');
  });

  it('knows which years have 53 weeks', () => {
    expect([2020, 2021, 2024, 2025, 2026, 2032].map(isoWeeksIn)).toEqual([53, 52, 52, 52, 53, 53]);
    expect(shiftWeek('2026-W53', 1)).toBe('2027-W01');
    expect(shiftWeek('2026-W01', -1)).toBe('2025-W52');
  });

  it('turns a week into Monday-to-Monday midnights of the time zone', () => {
    const p = weekPeriod(WEEK, TZ, new Date());
    expect([p.from.toISOString(), p.to.toISOString(), p.monday]).toEqual([FROM.toISOString(), TO.toISOString(), '2026-11-09']);
    // Lower-case is accepted and written as ISO does.
    expect(weekPeriod(' 2026-w46 ', TZ, new Date()).week).toBe(WEEK);
    // Where the clocks change, the week is an hour short: New York's summer time began on Sunday 8 March 2026.
    const dst = weekPeriod('2026-W10', 'America/New_York', new Date());
    expect([dst.from.toISOString(), dst.to.toISOString()]).toEqual(['2026-03-02T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    expect(weekPeriod('2026-W53', TZ, new Date()).monday).toBe('2026-12-28');
  });

  it('defaults to the last complete week, by the desk clock', () => {
    // Sunday 15 November, 23:59 in Mexico City: week 46 is not over yet.
    expect(lastCompleteWeek(new Date('2026-11-16T05:59:00Z'), TZ)).toBe('2026-W45');
    // Monday 16 November, 00:00 in Mexico City: week 46 has just ended.
    expect(lastCompleteWeek(new Date('2026-11-16T06:00:00Z'), TZ)).toBe('2026-W46');
    expect(weekPeriod(undefined, TZ, new Date('2026-11-18T12:00:00Z')).week).toBe('2026-W46');
  });

  it.each(['2026-46', '2026-W00', '2025-W53', '2026-W54', '1999-W10', 'W46', '2026-W4', ''.padEnd(30, 'x')])('refuses «%s» in Spanish', (text) => {
    expect(() => weekPeriod(text, TZ, new Date())).toThrow(WeeklySummaryError);
    expect(() => weekPeriod(text, TZ, new Date())).toThrow(/Semana inválida.*AAAA-Www/);
  });
});

interface Figures {
  conversations: number;
  calls: number;
  transfers: { made: number; unconnected: number };
  accepted: number;
  waitAvgSeconds: number | null;
  waitP90Seconds: number | null;
  handleAvgSeconds: number | null;
}
const pick = (a: Figures): Figures => ({
  conversations: a.conversations,
  calls: a.calls,
  transfers: a.transfers,
  accepted: a.accepted,
  waitAvgSeconds: a.waitAvgSeconds,
  waitP90Seconds: a.waitP90Seconds,
  handleAvgSeconds: a.handleAvgSeconds,
});

describe(`the weekly summary per agent (database: ${defaultBackend()})`, () => {
  let running: RunningApp;
  let database: Database;
  const ids: Record<string, string> = {};

  /** Writes one handoff through the repository: queued, accepted by `agent` after `wait` s, then closed after `handle` s (or left open). */
  async function handoff(
    conversationId: string,
    channel: string,
    queuedAt: Date,
    steps: { agent: string; wait: number; handle?: number; transferTo?: { agent: string; after: number; wait: number } },
  ): Promise<void> {
    const repo = new HandoffRepository(database.db);
    const { handoff: h } = await repo.enqueue({ conversationId, channel, resolverGroup: 'Mesa de ayuda', reason: 'asked', priority: 0, context: {} }, queuedAt);
    let at = plus(queuedAt, steps.wait);
    const first = await repo.accept(h.id, ids[steps.agent] as string, at, () => true);
    if (!first.ok) throw new Error(`accept failed: ${first.why}`);
    if (steps.transferTo) {
      const movedAt = plus(at, steps.transferTo.after);
      await repo.transfer(h.id, { group: 'Mesa de ayuda', agentUserId: ids[steps.transferTo.agent] as string }, 'Lo atiende otra persona', movedAt);
      at = plus(movedAt, steps.transferTo.wait);
      const second = await repo.accept(h.id, ids[steps.transferTo.agent] as string, at, () => true);
      if (!second.ok) throw new Error(`second accept failed: ${second.why}`);
    }
    if (steps.handle !== undefined) await repo.end(h.id, 'closed', 'closed_by_agent', plus(at, steps.handle));
  }

  /**
   * A caller's call (optionally naming its last agent), the agents' legs bridged to it (answered or not; leg `i` rings
   * at +60 + 120·i s and is answered 5 s later) and the switchboard transfers tried on it (`[seconds after the start, DialCallStatus]`).
   */
  async function call(callSid: string, startedAt: Date, agent: string | null, legs: Array<{ agent: string; answered: boolean }>, transfers: Array<[number, string]> = []): Promise<void> {
    const calls = new CallRepository(database.db);
    await calls.start({ callSid, conversationId: `conv-${callSid}`, direction: 'inbound', purpose: 'caller', status: 'in-progress', answeredAt: startedAt }, startedAt);
    if (agent) await calls.patch(callSid, { agentUserId: ids[agent] as string });
    for (const [i, leg] of legs.entries()) {
      const legSid = `${callSid}-leg${i}`;
      const at = plus(startedAt, 60 + i * 120);
      await calls.start({ callSid: legSid, parentCallSid: callSid, direction: 'outbound', purpose: 'agent', status: 'queued', agentUserId: ids[leg.agent] as string }, at);
      if (leg.answered) await calls.updateStatus(legSid, { status: 'in-progress', answeredAt: plus(at, 5) });
      else await calls.updateStatus(legSid, { status: 'no-answer', endedAt: plus(at, 20) });
    }
    for (const [seconds, status] of transfers) {
      await calls.addTransfer(callSid, { at: plus(startedAt, seconds).toISOString(), entryId: 'e-1', name: 'Dirección', extension: '1234', status, durationSeconds: null, attempt: 1 });
    }
  }

  beforeAll(async () => {
    // No handoff tick during the test: it would requeue the open handoff of an agent who is offline (h4).
    running = await startApp({ env: { HANDOFF_TICK_MS: '60000' } });
    database = running.app.database;
    const repo = new UserRepository(database.db);
    for (const [key, name, role] of [
      ['ana', 'Ana López', 'agent'],
      ['beto', 'Beto Ruiz', 'agent'],
      ['carla', 'Carla Méndez', 'agent'],
      ['dora', 'Dora Paz', 'agent'],
    ] as const) {
      ids[key] = (await repo.create({ email: `${key}@cau.mx`, displayName: name, role, passwordHash: 'sin-contraseña' })).id;
      await new HandoffRepository(database.db).setPresence(ids[key] as string, { status: 'offline', capacity: 10 }, FROM);
    }
    // Dora left the desk: an inactive agent with nothing in the week is not listed.
    await database.db.update(users).set({ active: false }).where(eq(users.email, 'dora@cau.mx'));
    ids.coco = (await running.app.users.create({ email: 'coco@cau.mx', displayName: 'Coco Coordinadora', role: 'coordinator', password: PASSWORD, actor: 'test' })).user.id;
    await new HandoffRepository(database.db).setPresence(ids.coco, { status: 'offline', capacity: 10 }, FROM);
    await running.app.users.create({ email: 'agente@cau.mx', displayName: 'Zoe Agente', role: 'agent', password: PASSWORD, actor: 'test' });

    // Ana: three text conversations (one left open) and one voice handoff.
    await handoff('h1', 'webchat', mx(9, 10), { agent: 'ana', wait: 60, handle: 300 });
    await handoff('h2', 'email', mx(10, 10), { agent: 'ana', wait: 120, handle: 600 });
    await handoff('h3', 'voice', mx(11, 10), { agent: 'ana', wait: 30, handle: 240 });
    await handoff('h4', 'webchat', mx(12, 10), { agent: 'ana', wait: 90 });
    // Accepted by Ana, transferred to Beto 100 s later, who accepted 30 s after: Beto's, with a 30 s wait.
    await handoff('h5', 'webchat', mx(13, 10), { agent: 'ana', wait: 40, transferTo: { agent: 'beto', after: 60, wait: 30 }, handle: 300 });
    // Queued on Sunday 23:50, accepted Monday 00:55 of the next week: not this week's.
    await handoff('h6', 'sms', mx(15, 23, 50), { agent: 'beto', wait: 3900, handle: 60 });
    // Queued on the previous Sunday at 23:00, accepted on Monday 00:10: this week's, with its 70-minute wait.
    await handoff('h7', 'whatsapp', mx(8, 23), { agent: 'beto', wait: 4200, handle: 100 });
    // A coordinator took one.
    await handoff('h8', 'webchat', mx(14, 12), { agent: 'coco', wait: 10, handle: 50 });
    // Abandoned (nobody accepted it): nobody's.
    const repo2 = new HandoffRepository(database.db);
    const { handoff: left } = await repo2.enqueue({ conversationId: 'h9', channel: 'webchat', resolverGroup: 'Mesa de ayuda', reason: 'asked', priority: 0, context: {} }, mx(10, 12));
    await repo2.end(left.id, 'cancelled', 'person_left', mx(10, 12, 5));

    // Calls: Ana's (her leg answered and the call names her: once); one transferred from Ana to Beto (once each);
    // one whose ring to Carla went unanswered and then Beto took it; one of Ana's from the previous week.
    // Switchboard transfers, credited to whoever's leg was answered last before the attempt (legs answered at +65 s,
    // and the second at +185 s): CA1 busy at +30 (before Ana: the bot's), no-answer at +300 (Ana), completed at +400
    // (Ana); CA2 answered at +100 (Ana), failed at +600 (Beto); CA3 busy at +150 (Carla never answered: nobody's),
    // canceled at +200 (Beto); CA4 busy at +300 (Ana, previous week).
    await call('CA1', mx(11, 10), 'ana', [{ agent: 'ana', answered: true }], [[30, 'busy'], [300, 'no-answer'], [400, 'completed']]);
    await call('CA2', mx(12, 11), 'beto', [{ agent: 'ana', answered: true }, { agent: 'beto', answered: true }], [[100, 'answered'], [600, 'failed']]);
    await call('CA3', mx(13, 9), null, [{ agent: 'carla', answered: false }, { agent: 'beto', answered: true }], [[150, 'busy'], [200, 'canceled']]);
    await call('CA4', mx(8, 10), 'ana', [{ agent: 'ana', answered: true }], [[300, 'busy']]);
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
  });

  // By hand. Ana: text h1 h2 h4, voice h3; waits 60 120 30 90 (avg 75, p90 the largest of four: 120); handles 300 600
  // 240 (avg 380); calls CA1 CA2. Beto: h5 (wait 30, handle 300), h7 (wait 4200, handle 100); calls CA2 CA3.
  // Coco: h8. Carla: nothing (her unanswered ring does not count). Transfers: Ana 3 (1 not connected: no-answer),
  // Beto 2 (both not connected: failed, canceled).
  const none = { made: 0, unconnected: 0 };
  const EXPECTED: Record<string, Figures> = {
    'Ana López': { conversations: 3, calls: 2, transfers: { made: 3, unconnected: 1 }, accepted: 4, waitAvgSeconds: 75, waitP90Seconds: 120, handleAvgSeconds: 380 },
    'Beto Ruiz': { conversations: 2, calls: 2, transfers: { made: 2, unconnected: 2 }, accepted: 2, waitAvgSeconds: 2115, waitP90Seconds: 4200, handleAvgSeconds: 200 },
    'Carla Méndez': { conversations: 0, calls: 0, transfers: none, accepted: 0, waitAvgSeconds: null, waitP90Seconds: null, handleAvgSeconds: null },
    'Coco Coordinadora': { conversations: 1, calls: 0, transfers: none, accepted: 1, waitAvgSeconds: 10, waitP90Seconds: 10, handleAvgSeconds: 50 },
    'Zoe Agente': { conversations: 0, calls: 0, transfers: none, accepted: 0, waitAvgSeconds: null, waitP90Seconds: null, handleAvgSeconds: null },
  };
  // Waits 10 30 30 60 90 120 4200: avg 4540/7 = 648.6; p90 the 7th of 7. Handles 300 600 240 300 100 50: avg 265.
  // Calls: CA1, CA2, CA3 once each, though CA2 was handled by two agents. Transfers: the agents' 5, 3 not connected
  // (the bot's own two attempts are nobody's).
  const TOTALS: Figures = { conversations: 6, calls: 3, transfers: { made: 5, unconnected: 3 }, accepted: 7, waitAvgSeconds: 649, waitP90Seconds: 4200, handleAvgSeconds: 265 };

  it('counts each agent’s week as computed by hand, with the pre-check score of the quality review', async () => {
    const asked: Array<[string, string]> = [];
    const prechecks: AgentPrecheckSource = {
      scoreAgents: async (from, to) => {
        asked.push([from.toISOString(), to.toISOString()]);
        return [
          { agentId: ids.ana as string, name: 'Ana López', conversations: 4, checks: 20, passed: 15, failsByItem: { hold: 2, greeting: 3 } },
          { agentId: ids.carla as string, name: 'Carla Méndez', conversations: 1, checks: 9, passed: 8, failsByItem: { farewell: 1 } },
        ];
      },
    };
    const service = new WeeklySummaryService({ repo: new WeeklyRepository(database.db), timeZone: TZ, clock: { now: () => new Date('2026-11-20T12:00:00Z') }, prechecks });
    const s = await service.summary(WEEK);
    expect(asked).toEqual([[FROM.toISOString(), TO.toISOString()]]);
    expect([s.week, s.from, s.to, s.previousWeek, s.nextWeek]).toEqual([WEEK, FROM.toISOString(), TO.toISOString(), '2026-W45', null]);
    expect(Object.fromEntries(s.agents.map((a) => [a.name, pick(a)]))).toEqual(EXPECTED);
    // Ordered by name; the inactive agent with nothing is left out.
    expect(s.agents.map((a) => a.name)).toEqual(Object.keys(EXPECTED));
    const ana = s.agents.find((a) => a.name === 'Ana López');
    // Failures by point in the checklist's order (greeting before hold), with their labels.
    const anaFails = [{ item: 'greeting', label: 'Saludo con nombre', fails: 3 }, { item: 'hold', label: 'Contacto en espera', fails: 2 }];
    expect([ana?.email, ana?.agentId, ana?.checkedConversations, ana?.precheck]).toEqual(['ana@cau.mx', ids.ana, 4, { checks: 20, passed: 15, score: 75, fails: anaFails }]);
    expect(s.agents.find((a) => a.name === 'Carla Méndez')?.precheck).toEqual({ checks: 9, passed: 8, score: 88.9, fails: [{ item: 'farewell', label: 'Cortesía y despedida', fails: 1 }] });
    expect(s.agents.find((a) => a.name === 'Beto Ruiz')?.precheck).toEqual({ checks: 0, passed: 0, score: null, fails: [] });
    expect(pick(s.totals)).toEqual(TOTALS);
    expect(s.totals.precheck).toEqual({ checks: 29, passed: 23, score: 79.3, fails: [...anaFails, { item: 'farewell', label: 'Cortesía y despedida', fails: 1 }] });
    expect(s.totals.checkedConversations).toBe(5);
  });

  it('leaves the previous and the next week out, and says nothing of pre-checks without a quality review', async () => {
    const service = new WeeklySummaryService({ repo: new WeeklyRepository(database.db), timeZone: TZ, clock: { now: () => new Date('2026-12-20T12:00:00Z') } });
    const before = await service.summary('2026-W45');
    // Ana's CA4 of Sunday the 8th, nothing else (h7 was queued then but accepted in week 46).
    expect(before.agents.find((a) => a.name === 'Ana López')).toMatchObject({ calls: 1, transfers: { made: 1, unconnected: 1 }, accepted: 0, checkedConversations: null });
    expect(pick(before.totals)).toEqual({ conversations: 0, calls: 1, transfers: { made: 1, unconnected: 1 }, accepted: 0, waitAvgSeconds: null, waitP90Seconds: null, handleAvgSeconds: null });
    const after = await service.summary('2026-W47');
    // h6, queued on Sunday, accepted by Beto on Monday 00:55.
    expect(pick(after.agents.find((a) => a.name === 'Beto Ruiz') as Figures)).toEqual({ conversations: 1, calls: 0, transfers: none, accepted: 1, waitAvgSeconds: 3900, waitP90Seconds: 3900, handleAvgSeconds: 60 });
    expect(after.nextWeek).toBe('2026-W48');
    expect(after.totals.precheck).toEqual({ checks: 0, passed: 0, score: null, fails: [] });
  });

  it('lists the conversations behind an agent’s count, with the same conditions, coordination only', async () => {
    const coordinator = await ConsoleSession.login(running.baseUrl, 'coco@cau.mx', PASSWORD);
    const list = async (name: string, week = WEEK) => {
      const res = await coordinator.request('GET', `/api/reports/weekly/items?week=${week}&agentId=${ids[name] as string}`);
      expect(res.status).toBe(200);
      return res.body as { week: string; agent: { name: string }; items: Array<{ conversationId: string; channel: string; waitSeconds: number | null; handleSeconds: number | null; closeReason: string | null; acceptedAt: string }> };
    };
    // Ana: her text handoffs h1, h2, h4 (not the voice h3, nor h5, which Beto took over), oldest acceptance first.
    const ana = await list('ana');
    expect([ana.week, ana.agent.name]).toEqual([WEEK, 'Ana López']);
    expect(ana.items.map((i) => [i.conversationId, i.channel, i.waitSeconds, i.handleSeconds, i.closeReason])).toEqual([
      ['h1', 'webchat', 60, 300, 'closed_by_agent'],
      ['h2', 'email', 120, 600, 'closed_by_agent'],
      ['h4', 'webchat', 90, null, null],
    ]);
    expect(ana.items[0]?.acceptedAt).toBe(plus(mx(9, 10), 60).toISOString());
    // Each list is as long as the agent's count in the summary.
    const summary = (await coordinator.request('GET', `/api/reports/weekly?week=${WEEK}`)).body as WeeklySummary;
    for (const name of ['ana', 'beto', 'carla', 'coco'] as const) {
      const row = summary.agents.find((a) => a.agentId === ids[name]);
      expect((await list(name)).items).toHaveLength(row?.conversations ?? -1);
    }
    expect((await list('beto')).items.map((i) => i.conversationId)).toEqual(['h7', 'h5']);
    expect((await list('beto', '2026-W47')).items.map((i) => i.conversationId)).toEqual(['h6']);

    const bad = await coordinator.request('GET', `/api/reports/weekly/items?week=${WEEK}&agentId=ana`);
    expect([bad.status, (bad.body as { error: { message: string } }).error.message]).toEqual([400, 'Indique el agente (agentId) con su identificador.']);
    expect((await coordinator.request('GET', `/api/reports/weekly/items?week=2026-W99&agentId=${ids.ana as string}`)).status).toBe(400);
    const unknown = await coordinator.request('GET', `/api/reports/weekly/items?week=${WEEK}&agentId=00000000-0000-4000-8000-000000000000`);
    expect([unknown.status, (unknown.body as { error: { message: string } }).error.message]).toEqual([404, 'Ese agente no existe.']);
    const agent = await ConsoleSession.login(running.baseUrl, 'agente@cau.mx', PASSWORD);
    expect((await agent.request('GET', `/api/reports/weekly/items?week=${WEEK}&agentId=${ids.ana as string}`)).status).toBe(403);
  });

  it('answers coordination only, in Spanish for a bad week, and the last complete week by default', async () => {
    const coordinator = await ConsoleSession.login(running.baseUrl, 'coco@cau.mx', PASSWORD);
    const ok = await coordinator.request('GET', `/api/reports/weekly?week=${WEEK}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const body = ok.body as WeeklySummary;
    expect(Object.fromEntries(body.agents.map((a) => [a.name, pick(a)]))).toEqual(EXPECTED);
    expect(pick(body.totals)).toEqual(TOTALS);

    const latest = await coordinator.request('GET', '/api/reports/weekly');
    const week = latest.body as WeeklySummary;
    expect(latest.status).toBe(200);
    const now = Date.now();
    // The last week that has ended: it ended in the past, less than a week ago.
    expect(new Date(week.to).getTime()).toBeLessThanOrEqual(now);
    expect(now - new Date(week.to).getTime()).toBeLessThan(7 * 86_400_000);
    expect(new Date(week.to).getTime() - new Date(week.from).getTime()).toBeGreaterThanOrEqual(167 * 3_600_000);
    expect(week.nextWeek).toBeNull();

    const bad = await coordinator.request('GET', '/api/reports/weekly?week=2026-W99');
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { code: string; message: string } }).error).toEqual({ code: 'BadArgument', message: expect.stringMatching(/^Semana inválida/) });
    const twice = await coordinator.request('GET', '/api/reports/weekly?week=2026-W46&week=2026-W45');
    expect(twice.status).toBe(400);

    const agent = await ConsoleSession.login(running.baseUrl, 'agente@cau.mx', PASSWORD);
    const refused = await agent.request('GET', `/api/reports/weekly?week=${WEEK}`);
    expect(refused.status).toBe(403);
    expect((refused.body as { error: { message: string } }).error.message).toMatch(/no tiene permiso/);
    const anonymous = await new ConsoleSession(running.baseUrl).request('GET', `/api/reports/weekly?week=${WEEK}`);
    expect(anonymous.status).toBe(401);
  });
});
