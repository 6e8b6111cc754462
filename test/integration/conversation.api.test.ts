import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { AttentionRepository, CallRepository, ConversationRepository, EmailRepository, HandoffRepository, RequesterRepository, type Database, type NewActivity } from '../../models';
import { conversations } from '../../models/schema';
import { ConsoleSession } from '../support/console-session';
import { startApp, type RunningApp } from '../support/harness';
import { wallTime } from '../support/month-generator';
import { openTestDatabase, testBackends } from '../support/test-database';

/**
 * `GET /api/conversations/:id` on the whole application: a web chat with the bot, an automatic hold line, an agent and
 * an e-mailed file, its ticket, its handoff and a phone call written through the repositories and the ticket service;
 * the coordination reads exactly those lines (quality line shape, the file as a download link that works), the
 * ticket number, the handoff and the call; other roles get 403, no session 401, an unknown id 404 in Spanish.
 */

const TZ = 'America/Mexico_City';
const PASSWORD = 'contraseña-segura-123';
const plus = (d: Date, s: number) => new Date(d.getTime() + s * 1000);
const START = wallTime(TZ, 2026, 11, 10, 9);

type Who = 'in' | 'bot' | 'agent' | 'system';

/** The lines written, in order: [seconds after the start, who, text, a file?]. */
const SPEC: Array<[number, Who, string, boolean?]> = [
  [0, 'bot', 'Buenos días, le atiende Ventanilla. ¿En qué puedo ayudarle?'],
  [9, 'in', 'no me llega el correo <b>urgente</b>'],
  [11, 'bot', 'Con gusto, le comunico con un agente.'],
  [30, 'system', 'Permítame, lo sigo atendiendo; en breve le atiende un agente.'],
  [41, 'agent', 'Buenos días, le atiende Ana López, ¿en qué puedo ayudarle?'],
  [55, 'in', '', true],
  [70, 'agent', 'Registré su ticket; hasta luego.'],
];

async function craft(database: Database, conversationId: string, agentId: string, register: (conversationId: string) => Promise<string>) {
  const conv = new ConversationRepository(database);
  const email = new EmailRepository(database.db);
  await conv.create({ id: conversationId, channel: 'webchat', externalId: conversationId, userId: 'u-1' });
  await database.db.update(conversations).set({ createdAt: START }).where(eq(conversations.id, conversationId));
  const content = Buffer.from('captura de pantalla');
  const fileId = await email.saveAttachment(
    { conversationId, sourceId: 'msg-1', filename: 'captura error.png', contentType: 'image/png', content, sha256: createHash('sha256').update(content).digest('hex') },
    plus(START, 55),
  );
  await conv.appendMany(
    conversationId,
    SPEC.map(([s, who, text, file]): NewActivity => ({
      direction: who === 'in' ? 'in' : 'out',
      channel: 'webchat',
      type: 'message',
      fromId: who === 'in' ? 'u-1' : 'ventanilla-bot',
      recipientId: null,
      clientActivityId: null,
      text: text === '' ? null : text,
      timestamp: plus(START, s),
      payload: {
        type: 'message',
        ...(text ? { text } : {}),
        from: who === 'in' ? { id: 'u-1', role: 'user' } : { id: 'ventanilla-bot', role: 'bot' },
        ...(who === 'agent' ? { channelData: { agent: true, speakerName: 'Ana López' } } : who === 'system' ? { channelData: { automatic: true } } : {}),
        ...(file ? { attachments: [{ contentType: 'image/png', name: 'captura error.png', contentUrl: `/api/attachments/${fileId}` }, { contentType: 'text/html', name: 'externo', contentUrl: 'https://evil.example/x' }] } : {}),
      },
    })),
  );
  // A typing indicator is not a line.
  await conv.append(conversationId, { direction: 'out', channel: 'webchat', type: 'typing', fromId: 'ventanilla-bot', recipientId: null, clientActivityId: null, text: null, timestamp: plus(START, 40), payload: { type: 'typing' } });
  const handoffs = new HandoffRepository(database.db);
  const { handoff } = await handoffs.enqueue(
    { conversationId, channel: 'webchat', resolverGroup: 'Mesa de ayuda', reason: 'asked', context: { request: 'no me llega el correo', person: { name: 'María Pérez', unitName: 'ESCOM' } } },
    plus(START, 11),
  );
  const accepted = await handoffs.accept(handoff.id, agentId, plus(START, 38), () => true);
  if (!accepted.ok) throw new Error('accept failed');
  await handoffs.end(handoff.id, 'closed', 'closed_by_agent', plus(START, 75));
  const calls = new CallRepository(database.db);
  await calls.start({ callSid: `CA${'7'.repeat(32)}`, conversationId, direction: 'inbound', purpose: 'caller', fromNumber: '+5215512345678', status: 'completed', answeredAt: plus(START, 2) }, START);
  const requester = await new RequesterRepository(database.db).save({ kind: 'email', value: 'maria@ipn.mx' }, { name: 'María Pérez', unitName: 'ESCOM', unitCode: 'ESCOM', email: 'maria@ipn.mx' }, true, START);
  const ticket = await register(conversationId);
  await new AttentionRepository(database.db).record(
    { conversationId, channel: 'webchat', requesterId: requester.id, unitCode: 'ESCOM', outcome: 'ticket', serviceCode: 'CORREO', ticketId: null, description: 'no me llega el correo', idempotencyKey: null },
    plus(START, 70),
  );
  return { fileId, ticket };
}

