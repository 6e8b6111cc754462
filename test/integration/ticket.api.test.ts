import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import type { Server } from 'restify';
import { makeServer } from '../../app/server';
import { AuthRoutes } from '../../console/api/auth.routes';
import { TicketRoutes } from '../../console/api/ticket.routes';
import { createRepositories } from '../../models';
import { requesters, users as usersTable } from '../../models/schema';
import { SessionService } from '../../services/auth/session.service';
import { RateLimiter } from '../../services/http/rate-limiter';
import { Metrics } from '../../services/observability/metrics';
import { TicketService, type TicketInput, type TicketRow } from '../../services/tickets/ticket.service';
import { UserService } from '../../services/users/user.service';
import { ConsoleSession } from '../support/console-session';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

const PASSWORD = 'contraseña-segura-123';
const REDES = 'Redes y telecomunicaciones';
const CORREO = 'Correo institucional';

interface TicketJson {
  number: string;
  status: string;
  statusLabel: string;
  resolverGroup: string | null;
  assignee: string | null;
  createdAt: string;
  description: string;
}
interface EventJson {
  actor: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
}
interface ListJson {
  tickets: TicketJson[];
  nextCursor: string | null;
}
interface ErrorJson {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

function input(over: Partial<TicketInput> = {}): TicketInput {
  return {
    kind: 'incident',
    serviceCode: 'WIFI-SENAL',
    serviceName: 'Falla de señal Wi-Fi',
    resolverGroup: REDES,
    requester: { name: 'Ana López', email: 'ana@ipn.mx', unit: 'ESCOM' },
    channel: 'webchat',
    description: 'No hay señal de Wi-Fi en el edificio 2',
    urgency: 'high',
    impact: 'moderate',
    ...over,
  };
}

/** The console's ticket routes with login, on their own server (the app container wires them separately). */
async function startTicketServer(t: TestDatabase, tickets: TicketService, users: UserService): Promise<{ server: Server; baseUrl: string }> {
  const repos = createRepositories(t.database);
  const sessions = new SessionService(users, repos.sessions, { now: () => new Date() });
  const server = makeServer({
    logger: pino({ level: 'silent' }),
    metrics: new Metrics({ defaultMetrics: false }),
    ready: () => t.database.ping(),
    routes: [
      new AuthRoutes({ sessions, limiter: new RateLimiter(1000, 1000), secureCookies: false, sessionMaxAgeSeconds: 3600 }),
      new TicketRoutes({ sessions, tickets }),
    ],
    page: { botName: 'Ventanilla', orgName: 'CAU', primaryColor: '#123456', accentColor: '#654321' },
    bodyLimitBytes: 1_000_000,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.each(testBackends())('ticket API on %s', (backend) => {
  let t: TestDatabase;
  let server: Server;
  let baseUrl: string;
  let tickets: TicketService;
  let now = new Date('2026-11-02T16:00:00Z');
  const clock = { now: () => now };
  /** Every ticket the tests registered, to check lists against. */
  const created: TicketRow[] = [];
  const as: Record<'anon' | 'agent' | 'coord' | 'admin' | 'redes' | 'correo', ConsoleSession> = {} as never;

  async function register(over: Partial<TicketInput> = {}, at?: Date): Promise<TicketRow> {
    if (at) now = at;
    const { ticket } = await tickets.register(input(over), 'bot');
    created.push(ticket);
    return ticket;
  }

  async function list(s: ConsoleSession, query: string): Promise<TicketJson[]> {
    const res = await s.request('GET', `/api/tickets?${query}`);
    expect(res.status).toBe(200);
    return (res.body as ListJson).tickets;
  }

  /** Every page of a query, following nextCursor. */
  async function allPages(s: ConsoleSession, query: string, limit: number): Promise<{ numbers: string[]; pages: number }> {
    const numbers: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let previous = Infinity;
    do {
      const res = await s.request('GET', `/api/tickets?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const body = res.body as ListJson;
      expect(body.tickets.length).toBeLessThanOrEqual(limit);
      for (const ticket of body.tickets) {
        const at = Date.parse(ticket.createdAt);
        expect(at).toBeLessThanOrEqual(previous); // newest first, across pages too
        previous = at;
        numbers.push(ticket.number);
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    return { numbers, pages };
  }

  const history = async (s: ConsoleSession, number: string) => ((await s.request('GET', `/api/tickets/${number}`)).body as { history: EventJson[] }).history;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    const repos = createRepositories(t.database);
    const users = new UserService(repos.users, repos.audit);
    tickets = new TicketService(repos.tickets, clock);
    ({ server, baseUrl } = await startTicketServer(t, tickets, users));
    const accounts = [
      { email: 'agente@cau.mx', role: 'agent' },
      { email: 'coord@cau.mx', role: 'coordinator' },
      { email: 'admin@cau.mx', role: 'admin' },
      { email: 'redes@cau.mx', role: 'resolver', resolverGroup: REDES },
      { email: 'redes2@cau.mx', role: 'resolver', resolverGroup: REDES },
      { email: 'correo@cau.mx', role: 'resolver', resolverGroup: CORREO },
      { email: 'baja@cau.mx', role: 'resolver', resolverGroup: CORREO },
    ];
    for (const a of accounts) await users.create({ ...a, password: PASSWORD, actor: 'test' });
    await t.database.db.update(usersTable).set({ active: false }).where(eq(usersTable.email, 'baja@cau.mx'));
    as.anon = new ConsoleSession(baseUrl);
    as.agent = await ConsoleSession.login(baseUrl, 'agente@cau.mx', PASSWORD);
    as.coord = await ConsoleSession.login(baseUrl, 'coord@cau.mx', PASSWORD);
    as.admin = await ConsoleSession.login(baseUrl, 'admin@cau.mx', PASSWORD);
    as.redes = await ConsoleSession.login(baseUrl, 'redes@cau.mx', PASSWORD);
    as.correo = await ConsoleSession.login(baseUrl, 'correo@cau.mx', PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.dispose();
  });

  describe('roles', () => {
    let redes: TicketRow;
    let correo: TicketRow;
    beforeAll(async () => {
      redes = await register({}, new Date('2026-11-02T16:00:00Z'));
      correo = await register({ resolverGroup: CORREO, serviceCode: 'CORREO-CONTRASENA', kind: 'request', description: 'Olvidé la contraseña del correo' });
    });

    it('answers 401 to anonymous callers on every route, and 403 to a change without the CSRF token', async () => {
      const n = redes.number;
      for (const [method, path] of [['GET', '/api/tickets'], ['GET', `/api/tickets/${n}`], ['POST', `/api/tickets/${n}/status`], ['POST', `/api/tickets/${n}/notes`], ['POST', `/api/tickets/${n}/assign`]] as const) {
        expect(await as.anon.request(method, path, method === 'POST' ? {} : undefined)).toMatchObject({ status: 401, body: { error: { code: 'Unauthenticated', message: 'Inicie sesión para continuar.' } } });
      }
      expect(await as.coord.request('POST', `/api/tickets/${n}/notes`, { note: 'sin token' }, { csrf: false })).toMatchObject({ status: 403, body: { error: { code: 'CsrfFailed' } } });
      expect(await history(as.coord, n)).toHaveLength(1);
    });

    it('lets every role read; a resolver only their group, and another group’s ticket is 404, not 403', async () => {
      for (const s of [as.agent, as.coord, as.admin]) {
        const numbers = (await list(s, 'limit=100')).map((x) => x.number);
        expect(numbers).toEqual(expect.arrayContaining([redes.number, correo.number]));
        expect((await s.request('GET', `/api/tickets/${correo.number}`)).status).toBe(200);
      }
      const seen = await list(as.redes, 'limit=100');
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((x) => x.resolverGroup === REDES)).toBe(true);
      expect(await list(as.redes, `group=${encodeURIComponent(CORREO)}`)).toEqual([]);
      expect((await as.redes.request('GET', `/api/tickets/${redes.number}`)).status).toBe(200);
      const hidden = await as.redes.request('GET', `/api/tickets/${correo.number}`);
      expect(hidden).toMatchObject({ status: 404, body: { error: { code: 'TicketNotFound' } } });
      // The same answer as for a number that does not exist.
      expect(hidden.body).toEqual({ error: { code: 'TicketNotFound', message: `No existe el ticket ${correo.number}.` } });
      expect((await as.correo.request('GET', `/api/tickets/${correo.number}`)).status).toBe(200);
    });

    it('changes status: resolvers (own group), coordinators and admins; agents only cancel', async () => {
      const a = await register();
      const b = await register();
      const c = await register({ resolverGroup: CORREO });
      expect(await as.agent.request('POST', `/api/tickets/${a.number}/status`, { status: 'in_progress' })).toMatchObject({
        status: 403,
        body: { error: { code: 'Forbidden', message: expect.stringMatching(/agentes solo pueden cancelar/) } },
      });
      expect(await as.redes.request('POST', `/api/tickets/${c.number}/status`, { status: 'in_progress' })).toMatchObject({ status: 404 });
      expect(await as.redes.request('POST', `/api/tickets/${a.number}/status`, { status: 'in_progress' })).toMatchObject({ status: 200, body: { ticket: { status: 'in_progress', statusLabel: 'En proceso' } } });
      expect(await as.coord.request('POST', `/api/tickets/${a.number}/status`, { status: 'resolved' })).toMatchObject({ status: 200, body: { ticket: { status: 'resolved' } } });
      expect(await as.admin.request('POST', `/api/tickets/${a.number}/status`, { status: 'closed' })).toMatchObject({ status: 200, body: { ticket: { status: 'closed' } } });
      expect(await as.correo.request('POST', `/api/tickets/${c.number}/status`, { status: 'assigned' })).toMatchObject({ status: 200 });
      expect(await as.agent.request('POST', `/api/tickets/${b.number}/status`, { status: 'cancelled', note: 'El solicitante ya no lo necesita' })).toMatchObject({ status: 200, body: { ticket: { status: 'cancelled' } } });
      expect((await history(as.coord, b.number)).at(-1)).toMatchObject({ actor: 'agente@cau.mx', fromStatus: 'registered', toStatus: 'cancelled', note: 'El solicitante ya no lo necesita' });
    });

    it('takes notes from all four roles, a resolver only on their group’s tickets', async () => {
      const n = redes.number;
      for (const s of [as.agent, as.coord, as.admin, as.redes]) {
        expect(await s.request('POST', `/api/tickets/${n}/notes`, { note: 'seguimiento' })).toMatchObject({ status: 201, body: { event: { toStatus: null, note: 'seguimiento' } } });
      }
      expect((await as.correo.request('POST', `/api/tickets/${n}/notes`, { note: 'no es mío' })).status).toBe(404);
      expect((await history(as.coord, n)).filter((e) => e.note === 'seguimiento').map((e) => e.actor)).toEqual(['agente@cau.mx', 'coord@cau.mx', 'admin@cau.mx', 'redes@cau.mx']);
    });

    it('lets agents, coordinators and admins reassign; resolvers get 403', async () => {
      const x = await register();
      expect(await as.redes.request('POST', `/api/tickets/${x.number}/assign`, { assignee: 'redes@cau.mx' })).toMatchObject({ status: 403, body: { error: { code: 'Forbidden' } } });
      expect(await as.agent.request('POST', `/api/tickets/${x.number}/assign`, { assignee: 'redes@cau.mx' })).toMatchObject({ status: 200, body: { changed: true, ticket: { assignee: 'redes@cau.mx' } } });
      expect(await as.coord.request('POST', `/api/tickets/${x.number}/assign`, { assignee: 'redes2@cau.mx' })).toMatchObject({ status: 200, body: { ticket: { assignee: 'redes2@cau.mx' } } });
      expect(await as.admin.request('POST', `/api/tickets/${x.number}/assign`, { assignee: null })).toMatchObject({ status: 200, body: { ticket: { assignee: null } } });
    });
  });

  describe('list', () => {
    const batch: TicketRow[] = [];
    beforeAll(async () => {
      // 25 tickets over four days; ten share one instant, so the order needs its tie-breaker.
      const kinds = ['incident', 'request', 'informative'] as const;
      const channels = ['webchat', 'email', 'voice', 'messenger'];
      for (let i = 0; i < 25; i++) {
        const at = i < 10 ? new Date('2026-11-03T15:00:00Z') : new Date(Date.parse('2026-11-03T15:00:00Z') + (i - 9) * 3 * 3600_000);
        batch.push(
          await register(
            {
              kind: kinds[i % 3],
              channel: channels[i % 4] as string,
              resolverGroup: i % 2 === 0 ? REDES : CORREO,
              urgency: i % 5 === 0 ? 'critical' : 'low',
              impact: i % 5 === 0 ? 'extensive' : 'minor',
              description: `Lote ${String(i).padStart(2, '0')}: la impresora no responde`,
            },
            at,
          ),
        );
      }
    });

    it('pages through everything newest first with no duplicates or misses, at any page size', async () => {
      for (const size of [1, 7, 25, 100]) {
        const { numbers, pages } = await allPages(as.admin, 'x=1', size);
        expect(numbers).toHaveLength(created.length);
        expect(new Set(numbers)).toEqual(new Set(created.map((c) => c.number)));
        expect(pages).toBe(Math.max(1, Math.ceil(created.length / size)));
      }
      const firstTen = await allPages(as.admin, `q=${encodeURIComponent('Lote 0')}`, 3);
      expect(firstTen.numbers.sort()).toEqual(batch.slice(0, 10).map((b) => b.number).sort());
    });

    it('filters by status, group, kind, priority, channel, assignee and dates; a resolver pages only their group', async () => {
      const nums = (rows: { number: string }[]) => rows.map((r) => r.number).sort();
      const mine = batch.filter((b) => b.resolverGroup === REDES);
      expect(nums((await allPages(as.redes, 'q=Lote', 4)).numbers.map((number) => ({ number })))).toEqual(nums(mine));
      expect(nums(await list(as.coord, `group=${encodeURIComponent(CORREO)}&kind=request,informative&q=Lote&limit=100`))).toEqual(
        nums(batch.filter((b) => b.resolverGroup === CORREO && b.kind !== 'incident')),
      );
      expect(nums(await list(as.coord, 'priority=P1&q=Lote&limit=100'))).toEqual(nums(batch.filter((b) => b.priority === 'P1')));
      expect(nums(await list(as.coord, 'channel=email&channel=voice&q=Lote&limit=100'))).toEqual(nums(batch.filter((b) => b.channel === 'email' || b.channel === 'voice')));
      await as.coord.request('POST', `/api/tickets/${batch[3]?.number}/status`, { status: 'cancelled' });
      expect(nums(await list(as.coord, 'status=cancelled&q=Lote'))).toEqual([batch[3]?.number]);
      expect(nums(await list(as.coord, 'status=registered&q=Lote&limit=100'))).toEqual(nums(batch.filter((_, i) => i !== 3)));
      await as.agent.request('POST', `/api/tickets/${batch[4]?.number}/assign`, { assignee: 'redes2@cau.mx' });
      expect(nums(await list(as.coord, 'assignee=REDES2@cau.mx&q=Lote'))).toEqual([batch[4]?.number]);
      expect(await list(as.redes, 'assignee=me&q=Lote')).toEqual([]);
      expect(nums(await list(as.coord, 'assignee=none&q=Lote&limit=100'))).toEqual(nums(batch.filter((_, i) => i !== 4)));
      // Days of the desk's calendar (Mexico City, UTC−6): the 4th runs from 06:00Z on the 4th to 06:00Z on the 5th.
      const onDay = (day: string) => batch.filter((b) => b.createdAt >= new Date(`${day}T06:00:00Z`) && b.createdAt < new Date(Date.parse(`${day}T06:00:00Z`) + 86_400_000));
      expect(onDay('2026-11-04').length).toBeGreaterThan(0);
      expect(nums(await list(as.coord, 'from=2026-11-04&to=2026-11-04&limit=100'))).toEqual(nums(onDay('2026-11-04')));
      expect(nums(await list(as.coord, `from=${encodeURIComponent('2026-11-04T00:00:00-06:00')}&to=${encodeURIComponent('2026-11-05T00:00:00-06:00')}&limit=100`))).toEqual(nums(onDay('2026-11-04')));
    });

    it('searches number, description and the requester’s name and e-mail, with % and _ taken literally', async () => {
      const pct = await register({ description: 'La red cae al 100% de uso', requester: { name: 'Beto Ruiz', email: 'beto_ruiz@ipn.mx' } });
      const decoy = await register({ description: 'Hay 1000 usuarios sin red; todo alumno afectado', requester: { name: 'Beto Ruiz', email: 'betoXruiz@ipn.mx' } });
      const slash = await register({ description: 'No abre la ruta C:\\datos\\tesis' });
      const [person] = await t.database.db.insert(requesters).values({ name: 'Zacarías Peña', email: 'zpena@ipn.mx' }).returning();
      const linked = await register({ requester: {}, requesterId: person?.id ?? null, description: 'Sin acceso al sistema escolar' });
      const q = async (text: string) => (await list(as.coord, `q=${encodeURIComponent(text)}&limit=100`)).map((x) => x.number).sort();
      expect(await q('100%')).toEqual([pct.number]);
      expect(await q('o_a')).toEqual([]); // "todo alumno" would match if _ were a wildcard
      expect(await q('beto_ruiz')).toEqual([pct.number]);
      expect(await q('%')).toEqual([pct.number]);
      expect(await q('C:\\datos')).toEqual([slash.number]);
      expect(await q('1000 USUARIOS')).toEqual([decoy.number]);
      expect(await q('zacarías')).toEqual([linked.number]);
      expect(await q('ZPENA@')).toEqual([linked.number]);
      expect(await q(linked.number)).toEqual([linked.number]);
    });
  });

  it('follows the lifecycle and answers 409 in Spanish to a change it does not allow', async () => {
    const x = await register({}, new Date('2026-11-10T16:00:00Z'));
    for (const status of ['assigned', 'in_progress', 'resolved', 'in_progress', 'resolved', 'closed']) {
      expect(await as.redes.request('POST', `/api/tickets/${x.number}/status`, { status, note: `paso ${status}` })).toMatchObject({ status: 200, body: { ticket: { status } } });
    }
    expect(await as.redes.request('POST', `/api/tickets/${x.number}/status`, { status: 'in_progress' })).toEqual(
      expect.objectContaining({ status: 409, body: { error: { code: 'InvalidTransition', message: 'Un ticket cerrado no puede pasar a en proceso.' } } }),
    );
    const h = await history(as.coord, x.number);
    expect(h.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'registered'],
      ['registered', 'assigned'],
      ['assigned', 'in_progress'],
      ['in_progress', 'resolved'],
      ['resolved', 'in_progress'],
      ['in_progress', 'resolved'],
      ['resolved', 'closed'],
    ]);
    expect(h.slice(1).every((e) => e.actor === 'redes@cau.mx')).toBe(true);
    expect(h[2]?.note).toBe('paso in_progress');
  });

  it('keeps notes in the order they were written, between status changes', async () => {
    const x = await register();
    await as.agent.request('POST', `/api/tickets/${x.number}/notes`, { note: 'Llamó de nuevo el usuario' });
    await as.redes.request('POST', `/api/tickets/${x.number}/status`, { status: 'in_progress' });
    await as.redes.request('POST', `/api/tickets/${x.number}/notes`, { note: '  Se cambió el punto de acceso  ' });
    await as.coord.request('POST', `/api/tickets/${x.number}/notes`, { note: 'Revisado por coordinación' });
    const h = await history(as.admin, x.number);
    expect(h.map((e) => [e.actor, e.fromStatus, e.toStatus, e.note])).toEqual([
      ['bot', null, 'registered', null],
      ['agente@cau.mx', null, null, 'Llamó de nuevo el usuario'],
      ['redes@cau.mx', 'registered', 'in_progress', null],
      ['redes@cau.mx', null, null, 'Se cambió el punto de acceso'],
      ['coord@cau.mx', null, null, 'Revisado por coordinación'],
    ]);
  });

  it('serializes concurrent changes of one ticket under its row lock', async () => {
    const x = await register();
    const moves = await Promise.all([as.redes, as.coord, as.admin, as.redes].map((s) => s.request('POST', `/api/tickets/${x.number}/status`, { status: 'in_progress' })));
    expect(moves.map((m) => m.status).sort()).toEqual([200, 409, 409, 409]);
    const notes = await Promise.all(Array.from({ length: 12 }, (_, i) => as.agent.request('POST', `/api/tickets/${x.number}/notes`, { note: `nota ${i}` })));
    expect(notes.every((n) => n.status === 201)).toBe(true);
    const h = await history(as.coord, x.number);
    expect(h.filter((e) => e.toStatus === 'in_progress')).toHaveLength(1);
    expect(h.filter((e) => e.note?.startsWith('nota '))).toHaveLength(12);
  });

  it('reassigns to another group and resolver, records it in Spanish, and moves visibility with it', async () => {
    const x = await register();
    const res = await as.agent.request('POST', `/api/tickets/${x.number}/assign`, { resolverGroup: CORREO, assignee: 'Correo@CAU.mx', note: 'Es del correo, no de la red' });
    expect(res).toMatchObject({ status: 200, body: { changed: true, ticket: { resolverGroup: CORREO, assignee: 'correo@cau.mx', status: 'assigned' } } });
    expect((await history(as.coord, x.number)).at(-1)).toMatchObject({
      actor: 'agente@cau.mx',
      fromStatus: 'registered',
      toStatus: 'assigned',
      note: `Grupo resolutor: «${REDES}» → «${CORREO}». Responsable: sin asignar → correo@cau.mx. Nota: Es del correo, no de la red`,
    });
    expect((await as.redes.request('GET', `/api/tickets/${x.number}`)).status).toBe(404);
    expect((await as.correo.request('GET', `/api/tickets/${x.number}`)).status).toBe(200);

    // The same group and resolver again: nothing changes, nothing is written.
    const events = (await history(as.coord, x.number)).length;
    expect(await as.coord.request('POST', `/api/tickets/${x.number}/assign`, { resolverGroup: CORREO, assignee: 'correo@cau.mx' })).toMatchObject({ status: 200, body: { changed: false } });
    expect(await history(as.coord, x.number)).toHaveLength(events);

    // Back to the network group without naming anyone: the mail resolver does not follow it; status stays.
    expect(await as.coord.request('POST', `/api/tickets/${x.number}/assign`, { resolverGroup: REDES })).toMatchObject({ status: 200, body: { ticket: { resolverGroup: REDES, assignee: null, status: 'assigned' } } });
    expect((await history(as.coord, x.number)).at(-1)).toMatchObject({ fromStatus: null, toStatus: null, note: `Grupo resolutor: «${CORREO}» → «${REDES}». Responsable: correo@cau.mx → sin asignar.` });

    for (const [assignee, why] of [
      ['correo@cau.mx', 'resolver of another group'],
      ['baja@cau.mx', 'inactive resolver'],
      ['coord@cau.mx', 'not a resolver'],
      ['nadie@cau.mx', 'unknown'],
    ]) {
      const bad = await as.coord.request('POST', `/api/tickets/${x.number}/assign`, { assignee });
      expect([why, bad]).toEqual([why, expect.objectContaining({ status: 400, body: { error: { code: 'BadArgument', message: `${assignee} no es un resolutor activo del grupo «${REDES}».` } } })]);
    }
    expect(await as.coord.request('POST', `/api/tickets/${x.number}/assign`, { resolverGroup: CORREO, assignee: 'redes@cau.mx' })).toMatchObject({ status: 400 });
    expect((await history(as.coord, x.number)).at(-1)?.note).toMatch(/correo@cau.mx → sin asignar/);

    await as.coord.request('POST', `/api/tickets/${x.number}/status`, { status: 'cancelled' });
    expect(await as.coord.request('POST', `/api/tickets/${x.number}/assign`, { assignee: 'redes@cau.mx' })).toMatchObject({
      status: 409,
      body: { error: { code: 'InvalidTransition', message: 'Un ticket cancelado no se puede reasignar.' } },
    });
  });

  it('answers 400 with a Spanish JSON message to bad bodies and queries, and 404 to unknown numbers', async () => {
    const x = await register();
    const n = x.number;
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', `/api/tickets/${n}/status`, { status: 'terminado' }, /^Cambio de estado inválido: status: Indique el estado nuevo: registered, assigned/],
      ['POST', `/api/tickets/${n}/status`, {}, /status: Indique el estado nuevo/],
      ['POST', `/api/tickets/${n}/status`, { status: 'closed', prioridad: 'P1' }, /Llave desconocida: "prioridad"/],
      ['POST', `/api/tickets/${n}/status`, [1, 2], /cuerpo de la solicitud debe ser un objeto JSON/],
      ['POST', `/api/tickets/${n}/notes`, { note: '   ' }, /^Nota inválida: note: La nota no puede estar vacía\.$/],
      ['POST', `/api/tickets/${n}/notes`, { note: 'x'.repeat(4001) }, /La nota admite hasta 4000 caracteres/],
      ['POST', `/api/tickets/${n}/notes`, { nota: 'hola' }, /note:/],
      ['POST', `/api/tickets/${n}/notes`, '{"note": ', /no es JSON válido/],
      ['POST', `/api/tickets/${n}/assign`, {}, /Indique el grupo resolutor, el resolutor responsable o ambos/],
      ['POST', `/api/tickets/${n}/assign`, { assignee: 'no-es-correo' }, /assignee: El responsable debe ser el correo de un resolutor/],
      ['POST', `/api/tickets/${n}/assign`, { resolverGroup: '  ' }, /resolverGroup: El grupo resolutor no puede estar vacío/],
      ['GET', '/api/tickets?status=abierto', undefined, /^Consulta inválida: status\.0: Estado desconocido/],
      ['GET', '/api/tickets?limit=0', undefined, /limit:/],
      ['GET', '/api/tickets?limit=muchos', undefined, /limit: Debe ser un número/],
      ['GET', '/api/tickets?limit=101', undefined, /limit: Como máximo 100/],
      ['GET', '/api/tickets?from=ayer', undefined, /from: Debe ser una fecha AAAA-MM-DD/],
      ['GET', '/api/tickets?to=2026-02-30', undefined, /\bto\b.*fecha AAAA-MM-DD/],
      ['GET', '/api/tickets?cursor=basura', undefined, /El cursor de paginación no es válido/],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await as.coord.request(method, path, body);
      expect([method, path, res.status]).toEqual([method, path, 400]);
      expect((res.body as ErrorJson).error).toEqual(expect.objectContaining({ code: 'BadArgument', message: expect.stringMatching(message) }));
    }
    for (const [method, path, body] of [
      ['GET', '/api/tickets/CAU-2026-999999', undefined],
      ['POST', '/api/tickets/CAU-2026-999999/status', { status: 'closed' }],
      ['POST', '/api/tickets/CAU-2026-999999/notes', { note: 'hola' }],
      ['POST', '/api/tickets/CAU-2026-999999/assign', { assignee: 'redes@cau.mx' }],
    ] as const) {
      expect(await as.coord.request(method, path, body)).toMatchObject({ status: 404, body: { error: { code: 'TicketNotFound', message: 'No existe el ticket CAU-2026-999999.' } } });
    }
    // Nothing of the bad requests reached the history.
    expect(await history(as.coord, n)).toHaveLength(1);
  });
});
