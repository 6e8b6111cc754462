import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Database, OutboxRepository, createRepositories, type NewOutboxMessage } from '../../models';
import { outbox } from '../../models/schema';
import { OutboxWorker, PermanentDeliveryError, type OutboxMessage, type Transport, type WorkerLogger } from '../../services/notify/outbox-worker';
import { verifyWebhookSignature, WebhookTransport } from '../../services/notify/webhook-transport';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

/** Records log lines so tests can check what was reported (and at which level). */
class CapturingLogger implements WorkerLogger {
  readonly lines: { level: 'info' | 'warn' | 'error'; obj: object; msg: string }[] = [];
  info(obj: object, msg: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }
  at(level: 'info' | 'warn' | 'error') {
    return this.lines.filter((l) => l.level === level);
  }
}

/** A transport that records what it was given and fails while `failures` says so. */
class RecordingTransport implements Transport {
  readonly sent: OutboxMessage[] = [];
  failNext = 0;
  permanent = false;
  closed = 0;
  async send(message: OutboxMessage): Promise<void> {
    if (this.permanent) throw new PermanentDeliveryError('bad payload');
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('451 4.3.0 try again later');
    }
    this.sent.push(message);
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

const email = (n: number, dedupeKey?: string): NewOutboxMessage => ({
  kind: 'email',
  payload: { to: [`persona${n}@ipn.mx`], subject: `Aviso ${n}`, text: `Texto ${n}` },
  dedupeKey: dedupeKey ?? null,
});

describe.each(testBackends())('outbox on %s', (backend) => {
  let t: TestDatabase;
  let repo: OutboxRepository;
  let now: Date;
  const clock = { now: () => now };
  const minutes = (m: number) => new Date(now.getTime() + m * 60_000);

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    repo = createRepositories(t.database).outbox;
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    await t.database.db.delete(outbox); // each test starts with an empty outbox
    now = new Date('2026-11-20T16:00:00Z');
  });

  function worker(transports: Partial<Record<'email' | 'webhook', Transport>>, logger = new CapturingLogger(), over: { maxAttempts?: number; batch?: number } = {}) {
    return new OutboxWorker({
      repo,
      transports,
      clock,
      logger,
      pollMs: 60_000,
      maxAttempts: over.maxAttempts ?? 3,
      batch: over.batch ?? 10,
      leaseMs: 60_000,
      backoff: { baseMs: 1_000, capMs: 8_000 },
    });
  }

