import { randomUUID } from 'node:crypto';
import { RequesterRoutes } from '../../console/api/requester.routes';
import { RequesterAdminRepository, type Db } from '../../models';
import { conversations, requesterIdentities, requesters } from '../../models/schema';
import { RequesterAdminService } from '../../services/requesters/requester-admin.service';
import { ConsoleSession } from '../support/console-session';
import { startApp, type RunningApp } from '../support/harness';

/**
 * The requesters API over HTTP against the whole application: who may call it (401/403/CSRF), what bad bodies get
 * (400 with a Spanish message), and a search → detail → merge → split round.
 */

const PASSWORD = 'contraseña-segura-123';
const REASON = 'Misma persona, confirmado por teléfono.';

/** The app with the requesters API: the one the container wires (`app.requesterAdmin`), or one over its database. */
async function startRequesterApp(): Promise<RunningApp> {
  const running = await startApp();
  const wired: unknown = Reflect.get(running.app, 'requesterAdmin');
  if (wired instanceof RequesterAdminService) return running;
  const requesterAdmin = new RequesterAdminService({ repo: new RequesterAdminRepository(running.app.database.db), clock: { now: () => new Date() } });
  new RequesterRoutes({ sessions: running.app.sessions, requesters: requesterAdmin }).register(running.app.server);
  return running;
}

async function person(db: Db, fields: Partial<typeof requesters.$inferInsert>, identities: Array<{ kind: string; value: string; proof?: string | null }>): Promise<string> {
  const [row] = await db.insert(requesters).values(fields).returning();
  // Each identity a millisecond after the previous: the API lists them oldest first, and two inserts can share a clock tick.
  const base = Date.now();
  for (const [n, i] of identities.entries()) {
    await db.insert(requesterIdentities).values({ kind: i.kind, value: i.value, requesterId: row!.id, verified: i.proof !== null, proof: i.proof === undefined ? 'channel' : i.proof, createdAt: new Date(base + n) });
  }
  return row!.id;
}

interface Listed {
  id: string;
  name: string | null;
  identities: Array<{ kind: string; value: string; verified: boolean; proof: string | null; createdAt: string }>;
  ticketCount: number;
  lastSeenAt: string;
}
interface Detail extends Listed {
  tickets: Array<{ id: string; number: string; status: string; kind: string; channel: string; createdAt: string }>;
  conversationCount: number;
}

