/**
 * `npm run bench:turns [-- options]`: turns per second, reply latency, CPU per turn and peak memory of Ventanilla's
 * self-hosted Direct Line under N concurrent WebSocket conversations, on PGlite and on PostgreSQL, with a saturation
 * phase and a bare botbuilder echo bot as the baseline. How to read the output: bench/README.md.
 *
 * The server under test always runs in its own child process (this file with `--serve`, or bench/echo-baseline.ts);
 * this process only generates load and measures. Exit code 0 unless the bench itself failed.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { Client, Pool } from 'pg';
import {
  CLOCK_TICKS_PER_SECOND,
  type ChildStats,
  fmt,
  type LoadResult,
  machineDescription,
  percentile,
  PROJECT_ROOT,
  type ProcSample,
  type QueryStats,
  type ChildRuntime,
  compileProject,
  cpuByCommand,
  readAllProcs,
  readMachineCpu,
  readProc,
  runLoad,
  serveChild,
  type ServerChild,
  startServerChild,
} from './load';

// ───────────────────────────── options ─────────────────────────────

interface Options {
  conversations: number;
  intervalMs: number;
  saturationIntervalMs: number;
  durationS: number;
  warmupS: number;
  timeoutMs: number;
  phases: string[];
  pgUrl: string;
  poolMax: number | undefined;
  logLevel: string;
  profileDir: string | undefined;
  detail: boolean;
  quick: boolean;
  runtime: 'compiled' | 'tsx';
  /** Extra node flags for the Ventanilla server processes (experiments: heap sizes, …). */
  serverNodeArgs: string[];
}

const ALL_PHASES = ['pglite', 'postgres', 'postgres-sat', 'pglite-sat', 'echo', 'echo-sat'] as const;
type PhaseKey = (typeof ALL_PHASES)[number];

