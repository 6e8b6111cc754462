import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { AgentClient } from '../support/agent-client';
import { botMessages, DirectLineTestClient, type Json, StreamCollector } from '../support/directline-client';
import { freePort } from '../support/ports';
import { makeDatabaseLocation } from '../support/test-database';

const root = path.resolve(__dirname, '..', '..');
const onServer = process.env.TEST_DATABASE_URL ? describe : describe.skip;

interface Instance {
  base: string;
  port: number;
  child: ChildProcess;
  out: () => string;
  stop(): Promise<void>;
}

async function startInstance(env: Record<string, string>, fixedPort?: number): Promise<Instance> {
  const port = fixedPort ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'app/main.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), LOG_LEVEL: 'info', DOTENV_CONFIG_QUIET: 'true', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${base}/ready`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`instance did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    port,
    child,
    out: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

const texts = (activities: Json[]) => botMessages(activities).map((a) => String(a.text));

// Two processes share only a PostgreSQL server (PGlite is in-process), so this runs on the server.
onServer('handoff across two instances', () => {
  it('an agent on A attends a person on B; reconnects lose nothing; a restart continues; a vanished agent is requeued', async () => {
    const location = await makeDatabaseLocation('handoff-multi');
    const env = {
      ...location.env,
      ADMIN_EMAIL: 'admin@cau.mx',
      ADMIN_PASSWORD: 'contraseña-segura-123',
      SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
      HANDOFF_HOLD_SECONDS: '3',
      HANDOFF_TICK_MS: '250',
      HANDOFF_HEARTBEAT_SECONDS: '10',
    };
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'app/cli.ts'), 'user:create', '--email', 'ana@cau.mx', '--role', 'agent', '--name', 'Ana López', '--password', 'contraseña-de-ana-123'],
      { cwd: root, env: { ...process.env, ...env, DOTENV_CONFIG_QUIET: 'true' }, encoding: 'utf8' },
    );
    expect(cli.status).toBe(0);
    const a = await startInstance(env);
    let b = await startInstance(env);
    const streams: StreamCollector[] = [];
    try {
      // The agent works on A.
      const ana = await AgentClient.login(a.base, 'ana@cau.mx', 'contraseña-de-ana-123');
      await ana.connect();
      expect((await ana.request('PUT', '/api/handoff/presence', { status: 'available' })).status).toBeLessThan(300);

      // The person writes on B.
      const { client, conversationId } = await DirectLineTestClient.generate(b.base);
      const started = await client.startConversation();
      const stream = await StreamCollector.open(started.body.streamUrl as string);
      streams.push(stream);
      await stream.waitFor((acts) => texts(acts).length >= 1);
      expect((await client.post(conversationId, 'quiero hablar con una persona')).status).toBe(200);
      await stream.waitFor((acts) => texts(acts).some((t) => /lugar 1|siguiente persona/.test(t)), 10_000);

      // Offered to Ana on A; she accepts; the person on B hears her name, never an id.
      const offer = await ana.waitFor(() => ana.snapshot?.mine.find((h) => h.conversationId === conversationId && h.status === 'offered'), 10_000, 'offer');
      expect((await ana.request('POST', `/api/handoff/${offer.id}/accept`)).status).toBe(200);
      await stream.waitFor((acts) => texts(acts).some((t) => t.includes('Ana López')), 10_000);

      // Person (B) → agent (A), and agent (A) → person (B).
      await client.post(conversationId, 'mi correo no abre desde ayer');
      await ana.waitFor(() => ana.texts(conversationId, 'person').includes('mi correo no abre desde ayer'), 10_000, 'person line');
      expect((await ana.request('POST', `/api/handoff/${offer.id}/messages`, { text: '¿Me confirma su número de empleado?' })).status).toBeLessThan(300);
      const fromAgent = await stream.waitFor((acts) => acts.some((x) => x.text === '¿Me confirma su número de empleado?'), 10_000);
      const reply = fromAgent.find((x) => x.text === '¿Me confirma su número de empleado?') as Json;
      expect((reply.from as Json).name).toBe('Ana López');
      expect(JSON.stringify(reply.from)).not.toContain(offer.agent?.userId ?? ana.snapshot?.me.userId);

      // Ana's socket drops; the person writes three lines; Ana reconnects (to B this time) and gets each once, in order.
      ana.drop();
      for (const line of ['uno', 'dos', 'tres']) await client.post(conversationId, line);
      await ana.connect(b.base);
      await ana.waitFor(() => ana.texts(conversationId, 'person').includes('tres'), 10_000, 'missed lines');
      const personLines = ana.texts(conversationId, 'person');
      expect(personLines.filter((t) => ['uno', 'dos', 'tres'].includes(t))).toEqual(['uno', 'dos', 'tres']);
      const seqs = (ana.lines.get(conversationId) ?? []).map((l) => l.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);

      // B restarts mid-conversation: the person reconnects (to A) and goes on.
      await b.stop();
      await ana.connect(a.base);
      b = await startInstance(env, b.port);
      const again = await client.call('GET', `/conversations/${conversationId}?watermark=${stream.watermark ?? ''}`);
      const resumed = await StreamCollector.open((again.body.streamUrl as string).replace(`:${b.port}`, `:${a.port}`));
      streams.push(resumed);
      const onA = new DirectLineTestClient(a.base, client.token);
      await onA.post(conversationId, 'sigo aquí después del reinicio');
      await ana.waitFor(() => ana.texts(conversationId, 'person').includes('sigo aquí después del reinicio'), 10_000, 'after restart');
      await ana.request('POST', `/api/handoff/${offer.id}/messages`, { text: 'Perfecto, ya lo veo.' });
      await resumed.waitFor((acts) => acts.some((x) => x.text === 'Perfecto, ya lo veo.'), 10_000);

      // Ana vanishes (no socket, no heartbeat): the conversation goes back to the front of the queue.
      ana.drop();
      await resumed.waitFor((acts) => texts(acts).some((t) => /perdió la conexión/.test(t)), 20_000);
      const boss = await AgentClient.login(a.base, 'admin@cau.mx', 'contraseña-segura-123');
      await boss.connect();
      const requeued = await boss.waitFor(() => boss.snapshot?.queue.find((h) => h.conversationId === conversationId), 10_000, 'requeued');
      expect(requeued).toMatchObject({ status: 'queued', position: 1, requeues: 1 });
      // Hold messages while waiting again.
      await resumed.waitFor((acts) => texts(acts).some((t) => /Permítame, lo sigo atendiendo/.test(t)), 10_000);

      // Ana is back; she accepts it again and returns it to the bot, which asks «¿Hay algo más…?».
      await ana.connect(a.base);
      await ana.request('PUT', '/api/handoff/presence', { status: 'available' });
      const second = await ana.waitFor(() => ana.snapshot?.mine.find((h) => h.conversationId === conversationId), 10_000, 'offer again');
      if (second.status === 'offered') expect((await ana.request('POST', `/api/handoff/${second.id}/accept`)).status).toBe(200);
      expect((await ana.request('POST', `/api/handoff/${second.id}/return`)).status).toBeLessThan(300);
      await resumed.waitFor((acts) => texts(acts).some((t) => /¿Hay algo más en que pueda ayudarle\?/.test(t)), 10_000);
      ana.drop();
      boss.drop();
    } finally {
      for (const s of streams) await s.close();
      await a.stop();
      await b.stop();
      await location.dispose();
    }
  }, 180_000);
});
