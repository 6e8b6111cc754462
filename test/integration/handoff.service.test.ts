import { createRepositories, type Repositories } from '../../models';
import { ConversationService } from '../../services/conversations/conversation.service';
import { HandoffService } from '../../services/handoff/handoff.service';
import type { AgentActor, HandoffSignal, PersonChannel, PersonMessage } from '../../services/handoff/handoff-types';
import { HandoffError } from '../../services/handoff/handoff-types';
import { TicketService } from '../../services/tickets/ticket.service';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

const T0 = new Date('2026-11-23T17:00:00Z');

class ManualClock {
  t = T0.getTime();
  now(): Date {
    return new Date(this.t);
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

/** Records what the service tells the person, in order. */
class RecordingPerson implements PersonChannel {
  said: Array<{ conversationId: string } & PersonMessage> = [];
  signals: Array<{ conversationId: string; signal: HandoffSignal }> = [];
  typed: Array<{ conversationId: string; name: string }> = [];
  async say(conversationId: string, _channel: string, messages: PersonMessage[]): Promise<void> {
    for (const m of messages) this.said.push({ conversationId, ...m });
  }
  async signal(conversationId: string, _channel: string, signal: HandoffSignal): Promise<void> {
    this.signals.push({ conversationId, signal });
  }
  async typing(conversationId: string, _channel: string, name: string): Promise<void> {
    this.typed.push({ conversationId, name });
  }
  to(conversationId: string): string[] {
    return this.said.filter((m) => m.conversationId === conversationId).map((m) => m.text);
  }
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const alwaysOpen: { isOpen(now: Date): boolean; describeNextOpening(now: Date): string } = { isOpen: () => true, describeNextOpening: () => '' };

describe.each(testBackends())('handoff service on %s', (backend) => {
  let t: TestDatabase;
  let repos: Repositories;
  let n = 0;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    repos = createRepositories(t.database);
  });
  afterAll(() => t.dispose());
  // Each test starts with empty queues and nobody online (the periodic work looks at every queue).
  beforeEach(async () => {
    await t.database.db.execute(`update handoffs set status = 'closed' where status in ('queued', 'assigned')` as never);
    await t.database.db.execute(`update agent_presence set status = 'offline'` as never);
  });

  function service(clock: ManualClock, person: PersonChannel, settings: Partial<HandoffService['settings']> = {}, hours = alwaysOpen) {
    const s = new HandoffService({
      repo: repos.handoffs,
      conversations: new ConversationService(repos.conversations),
      tickets: new TicketService(repos.tickets, clock, { prefix: 'CAU', timeZone: 'America/Mexico_City' }),
      listen: (channel, onMessage, onResync) => t.database.listen(channel, onMessage, onResync),
      hours,
      knownGroups: () => ['Correo institucional'],
      clock,
      logger: silent,
      settings: { defaultGroup: `General ${backend} ${++n}`, ...settings },
    });
    s.attachPerson(person, ['webchat']);
    return s;
  }

  async function agent(role: AgentActor['role'] = 'agent', skills: string[] = []): Promise<AgentActor> {
    const user = await repos.users.create({ email: `agente${++n}-${backend}@ipn.mx`, displayName: `Agente ${n}`, role, passwordHash: 'x' });
    if (skills.length > 0) await t.database.db.execute(`update users set skills = '${JSON.stringify(skills)}'::jsonb where id = '${user.id}'` as never);
    return { userId: user.id, role, displayName: user.displayName };
  }

  const request = (conversationId: string, group?: string) => ({
    conversationId,
    channel: 'webchat',
    reason: 'asked' as const,
    resolverGroup: group ?? null,
    context: { request: 'no puedo entrar a mi correo', person: { name: 'María Pérez', email: 'maria@ipn.mx' } },
  });

  async function conversation(): Promise<string> {
    const row = await new ConversationService(repos.conversations).create('webchat', `u${++n}`);
    return row.id;
  }

  /** An available agent who accepted one new conversation. */
  async function attended(s: HandoffService) {
    const a = await agent();
    await s.setPresence(a, 'available');
    const c1 = await conversation();
    await s.request(request(c1));
    const offer = (await s.snapshot(a)).mine[0]!;
    await s.accept(a, offer.id);
    return { a, c1, offer };
  }

  it('says nobody can take it when no agent is online, and queues and offers when one is', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person);
    const c1 = await conversation();
    expect(await s.request(request(c1))).toEqual({ kind: 'unavailable', why: 'no_agents' });

    const ana = await agent();
    await s.setPresence(ana, 'available');
    const queued = await s.request(request(c1));
    expect(queued).toMatchObject({ kind: 'queued', position: 1, alreadyOpen: false });
    // Offered at once to the free agent; the person still waits until they accept.
    const snap = await s.snapshot(ana);
    expect(snap.mine).toHaveLength(1);
    expect(snap.mine[0]).toMatchObject({ status: 'offered', conversationId: c1, personName: 'María Pérez' });
    expect(await s.personMessage(c1, 'sigo aquí')).toMatchObject({ state: 'queued' });
    // Asking again does not queue twice.
    expect(await s.request(request(c1))).toMatchObject({ kind: 'queued', alreadyOpen: true });

    await s.accept(ana, snap.mine[0]!.id);
    expect(person.signals).toEqual([{ conversationId: c1, signal: { kind: 'accepted', agentName: ana.displayName } }]);
    expect(await s.personMessage(c1, 'hola')).toEqual({ state: 'with_agent' });
    await s.reply(ana, snap.mine[0]!.id, 'Buenas tardes, ¿me da su número de empleado?');
    expect(person.said.at(-1)).toMatchObject({ conversationId: c1, speakerName: ana.displayName, text: 'Buenas tardes, ¿me da su número de empleado?' });
  });

