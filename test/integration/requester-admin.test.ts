import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { Client } from 'pg';
import { AuditRepository, RequesterAdminRepository, TicketRepository, type Db } from '../../models';
import { attentions, callbackRequests, conversations, handoffs, identityCodes, requesterIdentities, requesters, tickets } from '../../models/schema';
import { RequesterAdminService, RequesterError } from '../../services/requesters/requester-admin.service';
import { TicketService } from '../../services/tickets/ticket.service';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

/**
 * Coordinators' merge and split of requesters, through the service and the real repository, on PGlite and (with
 * TEST_DATABASE_URL) on the PostgreSQL server: what moves, what stays, what is refused, what is audited.
 */

const T0 = new Date('2026-11-23T17:00:00Z');
const clock = { t: T0.getTime(), now: () => new Date(clock.t) };
const REASON = 'Es la misma persona: lo confirmó por teléfono.';

interface Identity {
  kind: string;
  value: string;
  verified?: boolean;
  proof?: string | null;
}

/** Test data written straight to the tables (what the bot and the channels would have stored). */
class World {
  private readonly ticketService: TicketService;
  constructor(private readonly db: Db) {
    this.ticketService = new TicketService(new TicketRepository(db), clock);
  }

  async person(fields: Partial<typeof requesters.$inferInsert>, identities: Identity[]): Promise<string> {
    const [row] = await this.db.insert(requesters).values({ ...fields, createdAt: clock.now(), updatedAt: clock.now() }).returning();
    const id = row!.id;
    for (const i of identities) {
      await this.db.insert(requesterIdentities).values({ kind: i.kind, value: i.value, requesterId: id, verified: i.verified ?? true, proof: i.proof === undefined ? 'channel' : i.proof });
    }
    return id;
  }

  async conversation(channel: string, userId: string): Promise<string> {
    const id = `${channel}-${randomUUID()}`;
    await this.db.insert(conversations).values({ id, channel, externalId: id, userId });
    return id;
  }

  async ticket(requesterId: string | null, conversationId: string | null, channel: string, description: string): Promise<string> {
    const { ticket } = await this.ticketService.register(
      { kind: 'request', serviceCode: null, serviceName: null, resolverGroup: null, requester: {}, channel, conversationId, description, urgency: 'medium', impact: 'minor', requesterId },
      'test',
    );
    return ticket.number;
  }

  async attention(requesterId: string, conversationId: string, channel: string): Promise<string> {
    const [row] = await this.db.insert(attentions).values({ conversationId, channel, requesterId, outcome: 'first_level', createdAt: clock.now() }).returning();
    return row!.id;
  }

  async callback(requesterId: string, conversationId: string, channel: string): Promise<string> {
    const [row] = await this.db.insert(callbackRequests).values({ conversationId, channel, requesterId, phone: '5512345678', reason: 'devolver llamada' }).returning();
    return row!.id;
  }

  async identityCode(requesterId: string, kind: string, value: string): Promise<string> {
    const [row] = await this.db
      .insert(identityCodes)
      .values({ kind, value, requesterId, sentTo: 'email', target: 'ana@example.mx', codeHash: 'x', expiresAt: new Date(clock.t + 600_000) })
      .returning();
    return row!.id;
  }

  async handoff(requesterId: string, conversationId: string, channel: string): Promise<string> {
    const [row] = await this.db
      .insert(handoffs)
      .values({ conversationId, channel, resolverGroup: 'Mesa', reason: 'asked', status: 'closed', context: { requesterId, person: { name: 'Ana' } } })
      .returning();
    return row!.id;
  }

  async ticketOwners(numbers: string[]): Promise<Record<string, string | null>> {
    const rows = await this.db.select({ number: tickets.number, requesterId: tickets.requesterId }).from(tickets).where(inArray(tickets.number, numbers));
    return Object.fromEntries(rows.map((r) => [r.number, r.requesterId]));
  }
}

async function refusal(promise: Promise<unknown>): Promise<RequesterError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof RequesterError)) throw new Error(`expected a RequesterError, got ${String(err)}`);
  return err;
}

