import type { AddressInfo } from 'node:net';
import { desc, eq } from 'drizzle-orm';
import pino from 'pino';
import type { Server } from 'restify';
import { makeServer } from '../../app/server';
import { AuthRoutes } from '../../console/api/auth.routes';
import { AgentPhoneRoutes, HandoffRoutes } from '../../console/api/handoff.routes';
import { createRepositories, type Repositories } from '../../models';
import { auditLog, users as usersTable } from '../../models/schema';
import { SessionService } from '../../services/auth/session.service';
import { ConversationService } from '../../services/conversations/conversation.service';
import { HandoffService } from '../../services/handoff/handoff.service';
import type { AgentSnapshot, PersonChannel } from '../../services/handoff/handoff-types';
import { RateLimiter } from '../../services/http/rate-limiter';
import { Metrics } from '../../services/observability/metrics';
import { TicketService } from '../../services/tickets/ticket.service';
import { UserService } from '../../services/users/user.service';
import { VOICE_ROUTE_HELP } from '../../services/users/voice-route';
import { ConsoleSession } from '../support/console-session';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

/**
 * «Teléfono para llamadas» through the console API (issue 6): an agent sets where their accepted calls ring, and
 * reads it back in canonical form; coordinators and admins set anybody's; nobody else touches it; every change is
 * audited; the agent snapshot carries it; and a call cannot be accepted without it, but can right after it is set.
 */

const PASSWORD = 'contraseña-segura-123';
const GROUP = 'Mesa de ayuda';

interface ErrorJson {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const nobody: PersonChannel = { say: async () => undefined, signal: async () => undefined, typing: async () => undefined };

describe.each(testBackends())('agent phone API on %s', (backend) => {
  let t: TestDatabase;
  let repos: Repositories;
  let server: Server;
  let baseUrl: string;
  let handoff: HandoffService;
  const ids: Record<string, string> = {};
  const as: Record<'anon' | 'ana' | 'beto' | 'coord' | 'admin' | 'redes', ConsoleSession> = {} as never;

  const phone = (s: ConsoleSession, route: unknown, path = '/api/handoff/me/phone') => s.request('PUT', path, { route });
  const snapshot = async (s: ConsoleSession): Promise<AgentSnapshot> => {
    const res = await s.request('GET', '/api/handoff/snapshot');
    expect(res.status).toBe(200);
    return (res.body as { snapshot: AgentSnapshot }).snapshot;
  };
  const stored = async (email: string) => (await repos.users.findByEmail(email))?.voiceRoute ?? null;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    repos = createRepositories(t.database);
    const users = new UserService(repos.users, repos.audit);
    const clock = { now: () => new Date() };
    const sessions = new SessionService(users, repos.sessions, clock);
    handoff = new HandoffService({
      repo: repos.handoffs,
      conversations: new ConversationService(repos.conversations),
      tickets: new TicketService(repos.tickets, clock),
      listen: (channel, onMessage, onResync) => t.database.listen(channel, onMessage, onResync),
      hours: { isOpen: () => true, describeNextOpening: () => '' },
      knownGroups: () => [GROUP],
      clock,
      logger: silent,
      settings: { defaultGroup: GROUP },
    });
    handoff.attachPerson(nobody, ['voice', 'webchat']);
    server = makeServer({
      logger: pino({ level: 'silent' }),
      metrics: new Metrics({ defaultMetrics: false }),
      ready: () => t.database.ping(),
      routes: [
        new AuthRoutes({ sessions, limiter: new RateLimiter(1000, 1000), secureCookies: false, sessionMaxAgeSeconds: 3600 }),
        new HandoffRoutes({ sessions, handoff }),
        new AgentPhoneRoutes({ sessions, users }),
      ],
      page: { botName: 'Ventanilla', orgName: 'CAU', primaryColor: '#123456', accentColor: '#654321' },
      bodyLimitBytes: 1_000_000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const accounts = [
      { key: 'ana', email: 'ana@cau.mx', role: 'agent' },
      { key: 'beto', email: 'beto@cau.mx', role: 'agent' },
      { key: 'coord', email: 'coord@cau.mx', role: 'coordinator' },
      { key: 'admin', email: 'admin@cau.mx', role: 'admin' },
      { key: 'redes', email: 'redes@cau.mx', role: 'resolver', resolverGroup: 'Redes' },
    ] as const;
    for (const { key, ...a } of accounts) {
      ids[key] = (await users.create({ ...a, password: PASSWORD, displayName: key, actor: 'test' })).user.id;
      as[key] = await ConsoleSession.login(baseUrl, a.email, PASSWORD);
    }
    as.anon = new ConsoleSession(baseUrl);
  }, 120_000);

  afterAll(async () => {
    await handoff.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.dispose();
  });

  it('lets an agent set, read and clear their own phone, stored in one canonical form and audited', async () => {
    expect(await as.ana.request('GET', '/api/handoff/me/phone')).toMatchObject({ status: 200, body: { route: null } });

    expect(await phone(as.ana, '(55) 1234-5678')).toMatchObject({ status: 200, body: { route: '+525512345678' } });
    expect(await as.ana.request('GET', '/api/handoff/me/phone')).toMatchObject({ status: 200, body: { route: '+525512345678' } });
    expect(await stored('ana@cau.mx')).toBe('+525512345678');

    expect(await phone(as.ana, 'SIP:42500@PBX.Example.gob.mx:5060;transport=tls')).toMatchObject({ status: 200, body: { route: 'sip:42500@pbx.example.gob.mx:5060;transport=tls' } });
    // Writing the same route again changes nothing and is not audited twice.
    expect(await phone(as.ana, 'sip:42500@pbx.example.gob.mx:5060;transport=tls')).toMatchObject({ status: 200 });
    expect(await phone(as.ana, null)).toMatchObject({ status: 200, body: { route: null } });
    expect(await stored('ana@cau.mx')).toBeNull();
    // An empty text clears it too (the console's emptied field).
    await phone(as.ana, '+52 55 1234 5678');
    expect(await phone(as.ana, '   ')).toMatchObject({ status: 200, body: { route: null } });

    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'user.voice_route')).orderBy(desc(auditLog.id));
    expect(audit.filter((a) => a.target === ids.ana).map((a) => [a.actor, a.details])).toEqual([
      ['ana@cau.mx', { email: 'ana@cau.mx', from: '+525512345678', to: null }],
      ['ana@cau.mx', { email: 'ana@cau.mx', from: null, to: '+525512345678' }],
      ['ana@cau.mx', { email: 'ana@cau.mx', from: 'sip:42500@pbx.example.gob.mx:5060;transport=tls', to: null }],
      ['ana@cau.mx', { email: 'ana@cau.mx', from: '+525512345678', to: 'sip:42500@pbx.example.gob.mx:5060;transport=tls' }],
      ['ana@cau.mx', { email: 'ana@cau.mx', from: null, to: '+525512345678' }],
    ]);
  });