  it('keeps one row per dedupe key, and any number without one', async () => {
    expect(await repo.enqueue([email(1, 'ticket:a:group'), email(2)], now)).toBe(2);
    expect(await repo.enqueue([email(3, 'ticket:a:group'), email(4)], now)).toBe(1);
    const rows = await repo.list({ limit: 50 });
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.dedupeKey === 'ticket:a:group').map((r) => r.payload.subject)).toEqual(['Aviso 1']);
  });

  it('claims only due, unleased rows, and a lease that ran out makes the row claimable again', async () => {
    await repo.enqueue([email(1), email(2)], now);
    const first = await repo.claimDue(10, now, 60_000);
    expect(first.map((r) => r.payload.subject)).toEqual(['Aviso 1', 'Aviso 2']);
    expect(await repo.claimDue(10, now, 60_000)).toEqual([]);
    // The worker that held them crashed: after the lease another one takes them.
    const later = await repo.claimDue(10, minutes(2), 60_000);
    expect(later.map((r) => r.id).sort()).toEqual(first.map((r) => r.id).sort());
    await repo.markFailed(later[0]!.id, 'boom', minutes(30), minutes(2));
    await repo.markSent(later[1]!.id, minutes(2));
    expect(await repo.claimDue(10, minutes(10), 60_000)).toEqual([]);
    expect(await repo.claimDue(10, minutes(29), 60_000)).toEqual([]);
    expect(await repo.claimDue(10, minutes(30), 60_000)).toHaveLength(1);
  });

  it('claims only the kinds asked for', async () => {
    await repo.enqueue([email(1), { kind: 'webhook', payload: { url: 'http://x', event: 'ticket.created', body: {} } }], now);
    expect((await repo.claimDue(10, now, 60_000, ['webhook'])).map((r) => r.kind)).toEqual(['webhook']);
    expect((await repo.claimDue(10, now, 60_000, ['email', 'webhook'])).map((r) => r.kind)).toEqual(['email']);
  });

  it('delivers, retries with growing backoff, gives up after maxAttempts, and can be revived', async () => {
    const transport = new RecordingTransport();
    const logger = new CapturingLogger();
    const w = worker({ email: transport }, logger, { maxAttempts: 3 });
    await repo.enqueue([email(1)], now);
    transport.failNext = 10;

    expect(await w.runOnce()).toEqual({ claimed: 1, sent: 0, retried: 1, dead: 0 });
    let [row] = await repo.list({ limit: 1 });
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: '451 4.3.0 try again later', lockedUntil: null });
    const firstDelay = row!.nextAttemptAt.getTime() - now.getTime();
    expect(firstDelay).toBeGreaterThanOrEqual(500);
    expect(firstDelay).toBeLessThanOrEqual(1_000);
    expect(await w.runOnce()).toEqual({ claimed: 0, sent: 0, retried: 0, dead: 0 }); // not due yet

    now = row!.nextAttemptAt;
    expect(await w.runOnce()).toMatchObject({ retried: 1 });
    [row] = await repo.list({ limit: 1 });
    expect(row!.attempts).toBe(2);
    expect(row!.nextAttemptAt.getTime() - now.getTime()).toBeGreaterThanOrEqual(1_000); // 2 s with jitter ≥ half

    now = row!.nextAttemptAt;
    expect(await w.runOnce()).toMatchObject({ dead: 1 });
    [row] = await repo.list({ limit: 1 });
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(logger.at('error')).toEqual([expect.objectContaining({ msg: 'outbox: message given up (dead)' })]);
    expect(await repo.stats()).toMatchObject({ pending: 0, dead: 1, oldestPendingAt: null });

    now = minutes(60);
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
    expect(await repo.retry(row!.id, now)).toBe(true);
    expect(await repo.retry(row!.id, now)).toBe(false); // no longer dead
    transport.failNext = 0;
    expect(await w.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    [row] = await repo.list({ limit: 1 });
    expect(row).toMatchObject({ status: 'sent', sentAt: now, lastError: null });
    expect(transport.sent.map((m) => m.payload.subject)).toEqual(['Aviso 1']);
  });

  it('sends a malformed message straight to dead', async () => {
    const transport = new RecordingTransport();
    transport.permanent = true;
    await repo.enqueue([email(1)], now);
    expect(await worker({ email: transport }, undefined, { maxAttempts: 10 }).runOnce()).toMatchObject({ dead: 1 });
    expect((await repo.list({ status: 'dead', limit: 5 }))[0]).toMatchObject({ attempts: 1, lastError: 'bad payload' });
  });

  it('keeps messages of a kind without transport pending, and says so once', async () => {
    const transport = new RecordingTransport();
    const logger = new CapturingLogger();
    const w = worker({ email: transport }, logger);
    await repo.enqueue([email(1), { kind: 'webhook', payload: { url: 'http://x', event: 'ticket.created', body: {} }, dedupeKey: 'w' }], now);
    expect(await w.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
    expect(logger.at('warn').filter((l) => /no webhook transport/.test(l.msg))).toHaveLength(1);
    const stats = await repo.stats();
    expect(stats).toMatchObject({ pending: 1, dead: 0, pendingByKind: { email: 0, webhook: 1 } });
    expect(stats.oldestPendingAt).toEqual(now);
    expect((await repo.list({ status: 'pending', limit: 5 }))[0]).toMatchObject({ kind: 'webhook', attempts: 0 });
  });

  it('truncates long errors', async () => {
    await repo.enqueue([email(1)], now);
    const [row] = await repo.claimDue(1, now, 1_000);
    await repo.markFailed(row!.id, 'x'.repeat(5_000), minutes(1), now);
    expect((await repo.list({ limit: 1 }))[0]!.lastError).toHaveLength(1_000);
  });

  it('runs on its own after start(), delivers at once on wake(), and stop() waits for the delivery in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const sending = new Promise<void>((r) => (started = r));
    const transport: Transport & { closed: boolean } = {
      closed: false,
      async send() {
        started();
        await gate;
      },
      async close() {
        this.closed = true;
      },
    };
    const w = new OutboxWorker({ repo, transports: { email: transport }, clock, logger: new CapturingLogger(), pollMs: 600_000, maxAttempts: 3 });
    w.start();
    await w.runOnce(); // nothing yet; the poll after the first round is ten minutes away
    await repo.enqueue([email(1)], now);
    w.wake();
    await sending;
    let stopped = false;
    const stopping = w.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(transport.closed).toBe(true);
    expect((await repo.list({ limit: 1 }))[0]).toMatchObject({ status: 'sent' });
  });

  it('has two workers (two instances) deliver every message exactly once', async () => {
    const second = backend === 'postgres' ? await Database.open({ url: t.url, dataDir: 'unused' }) : t.database;
    try {
      const repo2 = new OutboxRepository(second.db);
      await repo.enqueue(Array.from({ length: 60 }, (_, i) => email(i)), now);
      const a = new RecordingTransport();
      const b = new RecordingTransport();
      const opts = { clock, logger: new CapturingLogger(), pollMs: 60_000, maxAttempts: 3, batch: 4, leaseMs: 60_000 };
      const wa = new OutboxWorker({ ...opts, repo, transports: { email: a } });
      const wb = new OutboxWorker({ ...opts, repo: repo2, transports: { email: b } });
      const drain = async (w: OutboxWorker) => {
        while ((await w.runOnce()).claimed > 0);
      };
      await Promise.all([drain(wa), drain(wb), drain(wa), drain(wb)]);
      const ids = [...a.sent, ...b.sent].map((m) => m.id);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
      if (backend === 'postgres') expect(Math.min(a.sent.length, b.sent.length)).toBeGreaterThan(0);
      expect(await repo.stats()).toMatchObject({ pending: 0, dead: 0 });
    } finally {
      if (second !== t.database) await second.close();
    }
  });

  it('delivers a signed webhook, retrying after a 500, exactly once', async () => {
    const secret = 'un-secreto-de-prueba-0123456789';
    const received: { headers: http.IncomingHttpHeaders; raw: string; valid: boolean }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const valid = verifyWebhookSignature(secret, header(req, 'x-ventanilla-timestamp'), raw, header(req, 'x-ventanilla-signature'), { now: clock.now() });
        received.push({ headers: req.headers, raw, valid });
        res.statusCode = !valid ? 401 : received.length === 1 ? 500 : 200;
        res.end(res.statusCode === 500 ? 'caído' : 'ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/ventanilla?token=abc`;
      const body = { event: 'ticket.created', ticket: { number: 'CAU-2026-000123', description: 'Sin señal «Wi-Fi» <edificio 2>' } };
      await repo.enqueue([{ kind: 'webhook', payload: { url, event: 'ticket.created', body }, dedupeKey: 'ticket:x:webhook' }], now);
      const w = worker({ webhook: new WebhookTransport({ secret, clock }) });

      expect(await w.runOnce()).toMatchObject({ retried: 1 });
      let [row] = await repo.list({ limit: 1 });
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row!.lastError).toBe(`WebhookTransport.send(): http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/ventanilla answered HTTP 500: caído`);

      now = row!.nextAttemptAt;
      expect(await w.runOnce()).toMatchObject({ sent: 1 });
      expect(await w.runOnce()).toMatchObject({ claimed: 0 });
      [row] = await repo.list({ limit: 1 });
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });

      expect(received).toHaveLength(2);
      for (const r of received) {
        expect(r.valid).toBe(true);
        // The delivery id is inside the signed body, so receivers can trust it to drop repeats.
        expect(JSON.parse(r.raw)).toEqual({ ...body, delivery: String(row!.id) });
        expect(r.headers).toMatchObject({
          'content-type': 'application/json',
          'x-ventanilla-event': 'ticket.created',
          'x-ventanilla-delivery': String(row!.id),
        });
        expect(r.headers['x-ventanilla-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
        expect(r.raw).not.toContain(secret);
      }
      expect(received.map((r) => r.headers['x-ventanilla-timestamp'])).toEqual([
        String(Math.floor(new Date('2026-11-20T16:00:00Z').getTime() / 1000)),
        String(Math.floor(now.getTime() / 1000)),
      ]);
      // A tampered body does not verify.
      const r0 = received[0]!;
      expect(verifyWebhookSignature(secret, header2(r0.headers, 'x-ventanilla-timestamp'), r0.raw.replace('123', '124'), header2(r0.headers, 'x-ventanilla-signature'), { now: clock.now() })).toBe(false);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

function header(req: http.IncomingMessage, name: string): string | undefined {
  return header2(req.headers, name);
}

function header2(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