describe.each(testBackends())('requester merge and split on %s', (backend) => {
  let t: TestDatabase;
  let db: Db;
  let world: World;
  let audit: AuditRepository;
  let service: RequesterAdminService;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    db = t.database.db;
    world = new World(db);
    audit = new AuditRepository(db);
    service = new RequesterAdminService({ repo: new RequesterAdminRepository(db), clock });
  });
  afterAll(() => t.dispose());

  describe('one person who wrote an e-mail, chatted on the web and then on Messenger', () => {
    let ana: string;
    let messenger: string;
    const tk: Record<string, string> = {};
    const conv: Record<string, string> = {};
    let others: { callback: string; code: string; handoff: string; attention: string };

    beforeAll(async () => {
      ana = await world.person(
        { name: 'Ana López Gómez', unitCode: 'ESCOM', unitName: 'Escuela Superior de Cómputo', role: 'docente', email: 'ana.lopez@escom.mx' },
        [
          { kind: 'email', value: 'ana.lopez@escom.mx', verified: true, proof: 'sender' },
          { kind: 'webchat', value: 'wc-ana', verified: true, proof: 'channel' },
        ],
      );
      messenger = await world.person({ name: 'Anita', phone: '5512345678', extension: '42100' }, [{ kind: 'facebook', value: 'psid-9001', verified: true, proof: 'code' }]);
      conv.email = await world.conversation('email', 'ana.lopez@escom.mx');
      conv.webchat = await world.conversation('webchat', 'wc-ana');
      conv.facebook = await world.conversation('facebook', 'psid-9001');
      tk.email = await world.ticket(ana, conv.email, 'email', 'No puedo entrar al correo');
      tk.webchat = await world.ticket(ana, conv.webchat, 'webchat', 'La impresora no imprime');
      tk.facebook = await world.ticket(messenger, conv.facebook, 'facebook', 'Sin red en el laboratorio');
      // A ticket of someone else in the same Messenger conversation, and one of Ana's without a conversation.
      const stranger = await world.person({ name: 'Otra Persona' }, [{ kind: 'x', value: 'x-777' }]);
      tk.stranger = await world.ticket(stranger, conv.facebook, 'facebook', 'Otra cosa');
      tk.walkIn = await world.ticket(ana, null, 'presencial', 'Llegó por oficio');
      await world.attention(ana, conv.email, 'email');
      others = {
        attention: await world.attention(messenger, conv.facebook, 'facebook'),
        callback: await world.callback(messenger, conv.facebook, 'facebook'),
        code: await world.identityCode(messenger, 'facebook', 'psid-9001'),
        handoff: await world.handoff(messenger, conv.facebook, 'facebook'),
      };
    });

    it('finds them by name (accents and case aside), e-mail, phone digits or an identity value', async () => {
      const ids = async (q: string) => (await service.search(q)).map((r) => r.id);
      expect(await ids('ana lopez')).toEqual([ana]);
      expect(await ids('LÓPEZ  gómez')).toEqual([ana]);
      expect(await ids('ANA.LOPEZ@')).toEqual([ana]);
      expect(await ids('55 1234 5678')).toEqual([messenger]);
      expect(await ids('+52 (55) 1234-5678')).toEqual([messenger]);
      expect(await ids('psid-9001')).toEqual([messenger]);
      expect(await ids('wc-ana')).toEqual([ana]);
      expect(await ids('lopez perez')).toEqual([]);
      const [found] = await service.search('ana lopez');
      expect(found).toMatchObject({
        name: 'Ana López Gómez',
        unitName: 'Escuela Superior de Cómputo',
        role: 'docente',
        email: 'ana.lopez@escom.mx',
        phone: null,
        ticketCount: 3,
        identities: [
          { kind: 'email', value: 'ana.lopez@escom.mx', verified: true, proof: 'sender' },
          { kind: 'webchat', value: 'wc-ana', verified: true, proof: 'channel' },
        ],
      });
      expect(found?.lastSeenAt).toBeInstanceOf(Date);
    });

    it('refuses bad merges with a Spanish reason and changes nothing', async () => {
      const before = await world.ticketOwners([tk.facebook!]);
      expect(await refusal(service.merge('coord@cau.mx', ana, { from: [ana], reason: REASON }))).toMatchObject({ code: 'requester/self_merge', message: 'Una ficha no se puede fusionar consigo misma.' });
      expect(await refusal(service.merge('coord@cau.mx', randomUUID(), { from: [messenger], reason: REASON }))).toMatchObject({ code: 'requester/not_found', message: 'Ese solicitante no existe.' });
      const unknown = randomUUID();
      expect(await refusal(service.merge('coord@cau.mx', ana, { from: [messenger, unknown], reason: REASON }))).toMatchObject({
        code: 'requester/invalid_input',
        problems: [{ path: 'from[1]', message: 'Esa ficha no existe.' }],
      });
      const bodies: Array<[unknown, RegExp]> = [
        [{ from: [messenger] }, /motivo/],
        [{ from: [messenger], reason: 'ok' }, /entre 3 y 500 caracteres/],
        [{ from: [messenger], reason: 'x'.repeat(501) }, /entre 3 y 500 caracteres/],
        [{ from: messenger, reason: REASON }, /lista de fichas/],
        [{ from: [], reason: REASON }, /al menos una ficha/],
        [{ from: ['no-es-un-id'], reason: REASON }, /identificador de un solicitante/],
        [{ from: [messenger], reason: REASON, force: true }, /force/],
      ];
      for (const [body, message] of bodies) {
        const err = await refusal(service.merge('coord@cau.mx', ana, body));
        expect(err.code).toBe('requester/invalid_input');
        expect(err.message).toMatch(message);
      }
      expect(await world.ticketOwners([tk.facebook!])).toEqual(before);
      expect((await audit.latest(10)).filter((a) => a.action === 'requester.merge')).toEqual([]);
    });

    it('merges Messenger into Ana: everything moves, empty fields are filled, the old id leads to Ana', async () => {
      clock.t += 60_000;
      const result = await service.merge('coord@cau.mx', ana, { from: [messenger], reason: REASON });
      expect(result.moved).toEqual({ identities: 1, tickets: 1, attentions: 1, callbacks: 1, identityCodes: 1, handoffs: 1 });
      // Ana's name and e-mail stay; her empty phone and extension come from the Messenger record.
      expect(result.filled.sort()).toEqual(['extension', 'phone']);
      expect(result.requester).toMatchObject({ id: ana, name: 'Ana López Gómez', email: 'ana.lopez@escom.mx', phone: '5512345678', extension: '42100', unitName: 'Escuela Superior de Cómputo' });
      expect(result.requester.identities.map((i) => [i.kind, i.value, i.verified, i.proof])).toEqual([
        ['email', 'ana.lopez@escom.mx', true, 'sender'],
        ['webchat', 'wc-ana', true, 'channel'],
        ['facebook', 'psid-9001', true, 'code'],
      ]);
      expect(result.requester.tickets.map((x) => x.number).sort()).toEqual([tk.email, tk.webchat, tk.facebook, tk.walkIn].sort());
      expect(result.requester.conversationCount).toBe(3);

      expect(await world.ticketOwners([tk.facebook!, tk.stranger!])).toEqual({ [tk.facebook!]: ana, [tk.stranger!]: expect.not.stringMatching(ana) });
      const [cb] = await db.select().from(callbackRequests).where(eq(callbackRequests.id, others.callback));
      const [code] = await db.select().from(identityCodes).where(eq(identityCodes.id, others.code));
      const [handoff] = await db.select().from(handoffs).where(eq(handoffs.id, others.handoff));
      const [attention] = await db.select().from(attentions).where(eq(attentions.id, others.attention));
      expect([cb?.requesterId, code?.requesterId, attention?.requesterId, handoff?.context.requesterId]).toEqual([ana, ana, ana, ana]);
      expect(handoff?.context.person).toEqual({ name: 'Ana' });

      // The source is kept, marked; its detail answers with the survivor.
      const [old] = await db.select().from(requesters).where(eq(requesters.id, messenger));
      expect(old).toMatchObject({ mergedInto: ana, name: 'Anita', phone: '5512345678' });
      const resolved = await service.get(messenger);
      expect(resolved?.mergedInto).toBe(ana);
      expect(resolved?.requester.id).toBe(ana);
      expect(resolved?.requester.tickets.map((x) => x.number)).toContain(tk.facebook);
      expect(await service.survivorOf(messenger)).toBe(ana);
      expect((await service.search('anita')).map((r) => r.id)).toEqual([]);
      expect((await service.search('psid-9001')).map((r) => r.id)).toEqual([ana]);
      expect((await service.search('ana lopez'))[0]?.ticketCount).toBe(4);

      const [entry] = (await audit.latest(5)).filter((a) => a.action === 'requester.merge');
      expect(entry).toMatchObject({
        actor: 'coord@cau.mx',
        target: ana,
        details: { sources: [messenger], reason: REASON, moved: result.moved, filled: expect.arrayContaining(['phone', 'extension']) },
      });
    });

    it('refuses to merge from or into a merged record', async () => {
      const third = await world.person({ name: 'Ana L.' }, [{ kind: 'x', value: 'x-ana' }]);
      expect(await refusal(service.merge('coord@cau.mx', third, { from: [messenger], reason: REASON }))).toMatchObject({
        code: 'requester/merged',
        problems: [{ path: 'from[0]', message: 'Esa ficha ya se fusionó con otra.' }],
      });
      expect(await refusal(service.merge('coord@cau.mx', messenger, { from: [third], reason: REASON }))).toMatchObject({ code: 'requester/merged' });
      expect(await refusal(service.split('coord@cau.mx', messenger, { identities: [{ kind: 'x', value: 'x-ana' }], reason: REASON }))).toMatchObject({ code: 'requester/merged' });
      expect((await service.get(third))?.requester.identities).toHaveLength(1);
    });

    it('splits the Messenger identity off again: only the tickets of its conversations go with it', async () => {
      clock.t += 60_000;
      const result = await service.split('coord@cau.mx', ana, { identities: [{ kind: 'facebook', value: 'psid-9001' }], reason: 'El Messenger es de su hermana.' });
      const split = result.requester;
      expect(split.id).not.toBe(ana);
      expect(split).toMatchObject({ name: null, email: null, phone: null, unitName: null, role: null, extension: null });
      expect(split.identities).toEqual([{ kind: 'facebook', value: 'psid-9001', verified: true, proof: 'coordinator', createdAt: expect.any(Date) }]);
      expect(split.tickets.map((x) => x.number)).toEqual([tk.facebook]);
      expect(result.moved).toEqual({ identities: 1, tickets: 1, attentions: 1, callbacks: 1, identityCodes: 0, handoffs: 1 });
      expect(result.source.identities.map((i) => i.kind)).toEqual(['email', 'webchat']);
      expect(result.source.tickets.map((x) => x.number).sort()).toEqual([tk.email, tk.webchat, tk.walkIn].sort());
      // Ana's record keeps her data (the phone came from a merge, not from the Messenger identity itself).
      expect(result.source).toMatchObject({ phone: '5512345678', email: 'ana.lopez@escom.mx' });
      expect(result.cleared).toEqual([]);
      const owners = await world.ticketOwners([tk.email!, tk.webchat!, tk.facebook!, tk.stranger!, tk.walkIn!]);
      expect(owners[tk.facebook!]).toBe(split.id);
      expect([owners[tk.email!], owners[tk.webchat!], owners[tk.walkIn!]]).toEqual([ana, ana, ana]);
      expect(owners[tk.stranger!]).not.toBe(split.id);
      const [attention] = await db.select().from(attentions).where(eq(attentions.id, others.attention));
      expect(attention?.requesterId).toBe(split.id);
      const [entry] = (await audit.latest(5)).filter((a) => a.action === 'requester.split');
      expect(entry).toMatchObject({
        actor: 'coord@cau.mx',
        target: ana,
        details: { created: split.id, identities: [{ kind: 'facebook', value: 'psid-9001' }], reason: 'El Messenger es de su hermana.', moved: result.moved },
      });
    });

    it('refuses a split that would leave the record empty, of identities it does not hold, or without a reason', async () => {
      expect(
        await refusal(service.split('coord@cau.mx', ana, { identities: [{ kind: 'email', value: 'ana.lopez@escom.mx' }, { kind: 'webchat', value: 'wc-ana' }], reason: REASON })),
      ).toMatchObject({ code: 'requester/split_all', message: expect.stringMatching(/No se pueden separar todas las identidades/) });
      expect(await refusal(service.split('coord@cau.mx', ana, { identities: [{ kind: 'x', value: 'x-777' }], reason: REASON }))).toMatchObject({
        code: 'requester/invalid_input',
        problems: [{ path: 'identities[0]', message: 'Esa identidad no es de esta ficha.' }],
      });
      expect(await refusal(service.split('coord@cau.mx', ana, { identities: [{ kind: 'webchat', value: 'wc-ana' }] }))).toMatchObject({ code: 'requester/invalid_input' });
      expect(await refusal(service.split('coord@cau.mx', ana, { identities: [], reason: REASON }))).toMatchObject({ code: 'requester/invalid_input', message: expect.stringMatching(/al menos una identidad/) });
      expect(await refusal(service.split('coord@cau.mx', randomUUID(), { identities: [{ kind: 'webchat', value: 'wc-ana' }], reason: REASON }))).toMatchObject({ code: 'requester/not_found' });
      expect((await service.get(ana))?.requester.identities).toHaveLength(2);
    });
  });

  it('keeps merge chains one step long: a record merged into a source follows it to the new survivor', async () => {
    const a = await world.person({ name: 'Roberto Díaz' }, [{ kind: 'webchat', value: 'wc-rob' }]);
    const b = await world.person({ name: 'Beto' }, [{ kind: 'x', value: 'x-rob' }]);
    const c = await world.person({ role: 'estudiante' }, [{ kind: 'sms', value: '+525511112222', verified: false, proof: null }]);
    const number = await world.ticket(c, null, 'sms', 'Sin saldo');
    await service.merge('coord@cau.mx', b, { from: [c], reason: REASON });
    const result = await service.merge('coord@cau.mx', a, { from: [b], reason: REASON });
    expect(result.moved.identities).toBe(2);
    expect(result.filled).toEqual(['role']);
    const rows = await db.select({ id: requesters.id, mergedInto: requesters.mergedInto }).from(requesters).where(inArray(requesters.id, [b, c]));
    expect(rows.map((r) => r.mergedInto)).toEqual([a, a]);
    expect((await service.get(c))?.requester).toMatchObject({ id: a, tickets: [{ number }] });
    expect((await service.get(a))?.requester.identities.map((i) => [i.kind, i.verified, i.proof])).toEqual([
      ['webchat', true, 'channel'],
      ['x', true, 'channel'],
      ['sms', false, null],
    ]);
  });

  it('splits e-mail and phone identities with the address and number they prove, taken off the old record', async () => {
    const id = await world.person({ name: 'Luis Mora', email: 'luis@ipn.mx', phone: '5598765432' }, [
      { kind: 'webchat', value: 'wc-luis' },
      { kind: 'email', value: 'Luis@IPN.mx', proof: 'sender' },
      { kind: 'whatsapp', value: 'whatsapp:+5215598765432', verified: false, proof: null },
    ]);
    const wa = await world.conversation('whatsapp', 'whatsapp:+5215598765432');
    const mail = await world.conversation('email', 'Luis@IPN.mx');
    const web = await world.conversation('webchat', 'wc-luis');
    const [n1, n2, n3] = [await world.ticket(id, wa, 'whatsapp', 'uno'), await world.ticket(id, mail, 'email', 'dos'), await world.ticket(id, web, 'webchat', 'tres')];
    const result = await service.split('coord@cau.mx', id, {
      identities: [
        { kind: 'whatsapp', value: 'whatsapp:+5215598765432' },
        { kind: 'email', value: 'Luis@IPN.mx' },
        { kind: 'whatsapp', value: 'whatsapp:+5215598765432' },
      ],
      reason: 'Correo y WhatsApp son de su asistente.',
    });
    expect(result.requester).toMatchObject({ email: 'luis@ipn.mx', phone: '5598765432', name: null });
    expect(result.requester.identities.map((i) => [i.kind, i.verified, i.proof])).toEqual([
      ['email', true, 'coordinator'],
      ['whatsapp', false, 'coordinator'],
    ]);
    expect(result.requester.tickets.map((x) => x.number).sort()).toEqual([n1, n2].sort());
    expect(result.source).toMatchObject({ name: 'Luis Mora', email: null, phone: null, tickets: [{ number: n3 }] });
    expect(result.cleared).toEqual(['email', 'phone']);
  });

  // PGlite serves one connection and runs one transaction at a time, so two merges can never overlap there.
  const serverOnly = backend === 'postgres' ? it : it.skip;

  serverOnly('two merges in opposite directions, released at once: exactly one wins (PostgreSQL server only)', async () => {
    const x = await world.person({ name: 'Equis' }, [{ kind: 'webchat', value: `wc-${randomUUID()}` }]);
    const y = await world.person({ name: 'Ye' }, [{ kind: 'webchat', value: `wc-${randomUUID()}` }]);
    const nx = await world.ticket(x, null, 'webchat', 'x');
    const ny = await world.ticket(y, null, 'webchat', 'y');
    // A third session holds the identities, so both merges are waiting on a lock before either reads anything.
    const blocker = new Client({ connectionString: t.url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select 1 from requester_identities where requester_id = any($1::uuid[]) for update', [[x, y]]);
      const both = Promise.allSettled([service.merge('uno@cau.mx', x, { from: [y], reason: REASON }), service.merge('dos@cau.mx', y, { from: [x], reason: REASON })]);
      await waitFor(async () => {
        const { rows } = await blocker.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
        );
        return (rows[0]?.n ?? 0) >= 2;
      });
      await blocker.query('commit');
      const results = await both;
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(RequesterError);
      expect((lost[0]?.reason as RequesterError).code).toBe('requester/merged');
    } finally {
      await blocker.end();
    }
    const rows = await db.select().from(requesters).where(inArray(requesters.id, [x, y]));
    const survivors = rows.filter((r) => r.mergedInto === null);
    expect(survivors).toHaveLength(1);
    const survivor = survivors[0]!.id;
    expect(rows.find((r) => r.id !== survivor)?.mergedInto).toBe(survivor);
    expect(await world.ticketOwners([nx, ny])).toEqual({ [nx]: survivor, [ny]: survivor });
    const identities = await db.select().from(requesterIdentities).where(inArray(requesterIdentities.requesterId, [x, y]));
    expect(identities.map((i) => i.requesterId)).toEqual([survivor, survivor]);
  });

  serverOnly('many overlapping merges at once leave every identity and ticket on a surviving record (PostgreSQL server only)', async () => {
    const people: string[] = [];
    const numbers = new Map<string, string[]>();
    for (let i = 0; i < 10; i++) {
      const id = await world.person({ name: `Persona ${i}` }, [
        { kind: 'webchat', value: `storm-${i}-${randomUUID()}` },
        { kind: 'x', value: `storm-x-${i}-${randomUUID()}` },
      ]);
      people.push(id);
      numbers.set(id, [await world.ticket(id, null, 'webchat', `a${i}`), await world.ticket(id, null, 'webchat', `b${i}`)]);
    }
    const p = (i: number) => people[i] as string;
    const plan: Array<[number, number[]]> = [
      [0, [1]],
      [1, [0]],
      [1, [2, 3]],
      [2, [4]],
      [4, [5, 6]],
      [6, [7]],
      [7, [6, 8]],
      [8, [9]],
      [9, [0, 5]],
      [3, [9]],
      [5, [2]],
      [0, [8]],
    ];
    const auditBefore = (await audit.latest(500)).filter((a) => a.action === 'requester.merge').length;
    const results = await Promise.allSettled(plan.map(([target, from]) => service.merge('coord@cau.mx', p(target), { from: from.map(p), reason: REASON })));
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(RequesterError);
        expect((r.reason as RequesterError).code).toBe('requester/merged');
      }
    }
    const wins = results.filter((r) => r.status === 'fulfilled').length;
    expect(wins).toBeGreaterThan(0);
    expect((await audit.latest(500)).filter((a) => a.action === 'requester.merge').length - auditBefore).toBe(wins);

    const rows = await db.select().from(requesters).where(inArray(requesters.id, people));
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) if (r.mergedInto) expect(byId.get(r.mergedInto)?.mergedInto).toBeNull();
    const survivorOf = (id: string) => byId.get(id)?.mergedInto ?? id;
    const identities = await db.select().from(requesterIdentities).where(inArray(requesterIdentities.requesterId, people));
    expect(identities).toHaveLength(20);
    for (const i of identities) expect(byId.get(i.requesterId)?.mergedInto).toBeNull();
    const owners = await world.ticketOwners([...numbers.values()].flat());
    expect(Object.keys(owners)).toHaveLength(20);
    for (const [id, list] of numbers) for (const n of list) expect(owners[n]).toBe(survivorOf(id));
    // Each survivor's detail counts every ticket that ended with it.
    for (const r of rows.filter((x) => x.mergedInto === null)) {
      const expected = [...numbers].filter(([id]) => survivorOf(id) === r.id).flatMap(([, list]) => list);
      expect((await service.get(r.id))?.requester.tickets.map((x) => x.number).sort()).toEqual(expected.sort());
    }
  });
});

/** Polls until `check` is true (gives up with an error after many tries, not on a clock). */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('waitFor(): the condition never held');
}
