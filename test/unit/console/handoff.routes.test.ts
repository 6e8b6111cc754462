import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Server } from 'restify';
import { makeServer } from '../../../app/server';
import { HandoffRoutes } from '../../../console/api/handoff.routes';
import { HandoffError } from '../../../services/handoff/handoff-types';
import { Metrics } from '../../../services/observability/metrics';
import { FakeHandoff, FakeSessions } from './fake-handoff';

/**
 * The agent console's handoff API against a fake handoff service: who may call it (session, CSRF, role), what
 * bodies it accepts, and how the service's errors reach the console.
 */

const HANDOFF_ID = '5d7c1f2a-3b4c-4d5e-8f60-718293a4b5c6';
const AGENT_USER = '0f0e0d0c-0b0a-4908-8706-050403020100';
const OTHER_AGENT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

interface ErrorJson {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

describe('HandoffRoutes (console API for live attention)', () => {
  let server: Server;
  let baseUrl: string;
  const handoff = new FakeHandoff();
  const sessions = new FakeSessions();

  beforeAll(async () => {
    sessions.add('agent', { id: AGENT_USER, role: 'agent', displayName: 'Pedro Ruiz' });
    sessions.add('coord', { id: 'c0000000-0000-4000-8000-000000000001', role: 'coordinator', displayName: 'Laura Méndez' });
    sessions.add('admin', { id: 'a0000000-0000-4000-8000-000000000001', role: 'admin' });
    sessions.add('resolver', { id: 'r0000000-0000-4000-8000-000000000001', role: 'resolver' });
    server = makeServer({
      logger: pino({ level: 'silent' }),
      metrics: new Metrics({ defaultMetrics: false }),
      ready: async () => true,
      routes: [new HandoffRoutes({ sessions: sessions.asService(), handoff })],
      page: { botName: 'Ventanilla', orgName: 'CAU', primaryColor: '#123456', accentColor: '#654321' },
      bodyLimitBytes: 1_000_000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.server.closeAllConnections();
    await closed;
  });

  beforeEach(() => {
    handoff.calls.length = 0;
    handoff.failures.clear();
  });

  /** A request as `who` (a session token of FakeSessions, or null for none), with its CSRF header unless `csrf: false`. */
  async function call(
    who: string | null,
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (who) headers.cookie = `vt_session=${who}`;
    if (who && options.csrf !== false) headers['x-csrf-token'] = `csrf-${who}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
  }

  const url = (tail: string) => `/api/handoff/${HANDOFF_ID}${tail}`;
  const detailsOf = (body: unknown) => ((body as ErrorJson).error.details ?? []).map((d) => d.path);

  describe('who may call it', () => {
    // Every row has three cells: with fewer, jest would pass its `done` callback as the body.
    const routes: Array<[string, string, unknown]> = [
      ['GET', '/api/handoff/snapshot', undefined],
      ['PUT', '/api/handoff/presence', { status: 'available' }],
      ['POST', url('/accept'), undefined],
      ['GET', url(''), undefined],
      ['POST', url('/messages'), { text: 'Hola' }],
      ['POST', url('/phrases'), { key: 'greeting' }],
      ['POST', url('/typing'), undefined],
      ['GET', url('/ticket-draft'), undefined],
      ['POST', url('/ticket'), { kind: 'incident', description: 'x', urgency: 'low', impact: 'minor' }],
      ['POST', url('/transfer'), { group: 'Redes', note: 'ver red' }],
      ['POST', url('/return'), undefined],
      ['POST', url('/close'), undefined],
    ];

    it.each(routes)('%s %s answers 401 without a session', async (method, path, body) => {
      const res = await call(null, method, path, body);
      expect(res.status).toBe(401);
      expect((res.body as ErrorJson).error.code).toBe('Unauthenticated');
      expect((res.body as ErrorJson).error.message).toBe('Inicie sesión para continuar.');
    });

    it.each(routes)('%s %s answers 403 to a resolver', async (method, path, body) => {
      const res = await call('resolver', method, path, body);
      expect(res.status).toBe(403);
      expect((res.body as ErrorJson).error.code).toBe('Forbidden');
    });

    it.each(routes.filter(([method]) => method !== 'GET'))('%s %s answers 403 without the CSRF header', async (method, path, body) => {
      const res = await call('agent', method, path, body, { csrf: false });
      expect(res.status).toBe(403);
      expect((res.body as ErrorJson).error.code).toBe('CsrfFailed');
    });

    it('calls nothing in the service when refused', async () => {
      await call(null, 'POST', url('/accept'));
      await call('resolver', 'POST', url('/accept'));
      await call('agent', 'POST', url('/accept'), undefined, { csrf: false });
      expect(handoff.calls).toEqual([]);
    });

    it.each(['agent', 'coord', 'admin'])('lets %s read the snapshot, as themselves', async (who) => {
      const res = await call(who, 'GET', '/api/handoff/snapshot');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const { snapshot } = res.body as { snapshot: { me: { userId: string } } };
      const actor = handoff.callsOf('snapshot')[0]?.actor;
      expect(snapshot.me.userId).toBe(actor?.userId);
      expect(actor?.role).toBe({ agent: 'agent', coord: 'coordinator', admin: 'admin' }[who]);
    });
  });

  describe('bodies and ids', () => {
    it('rejects an id that is not a uuid with 400', async () => {
      for (const [method, path] of [
        ['POST', '/api/handoff/123/accept'],
        ['GET', '/api/handoff/not-a-uuid'],
        ['POST', "/api/handoff/5d7c1f2a-3b4c-4d5e-8f60-718293a4b5c6'/close"],
      ] as const) {
        const res = await call('agent', method, path);
        expect(res.status).toBe(400);
        expect((res.body as ErrorJson).error.message).toBe('El identificador de la conversación no es válido.');
      }
      expect(handoff.calls).toEqual([]);
    });

    it('sets the presence only to available, busy or away', async () => {
      for (const body of [{}, { status: 'offline' }, { status: 'available', extra: 1 }, 'no es json', []]) {
        const res = await call('agent', 'PUT', '/api/handoff/presence', body);
        expect(res.status).toBe(400);
      }
      const bad = await call('agent', 'PUT', '/api/handoff/presence', { status: 'offline' });
      expect(detailsOf(bad.body)).toEqual(['status']);
      expect((bad.body as ErrorJson).error.message).toMatch(/^Estado inválido: status: /);
      const ok = await call('agent', 'PUT', '/api/handoff/presence', { status: 'busy' });
      expect(ok.status).toBe(204);
      expect(handoff.callsOf('setPresence')).toEqual([{ method: 'setPresence', actor: { userId: AGENT_USER, role: 'agent', displayName: 'Pedro Ruiz' }, args: ['busy'] }]);
    });

    it('takes replies of 1 to 4000 characters, trimmed, with an optional client id', async () => {
      const cases: Array<[unknown, string[]]> = [
        [{}, ['text']],
        [{ text: '   ' }, ['text']],
        [{ text: 'x'.repeat(4001) }, ['text']],
        [{ text: 42 }, ['text']],
        [{ text: 'Hola', clientId: 'con espacios' }, ['clientId']],
        [{ text: 'Hola', from: 'bot' }, ['(raíz)']],
      ];
      for (const [body, paths] of cases) {
        const res = await call('agent', 'POST', url('/messages'), body);
        expect(res.status).toBe(400);
        expect(detailsOf(res.body)).toEqual(paths);
      }
      expect(handoff.callsOf('reply')).toEqual([]);
      expect((await call('agent', 'POST', url('/messages'), { text: ' Buenos días ', clientId: 'c-1' })).status).toBe(204);
      expect((await call('agent', 'POST', url('/messages'), { text: 'y'.repeat(4000) })).status).toBe(204);
      expect(handoff.callsOf('reply').map((c) => c.args)).toEqual([
        [HANDOFF_ID, 'Buenos días', 'c-1'],
        [HANDOFF_ID, 'y'.repeat(4000), undefined],
      ]);
    });

    it('sends only the protocol phrases', async () => {
      expect((await call('agent', 'POST', url('/phrases'), { key: 'insult' })).status).toBe(400);
      expect((await call('agent', 'POST', url('/phrases'), {})).status).toBe(400);
      for (const key of ['greeting', 'hold', 'farewell', 'anythingElse']) {
        expect((await call('agent', 'POST', url('/phrases'), { key })).status).toBe(204);
      }
      expect(handoff.callsOf('sendPhrase').map((c) => c.args[1])).toEqual(['greeting', 'hold', 'farewell', 'anythingElse']);
    });

    it('creates a ticket from a complete, valid body', async () => {
      const valid = { kind: 'request', description: ' Alta de cuenta de correo ', urgency: 'high', impact: 'moderate', serviceCode: 'CORREO-ALTA', resolverGroup: 'Correo institucional' };
      const cases: Array<[unknown, string[]]> = [
        [{}, ['kind', 'description', 'urgency', 'impact']],
        [{ ...valid, kind: 'informative' }, ['kind']],
        [{ ...valid, description: '' }, ['description']],
        [{ ...valid, urgency: 'alta' }, ['urgency']],
        [{ ...valid, impact: 'total' }, ['impact']],
        [{ ...valid, serviceCode: 'correo alta' }, ['serviceCode']],
        [{ ...valid, resolverGroup: '' }, ['resolverGroup']],
        [{ ...valid, priority: 'P1' }, ['(raíz)']],
      ];
      for (const [body, paths] of cases) {
        const res = await call('agent', 'POST', url('/ticket'), body);
        expect(res.status).toBe(400);
        expect(detailsOf(res.body)).toEqual(paths);
      }
      const res = await call('agent', 'POST', url('/ticket'), valid);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ ticket: { number: 'CAU-2026-000001', id: '11111111-1111-4111-8111-111111111111' } });
      expect(handoff.callsOf('createTicket')[0]?.args).toEqual([
        HANDOFF_ID,
        { kind: 'request', description: 'Alta de cuenta de correo', urgency: 'high', impact: 'moderate', serviceCode: 'CORREO-ALTA', resolverGroup: 'Correo institucional' },
      ]);
      const minimal = await call('agent', 'POST', url('/ticket'), { kind: 'incident', description: 'Sin red', urgency: 'low', impact: 'minor', serviceCode: null });
      expect(minimal.status).toBe(201);
      expect(handoff.callsOf('createTicket')[1]?.args[1]).toEqual({ kind: 'incident', description: 'Sin red', urgency: 'low', impact: 'minor', serviceCode: null, resolverGroup: null });
    });

    it('transfers to exactly one of a group or an agent, with a note', async () => {
      const cases: Array<[unknown, string[]]> = [
        [{ note: 'sin destino' }, ['group']],
        [{ group: 'Redes', agentUserId: OTHER_AGENT, note: 'los dos' }, ['group']],
        [{ group: 'Redes' }, ['note']],
        [{ group: 'Redes', note: '  ' }, ['note']],
        [{ group: 'Redes', note: 'n'.repeat(1001) }, ['note']],
        [{ agentUserId: 'pedro', note: 'a Pedro' }, ['agentUserId']],
        [{ group: '', note: 'vacío' }, ['group']],
      ];
      for (const [body, paths] of cases) {
        const res = await call('agent', 'POST', url('/transfer'), body);
        expect(res.status).toBe(400);
        expect(detailsOf(res.body)).toEqual(paths);
      }
      expect((await call('agent', 'POST', url('/transfer'), { group: 'Redes', note: ' Revisar el nodo ' })).status).toBe(204);
      expect((await call('agent', 'POST', url('/transfer'), { agentUserId: OTHER_AGENT.toUpperCase(), note: 'Le paso a Ana' })).status).toBe(204);
      expect(handoff.callsOf('transfer').map((c) => c.args)).toEqual([
        [HANDOFF_ID, { group: 'Redes', note: 'Revisar el nodo' }],
        [HANDOFF_ID, { agentUserId: OTHER_AGENT, note: 'Le paso a Ana' }],
      ]);
    });

    it('answers the other routes with what the service returns', async () => {
      const accepted = await call('agent', 'POST', url('/accept'));
      expect(accepted.status).toBe(200);
      expect((accepted.body as { handoff: { id: string; status: string } }).handoff).toMatchObject({ id: HANDOFF_ID, status: 'assigned' });
      const detail = await call('agent', 'GET', url(''));
      expect(detail.status).toBe(200);
      expect(detail.headers.get('cache-control')).toBe('no-store');
      expect(detail.body).toMatchObject({ handoff: { id: HANDOFF_ID }, context: { request: 'No tengo internet' }, transcript: [], watermark: 0, priorTickets: [] });
      const draft = await call('agent', 'GET', url('/ticket-draft'));
      expect(draft.status).toBe(200);
      expect((draft.body as { draft: { serviceCode: string } }).draft.serviceCode).toBe('RED-SIN-ACCESO');
      for (const tail of ['/typing', '/return', '/close']) expect((await call('agent', 'POST', url(tail))).status).toBe(204);
      expect(handoff.calls.map((c) => c.method)).toEqual(['accept', 'detail', 'ticketDraft', 'typing', 'returnToBot', 'close']);
      expect(handoff.calls.every((c) => c.args[0] === HANDOFF_ID)).toBe(true);
    });
  });

  describe('errors of the service', () => {
    it.each([
      [400, 'handoff/invalid_input', 'La conversación ya no admite mensajes.', 'InvalidInput'],
      [403, 'handoff/forbidden', 'Esta conversación la atiende otro agente.', 'Forbidden'],
      [404, 'handoff/not_found', 'No existe esa conversación.', 'NotFound'],
      [409, 'handoff/already_taken', 'Otro agente ya tomó esta conversación.', 'AlreadyTaken'],
    ] as const)('%i %s leaves with that status and its Spanish message', async (status, code, message, apiCode) => {
      handoff.failures.set('accept', new HandoffError(status, code, message));
      const res = await call('agent', 'POST', url('/accept'));
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error: { code: apiCode, message } });
    });

    it('maps errors of every route the same way', async () => {
      handoff.failures.set('reply', new HandoffError(409, 'handoff/not_assigned', 'Acepte la conversación antes de responder.'));
      handoff.failures.set('snapshot', new HandoffError(403, 'handoff/forbidden', 'Sin grupo asignado.'));
      const reply = await call('agent', 'POST', url('/messages'), { text: 'Hola' });
      expect(reply.status).toBe(409);
      expect(reply.body).toEqual({ error: { code: 'NotAssigned', message: 'Acepte la conversación antes de responder.' } });
      const snapshot = await call('agent', 'GET', '/api/handoff/snapshot');
      expect(snapshot.status).toBe(403);
      expect((snapshot.body as ErrorJson).error.message).toBe('Sin grupo asignado.');
    });

    it('answers 500 without details for anything else', async () => {
      handoff.failures.set('close', new Error('connection reset'));
      const res = await call('agent', 'POST', url('/close'));
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain('connection reset');
    });
  });

  it('requires its dependencies', () => {
    expect(() => new HandoffRoutes({ sessions: sessions.asService(), handoff: undefined as never })).toThrow('HandoffRoutes: handoff service is required');
  });
});
