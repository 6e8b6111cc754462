import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Server } from 'restify';
import { makeServer } from '../../app/server';
import { AuthRoutes } from '../../console/api/auth.routes';
import { TicketRoutes } from '../../console/api/ticket.routes';
import { createRepositories } from '../../models';
import { SessionService } from '../../services/auth/session.service';
import { parseCatalog } from '../../services/catalog/catalog-format';
import { readDefaultCatalog } from '../../services/catalog/default-catalog';
import { RateLimiter } from '../../services/http/rate-limiter';
import { Metrics } from '../../services/observability/metrics';
import { TicketService } from '../../services/tickets/ticket.service';
import { UserService } from '../../services/users/user.service';
import { ConsoleSession } from '../support/console-session';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

/**
 * POST /api/tickets: the desk registers requests that came by letter (oficio) or in person (presencial) into the
 * same tickets as the bot's, with the channel recorded.
 */

const PASSWORD = 'contraseña-segura-123';

interface TicketJson {
  number: string;
  kind: string;
  status: string;
  channel: string;
  serviceCode: string | null;
  serviceName: string | null;
  resolverGroup: string | null;
  requester: Record<string, string>;
  description: string;
  urgency: string;
  impact: string;
  priority: string;
}
interface ErrorJson {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const LETTER = {
  channel: 'oficio',
  kind: 'request',
  description: 'Solicita el alta de 3 cuentas de correo para personal de nuevo ingreso.',
  urgency: 'medium',
  impact: 'minor',
  serviceCode: 'CORREO-ALTA-CUENTA',
  requester: { name: 'Mtra. Rosa Díaz', unitName: 'ESCOM', role: 'administrativo', extension: '52001', email: 'Rosa.Diaz@ipn.mx', phone: '55 1234 5678' },
  reference: 'DG/0457/2026',
};

describe.each(testBackends())('registering walk-in and letter requests on %s', (backend) => {
  let t: TestDatabase;
  let server: Server;
  let tickets: TicketService;
  let registered = 0;
  const as: Record<'anon' | 'agent' | 'coord' | 'resolver', ConsoleSession> = {} as never;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    const repos = createRepositories(t.database);
    const users = new UserService(repos.users, repos.audit);
    tickets = new TicketService(repos.tickets, { now: () => new Date('2026-11-02T16:00:00Z') });
    const sessions = new SessionService(users, repos.sessions, { now: () => new Date() });
    const catalog = { catalog: parseCatalog(readDefaultCatalog()) };
    server = makeServer({
      logger: pino({ level: 'silent' }),
      metrics: new Metrics({ defaultMetrics: false }),
      ready: () => t.database.ping(),
      routes: [
        new AuthRoutes({ sessions, limiter: new RateLimiter(1000, 1000), secureCookies: false, sessionMaxAgeSeconds: 3600 }),
        new TicketRoutes({ sessions, tickets, catalog, onRegistered: () => (registered += 1) }),
      ],
      page: { botName: 'Ventanilla', orgName: 'CAU', primaryColor: '#123456', accentColor: '#654321' },
      bodyLimitBytes: 1_000_000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const a of [
      { email: 'agente@cau.mx', role: 'agent' },
      { email: 'coord@cau.mx', role: 'coordinator' },
      { email: 'redes@cau.mx', role: 'resolver', resolverGroup: 'Redes y telecomunicaciones' },
    ]) {
      await users.create({ ...a, password: PASSWORD, actor: 'test' });
    }
    as.anon = new ConsoleSession(baseUrl);
    as.agent = await ConsoleSession.login(baseUrl, 'agente@cau.mx', PASSWORD);
    as.coord = await ConsoleSession.login(baseUrl, 'coord@cau.mx', PASSWORD);
    as.resolver = await ConsoleSession.login(baseUrl, 'redes@cau.mx', PASSWORD);
  });

  afterAll(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.server.closeAllConnections();
    await closed;
    await t.dispose();
  });

  it('registers a letter with its channel, number of oficio, service and group, and keeps it in the history', async () => {
    const res = await as.agent.request('POST', '/api/tickets', LETTER);
    expect(res.status).toBe(201);
    const { ticket, created } = res.body as { ticket: TicketJson; created: boolean };
    expect(created).toBe(true);
    expect(ticket).toMatchObject({
      number: 'CAU-2026-000001',
      kind: 'request',
      status: 'registered',
      channel: 'oficio',
      serviceCode: 'CORREO-ALTA-CUENTA',
      serviceName: expect.stringMatching(/correo/i),
      resolverGroup: 'Correo institucional',
      urgency: 'medium',
      impact: 'minor',
      priority: 'P4',
      description: 'Oficio núm. DG/0457/2026. Solicita el alta de 3 cuentas de correo para personal de nuevo ingreso.',
    });
    expect(ticket.requester).toEqual({ name: 'Mtra. Rosa Díaz', unit: 'ESCOM', role: 'administrativo', extension: '52001', email: 'rosa.diaz@ipn.mx', phone: '55 1234 5678' });
    expect(registered).toBe(1);

    const { history } = (await as.agent.request('GET', `/api/tickets/${ticket.number}`)).body as { history: Array<{ actor: string; toStatus: string }> };
    expect(history[0]).toMatchObject({ actor: 'agente@cau.mx', toStatus: 'registered' });
    const found = (await as.coord.request('GET', '/api/tickets?channel=oficio&q=DG/0457')).body as { tickets: TicketJson[] };
    expect(found.tickets.map((x) => x.number)).toEqual([ticket.number]);
  });