  it('refuses a route nobody can dial with a Spanish 400 naming the field, and keeps the one stored', async () => {
    await phone(as.beto, '55 8765 4321');
    const res = await phone(as.beto, '1234 5678');
    expect(res.status).toBe(400);
    const { error } = res.body as ErrorJson;
    expect(error.code).toBe('BadArgument');
    expect(error.message).toMatch(/^Teléfono inválido: El número tiene 8 dígitos: un teléfono de México lleva 10/);
    expect(error.details).toEqual([{ path: 'route', message: expect.stringContaining(VOICE_ROUTE_HELP) }]);
    expect(await phone(as.beto, 'sip:42500@pbx')).toMatchObject({ status: 400, body: { error: { details: [{ path: 'route', message: expect.stringContaining('sip:usuario@servidor') }] } } });
    expect(await stored('beto@cau.mx')).toBe('+525587654321');
  });

  it('refuses bodies that are not {"route": text | null}, in Spanish', async () => {
    for (const body of [{}, { route: 5551234567 }, { route: '55 1234 5678', extra: true }, { route: 'x'.repeat(256) }]) {
      const res = await as.beto.request('PUT', '/api/handoff/me/phone', body);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'BadArgument', message: expect.stringMatching(/^Teléfono inválido: /) } } });
    }
    expect(await as.beto.request('PUT', '/api/handoff/me/phone', '"55 1234 5678"')).toMatchObject({ status: 400, body: { error: { message: 'El cuerpo de la solicitud debe ser un objeto JSON.' } } });
    expect(await stored('beto@cau.mx')).toBe('+525587654321');
  });

  it('is for signed-in agents, coordinators and admins, with the CSRF token on changes', async () => {
    for (const [method, path] of [['GET', '/api/handoff/me/phone'], ['PUT', '/api/handoff/me/phone'], ['GET', `/api/handoff/agents/${ids.ana}/phone`]] as const) {
      expect(await as.anon.request(method, path, method === 'PUT' ? { route: null } : undefined)).toMatchObject({ status: 401, body: { error: { code: 'Unauthenticated' } } });
      expect(await as.redes.request(method, path, method === 'PUT' ? { route: '55 1234 5678' } : undefined)).toMatchObject({
        status: 403,
        body: { error: { code: 'Forbidden', message: 'Su cuenta no tiene permiso para esta operación.' } },
      });
    }
    expect(await as.beto.request('PUT', '/api/handoff/me/phone', { route: null }, { csrf: false })).toMatchObject({ status: 403, body: { error: { code: 'CsrfFailed' } } });
    expect(await stored('beto@cau.mx')).toBe('+525587654321');
    expect(await stored('redes@cau.mx')).toBeNull();
  });

  it('lets an agent read and change only their own; coordinators and admins anybody’s who takes calls', async () => {
    const beto = `/api/handoff/agents/${ids.beto}/phone`;
    const forbidden = { status: 403, body: { error: { code: 'Forbidden', message: expect.stringMatching(/^Solo puede consultar o cambiar su propio teléfono/) } } };
    expect(await as.ana.request('GET', beto)).toMatchObject(forbidden);
    expect(await phone(as.ana, '55 1111 2222', beto)).toMatchObject(forbidden);
    expect(await stored('beto@cau.mx')).toBe('+525587654321');
    // Their own id is the same as «me».
    expect(await phone(as.ana, '55 1111 2222', `/api/handoff/agents/${ids.ana}/phone`)).toMatchObject({ status: 200, body: { route: '+525511112222' } });

    expect(await as.coord.request('GET', beto)).toMatchObject({ status: 200, body: { route: '+525587654321' } });
    // Ids are matched whatever their case.
    expect(await phone(as.coord, 'sip:42501@pbx.example.gob.mx', `/api/handoff/agents/${ids.beto!.toUpperCase()}/phone`)).toMatchObject({
      status: 200,
      body: { route: 'sip:42501@pbx.example.gob.mx' },
    });
    expect(await phone(as.admin, '+1 202 555 0100', `/api/handoff/agents/${ids.coord}/phone`)).toMatchObject({ status: 200, body: { route: '+12025550100' } });
    expect(await stored('beto@cau.mx')).toBe('sip:42501@pbx.example.gob.mx');
    expect(await stored('coord@cau.mx')).toBe('+12025550100');
    const [last] = await t.database.db.select().from(auditLog).where(eq(auditLog.target, ids.beto!)).orderBy(desc(auditLog.id)).limit(1);
    expect(last).toMatchObject({ actor: 'coord@cau.mx', action: 'user.voice_route', details: { from: '+525587654321', to: 'sip:42501@pbx.example.gob.mx' } });

    // Resolvers do not take calls; unknown and malformed ids are told apart.
    expect(await phone(as.coord, '55 1234 5678', `/api/handoff/agents/${ids.redes}/phone`)).toMatchObject({ status: 400, body: { error: { code: 'BadArgument', message: expect.stringMatching(/solo aplica a cuentas de agente/) } } });
    expect(await as.coord.request('GET', '/api/handoff/agents/3f1c6a2e-0000-4000-8000-000000000000/phone')).toMatchObject({ status: 404, body: { error: { code: 'NotFound', message: 'No existe esa cuenta de usuario.' } } });
    expect(await as.coord.request('GET', '/api/handoff/agents/ana/phone')).toMatchObject({ status: 400, body: { error: { code: 'BadArgument', message: 'El identificador de la cuenta no es válido.' } } });
    expect(await stored('redes@cau.mx')).toBeNull();
  });

  it('carries the phone in the agent snapshot, with or without presence', async () => {
    await phone(as.admin, null);
    expect((await snapshot(as.admin)).me.voiceRoute).toBeNull();
    await phone(as.admin, '55 3333 4444');
    expect((await snapshot(as.admin)).me.voiceRoute).toBe('+525533334444');
    // Online, the agent comes from the shared board of agents.
    expect(await as.admin.request('PUT', '/api/handoff/presence', { status: 'away' })).toMatchObject({ status: 204 });
    expect((await snapshot(as.admin)).me.voiceRoute).toBe('+525533334444');
  });

  it('refuses a call to an agent without a phone, in Spanish, and lets them take it once it is set', async () => {
    await t.database.db.update(usersTable).set({ voiceRoute: null }).where(eq(usersTable.id, ids.ana!));
    // The agent is online but away: the call waits in the queue for them instead of being offered.
    expect(await as.ana.request('PUT', '/api/handoff/presence', { status: 'away' })).toMatchObject({ status: 204 });
    const conversation = await new ConversationService(repos.conversations).create('voice', 'CA0123456789abcdef0123456789abcdef');
    const outcome = await handoff.request({ conversationId: conversation.id, channel: 'voice', reason: 'asked', context: { request: 'quiero hablar con alguien' } });
    expect(outcome).toMatchObject({ kind: 'queued', position: 1 });
    if (outcome.kind !== 'queued') return;

    const refused = await as.ana.request('POST', `/api/handoff/${outcome.handoffId}/accept`, {});
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'NoPhoneConfigured', message: expect.stringMatching(/^Para atender llamadas necesita un teléfono/) } } });
    expect((await snapshot(as.ana)).queue.map((v) => [v.id, v.channel])).toEqual([[outcome.handoffId, 'voice']]);

    await phone(as.ana, 'sip:42500@pbx.example.gob.mx');
    const accepted = await as.ana.request('POST', `/api/handoff/${outcome.handoffId}/accept`, {});
    expect(accepted).toMatchObject({ status: 200, body: { handoff: { id: outcome.handoffId, channel: 'voice', status: 'assigned' } } });
    expect(await handoff.agentVoiceRoute(ids.ana!)).toBe('sip:42500@pbx.example.gob.mx');
  });
});
