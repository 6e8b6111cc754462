/**
 * `npm run bench:voice [-- options]` — the phone channel under 100 concurrent calls.
 *
 * The application runs in its own process (this file with `--serve`), with Twilio configured and its REST API pointed
 * at a local fake. This process plays N simulated callers at once (test/support/simulated-caller.ts: signed,
 * form-encoded webhooks exactly as Twilio posts them, TwiML parsed and followed): each call hears the greeting, says
 * its request, answers the attention script's questions by voice — with 1–3 s of «speech» before each answer — until
 * the ticket number is dictated, says «no» to «¿Hay algo más…?» and hangs up (status callback). Every webhook's
 * latency is measured (request sent → TwiML read).
 *
 * Prints webhook latency p50/p95/p99/max, requests/s, errors, the median caller turns from the greeting to the ticket
 * number, the server's CPU and memory, and the machine. Database: PGlite in a scratch directory by default; a scratch
 * database on the PostgreSQL server in BENCH_DATABASE_URL or TEST_DATABASE_URL (an admin URL) when set.
 *
 * Options: --calls N (100 concurrent) --rounds N (2 calls per caller, one after the other) --pause-ms MIN-MAX (1000-3000)
 *          --warmup N (5 calls first, not measured)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { SimulatedCaller } from '../test/support/simulated-caller';
import { TwilioFakeApi } from '../test/support/twilio-fake-api';
import { type VoiceAnswers, voiceScript } from '../test/integration/twilio-fixture';
import { fmt, machineDescription, percentile, type ServerChild, startServerChild } from './load';

const ACCOUNT_SID = `AC${'7'.repeat(32)}`;
const AUTH_TOKEN = randomBytes(16).toString('hex');
const PUBLIC_BASE_URL = 'https://bench.ventanilla.example.mx';
const OUR_NUMBER = '+525550009000';

/** Requests and the answers a caller gives; the bench cycles through them. */
const SCRIPTS: Array<{ opening: string; answers: VoiceAnswers }> = [
  { opening: 'necesito que activen el nodo de red de la oficina nueva', answers: { identification: 'soy personal administrativo de UPIICSA', extension: 'siete cero uno cero cero' } },
  { opening: 'mi extensión no tiene tono', answers: { identification: 'soy docente de la ESCOM', extension: 'cinco dos cero tres cero', resolved: 'no, sigue igual' } },
  { opening: 'olvidé la contraseña de mi correo institucional', answers: { identification: 'soy estudiante de la ESCOM', resolved: 'no' } },
];

interface Sample {
  ms: number;
  path: string;
  ok: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function serve(): Promise<void> {
  const { loadConfig } = await import('../app/config');
  const { createApplication } = await import('../app/container');
  const { createLogger } = await import('../app/logger');
  const { serveChild } = await import('./load');
  serveChild(async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.logLevel, { bench: true });
    const app = await createApplication(config, logger);
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', () => resolve()));
    const address = app.server.address() as { port: number };
    return { port: address.port, stop: () => app.shutdown('bench finished') };
  });
}