  it('registers an in-person request with only the requester’s name, and the group it is given', async () => {
    const res = await as.coord.request('POST', '/api/tickets', {
      channel: 'presencial',
      kind: 'incident',
      description: 'La impresora del laboratorio 3 no imprime.',
      urgency: 'high',
      impact: 'moderate',
      resolverGroup: 'Soporte en sitio',
      requester: { name: 'Luis Gómez', email: '', extension: '' },
    });
    expect(res.status).toBe(201);
    const { ticket } = res.body as { ticket: TicketJson };
    expect(ticket).toMatchObject({ channel: 'presencial', kind: 'incident', serviceCode: null, serviceName: null, resolverGroup: 'Soporte en sitio', priority: 'P2' });
    expect(ticket.requester).toEqual({ name: 'Luis Gómez' });
  });

  it('registers once when the same form is sent twice', async () => {
    const body = { ...LETTER, reference: 'DG/0458/2026', clientId: 'form-7f3a9c21' };
    const first = await as.agent.request('POST', '/api/tickets', body);
    const again = await as.agent.request('POST', '/api/tickets', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect((again.body as { ticket: TicketJson; created: boolean }).created).toBe(false);
    expect((again.body as { ticket: TicketJson }).ticket.number).toBe((first.body as { ticket: TicketJson }).ticket.number);
  });

  it('refuses without a session, to a resolver, and without the CSRF header', async () => {
    expect((await as.anon.request('POST', '/api/tickets', LETTER)).status).toBe(401);
    const resolver = await as.resolver.request('POST', '/api/tickets', LETTER);
    expect(resolver.status).toBe(403);
    expect((resolver.body as ErrorJson).error.code).toBe('Forbidden');
    const csrf = await as.agent.request('POST', '/api/tickets', LETTER, { csrf: false });
    expect(csrf.status).toBe(403);
    expect((csrf.body as ErrorJson).error.code).toBe('CsrfFailed');
  });

  it('answers 400 naming each wrong field in Spanish, and registers nothing', async () => {
    const { tickets: before } = (await as.coord.request('GET', '/api/tickets?limit=100')).body as { tickets: TicketJson[] };
    const cases: Array<[unknown, string[]]> = [
      [{}, ['channel', 'kind', 'description', 'urgency', 'impact', 'requester']],
      [{ ...LETTER, channel: 'webchat' }, ['channel']],
      [{ ...LETTER, kind: 'informative' }, ['kind']],
      [{ ...LETTER, description: '   ' }, ['description']],
      [{ ...LETTER, requester: { unitName: 'ESCOM' } }, ['requester.name']],
      [{ ...LETTER, requester: { ...LETTER.requester, email: 'no-es-correo' } }, ['requester.email']],
      [{ ...LETTER, requester: { ...LETTER.requester, role: 'jefe' } }, ['requester.role']],
      [{ ...LETTER, requester: { ...LETTER.requester, extension: 'ext 5' } }, ['requester.extension']],
      [{ ...LETTER, requester: { ...LETTER.requester, curp: 'X' } }, ['requester']],
      [{ ...LETTER, serviceCode: 'NO-EXISTE' }, ['serviceCode']],
      [{ ...LETTER, reference: 'x'.repeat(101) }, ['reference']],
      [{ ...LETTER, number: 'CAU-2026-999999' }, ['(raíz)']],
    ];
    for (const [body, paths] of cases) {
      const res = await as.agent.request('POST', '/api/tickets', body);
      expect(res.status).toBe(400);
      const error = (res.body as ErrorJson).error;
      expect(error.code).toBe('BadArgument');
      expect((error.details ?? []).map((d) => d.path)).toEqual(paths);
    }
    const missing = await as.agent.request('POST', '/api/tickets', { ...LETTER, requester: {} });
    expect((missing.body as ErrorJson).error.details?.[0]?.message).toBe('Escriba el nombre de quien solicita.');
    const unknown = await as.agent.request('POST', '/api/tickets', { ...LETTER, serviceCode: 'NO-EXISTE' });
    expect((unknown.body as ErrorJson).error.message).toContain('no está en el catálogo publicado');
    const { tickets: after } = (await as.coord.request('GET', '/api/tickets?limit=100')).body as { tickets: TicketJson[] };
    expect(after).toHaveLength(before.length);
  });
});