describe('requesters API', () => {
  let running: RunningApp;
  let coord: ConsoleSession;
  let admin: ConsoleSession;
  let agent: ConsoleSession;
  let resolver: ConsoleSession;
  let carmen: string;
  let carmenX: string;
  let ticketNumber: string;

  beforeAll(async () => {
    running = await startRequesterApp();
    const { app } = running;
    await app.users.create({ email: 'coord@cau.mx', role: 'coordinator', password: PASSWORD, actor: 'test' });
    await app.users.create({ email: 'admin@cau.mx', role: 'admin', password: PASSWORD, actor: 'test' });
    await app.users.create({ email: 'agente@cau.mx', role: 'agent', password: PASSWORD, actor: 'test' });
    await app.users.create({ email: 'resolutor@cau.mx', role: 'resolver', resolverGroup: 'Redes', password: PASSWORD, actor: 'test' });
    [coord, admin, agent, resolver] = await Promise.all(['coord', 'admin', 'agente', 'resolutor'].map((u) => ConsoleSession.login(running.baseUrl, `${u}@cau.mx`, PASSWORD)));
    const db = app.database.db;
    carmen = await person(db, { name: 'Carmen Núñez Ávila', email: 'carmen@upiita.mx', role: 'administrativo' }, [{ kind: 'email', value: 'carmen@upiita.mx', proof: 'sender' }]);
    carmenX = await person(db, { phone: '5544332211' }, [
      { kind: 'x', value: '1600000000000000001' },
      { kind: 'voice', value: '+525544332211', proof: null },
    ]);
    const conversationId = `x-${randomUUID()}`;
    await db.insert(conversations).values({ id: conversationId, channel: 'x', externalId: conversationId, userId: '1600000000000000001' });
    const { ticket } = await app.tickets.register(
      { kind: 'incident', serviceCode: null, serviceName: null, resolverGroup: null, requester: {}, channel: 'x', conversationId, description: 'No hay red', urgency: 'high', impact: 'minor', requesterId: carmenX },
      'test',
    );
    ticketNumber = ticket.number;
  }, 60_000);
  afterAll(() => running.stop());

  it('answers only coordination: 401 without a session, 403 for agents and resolvers, 403 without the CSRF token', async () => {
    const anonymous = new ConsoleSession(running.baseUrl);
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/api/requesters?q=carmen'],
      ['GET', `/api/requesters/${carmen}`],
      ['POST', `/api/requesters/${carmen}/merge`, { from: [carmenX], reason: REASON }],
      ['POST', `/api/requesters/${carmen}/split`, { identities: [{ kind: 'email', value: 'carmen@upiita.mx' }], reason: REASON }],
    ];
    for (const [method, path, body] of calls) {
      expect(await anonymous.request(method, path, body)).toMatchObject({ status: 401, body: { error: { code: 'Unauthenticated', message: 'Inicie sesión para continuar.' } } });
      for (const who of [agent, resolver]) {
        expect(await who.request(method, path, body)).toMatchObject({ status: 403, body: { error: { code: 'Forbidden', message: 'Su cuenta no tiene permiso para esta operación.' } } });
      }
    }
    expect(await coord.request('POST', `/api/requesters/${carmen}/merge`, { from: [carmenX], reason: REASON }, { csrf: false })).toMatchObject({ status: 403, body: { error: { code: 'CsrfFailed' } } });
    expect(await coord.request('POST', `/api/requesters/${carmen}/split`, { identities: [{ kind: 'email', value: 'carmen@upiita.mx' }], reason: REASON }, { csrf: false })).toMatchObject({
      status: 403,
      body: { error: { code: 'CsrfFailed' } },
    });
    // Nothing above changed anything.
    expect(((await coord.request('GET', `/api/requesters/${carmenX}`)).body as { mergedInto: string | null }).mergedInto).toBeNull();
  });

  it('searches by name without accents, by phone digits and by an identity, and lists what it knows', async () => {
    const search = async (session: ConsoleSession, q: string) => {
      const res = await session.request('GET', `/api/requesters?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return (res.body as { requesters: Listed[] }).requesters;
    };
    expect((await search(coord, 'carmen nunez')).map((r) => r.id)).toEqual([carmen]);
    expect((await search(admin, '55 4433 2211')).map((r) => r.id)).toEqual([carmenX]);
    expect((await search(coord, '1600000000000000001')).map((r) => r.id)).toEqual([carmenX]);
    const [found] = await search(coord, 'CARMEN@UPIITA');
    expect(found).toEqual({
      id: carmen,
      name: 'Carmen Núñez Ávila',
      unitName: null,
      role: 'administrativo',
      email: 'carmen@upiita.mx',
      phone: null,
      identities: [{ kind: 'email', value: 'carmen@upiita.mx', verified: true, proof: 'sender', createdAt: expect.any(String) }],
      ticketCount: 0,
      lastSeenAt: expect.any(String),
    });
    const [x] = await search(coord, '5544332211');
    expect(x).toMatchObject({ ticketCount: 1, identities: [{ kind: 'x' }, { kind: 'voice', verified: false, proof: null }] });
    expect(await coord.request('GET', '/api/requesters?limit=0')).toMatchObject({ status: 400, body: { error: { code: 'BadArgument', message: expect.stringMatching(/El límite va de 1 a 50/) } } });
    expect(await coord.request('GET', `/api/requesters?q=${'a'.repeat(201)}`)).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/hasta 200 caracteres/) } } });
    expect((await coord.request('GET', '/api/requesters?limit=1')).body).toMatchObject({ requesters: [expect.objectContaining({ id: expect.any(String) })] });
  });

  it('shows one record with its tickets, and 404 for ids that do not exist', async () => {
    const res = await coord.request('GET', `/api/requesters/${carmenX}`);
    expect(res).toMatchObject({ status: 200, body: { mergedInto: null, requester: { id: carmenX, phone: '5544332211', conversationCount: 1, tickets: [{ number: ticketNumber, status: 'registered', kind: 'incident', channel: 'x' }] } } });
    expect(await coord.request('GET', `/api/requesters/${randomUUID()}`)).toMatchObject({ status: 404, body: { error: { code: 'RequesterNotFound', message: 'Ese solicitante no existe.' } } });
    expect(await coord.request('GET', '/api/requesters/no-es-un-id')).toMatchObject({ status: 404, body: { error: { code: 'RequesterNotFound' } } });
  });

  it('answers bad merge and split bodies with 400 and a Spanish message', async () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['merge', [], /debe ser un objeto JSON/],
      ['merge', { from: [carmenX] }, /motivo/],
      ['merge', { from: [carmenX], reason: 'no' }, /entre 3 y 500 caracteres/],
      ['merge', { from: [carmenX], reason: 'x'.repeat(501) }, /entre 3 y 500 caracteres/],
      ['merge', { from: 'todos', reason: REASON }, /lista de fichas/],
      ['merge', { from: [carmen], reason: REASON }, /consigo misma/],
      ['merge', { from: [randomUUID()], reason: REASON }, /no existe/],
      ['split', { reason: REASON }, /identidades que se separan/],
      ['split', { identities: [{ kind: 'email' }], reason: REASON }, /value/],
      ['split', { identities: [{ kind: 'x', value: '1600000000000000001' }], reason: REASON }, /Solo se pueden separar identidades de esta ficha/],
      ['split', { identities: [{ kind: 'email', value: 'carmen@upiita.mx' }], reason: '  ' }, /entre 3 y 500 caracteres/],
    ];
    for (const [action, body, message] of bad) {
      const res = await coord.request('POST', `/api/requesters/${carmen}/${action}`, body);
      expect({ action, body, status: res.status }).toEqual({ action, body, status: 400 });
      expect(res.body).toMatchObject({ error: { code: 'BadArgument', message: expect.stringMatching(message) } });
    }
    expect(await coord.request('POST', `/api/requesters/${carmen}/split`, { identities: [{ kind: 'email', value: 'carmen@upiita.mx' }], reason: REASON })).toMatchObject({
      status: 409,
      body: { error: { code: 'CannotSplitAll', message: expect.stringMatching(/quedaría vacía/) } },
    });
    expect(await coord.request('POST', `/api/requesters/${randomUUID()}/merge`, { from: [carmen], reason: REASON })).toMatchObject({ status: 404, body: { error: { code: 'RequesterNotFound' } } });
  });

  it('merges, leads the old id to the survivor, refuses a second merge of it, and splits an identity back off', async () => {
    const merged = await coord.request('POST', `/api/requesters/${carmen}/merge`, { from: [carmenX], reason: REASON });
    expect(merged).toMatchObject({
      status: 200,
      body: {
        merged: [carmenX],
        moved: { identities: 2, tickets: 1, attentions: 0, callbacks: 0, identityCodes: 0, handoffs: 0 },
        filled: ['phone'],
        requester: { id: carmen, name: 'Carmen Núñez Ávila', phone: '5544332211', tickets: [{ number: ticketNumber }] },
      },
    });
    const old = await coord.request('GET', `/api/requesters/${carmenX}`);
    expect(old).toMatchObject({ status: 200, body: { mergedInto: carmen, requester: { id: carmen, tickets: [{ number: ticketNumber }] } } });
    expect(((old.body as { requester: Detail }).requester.identities.map((i) => i.kind))).toEqual(['email', 'x', 'voice']);
    expect(await coord.request('POST', `/api/requesters/${carmen}/merge`, { from: [carmenX], reason: REASON })).toMatchObject({ status: 409, body: { error: { code: 'RequesterMerged' } } });
    expect(await coord.request('POST', `/api/requesters/${carmenX}/split`, { identities: [{ kind: 'x', value: '1600000000000000001' }], reason: REASON })).toMatchObject({
      status: 409,
      body: { error: { code: 'RequesterMerged', message: expect.stringMatching(/ya se fusionó/) } },
    });

    const split = await admin.request('POST', `/api/requesters/${carmen}/split`, {
      identities: [
        { kind: 'x', value: '1600000000000000001' },
        { kind: 'voice', value: '+525544332211' },
      ],
      reason: 'El X y el teléfono son de su compañero.',
    });
    expect(split.status).toBe(201);
    const body = split.body as { requester: Detail; source: Detail; moved: Record<string, number>; cleared: string[] };
    expect(body.requester).toMatchObject({ name: null, phone: '5544332211', email: null, tickets: [{ number: ticketNumber }] });
    expect(body.requester.identities.map((i) => [i.kind, i.proof])).toEqual([
      ['x', 'coordinator'],
      ['voice', 'coordinator'],
    ]);
    expect(body.source).toMatchObject({ id: carmen, phone: null, tickets: [], identities: [{ kind: 'email' }] });
    expect(body.cleared).toEqual(['phone']);
    expect(body.moved).toMatchObject({ identities: 2, tickets: 1 });

    const log = await running.app.repositories.audit.latest(10);
    expect(log.filter((a) => a.action.startsWith('requester.')).map((a) => [a.actor, a.action, a.target])).toEqual([
      ['admin@cau.mx', 'requester.split', carmen],
      ['coord@cau.mx', 'requester.merge', carmen],
    ]);
  });
});
