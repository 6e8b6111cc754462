/**
 * `npm run bench:handoff` — live-agent handoff across two instances on one PostgreSQL server.
 *
 * Two server processes (app/main.ts) share a fresh database. 200 agents connect to the console socket (half on each
 * instance) and go available; 1,000 people open the web chat (Direct Line, half on each instance), ask for a person
 * and are routed to agents (capacity 5 each), who accept. Then, at a steady pace, every person writes and every agent
 * answers: person→agent latency is from the person's POST to the agent's socket frame; agent→person latency from
 * the agent's POST to the person's Direct Line stream frame. Every message carries a unique id, so the bench counts
 * what was lost or delivered twice. Mid-run, every agent socket of instance A is dropped while people keep writing;
 * the agents reconnect with their watermarks and must receive each missed line once, in order.
 * Prints latency p50/p99, lost/duplicated, and CPU and RSS of both instances.
 *
 * Options: --agents N (200) --conversations N (1000) --rounds N (3) --warmup N (1, not counted) --rate MSGS_PER_S (100: people write at this pace, then
 * agents answer at this pace; 1,000 conversations where each side writes every 10 s).
 * Database: BENCH_DATABASE_URL or TEST_DATABASE_URL (an admin URL; a scratch database is created and dropped).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import argon2 from 'argon2';
import { Client } from 'pg';
import WebSocket from 'ws';
import { createRepositories, Database } from '../models';
import { SessionService } from '../services/auth/session.service';
import { UserService } from '../services/users/user.service';
import { freePort } from '../test/support/ports';
import { fmt, machineDescription, percentile, readProc } from './load';

const ROOT = path.resolve(__dirname, '..');
const { values: opts } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    conversations: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    rate: { type: 'string', default: '100' },
  },
});
const AGENTS = Number(opts.agents);
const CONVERSATIONS = Number(opts.conversations);
const ROUNDS = Number(opts.rounds);
/** Rounds run first and left out of the figures (JIT, prepared statements, connection pools warming up). */
const WARMUP = Number(opts.warmup);
const RATE = Number(opts.rate);
const CAPACITY = Math.max(1, Math.ceil(CONVERSATIONS / AGENTS));
const PASSWORD = 'contraseña-de-banco-123';
const DL_SECRET = randomBytes(24).toString('base64url');

// Idle keep-alive sockets are dropped before the server's 5 s keep-alive timeout closes them under us.
const agentHttp = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  label: string;
  base: string;
  child: ChildProcess;
  log: string[];
}

/** One JSON request; resent once when a reused keep-alive socket was closed by the server as we picked it. */
async function request(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await requestOnce(url, method, body, headers);
    } catch (err) {
      if (!(err as { reused?: boolean }).reused || attempt >= 4) throw err;
    }
  }
}

async function requestOnce(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method,
      agent: agentHttp,
      headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${url}: timeout`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (req.reusedSocket && err.code === 'ECONNRESET') Object.assign(err, { reused: true });
      reject(err);
    });
    if (payload) req.write(payload);
    req.end();
  });
}

async function startInstance(label: string, env: NodeJS.ProcessEnv): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'app/main.ts')], {
    cwd: ROOT,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const keep = (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim()) log.push(line.slice(0, 300));
    if (log.length > 300) log.splice(0, log.length - 300);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await request(`${base}/ready`, 'GET', undefined, {}).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${label} did not start:\n${log.slice(-30).join('\n')}`);
    await sleep(250);
  }
  return { label, base, child, log };
}

/** An agent's console: session cookie, socket, the conversations they attend and every person line received. */
class BenchAgent {
  ws: WebSocket | undefined;
  readonly follow: Record<string, number> = {};
  /** conversationId → handoffId, for the conversations accepted. */
  readonly attending = new Map<string, string>();
  private readonly accepting = new Set<string>();
  /** Line ids received (person messages «p <id>»), with how many times. */
  readonly received: Map<string, number>;
  readonly seqOrderBroken = { count: 0 };
  private heartbeat: NodeJS.Timeout | undefined;
  connected = false;