async function main(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      calls: { type: 'string', default: '100' },
      rounds: { type: 'string', default: '2' },
      'pause-ms': { type: 'string', default: '1000-3000' },
      warmup: { type: 'string', default: '5' },
    },
  });
  const calls = Number(opts.calls);
  const rounds = Number(opts.rounds);
  const warmup = Number(opts.warmup);
  const [pauseMin, pauseMax] = String(opts['pause-ms']).split('-').map(Number) as [number, number];
  if (![calls, rounds, warmup, pauseMin, pauseMax].every(Number.isFinite)) throw new Error('bad options (see the header of bench/voice.bench.ts)');

  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  let dropDatabase: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  const dbEnv: Record<string, string> = {};
  if (adminUrl) {
    const name = `ventanilla_voice_bench_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    dbEnv.DATABASE_URL = u.toString();
    dropDatabase = async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-voice-bench-'));
    dbEnv.DATA_DIR = dataDir;
  }

  const api = await TwilioFakeApi.start({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  let server: ServerChild | undefined;
  try {
    server = await startServerChild({
      label: 'ventanilla',
      script: 'bench/voice.bench.ts',
      runtime: { kind: 'tsx' },
      args: ['--serve'],
      readyTimeoutMs: 120_000,
      env: {
        ...process.env,
        ...dbEnv,
        NODE_ENV: 'production',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        SECRET_KEY: randomBytes(32).toString('hex'),
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_PHONE_NUMBER: OUR_NUMBER,
        TWILIO_API_BASE_URL: api.baseUrl,
        PUBLIC_BASE_URL,
        PORT: '0',
      },
    });
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const backend = adminUrl ? 'PostgreSQL server' : 'PGlite';
    console.log(`bench:voice — ${calls} concurrent calls × ${rounds} rounds, ${pauseMin}–${pauseMax} ms of speech before each answer, ${backend}`);

    let measuring = false;
    const samples: Sample[] = [];
    const timedFetch: typeof fetch = async (input, init) => {
      const started = performance.now();
      const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
      let ok = false;
      try {
        const res = await fetch(input, init);
        const body = await res.text();
        ok = res.status < 300;
        return new Response(res.status === 204 || res.status === 304 ? null : body, { status: res.status, headers: res.headers });
      } finally {
        if (measuring) samples.push({ ms: performance.now() - started, path: new URL(url).pathname, ok });
      }
    };

    let serial = 0;
    const turnsToTicket: number[] = [];
    let failedCalls = 0;
    const failures: string[] = [];
    const oneCall = async (withPauses: boolean): Promise<void> => {
      serial += 1;
      const script = SCRIPTS[serial % SCRIPTS.length] as (typeof SCRIPTS)[number];
      const caller = new SimulatedCaller({
        baseUrl,
        publicBaseUrl: PUBLIC_BASE_URL,
        authToken: AUTH_TOKEN,
        accountSid: ACCOUNT_SID,
        from: `+5255${String(10_000_000 + serial).slice(-8)}`,
        to: OUR_NUMBER,
        fetch: timedFetch,
      });
      const pause = () => (withPauses ? sleep(pauseMin + Math.random() * (pauseMax - pauseMin)) : Promise.resolve());
      try {
        await caller.call();
        const run = await voiceScript(
          caller,
          async () => (caller.said().some((s) => /C A U, \d{4}/.test(s)) ? 'ticket' : null),
          script.opening,
          script.answers,
          25,
          pause,
        );
        if (run.turnsToTicket !== null) turnsToTicket.push(run.turnsToTicket);
        await pause();
        await caller.say('no, gracias');
        await caller.hangUp();
      } catch (err) {
        failedCalls += 1;
        if (failures.length < 5) failures.push(err instanceof Error ? err.message.slice(0, 300) : String(err));
      }
    };

    // Warm-up (JIT, prepared statements, the catalog's classifier): not measured.
    await Promise.all(Array.from({ length: warmup }, () => oneCall(false)));
    turnsToTicket.length = 0;
    failedCalls = 0;
    failures.length = 0;

    measuring = true;
    const before = await server.stats();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: calls }, async (_v, i) => {
        await sleep((i * pauseMax) / calls); // callers arrive over the first pause, not all in the same millisecond
        for (let r = 0; r < rounds; r++) await oneCall(true);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    measuring = false;
    const after = await server.stats();

    const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
    const errors = samples.filter((s) => !s.ok).length;
    const byPath = new Map<string, number[]>();
    for (const s of samples) byPath.set(s.path, [...(byPath.get(s.path) ?? []), s.ms]);
    const turns = [...turnsToTicket].sort((a, b) => a - b);
    const cpuSeconds = (after.cpuUserUs - before.cpuUserUs + after.cpuSystemUs - before.cpuSystemUs) / 1e6;

    console.log('');
    console.log(`webhooks  ${samples.length} in ${seconds.toFixed(1)} s = ${fmt.rate(samples.length / seconds)} requests/s, ${errors} errors`);
    console.log(`latency   p50 ${fmt.ms(percentile(ms, 50))} ms   p95 ${fmt.ms(percentile(ms, 95))} ms   p99 ${fmt.ms(percentile(ms, 99))} ms   max ${fmt.ms(ms[ms.length - 1] ?? NaN)} ms`);
    for (const [p, list] of [...byPath.entries()].sort()) {
      const sorted = [...list].sort((a, b) => a - b);
      console.log(`          ${p.padEnd(28)} n=${String(sorted.length).padEnd(6)} p50 ${fmt.ms(percentile(sorted, 50))} ms   p99 ${fmt.ms(percentile(sorted, 99))} ms`);
    }
    console.log(`calls     ${calls * rounds} placed, ${calls * rounds - failedCalls} reached the ticket and hung up, ${failedCalls} failed`);
    console.log(`turns     median ${percentile(turns, 50)} caller turns from the greeting to the ticket number (min ${turns[0] ?? 'n/a'}, max ${turns[turns.length - 1] ?? 'n/a'})`);
    console.log(`server    CPU ${cpuSeconds.toFixed(1)} s (${fmt.pct(cpuSeconds / seconds)} of one core), RSS ${(after.rssBytes / 1024 ** 2).toFixed(0)} MB, event-loop delay p99 ${fmt.ms(after.loopDelayP99Ms)} ms`);
    for (const line of machineDescription()) console.log(line);
    const p99 = percentile(ms, 99);
    console.log(`target    p99 ≤ 100 ms: ${p99 <= 100 ? 'met' : 'NOT met'}`);
    for (const f of failures) console.log(`failure   ${f}`);
    const counts = server.logCounts();
    if (counts.error > 0) console.log(`server log: ${counts.error} error lines; last:\n${server.logTail(10).join('\n')}`);
  } finally {
    await server?.stop().catch(() => undefined);
    await api.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    await dropDatabase?.().catch(() => undefined);
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}