describe.each(testBackends())('conversation transcript API (%s)', (backend) => {
  let running: RunningApp;
  const s = {} as Record<'coordinator' | 'admin' | 'agent' | 'resolver', ConsoleSession>;
  let crafted: { fileId: string; ticket: string };
  const ID = 'dl-conv-transcript-1';

  beforeAll(async () => {
    running = await startApp({ testDatabase: await openTestDatabase(backend), env: { TZ }, overrides: { handoffTickMs: 0 } });
    const { app } = running;
    let agentId = '';
    for (const [role, name] of [['coordinator', 'Coordinadora'], ['admin', 'Admin'], ['agent', 'Ana López'], ['resolver', 'Resolutor']] as const) {
      const { user } = await app.users.create({ email: `${role}@cau.mx`, role, password: PASSWORD, displayName: name, ...(role === 'resolver' ? { resolverGroup: 'Correo institucional' } : {}), actor: 'test' });
      if (role === 'agent') agentId = user.id;
      s[role] = await ConsoleSession.login(running.baseUrl, `${role}@cau.mx`, PASSWORD);
    }
    crafted = await craft(app.database, ID, agentId, async (conversationId) => {
      const { ticket } = await app.tickets.register(
        { kind: 'incident', serviceCode: 'CORREO', serviceName: 'Correo institucional', resolverGroup: 'Correo institucional', requester: { name: 'María Pérez' }, channel: 'webchat', conversationId, description: 'No me llega el correo', urgency: 'medium', impact: 'minor' },
        'bot',
      );
      return ticket.number;
    });
  }, 120_000);
  afterAll(() => running?.stop());

  it('asks for a session and the coordination roles', async () => {
    expect((await fetch(`${running.baseUrl}/api/conversations/${ID}`)).status).toBe(401);
    for (const role of ['agent', 'resolver'] as const) {
      const res = await s[role].request('GET', `/api/conversations/${ID}`);
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('no me llega');
    }
  });

  it('answers 404 in Spanish for a conversation that does not exist', async () => {
    for (const id of ['no-existe', encodeURIComponent('dl-conv-transcript-1 ')]) {
      const res = await s.coordinator.request('GET', `/api/conversations/${id}`);
      expect(res.status).toBe(404);
      expect((res.body as { error: { message: string } }).error.message).toBe('No existe esa conversación.');
    }
    // An id longer than any channel's is not found either (restify itself refuses a very long segment).
    expect((await s.coordinator.request('GET', `/api/conversations/${'x'.repeat(300)}`)).status).toBe(404);
  });

  it('gives the coordination the exact lines, the ticket, the handoff and the call, never cached', async () => {
    for (const role of ['coordinator', 'admin'] as const) {
      const res = await s[role].request('GET', `/api/conversations/${ID}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = res.body as Record<string, unknown>;
      expect(body.conversation).toEqual({ id: ID, channel: 'webchat', createdAt: START.toISOString(), requester: { name: 'María Pérez', unit: 'ESCOM' } });
      expect(body.transcript).toEqual(
        SPEC.map(([sec, who, text, file], i) => ({
          seq: i + 1,
          at: plus(START, sec).toISOString(),
          direction: who === 'in' ? 'in' : 'out',
          from: who === 'in' ? 'person' : who === 'system' ? 'bot' : who,
          ...(who === 'agent' ? { name: 'Ana López' } : {}),
          ...(who === 'system' ? { automatic: true } : {}),
          text,
          // Only the file our download route serves is linked; the foreign URL is dropped.
          ...(file ? { attachments: [{ name: 'captura error.png', contentType: 'image/png', url: `/api/attachments/${crafted.fileId}` }] } : {}),
        })),
      );
      expect(body.tickets).toEqual([crafted.ticket]);
      expect(body.handoffs).toEqual([
        { group: 'Mesa de ayuda', queuedAt: plus(START, 11).toISOString(), acceptedAt: plus(START, 38).toISOString(), closedAt: plus(START, 75).toISOString(), status: 'closed', agent: 'Ana López' },
      ]);
      expect(body.call).toEqual({ startedAt: START.toISOString(), answeredAt: plus(START, 2).toISOString(), durationSeconds: null, transfers: 0 });
    }
    // The link works for the coordination.
    const file = await s.coordinator.request('GET', `/api/attachments/${crafted.fileId}`);
    expect(file.status).toBe(200);
  });

  it('answers a conversation with nothing but its row', async () => {
    await new ConversationRepository(running.app.database).create({ id: 'dl-vacia', channel: 'sms', externalId: 'dl-vacia', userId: null });
    const res = await s.coordinator.request('GET', '/api/conversations/dl-vacia');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ conversation: { id: 'dl-vacia', channel: 'sms' }, transcript: [], tickets: [], handoffs: [], call: null });
    expect((res.body as { conversation: Record<string, unknown> }).conversation).not.toHaveProperty('requester');
  });
});