  constructor(
    readonly instance: Instance,
    readonly cookie: string,
    readonly csrf: string,
    received: Map<string, number>,
    private readonly onLine: (id: string, at: number) => void,
  ) {
    this.received = received;
  }

  headers(): Record<string, string> {
    return { cookie: this.cookie, 'x-csrf-token': this.csrf };
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.instance.base.replace('http', 'ws')}/api/agent/socket`, {
        headers: { cookie: this.cookie, origin: this.instance.base },
      });
      this.ws = ws;
      ws.on('open', () => {
        this.connected = true;
        ws.send(JSON.stringify({ type: 'hello', follow: this.follow }));
        this.heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'heartbeat' })), 10_000);
        resolve();
      });
      ws.on('error', (err) => (this.connected ? undefined : reject(err)));
      ws.on('close', () => {
        this.connected = false;
        clearInterval(this.heartbeat);
      });
      ws.on('message', (data) => this.onMessage(JSON.parse(data.toString()) as Record<string, unknown>));
    });
  }

  drop(): void {
    clearInterval(this.heartbeat);
    this.ws?.terminate();
  }

  private onMessage(m: Record<string, unknown>): void {
    const at = performance.now();
    if (m.type === 'transcript') {
      const conversationId = m.conversationId as string;
      const lines = m.lines as Array<{ seq: number; from: string; text: string }>;
      for (const line of lines) {
        const last = this.follow[conversationId] ?? 0;
        if (line.seq <= last) this.seqOrderBroken.count++;
        this.follow[conversationId] = Math.max(last, line.seq);
        const id = /^p (\S+)$/.exec(line.text)?.[1];
        if (line.from === 'person' && id) {
          this.received.set(id, (this.received.get(id) ?? 0) + 1);
          this.onLine(id, at);
        }
      }
    } else if (m.type === 'snapshot') {
      const snapshot = m.snapshot as { mine: Array<{ id: string; conversationId: string; status: string }> };
      for (const h of snapshot.mine) {
        if (h.status === 'assigned') {
          this.attending.set(h.conversationId, h.id);
          this.follow[h.conversationId] ??= 0;
        }
        if (h.status === 'offered' && !this.accepting.has(h.id)) {
          this.accepting.add(h.id);
          void request(`${this.instance.base}/api/handoff/${h.id}/accept`, 'POST', {}, this.headers())
            .then((r) => {
              if (r.status === 200) this.attending.set(h.conversationId, h.id);
              else this.accepting.delete(h.id);
            })
            .catch(() => this.accepting.delete(h.id));
        }
      }
    }
  }
}

/** A person in the web chat: Direct Line conversation with its stream. */
class BenchPerson {
  conversationId = '';
  token = '';
  ws: WebSocket | undefined;
  constructor(
    readonly instance: Instance,
    readonly userId: string,
    private readonly onAgentLine: (id: string, at: number) => void,
    readonly agentLines: Map<string, number>,
  ) {}

  async start(): Promise<void> {
    const dl = `${this.instance.base}/v3/directline`;
    const gen = await request(`${dl}/tokens/generate`, 'POST', { user: { id: this.userId } }, { authorization: `Bearer ${DL_SECRET}` });
    if (gen.status !== 200) throw new Error(`tokens/generate: ${gen.status} ${JSON.stringify(gen.body)}`);
    this.token = (gen.body as { token: string }).token;
    const started = await request(`${dl}/conversations`, 'POST', {}, { authorization: `Bearer ${this.token}` });
    if (started.status !== 200 && started.status !== 201) throw new Error(`conversations: ${started.status}`);
    const body = started.body as { conversationId: string; streamUrl: string };
    this.conversationId = body.conversationId;
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(body.streamUrl);
      this.ws = ws;
      ws.on('open', () => resolve());
      ws.on('error', reject);
      ws.on('message', (data) => {
        const at = performance.now();
        const text = data.toString();
        if (text === '') return;
        const group = JSON.parse(text) as { activities?: Array<{ text?: string; channelData?: { agent?: boolean } }> };
        for (const a of group.activities ?? []) {
          const id = /^a (\S+)$/.exec(a.text ?? '')?.[1];
          if (id && a.channelData?.agent) {
            this.agentLines.set(id, (this.agentLines.get(id) ?? 0) + 1);
            this.onAgentLine(id, at);
          }
        }
      });
    });
  }

  async say(text: string): Promise<number> {
    const r = await request(
      `${this.instance.base}/v3/directline/conversations/${encodeURIComponent(this.conversationId)}/activities`,
      'POST',
      { type: 'message', text, from: { id: this.userId }, channelData: { clientActivityID: randomBytes(8).toString('hex') } },
      { authorization: `Bearer ${this.token}` },
    );
    return r.status;
  }
}

async function inPool<T>(items: readonly T[], limit: number, task: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i] as T, i);
      }
    }),
  );
}

/** Runs `tasks` at `rate` per second (each started on its slot, not waiting for the previous one). */
async function paced(count: number, rate: number, task: (i: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    running.push(task(i));
  }
  await Promise.all(running);
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

function cpuPercent(before: ReturnType<typeof readProc>, after: ReturnType<typeof readProc>, seconds: number): string {
  if (!before || !after) return 'n/a';
  return `${(((after.cpuTicks - before.cpuTicks) / 100 / seconds) * 100).toFixed(0)} %`;
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `ventanilla_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const instances: Instance[] = [];
  const database = await Database.open({ url, dataDir: 'unused', poolMax: 4 });
  try {
    await database.migrate();
    const repos = createRepositories(database);
    // One password hash for every agent (argon2 is slow by design; the bench measures handoff, not hashing).
    const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id });
    const emails: string[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const email = `agente${i}@bench.mx`;
      await repos.users.create({ email, displayName: `Agente ${i}`, role: 'agent', passwordHash: hash });
      emails.push(email);
    }
    const sessions = new SessionService(new UserService(repos.users, repos.audit), repos.sessions, { now: () => new Date() });

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: url,
      DATABASE_POOL_MAX: '10',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DOTENV_CONFIG_QUIET: 'true',
      SECRET_KEY: randomBytes(32).toString('hex'),
      DIRECTLINE_SECRET: DL_SECRET,
      DIRECTLINE_RATE_PER_MINUTE: '100000',
      HANDOFF_CAPACITY: String(CAPACITY),
      HANDOFF_TICK_MS: '1000',
      HANDOFF_MAX_WAIT_SECONDS: '3600',
      HANDOFF_OFFER_SECONDS: '600',
    };
    const [a, b] = await Promise.all([startInstance('A', env), startInstance('B', env)]);
    instances.push(a as Instance, b as Instance);
    const A = a as Instance;
    const B = b as Instance;
    console.log(`bench:handoff — ${AGENTS} agents, ${CONVERSATIONS} conversations, 2 instances, PostgreSQL ${database.location}`);
    for (const line of machineDescription()) console.log(line);

    // Agents: sessions, sockets, available.
    const personLinesAtAgent = new Map<string, number>();
    const sentAt = new Map<string, number>();
    const p2a: number[] = [];
    const agents: BenchAgent[] = [];
    await inPool(emails, 8, async (email, i) => {
      const s = await sessions.login(email, PASSWORD);
      const inst = i % 2 === 0 ? A : B;
      const agent = new BenchAgent(inst, `vt_session=${encodeURIComponent(s.token)}`, s.csrfToken, personLinesAtAgent, (id, at) => {
        const t0 = sentAt.get(id);
        // Lines written while the agent's socket was down are counted for loss, not latency.
        if (t0 !== undefined && !id.includes('.gap') && (personLinesAtAgent.get(id) ?? 0) === 1) p2a.push(at - t0);
      });
      agents.push(agent);
      await agent.connect();
      const r = await request(`${inst.base}/api/handoff/presence`, 'PUT', { status: 'available' }, agent.headers());
      if (r.status !== 204 && r.status !== 200) throw new Error(`presence: ${r.status} ${JSON.stringify(r.body)}`);
    });

    // People: half on each instance, each asks for a person.
    const agentLinesAtPerson = new Map<string, number>();
    const a2p: number[] = [];
    const agentSentAt = new Map<string, number>();
    const people = Array.from({ length: CONVERSATIONS }, (_, i) =>
      new BenchPerson(i % 2 === 0 ? B : A, `persona${i}`, (id, at) => {
        const t0 = agentSentAt.get(id);
        if (t0 !== undefined && (agentLinesAtPerson.get(id) ?? 0) === 1) a2p.push(at - t0);
      }, agentLinesAtPerson),
    );
    const setupStart = performance.now();
    await inPool(people, 32, async (person) => {
      await person.start();
      const status = await person.say('quiero hablar con una persona');
      if (status !== 200) throw new Error(`ask for a person: ${status}`);
    });
    const attended = () => agents.reduce((n, ag) => n + ag.attending.size, 0);
    const allAccepted = await waitFor(() => attended() >= CONVERSATIONS, 180_000);
    console.log(
      `setup     ${CONVERSATIONS} people asked for a person and ${attended()} were accepted in ${((performance.now() - setupStart) / 1000).toFixed(1)} s${allAccepted ? '' : ' (not all: see below)'}`,
    );
    const byConversation = new Map<string, { agent: BenchAgent; handoffId: string }>();
    for (const ag of agents) for (const [conversationId, handoffId] of ag.attending) byConversation.set(conversationId, { agent: ag, handoffId });
    const pairs = people.filter((p) => byConversation.has(p.conversationId));

    // Warm-up rounds: the same exchange, not counted.
    for (let round = 1; round <= WARMUP; round++) {
      await paced(pairs.length, RATE, async (i) => {
        const person = pairs[i] as BenchPerson;
        await person.say(`calentamiento ${round}`);
      });
      await paced(pairs.length, RATE, async (i) => {
        const person = pairs[i] as BenchPerson;
        const { agent, handoffId } = byConversation.get(person.conversationId) as { agent: BenchAgent; handoffId: string };
        await request(`${agent.instance.base}/api/handoff/${handoffId}/messages`, 'POST', { text: `calentamiento ${round}` }, agent.headers());
      });
    }

    // Steady exchange: each round, every person writes once, then every agent answers once.
    const procBefore = [readProc(A.child.pid as number), readProc(B.child.pid as number)];
    const t0 = performance.now();
    let postErrors = 0;
    const roundMarks: Array<[number, number]> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      roundMarks.push([p2a.length, a2p.length]);
      await paced(pairs.length, RATE, async (i) => {
        const person = pairs[i] as BenchPerson;
        const id = `${person.conversationId}.${round}`;
        sentAt.set(id, performance.now());
        if ((await person.say(`p ${id}`)) !== 200) postErrors++;
      });
      await paced(pairs.length, RATE, async (i) => {
        const person = pairs[i] as BenchPerson;
        const { agent, handoffId } = byConversation.get(person.conversationId) as { agent: BenchAgent; handoffId: string };
        const id = `${person.conversationId}.${round}`;
        agentSentAt.set(id, performance.now());
        const r = await request(`${agent.instance.base}/api/handoff/${handoffId}/messages`, 'POST', { text: `a ${id}` }, agent.headers());
        if (r.status !== 204 && r.status !== 200) postErrors++;
      });
    }
    await waitFor(() => personLinesAtAgent.size >= pairs.length * ROUNDS && agentLinesAtPerson.size >= pairs.length * ROUNDS, 15_000);
    const seconds = (performance.now() - t0) / 1000;
    const procAfter = [readProc(A.child.pid as number), readProc(B.child.pid as number)];

    // Forced reconnect: every agent socket on A drops; their people write twice; the agents come back.
    const onA = agents.filter((ag) => ag.instance === A);
    for (const ag of onA) ag.drop();
    await sleep(200);
    const affected = pairs.filter((p) => (byConversation.get(p.conversationId) as { agent: BenchAgent }).agent.instance === A);
    const gapIds: string[] = [];
    await paced(affected.length * 2, RATE, async (i) => {
      const person = affected[i % affected.length] as BenchPerson;
      const id = `${person.conversationId}.gap${i < affected.length ? 1 : 2}`;
      gapIds.push(id);
      sentAt.set(id, performance.now());
      if ((await person.say(`p ${id}`)) !== 200) postErrors++;
    });
    await inPool(onA, 16, (ag) => ag.connect());
    await waitFor(() => gapIds.every((id) => personLinesAtAgent.has(id)), 20_000);
    await sleep(1000);

    const expectedPerson = [...pairs.flatMap((p) => Array.from({ length: ROUNDS }, (_, r) => `${p.conversationId}.${r + 1}`)), ...gapIds];
    const expectedAgent = pairs.flatMap((p) => Array.from({ length: ROUNDS }, (_, r) => `${p.conversationId}.${r + 1}`));
    const lost = expectedPerson.filter((id) => !personLinesAtAgent.has(id)).length + expectedAgent.filter((id) => !agentLinesAtPerson.has(id)).length;
    const duplicated =
      [...personLinesAtAgent.values()].reduce((n, c) => n + Math.max(0, c - 1), 0) + [...agentLinesAtPerson.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    const outOfOrder = agents.reduce((n, ag) => n + ag.seqOrderBroken.count, 0);
    const gapLost = gapIds.filter((id) => !personLinesAtAgent.has(id)).length;

    roundMarks.push([p2a.length, a2p.length]);
    for (let r = 0; r < ROUNDS; r++) {
      const [p0, a0] = roundMarks[r] as [number, number];
      const [p1, a1] = roundMarks[r + 1] as [number, number];
      const ps = p2a.slice(p0, p1).sort((x, y) => x - y);
      const as = a2p.slice(a0, a1).sort((x, y) => x - y);
      console.log(`round ${r + 1}          person → agent p50 ${fmt.ms(percentile(ps, 50))} p99 ${fmt.ms(percentile(ps, 99))} ms; agent → person p50 ${fmt.ms(percentile(as, 50))} p99 ${fmt.ms(percentile(as, 99))} ms`);
    }
    p2a.sort((x, y) => x - y);
    a2p.sort((x, y) => x - y);
    const procEnd = [readProc(A.child.pid as number), readProc(B.child.pid as number)];
    console.log('');
    console.log(`person → agent   p50 ${fmt.ms(percentile(p2a, 50))} ms   p99 ${fmt.ms(percentile(p2a, 99))} ms   max ${fmt.ms(p2a[p2a.length - 1] ?? NaN)} ms   (${p2a.length} messages)`);
    console.log(`agent → person   p50 ${fmt.ms(percentile(a2p, 50))} ms   p99 ${fmt.ms(percentile(a2p, 99))} ms   max ${fmt.ms(a2p[a2p.length - 1] ?? NaN)} ms   (${a2p.length} messages)`);
    console.log(`forced reconnect ${onA.length} agent sockets dropped on A, ${gapIds.length} messages written meanwhile: ${gapLost} not delivered after reconnect`);
    console.log(`delivery         lost ${lost}   duplicated ${duplicated}   out of order ${outOfOrder}   failed posts ${postErrors}`);
    for (const [i, inst] of [A, B].entries()) {
      console.log(
        `instance ${inst.label}       CPU ${cpuPercent(procBefore[i] ?? null, procAfter[i] ?? null, seconds)} of one core during the exchange (${seconds.toFixed(1)} s)   RSS ${fmt.mb(procEnd[i]?.vmRssKb ?? NaN)}   peak ${fmt.mb(procEnd[i]?.vmHwmKb ?? NaN)}`,
      );
    }
    console.log(`targets          p99 ≤ 50 ms: ${percentile(p2a, 99) <= 50 && percentile(a2p, 99) <= 50 ? 'met' : 'NOT met'}; zero lost and duplicated: ${lost === 0 && duplicated === 0 ? 'met' : 'NOT met'}`);
    for (const inst of [A, B]) {
      const errors = inst.log.filter((l) => /"level":(50|60)/.test(l));
      if (errors.length > 0) console.log(`${inst.label} logged ${errors.length} errors, e.g.: ${errors[0]}`);
    }
    for (const ag of agents) ag.drop();
    for (const p of people) p.ws?.terminate();
  } finally {
    for (const inst of instances) inst.child.kill('SIGTERM');
    await Promise.all(instances.map((inst) => new Promise((r) => (inst.child.exitCode !== null ? r(null) : inst.child.once('exit', r)))));
    await database.close();
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end();
    agentHttp.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