const USAGE = `usage: npm run bench:turns -- [options]
  --conversations N        concurrent Direct Line conversations (default 200; --quick: 50)
  --interval-ms MS         mean time between two messages of a conversation (default 2000, ±25 % jitter)
  --saturation-interval-ms MS   the same for the saturation phases (default 50)
  --duration-s S           measured window of each phase (default 30; --quick: 10)
  --warmup-s S             load before the window opens, not measured (default 3; --quick: 2)
  --phases LIST            comma-separated subset of ${ALL_PHASES.join(',')}
  --pg-url URL             PostgreSQL server to create the bench database on
                           (default $BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --pool-max N             DATABASE_POOL_MAX for the PostgreSQL phases (default: the app's default)
  --log-level LEVEL        LOG_LEVEL of the server under test (default warn)
  --profile DIR            write a V8 CPU profile of each Ventanilla window to DIR and print its top entries
  --runtime compiled|tsx   run the servers as tsc-compiled JavaScript on plain node, like npm start (default),
                           or as TypeScript through tsx (no build; adds tsx's memory and start-up time)
  --server-node-args "…"  extra node flags for the Ventanilla server (e.g. "--max-semi-space-size=4")
  --detail                 print per-query-shape counts and per-second throughput
  --quick                  10 s windows, 50 conversations`;

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const o: Options = {
    conversations: quick ? 50 : 200,
    intervalMs: 2000,
    saturationIntervalMs: 50,
    durationS: quick ? 10 : 30,
    warmupS: quick ? 2 : 3,
    timeoutMs: 10_000,
    phases: [...ALL_PHASES],
    pgUrl: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    poolMax: undefined,
    logLevel: 'warn',
    profileDir: undefined,
    detail: false,
    quick,
    runtime: 'compiled',
    serverNodeArgs: [],
  };
  const num = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min || n > max) throw new Error(`${flag}: expected a number in [${min}, ${max}], got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    switch (flag) {
      case '--quick':
        break;
      case '--detail':
        o.detail = true;
        break;
      case '--conversations':
        o.conversations = Math.round(num(flag, value, 1, 5000));
        i++;
        break;
      case '--interval-ms':
        o.intervalMs = num(flag, value, 10, 600_000);
        i++;
        break;
      case '--saturation-interval-ms':
        o.saturationIntervalMs = num(flag, value, 1, 600_000);
        i++;
        break;
      case '--duration-s':
        o.durationS = num(flag, value, 1, 3600);
        i++;
        break;
      case '--warmup-s':
        o.warmupS = num(flag, value, 0, 600);
        i++;
        break;
      case '--phases': {
        const list = (value ?? '').split(',').map((p) => p.trim()).filter(Boolean);
        const unknown = list.filter((p) => !(ALL_PHASES as readonly string[]).includes(p));
        if (list.length === 0 || unknown.length > 0) throw new Error(`--phases: unknown ${unknown.join(', ') || '(empty)'}; choose from ${ALL_PHASES.join(',')}`);
        o.phases = list;
        i++;
        break;
      }
      case '--pg-url':
        if (!value) throw new Error('--pg-url: missing value');
        o.pgUrl = value;
        i++;
        break;
      case '--pool-max':
        o.poolMax = Math.round(num(flag, value, 1, 200));
        i++;
        break;
      case '--log-level':
        if (!value) throw new Error('--log-level: missing value');
        o.logLevel = value;
        i++;
        break;
      case '--runtime':
        if (value !== 'compiled' && value !== 'tsx') throw new Error('--runtime: expected compiled or tsx');
        o.runtime = value;
        i++;
        break;
      case '--server-node-args':
        if (value === undefined) throw new Error('--server-node-args: missing value');
        o.serverNodeArgs = value.split(/\s+/).filter(Boolean);
        i++;
        break;
      case '--profile':
        if (!value) throw new Error('--profile: missing directory');
        o.profileDir = path.resolve(value);
        i++;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return o;
}

// ───────────────────────────── child mode: Ventanilla under test ─────────────────────────────

function sqlShape(first: unknown): string {
  const text = typeof first === 'string' ? first : typeof first === 'object' && first !== null ? String((first as { text?: unknown }).text ?? '?') : '?';
  return text.replace(/\s+/g, ' ').trim().slice(0, 90);
}

/**
 * Counts the queries the app sends (and their wall time, pool waits included) by wrapping the drivers' `query`
 * — node-postgres' Pool and PGlite — before the app opens its database. Bench-only instrumentation.
 */
function instrumentDrivers(Pool: { prototype: object }, PGlite: { prototype: object }, byShape: boolean): () => QueryStats {
  const stats: QueryStats = { count: 0, ms: 0, maxWaiting: 0, maxMs: 0, byShape: {} };
  const noShape = { count: 0, ms: 0 };
  const wrap = (proto: object) => {
    const target = proto as { query: (...args: unknown[]) => unknown };
    const original = target.query;
    target.query = function (this: { waitingCount?: number }, ...args: unknown[]): unknown {
      const entry = byShape ? (stats.byShape[sqlShape(args[0])] ??= { count: 0, ms: 0 }) : noShape;
      stats.count++;
      entry.count++;
      const started = performance.now();
      const result = original.apply(this, args);
      if (typeof this.waitingCount === 'number' && this.waitingCount > stats.maxWaiting) stats.maxWaiting = this.waitingCount;
      if (result instanceof Promise) {
        const done = () => {
          const ms = performance.now() - started;
          stats.ms += ms;
          entry.ms += ms;
          if (ms > stats.maxMs) stats.maxMs = ms;
        };
        result.then(done, done);
      }
      return result;
    };
  };
  wrap(Pool.prototype);
  wrap(PGlite.prototype);
  return () => {
    const snapshot = { ...stats, byShape: Object.fromEntries(Object.entries(stats.byShape).map(([k, v]) => [k, { ...v }])) };
    stats.maxMs = 0;
    return snapshot;
  };
}

async function serveVentanilla(): Promise<void> {
  // Static imports above: the app loads the drivers through require(), so these are the same classes.
  const queries = instrumentDrivers(Pool, PGlite, process.env.BENCH_QUERY_SHAPES === '1');
  const { loadConfig } = await import('../app/config');
  const { createApplication } = await import('../app/container');
  const { createLogger } = await import('../app/logger');
  serveChild(async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.logLevel, { bench: true });
    const app = await createApplication(config, logger);
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', () => resolve()));
    const address = app.server.address() as { port: number };
    return { port: address.port, stop: () => app.shutdown('bench finished'), queries };
  });
}

// ───────────────────────────── phases ─────────────────────────────

interface PhaseSpec {
  key: PhaseKey;
  title: string;
  server: 'ventanilla' | 'echo';
  backend: 'pglite' | 'postgres' | 'memory';
  kind: 'target' | 'saturation';
  intervalMs: number;
}

interface Window {
  proc: ProcSample | null;
  self: ProcSample | null;
  machine: { busy: number; total: number } | null;
  all: Map<number, { comm: string; ticks: number }>;
  stats: Promise<ChildStats | null>;
}

interface PhaseResult {
  spec: PhaseSpec;
  load: LoadResult;
  startupMs: number;
  turnsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errorCount: number;
  serverCpuMs: number;
  cpuMsPerTurn: number;
  otherCpuMsPerTurn: number;
  /** CPU of other processes during the window, by command name, ms per turn. */
  otherByCommand: Array<[string, number]>;
  /** CPU of the PostgreSQL server's processes during the window, ms per turn. */
  postgresCpuMsPerTurn: number;
  loadgenCpuMsPerTurn: number;
  machineBusy: number;
  eventLoopBusy: number;
  /** Event-loop delay in the window (p99, max), ms. */
  loopDelay: { p99: number; max: number } | undefined;
  /** Share of the server's CPU spent in the kernel (socket writes, …). */
  systemShare: number;
  peakRssKb: number;
  maxWindowRssKb: number;
  rssTimeline: number[];
  heapAtEnd: { usedBytes: number; totalBytes: number; externalBytes: number } | undefined;
  queriesPerTurn: number | undefined;
  queryMsPerTurn: number | undefined;
  queries: QueryStats | undefined;
  serverLog: { warn: number; error: number; last: string[] };
  profile: string | undefined;
}

const VENTANILLA_SCRIPT = [
  // A request (→ three lines + «¿Hay algo más…?»), then «sí» (→ «¿En qué más puedo ayudarle?»), and again.
  'No puedo entrar a mi correo institucional desde ayer, me dice contraseña incorrecta',
  'sí',
];
const ECHO_SCRIPT = ['No puedo entrar a mi correo institucional desde ayer, me dice contraseña incorrecta', 'sí'];

function phaseSpecs(o: Options): PhaseSpec[] {
  const specs: Record<PhaseKey, PhaseSpec> = {
    pglite: { key: 'pglite', title: 'Ventanilla · PGlite · target load', server: 'ventanilla', backend: 'pglite', kind: 'target', intervalMs: o.intervalMs },
    postgres: { key: 'postgres', title: 'Ventanilla · PostgreSQL · target load', server: 'ventanilla', backend: 'postgres', kind: 'target', intervalMs: o.intervalMs },
    'postgres-sat': { key: 'postgres-sat', title: 'Ventanilla · PostgreSQL · saturation', server: 'ventanilla', backend: 'postgres', kind: 'saturation', intervalMs: o.saturationIntervalMs },
    'pglite-sat': { key: 'pglite-sat', title: 'Ventanilla · PGlite · saturation', server: 'ventanilla', backend: 'pglite', kind: 'saturation', intervalMs: o.saturationIntervalMs },
    echo: { key: 'echo', title: 'Echo baseline (botbuilder + restify, in memory) · target load', server: 'echo', backend: 'memory', kind: 'target', intervalMs: o.intervalMs },
    'echo-sat': { key: 'echo-sat', title: 'Echo baseline · saturation', server: 'echo', backend: 'memory', kind: 'saturation', intervalMs: o.saturationIntervalMs },
  };
  return ALL_PHASES.filter((k) => o.phases.includes(k)).map((k) => specs[k]);
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // A clean environment: the developer's DATABASE_URL, channel credentials, etc. must not leak into the run.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), DOTENV_CONFIG_QUIET: 'true' };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}

const cleanup = {
  children: new Set<ServerChild>(),
  dirs: new Set<string>(),
  dropDatabase: undefined as (() => Promise<void>) | undefined,
};

interface Backends {
  /** The fresh PostgreSQL bench database. */
  databaseUrl: string | undefined;
  /** PGlite data directory, initialized (initdb + migrations) before the first PGlite phase. */
  pgliteDir: string;
  /** A scratch DATA_DIR for the PostgreSQL phases (the app wants one; nothing is written there). */
  scratchDir: string;
  runtime: ChildRuntime;
  /** Peak RSS of the child that ran PGlite's initdb (the very first start on a new data directory). */
  pgliteInitPeakKb?: number;
  pgliteInitMs?: number;
}

const SECRET_KEY = randomBytes(32).toString('hex');

function ventanillaEnv(o: Options, backend: 'pglite' | 'postgres', b: Backends, secret: string): NodeJS.ProcessEnv {
  return childEnv({
    NODE_ENV: 'production',
    LOG_LEVEL: o.logLevel,
    TZ: 'America/Mexico_City',
    DATA_DIR: backend === 'pglite' ? b.pgliteDir : b.scratchDir,
    SECRET_KEY,
    DIRECTLINE_SECRET: secret,
    DIRECTLINE_RATE_PER_MINUTE: '100000',
    ...(o.detail ? { BENCH_QUERY_SHAPES: '1' } : {}),
    ...(backend === 'postgres' && b.databaseUrl ? { DATABASE_URL: b.databaseUrl } : {}),
    ...(backend === 'postgres' && o.poolMax ? { DATABASE_POOL_MAX: String(o.poolMax) } : {}),
  });
}

/**
 * Starts and stops Ventanilla once on the new PGlite directory, so the measured phases see what production sees
 * after its first start (initdb is a one-off that, in WebAssembly, leaves a much larger heap behind).
 */
async function initializePglite(o: Options, b: Backends): Promise<void> {
  const started = performance.now();
  const child = await startServerChild({
    label: 'PGlite initialization',
    script: 'bench/turns.bench.ts',
    runtime: b.runtime,
    nodeArgs: o.serverNodeArgs,
    args: ['--serve'],
    env: ventanillaEnv(o, 'pglite', b, randomBytes(24).toString('base64url')),
  });
  cleanup.children.add(child);
  b.pgliteInitMs = performance.now() - started;
  b.pgliteInitPeakKb = child.proc()?.vmHwmKb;
  await child.stop();
  cleanup.children.delete(child);
}

async function runPhase(spec: PhaseSpec, o: Options, b: Backends, index: number, total: number): Promise<PhaseResult> {
  const secret = randomBytes(24).toString('base64url');
  let child: ServerChild;
  const startupStarted = performance.now();
  if (spec.server === 'echo' || spec.backend === 'memory') {
    child = await startServerChild({ label: spec.title, script: 'bench/echo-baseline.ts', runtime: b.runtime, env: childEnv({ NODE_ENV: 'production', DIRECTLINE_SECRET: secret }) });
  } else {
    child = await startServerChild({ label: spec.title, script: 'bench/turns.bench.ts', runtime: b.runtime, nodeArgs: o.serverNodeArgs, args: ['--serve'], env: ventanillaEnv(o, spec.backend, b, secret) });
  }
  cleanup.children.add(child);
  const startupMs = performance.now() - startupStarted;

  console.log(`\n── ${index}/${total} ${spec.title} ${'─'.repeat(Math.max(3, 86 - spec.title.length))}`);
  const offered = (o.conversations * 1000) / spec.intervalMs;
  console.log(
    `  load        ${o.conversations} conversations × 1 message / ${spec.intervalMs} ms ±25 %  ` +
      `(offered ≤ ${fmt.rate(offered)} turns/s), warm-up ${o.warmupS} s, window ${o.durationS} s; server pid ${child.pid}, up in ${(startupMs / 1000).toFixed(1)} s`,
  );

  let maxWindowRssKb = 0;
  let inWindow = false;
  let ticks = 0;
  const rssTimeline: number[] = [];
  const rssSampler = setInterval(() => {
    if (!inWindow) return;
    const p = child.proc();
    if (p && p.vmRssKb > maxWindowRssKb) maxWindowRssKb = p.vmRssKb;
    if (p && ++ticks % 20 === 0) rssTimeline.push(p.vmRssKb);
  }, 250);
  const snapshot = (): Window => ({
    proc: child.proc(),
    self: readProc('self'),
    machine: readMachineCpu(),
    all: readAllProcs(),
    stats: child.stats().catch(() => null),
  });
  let atStart: Window | undefined;
  let atEnd: Window | undefined;
  const profileFile = o.profileDir && spec.server === 'ventanilla' ? path.join(o.profileDir, `${spec.key}.cpuprofile`) : undefined;
  let profiling: Promise<void> = Promise.resolve();

  let load: LoadResult;
  try {
    load = await runLoad({
      baseUrl: `http://127.0.0.1:${child.port}`,
      secret,
      conversations: o.conversations,
      intervalMs: spec.intervalMs,
      warmupMs: o.warmupS * 1000,
      durationMs: o.durationS * 1000,
      timeoutMs: o.timeoutMs,
      script: spec.server === 'echo' ? ECHO_SCRIPT : VENTANILLA_SCRIPT,
      onWindowStart: () => {
        inWindow = true;
        atStart = snapshot();
        if (profileFile) profiling = child.profileStart();
      },
      onWindowEnd: () => {
        inWindow = false;
        atEnd = snapshot();
        if (profileFile) {
          const file = profileFile;
          profiling = profiling.then(() => child.profileStop(file));
        }
      },
    });
  } finally {
    clearInterval(rssSampler);
  }
  if (!atStart || !atEnd) throw new Error(`${spec.title}: the measured window never closed`);
  const [statsStart, statsEnd] = await Promise.all([atStart.stats, atEnd.stats]);
  let profileSummary: string | undefined;
  if (profileFile) {
    try {
      await profiling;
      profileSummary = summarizeProfile(profileFile, [PROJECT_ROOT, ...(b.runtime.kind === 'compiled' ? [path.join(b.runtime.compiledRoot, 'out')] : [])]);
    } catch (err) {
      profileSummary = `  profile     failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const finalProc = child.proc();
  const serverLog = { ...child.logCounts(), last: child.logTail(200).filter((l) => /"level":(5|6)\d/.test(l)).slice(-2) };
  await child.stop();
  cleanup.children.delete(child);

  const windowS = load.windowMs / 1000;
  const turns = load.answeredInWindow;
  const perTurn = (ms: number) => (turns > 0 ? ms / turns : NaN);
  const tickMs = 1000 / CLOCK_TICKS_PER_SECOND;
  const serverTicks = atStart.proc && atEnd.proc ? atEnd.proc.cpuTicks - atStart.proc.cpuTicks : NaN;
  const selfTicks = atStart.self && atEnd.self ? atEnd.self.cpuTicks - atStart.self.cpuTicks : NaN;
  const machine = atStart.machine && atEnd.machine ? { busy: atEnd.machine.busy - atStart.machine.busy, total: atEnd.machine.total - atStart.machine.total } : undefined;
  // /proc/stat and the per-process counters are sampled a few µs apart: clamp the rounding at zero.
  const otherTicks = machine ? Math.max(0, machine.busy - serverTicks - selfTicks) : NaN;
  const others = cpuByCommand(atStart.all, atEnd.all, [child.pid, process.pid]);
  const queriesDelta = diffQueries(statsStart?.queries ?? null, statsEnd?.queries ?? null);
  const eluActive = statsStart && statsEnd ? statsEnd.eluActiveMs - statsStart.eluActiveMs : NaN;
  const eluIdle = statsStart && statsEnd ? statsEnd.eluIdleMs - statsStart.eluIdleMs : NaN;
  const errors = load.errors;
  const httpErrors = Object.values(errors.http).reduce((a, b) => a + b, 0);

  const r: PhaseResult = {
    spec,
    load,
    startupMs,
    turnsPerSecond: turns / windowS,
    p50: percentile(load.latencies, 50),
    p95: percentile(load.latencies, 95),
    p99: percentile(load.latencies, 99),
    max: load.latencies[load.latencies.length - 1] ?? NaN,
    errorCount: httpErrors + errors.timeouts + errors.network + errors.drops,
    serverCpuMs: serverTicks * tickMs,
    cpuMsPerTurn: perTurn(serverTicks * tickMs),
    otherCpuMsPerTurn: perTurn(otherTicks * tickMs),
    otherByCommand: others.slice(0, 3).map(([comm, ticks]) => [comm, perTurn(ticks * tickMs)]),
    postgresCpuMsPerTurn: perTurn(others.filter(([comm]) => comm === 'postgres').reduce((sum, [, ticks]) => sum + ticks, 0) * tickMs),
    loadgenCpuMsPerTurn: perTurn(selfTicks * tickMs),
    machineBusy: machine ? machine.busy / machine.total : NaN,
    eventLoopBusy: eluActive / (eluActive + eluIdle),
    loopDelay: statsEnd ? { p99: statsEnd.loopDelayP99Ms, max: statsEnd.loopDelayMaxMs } : undefined,
    systemShare:
      statsStart && statsEnd
        ? (statsEnd.cpuSystemUs - statsStart.cpuSystemUs) / (statsEnd.cpuSystemUs - statsStart.cpuSystemUs + statsEnd.cpuUserUs - statsStart.cpuUserUs)
        : NaN,
    peakRssKb: finalProc?.vmHwmKb ?? NaN,
    maxWindowRssKb,
    rssTimeline,
    heapAtEnd: statsEnd ? { usedBytes: statsEnd.heapUsedBytes, totalBytes: statsEnd.heapTotalBytes, externalBytes: statsEnd.externalBytes } : undefined,
    queriesPerTurn: queriesDelta ? perTurn(queriesDelta.count) : undefined,
    queryMsPerTurn: queriesDelta ? perTurn(queriesDelta.ms) : undefined,
    queries: queriesDelta,
    serverLog,
    profile: profileSummary,
  };
  printPhase(r, o);
  return r;
}

function diffQueries(a: QueryStats | null, b: QueryStats | null): QueryStats | undefined {
  if (!a || !b) return undefined;
  const byShape: QueryStats['byShape'] = {};
  for (const [shape, v] of Object.entries(b.byShape)) {
    const before = a.byShape[shape] ?? { count: 0, ms: 0 };
    if (v.count - before.count > 0) byShape[shape] = { count: v.count - before.count, ms: v.ms - before.ms };
  }
  return { count: b.count - a.count, ms: b.ms - a.ms, maxWaiting: b.maxWaiting, maxMs: b.maxMs, byShape };
}

function printPhase(r: PhaseResult, o: Options): void {
  const l = r.load;
  const e = l.errors;
  const http = Object.entries(e.http).map(([s, n]) => `${s}×${n}`).join(' ') || '0';
  console.log(`  setup       ${l.conversationsReady}/${o.conversations} conversations ready (token, conversation, socket) in ${(l.setupMs / 1000).toFixed(1)} s${l.setupFailures.length ? `; failures: ${l.setupFailures.length} (first: ${l.setupFailures[0]})` : ''}`);
  console.log(`  turns       ${l.sentInWindow} posted in the window, ${l.answeredInWindow} answered → ${fmt.rate(r.turnsPerSecond)} turns/s`);
  console.log(`  latency     p50 ${fmt.ms(r.p50)} ms · p95 ${fmt.ms(r.p95)} ms · p99 ${fmt.ms(r.p99)} ms · max ${fmt.ms(r.max)} ms   (POST → first bot message on the socket)`);
  console.log(
    `  errors      HTTP non-2xx ${http} · timeouts (>${o.timeoutMs / 1000} s) ${e.timeouts}${e.timeouts ? ` (${e.timeoutsAfterPost} after the POST was answered)` : ''}` +
      ` · socket drops ${e.drops}${e.reconnects ? ` (${e.reconnects} reconnected)` : ''} · network ${e.network}${e.networkDetail.length ? ` (${e.networkDetail.join('; ')})` : ''}   (whole phase, ${l.turnsTotal} turns${e.keepAliveRetries ? `, ${e.keepAliveRetries} keep-alive resends` : ''})`,
  );
  console.log(
    `  server CPU  ${(r.serverCpuMs / 1000).toFixed(2)} s in ${l.windowMs / 1000} s = ${fmt.pct(r.serverCpuMs / l.windowMs)} of a core → ${r.cpuMsPerTurn.toFixed(3)} ms CPU/turn (${fmt.pct(r.systemShare)} in the kernel); event loop busy ${fmt.pct(r.eventLoopBusy)}` +
      (r.loopDelay ? `, its delay p99 ${fmt.ms(r.loopDelay.p99)} ms, max ${fmt.ms(r.loopDelay.max)} ms` : ''),
  );
  const others = r.otherByCommand.filter(([, ms]) => ms >= 0.01).map(([comm, ms]) => `${comm} ${ms.toFixed(2)}`).join(', ');
  console.log(
    `  other CPU   load generator ${r.loadgenCpuMsPerTurn.toFixed(3)} ms/turn · rest of the machine ${r.otherCpuMsPerTurn.toFixed(3)} ms/turn${others ? ` (top: ${others})` : ''} · machine busy ${fmt.pct(r.machineBusy)} of ${os.cpus().length} cores`,
  );
  const heap = r.heapAtEnd ? ` · at the end of the window: V8 heap ${fmt.mb(r.heapAtEnd.usedBytes / 1024)} used of ${fmt.mb(r.heapAtEnd.totalBytes / 1024)}, external ${fmt.mb(r.heapAtEnd.externalBytes / 1024)}` : '';
  console.log(`  memory      peak RSS (VmHWM) ${fmt.mb(r.peakRssKb)} · highest VmRSS in the window ${fmt.mb(r.maxWindowRssKb)}${heap}`);
  if (o.detail && r.rssTimeline.length) console.log(`  RSS / 5 s   ${r.rssTimeline.map((kb) => (kb / 1024).toFixed(0)).join(' ')} MB`);
  if (r.queriesPerTurn !== undefined && r.queryMsPerTurn !== undefined && r.queries) {
    console.log(
      `  database    ${r.queriesPerTurn.toFixed(2)} queries/turn · ${fmt.ms(r.queryMsPerTurn)} ms of query wall time per turn (queueing included), slowest ${fmt.ms(r.queries.maxMs)} ms` +
        (r.spec.backend === 'postgres' ? ` · most callers waiting for a pool connection: ${r.queries.maxWaiting}` : ''),
    );
    if (o.detail && r.load.answeredInWindow > 0) {
      const rows = Object.entries(r.queries.byShape).sort((a, b) => b[1].count - a[1].count).slice(0, 12);
      for (const [shape, v] of rows) {
        console.log(`      ${(v.count / r.load.answeredInWindow).toFixed(2).padStart(6)}/turn  ${fmt.ms(v.ms / v.count).padStart(6)} ms avg  ${shape}`);
      }
    }
  }
  if (r.serverLog.warn + r.serverLog.error > 0) {
    console.log(`  server log  ${r.serverLog.warn} warnings, ${r.serverLog.error} errors${r.serverLog.last.length ? '; last errors:' : ''}`);
    for (const line of r.serverLog.last) console.log(`      ${line.slice(0, 300)}`);
  }
  if (o.detail) console.log(`  per second  ${l.perSecond.join(' ')}`);
  const buckets = fiveSecondRates(l.perSecond);
  if (r.spec.kind === 'saturation' && buckets.length > 1) {
    console.log(`  sustained   replies/s per 5 s: ${buckets.map(fmt.rate).join(' · ')} (lowest ${fmt.rate(Math.min(...buckets))})`);
  }
  if (r.profile) console.log(r.profile);
}

function fiveSecondRates(perSecond: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 5 <= perSecond.length; i += 5) out.push(perSecond.slice(i, i + 5).reduce((a, b) => a + b, 0) / 5);
  return out;
}

// ───────────────────────────── CPU profile summary ─────────────────────────────

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function bucketOf(url: string, fn: string, roots: string[]): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node: (core)';
  if (url.startsWith('wasm://')) return 'wasm (PGlite)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
  }
  const file = url.replace(/^file:\/\//, '');
  const root = roots.find((r) => file.startsWith(`${r}${path.sep}`));
  if (root) return `${path.relative(root, file).split(path.sep)[0]}/ (ours)`;
  return url;
}

/** Self time of a .cpuprofile by package (or top folder of ours under one of `roots`) and by function. */
function summarizeProfile(file: string, roots: string[]): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  const perSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byBucket = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
    busy += hits;
    const bucket = bucketOf(node.callFrame.url, node.callFrame.functionName, roots);
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + hits);
    const where = node.callFrame.url ? `${bucket === node.callFrame.url ? path.basename(node.callFrame.url) : bucket} ${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber + 1}` : '';
    const key = `${node.callFrame.functionName || '(anonymous)'}  ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  }
  const pct = (hits: number) => `${((hits / Math.max(1, busy)) * 100).toFixed(1).padStart(5)} %`;
  const lines = [`  profile     ${file} — ${((busy * perSample) / 1000).toFixed(1)} s of samples on the main thread; self time by package:`];
  for (const [bucket, hits] of [...byBucket].sort((a, b) => b[1] - a[1]).slice(0, 14)) lines.push(`      ${pct(hits)}  ${bucket}`);
  lines.push('              top functions (self time):');
  for (const [fn, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`      ${pct(hits)}  ${fn}`);
  return lines.join('\n');
}

// ───────────────────────────── PostgreSQL bench database ─────────────────────────────

async function createBenchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void>; version: string }> {
  const admin = new URL(adminUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(admin.hostname)) throw new Error(`--pg-url must point at this machine, got ${admin.hostname}`);
  const name = `ventanilla_bench_${randomBytes(5).toString('hex')}`;
  const withAdmin = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const c = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const version = await withAdmin(async (c) => {
    await c.query(`create database ${name}`);
    const v = await c.query<{ server_version: string }>('show server_version');
    return v.rows[0]?.server_version ?? '?';
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    version,
    drop: () => withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

// ───────────────────────────── summary ─────────────────────────────

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? 'n/a ' : ok ? 'PASS' : 'MISS';
}

function printSummary(results: PhaseResult[], o: Options): void {
  const by = (k: PhaseKey) => results.find((r) => r.spec.key === k);
  const echo = by('echo');
  console.log(`\n── Summary ${'─'.repeat(90)}`);
  console.log('  phase                                   turns/s    p50     p95     p99     max  errors  CPU ms/turn  peak RSS');
  for (const r of results) {
    console.log(
      `  ${r.spec.title.slice(0, 38).padEnd(38)} ${fmt.rate(r.turnsPerSecond).padStart(8)} ${fmt.ms(r.p50).padStart(6)} ${fmt.ms(r.p95).padStart(7)} ${fmt.ms(r.p99).padStart(7)} ${fmt.ms(r.max).padStart(7)} ${String(r.errorCount).padStart(7)} ${r.cpuMsPerTurn.toFixed(3).padStart(12)} ${fmt.mb(r.peakRssKb).padStart(9)}`,
    );
  }
  const at = o.conversations === 200 ? 'at 200 conversations' : `at ${o.conversations} conversations (the target is for 200)`;
  console.log('\n  targets');
  const line = (ok: boolean | undefined, text: string) => console.log(`  ${verdict(ok)}  ${text}`);
  for (const k of ['pglite', 'postgres'] as const) {
    const r = by(k);
    if (r) line(r.p99 <= 50, `p99 ≤ 50 ms ${at}, ${r.spec.backend}: p99 ${fmt.ms(r.p99)} ms`);
  }
  const pg = by('postgres');
  if (pg) line(pg.turnsPerSecond >= 100 && pg.errorCount === 0, `≥ 100 turns/s on PostgreSQL ${at}: ${fmt.rate(pg.turnsPerSecond)} turns/s, ${pg.errorCount} errors`);
  for (const k of ['postgres-sat', 'pglite-sat'] as const) {
    const r = by(k);
    if (r) {
      const lowest = fiveSecondRates(r.load.perSecond);
      line(
        r.turnsPerSecond >= 500 && r.errorCount === 0,
        `≥ 500 turns/s sustained, ${r.spec.backend}: ${fmt.rate(r.turnsPerSecond)} turns/s` +
          (lowest.length > 1 ? ` (lowest 5 s: ${fmt.rate(Math.min(...lowest))})` : '') +
          `, p99 ${fmt.ms(r.p99)} ms, ${r.errorCount} errors`,
      );
    }
  }
  for (const k of ['postgres', 'pglite'] as const) {
    const r = by(k);
    if (r && echo) {
      const ratio = r.cpuMsPerTurn / echo.cpuMsPerTurn;
      line(
        ratio <= 3,
        `≤ 3× the echo baseline's CPU per turn, ${r.spec.backend}: ${r.cpuMsPerTurn.toFixed(3)} / ${echo.cpuMsPerTurn.toFixed(3)} ms = ${ratio.toFixed(1)}×` +
          (r.spec.backend === 'postgres' ? ` (server process only; PostgreSQL's processes add ${r.postgresCpuMsPerTurn.toFixed(3)} ms/turn)` : ' (PGlite runs inside the server process)'),
      );
    }
  }
  for (const r of results.filter((x) => x.spec.server === 'ventanilla')) {
    line(r.peakRssKb <= 250 * 1024, `peak RSS ≤ 250 MB, ${r.spec.title}: ${fmt.mb(r.peakRssKb)}`);
  }
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const specs = phaseSpecs(o);
  if (o.profileDir) fs.mkdirSync(o.profileDir, { recursive: true });

  console.log('Ventanilla turn benchmark (npm run bench:turns) — how to read this: bench/README.md');
  for (const line of machineDescription()) console.log(line);

  let database: Awaited<ReturnType<typeof createBenchDatabase>> | undefined;
  if (specs.some((s) => s.backend === 'postgres')) {
    try {
      database = await createBenchDatabase(o.pgUrl);
      cleanup.dropDatabase = database.drop;
      console.log(`database  PostgreSQL ${database.version} on ${new URL(o.pgUrl).host} (fresh database, dropped at the end); PGlite on a temp directory`);
    } catch (err) {
      console.log(`database  PostgreSQL unavailable at ${new URL(o.pgUrl).host} (${err instanceof Error ? err.message : String(err)}): its phases are skipped`);
    }
  }
  console.log(
    `settings  ${o.conversations} conversations, interval ${o.intervalMs} ms (saturation ${o.saturationIntervalMs} ms), window ${o.durationS} s after ${o.warmupS} s warm-up, turn timeout ${o.timeoutMs / 1000} s, server LOG_LEVEL=${o.logLevel}` +
      (o.serverNodeArgs.length ? `; Ventanilla server flags: ${o.serverNodeArgs.join(' ')}` : '') +
      (o.profileDir ? '; PROFILING (CPU figures include the profiler overhead)' : ''),
  );

  const runnable = specs.filter((s) => s.backend !== 'postgres' || database);
  const results: PhaseResult[] = [];
  const started = performance.now();
  let runtime: ChildRuntime = { kind: 'tsx' };
  if (o.runtime === 'compiled') {
    const compiledRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-bench-build-'));
    cleanup.dirs.add(compiledRoot);
    const t0 = performance.now();
    compileProject(compiledRoot);
    runtime = { kind: 'compiled', compiledRoot };
    console.log(`runtime   servers run as compiled JavaScript on plain node, like npm start (tsc build of the current tree in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } else {
    console.log('runtime   servers run as TypeScript through tsx (--runtime tsx): memory and start-up include tsx');
  }
  const backends: Backends = {
    runtime,
    databaseUrl: database?.url,
    pgliteDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-bench-pglite-')),
    scratchDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-bench-scratch-')),
  };
  cleanup.dirs.add(backends.pgliteDir);
  cleanup.dirs.add(backends.scratchDir);
  try {
    if (runnable.some((s) => s.backend === 'pglite')) {
      await initializePglite(o, backends);
      console.log(
        `pglite    data directory initialized (initdb + migrations) in ${((backends.pgliteInitMs ?? NaN) / 1000).toFixed(1)} s; ` +
          `that first start peaked at ${fmt.mb(backends.pgliteInitPeakKb ?? NaN)} RSS (phases below restart on the initialized directory)`,
      );
    }
    let i = 0;
    for (const spec of runnable) {
      i++;
      try {
        results.push(await runPhase(spec, o, backends, i, runnable.length));
      } catch (err) {
        console.log(`\n  ${spec.title}: FAILED — ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    }
    printSummary(results, o);
    console.log(`\n  total time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    for (const dir of [backends.pgliteDir, backends.scratchDir, ...(runtime.kind === 'compiled' ? [runtime.compiledRoot] : [])]) {
      fs.rmSync(dir, { recursive: true, force: true });
      cleanup.dirs.delete(dir);
    }
    if (database) {
      await database.drop().catch((err: unknown) => console.log(`  could not drop the bench database: ${String(err)}`));
      cleanup.dropDatabase = undefined;
    }
  }
}

async function emergencyCleanup(): Promise<void> {
  for (const child of cleanup.children) child.kill();
  for (const dir of cleanup.dirs) fs.rmSync(dir, { recursive: true, force: true });
  await cleanup.dropDatabase?.().catch(() => undefined);
}

if (process.argv.includes('--serve')) {
  serveVentanilla().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  process.once('SIGINT', () => {
    console.log('\ninterrupted: stopping the servers and dropping the bench database');
    void emergencyCleanup().finally(() => process.exit(130));
  });
  main().catch(async (err: unknown) => {
    console.error(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await emergencyCleanup();
    process.exit(1);
  });
}