  it('routes to the longest-idle agent with room, and lets another agent pick from the queue only within capacity', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person, { capacity: 1 });
    const [a, b] = [await agent(), await agent()];
    await s.setPresence(a, 'available');
    clock.advance(1);
    await s.setPresence(b, 'available');
    const [c1, c2, c3] = [await conversation(), await conversation(), await conversation()];
    await s.request(request(c1));
    clock.advance(0.001);
    await s.request(request(c2));
    clock.advance(0.001);
    const third = await s.request(request(c3));
    const offeredA = (await s.snapshot(a)).mine;
    const offeredB = (await s.snapshot(b)).mine;
    expect(offeredA.map((h) => h.conversationId)).toEqual([c1]);
    expect(offeredB.map((h) => h.conversationId)).toEqual([c2]);
    expect(third).toMatchObject({ kind: 'queued', position: 1 });
    // a is full (capacity 1): picking the queued one is refused.
    const queued = (await s.snapshot(a)).queue.find((h) => h.conversationId === c3)!;
    await expect(s.accept(a, queued.id)).rejects.toMatchObject({ status: 409, code: 'AgentAtCapacity' });
    // b cannot accept a's offer.
    await expect(s.accept(b, offeredA[0]!.id)).rejects.toMatchObject({ status: 409, code: 'HandoffTaken' });
  });

  it('sends hold messages every interval while queued, once across two instances, and tells a better position', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s1 = service(clock, person, { holdSeconds: 25 });
    const s2 = new HandoffService({ ...(s1 as unknown as { deps: ConstructorParameters<typeof HandoffService>[0] }).deps, settings: s1.settings });
    s2.attachPerson(person, ['webchat']);
    const ana = await agent();
    await s1.setPresence(ana, 'available');
    await s1.setPresence(ana, 'away');
    await s1.heartbeat(ana);
    const [c1, c2] = [await conversation(), await conversation()];
    expect(await s1.request(request(c1))).toMatchObject({ kind: 'queued', position: 1 });
    clock.advance(0.001);
    const second = await s1.request(request(c2));
    expect(second).toMatchObject({ position: 2 });
    clock.advance(10);
    await Promise.all([s1.tick(), s2.tick()]);
    expect(person.to(c2)).toEqual([]);
    clock.advance(16);
    await s1.heartbeat(ana);
    await Promise.all([s1.tick(), s2.tick()]);
    expect(person.to(c2)).toHaveLength(1);
    expect(person.to(c2)[0]).toMatch(/lugar 2 de la fila/);
    // c1 leaves: c2 hears it moved up at the next tick, without waiting for the hold interval.
    expect(await s1.personMessage(c1, 'cancelar')).toEqual({ state: 'left_queue' });
    clock.advance(2);
    await Promise.all([s1.tick(), s2.tick()]);
    expect(person.to(c2).at(-1)).toMatch(/ahora está en el lugar 1/);
    expect(person.to(c2)).toHaveLength(2);
  });

  it('on SMS a queued person gets a reminder every five minutes, not every hold interval (each one is a text)', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person, { holdSeconds: 25 });
    s.attachPerson(person, ['sms']);
    const ana = await agent();
    await s.setPresence(ana, 'available');
    await s.setPresence(ana, 'away');
    await s.heartbeat(ana);
    const c = await conversation();
    expect(await s.request({ ...request(c), channel: 'sms' })).toMatchObject({ kind: 'queued', position: 1 });
    for (let i = 0; i < 10; i++) {
      clock.advance(26);
      await s.heartbeat(ana);
      await s.tick();
    }
    expect(person.to(c)).toEqual([]);
    clock.advance(50);
    await s.heartbeat(ana);
    await s.tick();
    expect(person.to(c)).toHaveLength(1);
  });

  it('requeues at the front the conversations of an agent without heartbeat, and expires unanswered offers', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person, { heartbeatStaleSeconds: 45, offerSeconds: 30 });
    const [a, b] = [await agent(), await agent()];
    await s.setPresence(a, 'available');
    const c1 = await conversation();
    await s.request(request(c1));
    const offer = (await s.snapshot(a)).mine[0]!;
    await s.accept(a, offer.id);
    // a vanishes; b comes online and keeps a heartbeat.
    clock.advance(50);
    await s.setPresence(b, 'away');
    await s.tick();
    const requeued = (await s.snapshot(b)).queue.find((h) => h.conversationId === c1)!;
    expect(requeued).toMatchObject({ status: 'queued', position: 1, requeues: 1 });
    expect(person.to(c1).some((text) => /perdió la conexión/.test(text))).toBe(true);
    // b is available: it is offered to b; b lets it ring → back to the queue and b is set away.
    await s.setPresence(b, 'available');
    expect((await s.snapshot(b)).mine.map((h) => h.conversationId)).toEqual([c1]);
    clock.advance(31);
    await s.heartbeat(b);
    await s.tick();
    const snap = await s.snapshot(b);
    expect(snap.me.status).toBe('away');
    expect(snap.queue.map((h) => h.conversationId)).toContain(c1);
  });

  it('offers a ticket or callback after the maximum wait, and when the desk is closed', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    let open = true;
    const s = service(clock, person, { maxWaitSeconds: 60 }, { isOpen: () => open, describeNextOpening: () => 'mañana a las 9:00' });
    const a = await agent();
    await s.setPresence(a, 'away');
    const [c1, c2] = [await conversation(), await conversation()];
    await s.request(request(c1));
    clock.advance(61);
    await s.heartbeat(a);
    await s.request(request(c2));
    await s.tick();
    expect(person.signals).toEqual([{ conversationId: c1, signal: { kind: 'unavailable', why: 'max_wait' } }]);
    open = false;
    await s.tick();
    expect(person.signals[1]).toEqual({ conversationId: c2, signal: { kind: 'unavailable', why: 'closed', nextOpening: 'mañana a las 9:00' } });
    expect(await s.request(request(await conversation()))).toEqual({ kind: 'unavailable', why: 'closed', nextOpening: 'mañana a las 9:00' });
    const id = await s.requestCallback({ conversationId: c1, channel: 'webchat', phone: '55 1234 5678', preferredTime: 'mañana a las diez', reason: 'max_wait' });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect(s.requestCallback({ conversationId: c1, channel: 'webchat', phone: '12', reason: 'x' })).rejects.toBeInstanceOf(HandoffError);
  });

  it('keeps agents to their groups, lets coordinators see all, transfers with a note, registers a ticket, returns to the bot', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person);
    const mail = await agent('agent', ['Correo institucional']);
    const general = await agent('agent');
    const boss = await agent('coordinator');
    await s.setPresence(mail, 'available');
    await s.setPresence(general, 'busy');
    const c1 = await conversation();
    const queued = await s.request(request(c1, 'Correo institucional'));
    expect(queued.kind).toBe('queued');
    const offer = (await s.snapshot(mail)).mine[0]!;
    expect(offer.resolverGroup).toBe('Correo institucional');
    await expect(s.detail(general, offer.id)).rejects.toMatchObject({ status: 403 });
    expect((await s.detail(boss, offer.id)).context.request).toBe('no puedo entrar a mi correo');
    expect(await s.canFollow(general, c1)).toBe(false);
    await expect(s.reply(mail, offer.id, 'hola')).rejects.toMatchObject({ code: 'NotAccepted' });
    await s.accept(mail, offer.id);

    const draft = await s.ticketDraft(mail, offer.id);
    expect(draft).toMatchObject({ description: expect.stringContaining('no puedo entrar a mi correo'), resolverGroup: 'Correo institucional' });
    const ticket = await s.createTicket(mail, offer.id, { ...draft, kind: 'request' });
    expect(ticket.number).toMatch(/^CAU-2026-\d{6}$/);
    expect(person.to(c1).at(-1)).toContain(ticket.number);
    const again = await s.createTicket(mail, offer.id, { ...draft, kind: 'request' });
    expect(again.number).not.toBe('');

    await expect(s.transfer(mail, offer.id, { group: 'No existe', note: 'x' })).rejects.toMatchObject({ status: 400 });
    await s.transfer(mail, offer.id, { group: s.settings.defaultGroup, note: 'Es de la mesa general' });
    const moved = (await s.snapshot(general)).queue.find((h) => h.conversationId === c1)!;
    expect(moved.transferNote).toBe(`${mail.displayName}: Es de la mesa general`);
    await s.setPresence(general, 'available');
    const offered = (await s.snapshot(general)).mine.find((h) => h.conversationId === c1)!;
    await s.accept(general, offered.id);
    await s.returnToBot(general, offered.id);
    expect(person.signals.at(-1)).toEqual({ conversationId: c1, signal: { kind: 'returned', agentName: general.displayName, ticketNumber: again.number } });
    expect(await s.personMessage(c1, 'gracias')).toEqual({ state: 'none' });
    await expect(s.close(general, offered.id)).rejects.toMatchObject({ status: 409 });
  });

  it('sends a hold message as the agent when the person waits for an answer for 30 s', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person, { agentSilentSeconds: 30 });
    const { a, c1 } = await attended(s);
    clock.advance(5);
    await s.personMessage(c1, '¿sigue ahí?');
    clock.advance(20);
    await s.heartbeat(a);
    await s.tick();
    expect(person.to(c1)).toEqual([]);
    clock.advance(11);
    await s.heartbeat(a);
    await s.tick();
    expect(person.said.at(-1)).toMatchObject({ conversationId: c1, speakerName: a.displayName, automatic: true, text: expect.stringMatching(/^Permítame, lo sigo atendiendo/) });
    clock.advance(5);
    await s.tick();
    expect(person.to(c1)).toHaveLength(1);
  });

  it('notifies every instance of handoff changes and transcript lines', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person);
    await s.start(0);
    const seen: string[] = [];
    const stop = s.subscribe((e) => seen.push(e.type === 'activity' ? `activity ${e.conversationId} ${e.seq}` : `${e.type}`));
    const a = await agent();
    await s.setPresence(a, 'available');
    const c1 = await conversation();
    await s.request(request(c1));
    await new ConversationService(repos.conversations).record(c1, 'in', { type: 'message', text: 'hola', from: { id: 'u', role: 'user' } });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !(seen.includes('handoff') && seen.some((x) => x.startsWith(`activity ${c1}`)))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    stop();
    await s.stop();
    expect(seen).toContain('presence');
    expect(seen).toContain('handoff');
    expect(seen).toContain(`activity ${c1} 1`);
  });

  it('counts the maximum wait from the transfer, not from the first queueing', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person, { maxWaitSeconds: 60 });
    const { a, c1, offer } = await attended(s);
    clock.advance(120);
    await s.heartbeat(a);
    await s.transfer(a, offer.id, { group: s.settings.defaultGroup, note: 'Que lo vea otra persona' });
    await s.setPresence(a, 'away');
    await s.tick();
    expect(person.signals.filter((x) => x.signal.kind === 'unavailable')).toEqual([]);
    clock.advance(61);
    await s.heartbeat(a);
    await s.tick();
    expect(person.signals.at(-1)).toEqual({ conversationId: c1, signal: { kind: 'unavailable', why: 'max_wait' } });
  });

  it('leaves the queue only on a whole «cancelar», refuses channels no agent can answer, and accepts once', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person);
    const a = await agent();
    await s.setPresence(a, 'available');
    expect(await s.request({ ...request(await conversation()), channel: 'msteams' })).toEqual({ kind: 'unavailable', why: 'no_agents' });
    const c1 = await conversation();
    await s.request(request(c1));
    expect(await s.personMessage(c1, 'Ya no me deja entrar al correo')).toMatchObject({ state: 'queued' });
    expect(await s.personMessage(c1, 'salir de mi cuenta no funciona')).toMatchObject({ state: 'queued' });
    const offer = (await s.snapshot(a)).mine[0]!;
    await s.accept(a, offer.id);
    await s.accept(a, offer.id);
    expect(person.signals.filter((x) => x.signal.kind === 'accepted')).toHaveLength(1);
    // Accepted meanwhile: «cancelar» is now a message for the agent.
    expect(await s.personMessage(c1, 'cancelar')).toEqual({ state: 'with_agent' });
    const c2 = await conversation();
    await s.request(request(c2));
    expect(await s.personMessage(c2, 'Ya no, gracias.')).toEqual({ state: 'left_queue' });
  });

  it('registers one ticket per request from the conversation, told once', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person);
    const { a, c1, offer } = await attended(s);
    const input = { kind: 'request' as const, description: 'Restablecer la contraseña del correo', urgency: 'medium' as const, impact: 'minor' as const };
    const first = await s.createTicket(a, offer.id, input);
    const retry = await s.createTicket(a, offer.id, input);
    expect(retry.number).toBe(first.number);
    expect(person.to(c1).filter((t) => t.includes(first.number))).toHaveLength(1);
    expect(await repos.tickets.findUnannounced(c1)).toEqual([]);
    const other = await s.createTicket(a, offer.id, { ...input, description: 'Además, la impresora del piso 3 no imprime' });
    expect(other.number).not.toBe(first.number);
  });

  it('hands over to an external hub except on our own web chat, which keeps our queues', async () => {
    const clock = new ManualClock();
    const person = new RecordingPerson();
    const s = service(clock, person, { external: true });
    s.attachPerson(person, ['webchat', 'msteams']);
    const a = await agent();
    await s.setPresence(a, 'available');
    expect(await s.request({ ...request(await conversation()), channel: 'msteams' })).toMatchObject({ kind: 'external' });
    expect(await s.request(request(await conversation()))).toMatchObject({ kind: 'queued' });
  });

  it('refuses console users who do not attend conversations', async () => {
    const clock = new ManualClock();
    const s = service(clock, new RecordingPerson());
    const resolver = await agent('resolver');
    await expect(s.snapshot(resolver)).rejects.toMatchObject({ status: 403 });
    await expect(s.setPresence(resolver, 'available')).rejects.toMatchObject({ status: 403 });
  });
});
