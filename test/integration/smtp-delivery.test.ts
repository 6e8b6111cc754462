import net from 'node:net';
import type { AddressObject } from 'mailparser';
import { Database, OutboxRepository, createRepositories, type NewOutboxMessage } from '../../models';
import { outbox } from '../../models/schema';
import { OutboxWorker, type WorkerLogger } from '../../services/notify/outbox-worker';
import { SmtpTransport } from '../../services/notify/smtp-transport';
import { ticketNotifications } from '../../services/notify/ticket-notifications';
import { TicketService, type TicketInput } from '../../services/tickets/ticket.service';
import { LoopbackSmtpServer } from '../support/loopback-smtp';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

/** A loopback port nobody listens on (taken and released). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

const silent: WorkerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

const ticketInput: TicketInput = {
  kind: 'incident',
  serviceCode: 'WIFI-SENAL',
  serviceName: 'Falla de señal Wi-Fi',
  resolverGroup: 'Redes y telecomunicaciones',
  requester: { name: 'Ana López', email: 'ana.lopez@ipn.mx', phone: '5557296000', unit: 'ESCOM', role: 'docente', extension: '52000' },
  channel: 'webchat',
  description: 'No hay señal de Wi-Fi en el edificio 2 <laboratorio "B">',
  diagnostics: [{ id: 'otro-equipo', question: '¿Le pasa también en otro equipo?', answer: 'Sí' }],
  urgency: 'high',
  impact: 'moderate',
  idempotencyKey: 'directline:conv-1|0000003',
};

describe.each(testBackends())('SMTP delivery through the outbox on %s', (backend) => {
  let t: TestDatabase;
  let repo: OutboxRepository;
  let now: Date;
  const clock = { now: () => now };
  let smtp: LoopbackSmtpServer;
  let port: number;
  let workers: OutboxWorker[];

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    repo = createRepositories(t.database).outbox;
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    await t.database.db.delete(outbox); // each test starts with an empty outbox
    now = new Date('2026-11-20T16:00:00Z');
    smtp = new LoopbackSmtpServer();
    port = await closedPort();
    workers = [];
  });
  afterEach(async () => {
    for (const w of workers) await w.stop(); // closes the SMTP pools before the server goes away
    await smtp.close();
  });

  function worker(over: { maxAttempts?: number; repo?: OutboxRepository; batch?: number } = {}): OutboxWorker {
    const w = new OutboxWorker({
      repo: over.repo ?? repo,
      transports: { email: new SmtpTransport({ url: `smtp://127.0.0.1:${port}`, from: 'Mesa de Ayuda <mesa@cau.ipn.mx>' }) },
      clock,
      logger: silent,
      pollMs: 60_000,
      maxAttempts: over.maxAttempts ?? 5,
      batch: over.batch ?? 10,
      backoff: { baseMs: 1_000, capMs: 8_000 },
    });
    workers.push(w);
    return w;
  }

  const only = async () => (await repo.list({ limit: 2 }))[0]!;

  it('delivers the ticket notifications written with the ticket: right To, Subject and body, once', async () => {
    await smtp.listen(port);
    const tickets = new TicketService(createRepositories(t.database).tickets, clock);
    const notify = (ticket: Parameters<typeof ticketNotifications>[0]) =>
      ticketNotifications(ticket, { email: true, requester: true, groupEmails: { 'Redes y telecomunicaciones': 'redes@ipn.mx', '*': 'mesa@ipn.mx' }, webhook: null });
    const { ticket } = await tickets.register(ticketInput, 'bot', notify);
    // The same inbound message again (a channel retry): same ticket, no second set of messages.
    expect((await tickets.register(ticketInput, 'bot', notify)).created).toBe(false);
    expect(await repo.stats()).toMatchObject({ pending: 2 });

    const w = worker();
    expect(await w.runOnce()).toMatchObject({ claimed: 2, sent: 2 });
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(2);

    const toRequester = smtp.received.find((m) => addresses(m.to).includes('ana.lopez@ipn.mx'))!;
    expect(toRequester.subject).toBe(`Su reporte ${ticket.number} fue registrado`);
    expect(addresses(toRequester.to)).toEqual(['ana.lopez@ipn.mx']);
    expect(toRequester.from?.value[0]).toMatchObject({ name: 'Mesa de Ayuda', address: 'mesa@cau.ipn.mx' });
    expect(toRequester.text).toContain(`Su reporte fue registrado con el número ${ticket.number}.`);
    expect(toRequester.text).toContain('Un resolutor se pondrá en contacto con usted por correo electrónico o por teléfono');
    // The requester's own text is not relayed to the address they typed.
    expect(toRequester.html).not.toContain('laboratorio');

    const toGroup = smtp.received.find((m) => addresses(m.to).includes('redes@ipn.mx'))!;
    expect(toGroup.html).toContain('No hay señal de Wi-Fi en el edificio 2 &lt;laboratorio &quot;B&quot;&gt;');
    expect(toGroup.html).not.toContain('<laboratorio');
    expect(toGroup.subject).toBe(`Nuevo ticket ${ticket.number} (Incidente, P2): Falla de señal Wi-Fi`);
    for (const line of ['Urgencia: Alta', 'Impacto: Moderado', 'Prioridad: P2', 'Extensión: 52000', 'Teléfono: 5557296000', '¿Le pasa también en otro equipo?']) {
      expect(toGroup.text).toContain(line);
    }
    const rows = await repo.list({ limit: 5 });
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 0)).toBe(true);
    expect(new Set(smtp.received.map((m) => m.headers.get('x-ventanilla-delivery')))).toEqual(new Set(rows.map((r) => String(r.id))));
    expect(toGroup.messageId).toMatch(/^<outbox-\d+@cau\.ipn\.mx>$/);
  });

  it('keeps the message while the server is down and delivers it once when it is back', async () => {
    await repo.enqueue([message(1)], now);
    const w = worker();
    expect(await w.runOnce()).toMatchObject({ retried: 1 });
    const row = await only();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/ECONNREFUSED/);
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());

    await smtp.listen(port);
    expect(await w.runOnce()).toMatchObject({ claimed: 0 }); // not due yet
    now = row.nextAttemptAt;
    expect(await w.runOnce()).toMatchObject({ sent: 1 });
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
    expect(smtp.received.map((m) => m.subject)).toEqual(['Aviso 1']);
    expect(await only()).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it.each(['rcpt', 'data'] as const)('retries a 451 answer at %s and then delivers exactly once', async (step) => {
    await smtp.listen(port);
    await repo.enqueue([message(1)], now);
    const w = worker();
    smtp.refuse = step;
    expect(await w.runOnce()).toMatchObject({ retried: 1 });
    const row = await only();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/451/);
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());
    expect(smtp.received).toHaveLength(0);

    smtp.refuse = 'accept';
    now = row.nextAttemptAt;
    expect(await w.runOnce()).toMatchObject({ sent: 1 });
    now = new Date(now.getTime() + 3_600_000);
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
    expect(smtp.received.map((m) => addresses(m.to))).toEqual([['persona1@ipn.mx']]);
  });

  it('gives a message up after maxAttempts and delivers it after an admin revives it', async () => {
    await smtp.listen(port);
    smtp.refuse = 'rcpt';
    await repo.enqueue([message(1)], now);
    const w = worker({ maxAttempts: 2 });
    expect(await w.runOnce()).toMatchObject({ retried: 1 });
    now = (await only()).nextAttemptAt;
    expect(await w.runOnce()).toMatchObject({ dead: 1 });
    expect(await only()).toMatchObject({ status: 'dead', attempts: 2 });
    now = new Date(now.getTime() + 86_400_000);
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(0);

    smtp.refuse = 'accept';
    expect(await repo.retry((await only()).id, now)).toBe(true);
    expect(await w.runOnce()).toMatchObject({ sent: 1 });
    expect(smtp.received).toHaveLength(1);
  });

  it('writes a dedupe key once, so the mail goes out once', async () => {
    await smtp.listen(port);
    expect(await repo.enqueue([message(1, 'ticket:t1:group')], now)).toBe(1);
    expect(await repo.enqueue([message(2, 'ticket:t1:group')], now)).toBe(0);
    await worker().runOnce();
    expect(smtp.received.map((m) => m.subject)).toEqual(['Aviso 1']);
  });

  it('has two instances deliver a backlog concurrently, each message exactly once', async () => {
    await smtp.listen(port);
    const second = backend === 'postgres' ? await Database.open({ url: t.url, dataDir: 'unused' }) : t.database;
    try {
      await repo.enqueue(Array.from({ length: 40 }, (_, i) => message(i)), now);
      const a = worker({ batch: 3 });
      const b = worker({ batch: 3, repo: new OutboxRepository(second.db) });
      const drain = async (w: OutboxWorker) => {
        while ((await w.runOnce()).claimed > 0);
      };
      await Promise.all([drain(a), drain(b)]);
      const deliveries = smtp.received.map((m) => m.headers.get('x-ventanilla-delivery'));
      expect(deliveries).toHaveLength(40);
      expect(new Set(deliveries).size).toBe(40);
      expect(new Set(smtp.received.map((m) => m.subject)).size).toBe(40);
      expect(await repo.stats()).toMatchObject({ pending: 0, dead: 0 });
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      if (second !== t.database) await second.close();
    }
  });
});

function message(n: number, dedupeKey?: string): NewOutboxMessage {
  return { kind: 'email', payload: { to: [`persona${n}@ipn.mx`], subject: `Aviso ${n}`, text: `Texto ${n}` }, dedupeKey: dedupeKey ?? null };
}
