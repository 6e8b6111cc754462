/**
 * Shared pieces of the turn benchmark (see bench/README.md):
 *  - the load generator: N Direct Line conversations, each on its own WebSocket stream, each posting a message on a
 *    fixed schedule and timing the bot's reply on its socket;
 *  - the server-under-test child: compiled JavaScript on plain node (or TypeScript through tsx), measured through
 *    /proc and IPC stats requests;
 *  - small helpers (percentiles, /proc readers, formatting).
 *
 * Only 127.0.0.1 is ever contacted. Every loop is bounded by the phase length and the 10 s turn timeout.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';

// ───────────────────────────── IPC between the bench and the server under test ─────────────────────────────

/** Per-query-shape counters kept by the Ventanilla child (the echo child has no database). */
export interface QueryStats {
  count: number;
  /** Summed wall time of the promises, queueing for a connection included. */
  ms: number;
  /** Highest number of callers seen waiting for a pool connection (node-postgres only). */
  maxWaiting: number;
  /** Slowest query (wall time, queueing included) since the last stats request. */
  maxMs: number;
  byShape: Record<string, { count: number; ms: number }>;
}

export interface ChildStats {
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** Cumulative event-loop time (performance.eventLoopUtilization()). */
  eluActiveMs: number;
  eluIdleMs: number;
  /** Event-loop delay since the previous stats request (perf_hooks.monitorEventLoopDelay), ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  queries: QueryStats | null;
}

type ParentMessage =
  | { type: 'stats'; id: number }
  | { type: 'profile-start'; id: number }
  | { type: 'profile-stop'; id: number; file: string }
  | { type: 'stop' };
type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; id: number; stats: ChildStats }
  | { type: 'done'; id: number; error?: string }
  | { type: 'failed'; message: string };

function isChildMessage(m: unknown): m is ChildMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export interface ServedApp {
  port: number;
  stop(): Promise<void>;
  queries?: () => QueryStats;
}

/**
 * Child side: starts the server, reports its port, answers stats and profiling requests and stops on request.
 * Used by `turns.bench.ts --serve …` and by `echo-baseline.ts`.
 */
export function serveChild(start: () => Promise<ServedApp>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('serveChild(): this process has no IPC channel (start it from bench/turns.bench.ts)');
  const reply = (m: ChildMessage) => send(m);
  let profiler: Session | undefined;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const profile = async (m: ParentMessage): Promise<void> => {
    if (m.type === 'profile-start') {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    } else if (m.type === 'profile-stop') {
      if (!profiler) throw new Error('profiling was not started');
      const { profile: result } = await profiler.post('Profiler.stop');
      fs.writeFileSync(m.file, JSON.stringify(result));
      profiler.disconnect();
      profiler = undefined;
    }
  };
  start()
    .then((app) => {
      process.on('message', (raw: unknown) => {
        const m = raw as ParentMessage;
        if (m.type === 'stats') {
          const cpu = process.cpuUsage();
          const mem = process.memoryUsage();
          const elu = performance.eventLoopUtilization();
          const answer: ChildMessage = {
            type: 'stats',
            id: m.id,
            stats: {
              cpuUserUs: cpu.user,
              cpuSystemUs: cpu.system,
              rssBytes: mem.rss,
              heapUsedBytes: mem.heapUsed,
              heapTotalBytes: mem.heapTotal,
              externalBytes: mem.external,
              eluActiveMs: elu.active,
              eluIdleMs: elu.idle,
              loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
              loopDelayMaxMs: loopDelay.max / 1e6,
              queries: app.queries ? app.queries() : null,
            },
          };
          loopDelay.reset();
          reply(answer);
        } else if (m.type === 'profile-start' || m.type === 'profile-stop') {
          profile(m).then(
            () => reply({ type: 'done', id: m.id }),
            (err: unknown) => reply({ type: 'done', id: m.id, error: String(err) }),
          );
        } else if (m.type === 'stop') {
          const hardStop = setTimeout(() => process.exit(0), 20_000);
          hardStop.unref();
          app
            .stop()
            .catch(() => undefined)
            .finally(() => process.exit(0));
        }
      });
      // The bench went away (crashed, Ctrl-C): do not linger.
      process.on('disconnect', () => process.exit(0));
      reply({ type: 'ready', port: app.port });
    })
    .catch((err: unknown) => {
      reply({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      setTimeout(() => process.exit(1), 100);
    });
}

/** /proc readings of a process (Linux): CPU in clock ticks, memory in kB. */
export interface ProcSample {
  cpuTicks: number;
  vmHwmKb: number;
  vmRssKb: number;
}

export const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

export function readProc(pid: number | 'self'): ProcSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { cpuTicks: utime + stime, vmHwmKb: kb('VmHWM'), vmRssKb: kb('VmRSS') };
  } catch {
    return null;
  }
}

/** Whole-machine CPU from /proc/stat, in clock ticks. */
export function readMachineCpu(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** CPU ticks of every process on the machine, by pid, with its command name. */
export function readAllProcs(): Map<number, { comm: string; ticks: number }> {
  const out = new Map<number, { comm: string; ticks: number }>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      out.set(Number(entry), { comm: stat.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we were reading.
    }
  }
  return out;
}

/** CPU ticks used between two `readAllProcs()` snapshots by command name, leaving out `exclude` pids. */
export function cpuByCommand(
  before: Map<number, { comm: string; ticks: number }>,
  after: Map<number, { comm: string; ticks: number }>,
  exclude: number[],
): Array<[string, number]> {
  const byComm = new Map<string, number>();
  for (const [pid, now] of after) {
    if (exclude.includes(pid)) continue;
    const used = now.ticks - (before.get(pid)?.ticks ?? 0);
    if (used > 0) byComm.set(now.comm, (byComm.get(now.comm) ?? 0) + used);
  }
  return [...byComm].sort((a, b) => b[1] - a[1]);
}

export interface ServerChild {
  readonly label: string;
  readonly pid: number;
  readonly port: number;
  stats(): Promise<ChildStats>;
  /** Starts the V8 sampling profiler in the child. */
  profileStart(): Promise<void>;
  /** Stops it and has the child write the .cpuprofile to `file`. */
  profileStop(file: string): Promise<void>;
  proc(): ProcSample | null;
  /** Last lines the child printed (stdout and stderr). */
  logTail(lines?: number): string[];
  /** Log lines at warn (pino 40) / error (pino ≥ 50) level. */
  logCounts(): { warn: number; error: number };
  stop(): Promise<void>;
  /** Kills the child at once (cleanup after a crash or Ctrl-C). */
  kill(): void;
}

export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * How the server under test is run: TypeScript through tsx (`node --import tsx bench/x.ts`), or plain node on a
 * tsc build of the project in `compiledRoot` (what `npm start` runs in production: compiled JavaScript).
 */
export type ChildRuntime = { kind: 'tsx' } | { kind: 'compiled'; compiledRoot: string };

/**
 * Compiles the project (tsconfig.json, bench included) into a scratch directory for the `compiled` runtime,
 * with `node_modules` and the SQL migrations linked in. Writes nothing inside the project.
 */
export function compileProject(into: string): void {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [PROJECT_ROOT] });
  const out = path.join(into, 'out');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(PROJECT_ROOT, 'tsconfig.json'), '--outDir', out, '--sourceMap', 'false', '--noEmit', 'false'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  // Type errors (someone else's work in progress) do not stop tsc from emitting; a missing output does.
  if (!fs.existsSync(path.join(out, 'bench', 'turns.bench.js'))) throw new Error(`tsc produced no build:\n${r.stdout}${r.stderr}`);
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(into, 'node_modules'), 'dir');
  fs.symlinkSync(path.join(PROJECT_ROOT, 'models', 'migrations'), path.join(out, 'models', 'migrations'), 'dir');
  fs.symlinkSync(path.join(PROJECT_ROOT, 'public'), path.join(into, 'public'), 'dir');
  // Data files the services read beside their sources (the shipped catalog, the units list).
  fs.symlinkSync(path.join(PROJECT_ROOT, 'services'), path.join(into, 'services'), 'dir');
}

/** Spawns the server script (`bench/x.ts`) with an IPC channel and waits for its `ready`. */
export function startServerChild(options: {
  label: string;
  /** Path relative to the project root, `.ts`. */
  script: string;
  runtime: ChildRuntime;
  args?: string[];
  env: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}): Promise<ServerChild> {
  const entry =
    options.runtime.kind === 'tsx'
      ? ['--import', 'tsx', ...(options.nodeArgs ?? []), path.resolve(PROJECT_ROOT, options.script)]
      : [...(options.nodeArgs ?? []), path.join(options.runtime.compiledRoot, 'out', options.script.replace(/\.ts$/, '.js'))];
  const child: ChildProcess = spawn(process.execPath, [...entry, ...(options.args ?? [])], {
    cwd: PROJECT_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail: string[] = [];
  const counts = { warn: 0, error: 0 };
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level === '40') counts.warn++;
      else if (level !== undefined && Number(level) >= 50) counts.error++;
      tail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      if (tail.length > 200) tail.shift();
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let nextId = 1;
  const waiting = new Map<number, (m: ChildMessage) => void>();
  const request = (m: ParentMessage & { id: number }, timeoutMs: number): Promise<ChildMessage> =>
    new Promise<ChildMessage>((res, rej) => {
      const t = setTimeout(() => {
        waiting.delete(m.id);
        rej(new Error(`${options.label}: no answer to ${m.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(m.id, (answer) => {
        clearTimeout(t);
        res(answer);
      });
      child.send(m);
    });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  return new Promise<ServerChild>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.label}: not ready after ${options.readyTimeoutMs ?? 60_000} ms\n${tail.slice(-30).join('\n')}`));
    }, options.readyTimeoutMs ?? 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.label}: exited before it was ready (code ${code}, signal ${signal})\n${tail.slice(-30).join('\n')}`));
    });
    child.on('message', (raw: unknown) => {
      if (!isChildMessage(raw)) return;
      if (raw.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${options.label}: failed to start: ${raw.message}`));
      } else if (raw.type === 'stats' || raw.type === 'done') {
        waiting.get(raw.id)?.(raw);
        waiting.delete(raw.id);
      } else if (raw.type === 'ready') {
        clearTimeout(timer);
        const pid = child.pid as number;
        resolve({
          label: options.label,
          pid,
          port: raw.port,
          proc: () => readProc(pid),
          logTail: (n = 30) => tail.slice(-n),
          logCounts: () => ({ ...counts }),
          stats: async () => {
            const answer = await request({ type: 'stats', id: nextId++ }, 5000);
            if (answer.type !== 'stats') throw new Error(`${options.label}: unexpected answer ${answer.type}`);
            return answer.stats;
          },
          profileStart: async () => {
            const answer = await request({ type: 'profile-start', id: nextId++ }, 10_000);
            if (answer.type === 'done' && answer.error) throw new Error(answer.error);
          },
          profileStop: async (file: string) => {
            const answer = await request({ type: 'profile-stop', id: nextId++, file }, 60_000);
            if (answer.type === 'done' && answer.error) throw new Error(answer.error);
          },
          stop: async () => {
            if (exited) return;
            child.send({ type: 'stop' } satisfies ParentMessage);
            const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
            await exit;
            clearTimeout(killer);
          },
          kill: () => {
            if (!exited) child.kill('SIGKILL');
          },
        });
      }
    });
  });
}

// ───────────────────────────── the load generator ─────────────────────────────

interface HttpResult {
  status: number;
  body: unknown;
}

/**
 * One JSON request. A request that fails with ECONNRESET on a reused keep-alive socket is sent once more: the server
 * closed that idle connection as we picked it (a client-side race, not a server error; Node's docs recommend the
 * retry). Posts are safe to resend: the server de-duplicates them by clientActivityID.
 */
async function httpJson(
  agent: http.Agent,
  baseUrl: URL,
  method: string,
  urlPath: string,
  bearer: string,
  body: unknown,
  timeoutMs: number,
  errors?: LoadErrors,
): Promise<HttpResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await httpJsonOnce(agent, baseUrl, method, urlPath, bearer, body, timeoutMs);
    } catch (err) {
      if (!(err instanceof KeepAliveRace) || attempt >= 3) throw err;
      if (errors) errors.keepAliveRetries++;
    }
  }
}

class KeepAliveRace extends Error {}

function httpJsonOnce(
  agent: http.Agent,
  baseUrl: URL,
  method: string,
  urlPath: string,
  bearer: string,
  body: unknown,
  timeoutMs: number,
): Promise<HttpResult> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise<HttpResult>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: baseUrl.hostname,
        port: baseUrl.port,
        method,
        path: urlPath,
        headers: {
          Authorization: `Bearer ${bearer}`,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`HTTP ${method} ${urlPath}: no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (req.reusedSocket && err.code === 'ECONNRESET') reject(new KeepAliveRace(`${err.message} (reused keep-alive socket)`));
      else reject(err);
    });
    if (payload) req.write(payload);
    req.end();
  });
}

interface WireActivity {
  type?: string;
  id?: string;
  replyToId?: string;
  text?: string;
  from?: { id?: string; role?: string };
  channelData?: { clientActivityID?: string };
}

type TurnOutcome =
  | { ok: true; latencyMs: number; repliedAt: number }
  | { ok: false; error: 'timeout-post' | 'timeout-reply' | 'network' | `http ${number}` | 'no-stream'; detail?: string };

interface PendingTurn {
  clientId: string;
  activityId: string | undefined;
  replied: boolean;
  resolveReply: (at: number) => void;
}

export interface LoadErrors {
  /** HTTP status (non-2xx) → count, on message posts. */
  http: Record<string, number>;
  /** No reply (or no POST answer) within the turn timeout. */
  timeouts: number;
  /** …of which the POST had been answered, but the bot's reply never reached the socket in time. */
  timeoutsAfterPost: number;
  /** Connection refused/reset on a post. */
  network: number;
  networkDetail: string[];
  /** Posts resent after the keep-alive race (not errors). */
  keepAliveRetries: number;
  /** WebSocket streams that closed without us closing them. */
  drops: number;
  /** Reconnects that brought a dropped stream back. */
  reconnects: number;
}

class BenchConversation {
  conversationId = '';
  token = '';
  private ws: WebSocket | undefined;
  private watermark: string | undefined;
  private pending: PendingTurn | undefined;
  /** Bot replies seen before we learned the id of the posted activity (the reply can beat the POST's answer). */
  private readonly early = new Map<string, number>();
  private closing = false;
  private reconnectsLeft = 3;
  private sequence = 0;
  dead = false;

  constructor(
    readonly index: number,
    private readonly agent: http.Agent,
    private readonly base: URL,
    private readonly errors: LoadErrors,
    private readonly timeoutMs: number,
  ) {}

  /** tokens/generate with the secret → POST /conversations with the token → open the streamUrl. */
  async open(secret: string): Promise<void> {
    const generated = await httpJson(this.agent, this.base, 'POST', '/v3/directline/tokens/generate', secret, { user: { id: `bench-user-${this.index}` } }, this.timeoutMs);
    const g = generated.body as { conversationId?: string; token?: string } | undefined;
    if (generated.status !== 200 || !g?.token || !g.conversationId) throw new Error(`tokens/generate: HTTP ${generated.status} ${JSON.stringify(generated.body)}`);
    this.token = g.token;
    this.conversationId = g.conversationId;
    const started = await httpJson(this.agent, this.base, 'POST', '/v3/directline/conversations', this.token, {}, this.timeoutMs);
    const s = started.body as { streamUrl?: string; token?: string } | undefined;
    if (started.status < 200 || started.status >= 300 || !s?.streamUrl) throw new Error(`conversations: HTTP ${started.status} ${JSON.stringify(started.body)}`);
    if (s.token) this.token = s.token;
    await this.connect(s.streamUrl);
  }

  private connect(streamUrl: string): Promise<void> {
    const url = new URL(streamUrl);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`refusing to connect to ${url.host}`);
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(streamUrl, { perMessageDeflate: false });
      ws.once('open', () => {
        this.ws = ws;
        resolve();
      });
      ws.once('unexpected-response', (_req, res) => reject(new Error(`stream upgrade refused: HTTP ${res.statusCode}`)));
      ws.once('error', (err) => reject(err));
      ws.on('message', (data: Buffer) => this.onGroup(data));
      ws.once('close', () => {
        if (this.ws === ws) this.ws = undefined;
        if (!this.closing) this.onDrop();
      });
    });
  }

  private onDrop(): void {
    this.errors.drops++;
    if (this.reconnectsLeft <= 0) {
      this.dead = true;
      return;
    }
    this.reconnectsLeft--;
    const wm = this.watermark === undefined ? '' : `?watermark=${encodeURIComponent(this.watermark)}`;
    httpJson(this.agent, this.base, 'GET', `/v3/directline/conversations/${encodeURIComponent(this.conversationId)}${wm}`, this.token, undefined, this.timeoutMs)
      .then(async (res) => {
        const streamUrl = (res.body as { streamUrl?: string } | undefined)?.streamUrl;
        if (res.status !== 200 || !streamUrl) throw new Error(`reconnect: HTTP ${res.status}`);
        await this.connect(streamUrl);
        this.errors.reconnects++;
      })
      .catch(() => {
        this.dead = true;
      });
  }

  private onGroup(data: Buffer): void {
    const at = performance.now();
    if (data.length === 0) return;
    let group: { activities?: WireActivity[]; watermark?: string };
    try {
      group = JSON.parse(data.toString('utf8')) as { activities?: WireActivity[]; watermark?: string };
    } catch {
      return;
    }
    if (group.watermark !== undefined) this.watermark = group.watermark;
    const pending = this.pending;
    if (!pending || pending.replied) return;
    for (const a of group.activities ?? []) {
      if (a.type !== 'message') continue;
      if (a.from?.role === 'user') {
        // Our own message, echoed with its transcript id.
        if (a.id && a.channelData?.clientActivityID === pending.clientId) this.learnId(a.id);
        continue;
      }
      if (a.from?.role !== 'bot' || !a.replyToId) continue;
      if (pending.activityId === a.replyToId) {
        pending.replied = true;
        pending.resolveReply(at);
        return;
      }
      if (pending.activityId === undefined && !this.early.has(a.replyToId)) this.early.set(a.replyToId, at);
    }
  }

  private learnId(id: string): void {
    const pending = this.pending;
    if (!pending || pending.activityId !== undefined) return;
    pending.activityId = id;
    const seen = this.early.get(id);
    if (seen !== undefined && !pending.replied) {
      pending.replied = true;
      pending.resolveReply(seen);
    }
  }

  /** Posts one message and waits for both the bot's first reply on the socket and the POST's answer. */
  async turn(text: string): Promise<TurnOutcome> {
    if (!this.ws) return { ok: false, error: 'no-stream' };
    const clientId = `bench-${this.index}-${++this.sequence}`;
    this.early.clear();
    let resolveReply: (at: number) => void = () => undefined;
    const replied = new Promise<number>((r) => (resolveReply = r));
    this.pending = { clientId, activityId: undefined, replied: false, resolveReply };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), this.timeoutMs)));
    const sentAt = performance.now();
    try {
      const posted = httpJson(
        this.agent,
        this.base,
        'POST',
        `/v3/directline/conversations/${encodeURIComponent(this.conversationId)}/activities`,
        this.token,
        { type: 'message', text, from: { id: `bench-user-${this.index}` }, locale: 'es-MX', channelData: { clientActivityID: clientId } },
        this.timeoutMs + 1000,
        this.errors,
      ).then(
        (res) => res,
        (err: unknown) => ({ network: err instanceof Error ? err.message : String(err) }),
      );
      const post = await Promise.race([posted, timeout]);
      if (post === 'timeout') return { ok: false, error: 'timeout-post' };
      if ('network' in post) return { ok: false, error: 'network', detail: post.network };
      if (post.status < 200 || post.status >= 300) return { ok: false, error: `http ${post.status}` };
      const id = (post.body as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') this.learnId(id);
      const reply = await Promise.race([replied, timeout]);
      if (reply === 'timeout') return { ok: false, error: 'timeout-reply' };
      return { ok: true, latencyMs: reply - sentAt, repliedAt: reply };
    } finally {
      clearTimeout(timer);
      this.pending = undefined;
    }
  }

  close(): void {
    this.closing = true;
    this.ws?.close();
    this.ws = undefined;
  }
}

export interface LoadOptions {
  baseUrl: string;
  /** DIRECTLINE_SECRET of the server under test. */
  secret: string;
  conversations: number;
  /** Mean time between two messages of one conversation. */
  intervalMs: number;
  warmupMs: number;
  durationMs: number;
  /** A turn without a reply after this long counts as a timeout. */
  timeoutMs: number;
  /** Messages each conversation sends, in a cycle. */
  script: readonly string[];
  setupConcurrency?: number;
  /** Called (synchronously) when the measured window opens and closes. */
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
}

export interface LoadResult {
  conversationsReady: number;
  setupFailures: string[];
  setupMs: number;
  windowMs: number;
  offeredPerSecond: number;
  /** Messages posted inside the window, and how many of those got their reply. */
  sentInWindow: number;
  answeredInWindow: number;
  /** Latencies (ms) of the answered window turns, ascending. */
  latencies: number[];
  /** Errors of every turn of the phase (warm-up, window and the drain after it). */
  errors: LoadErrors;
  turnsTotal: number;
  /** Replies received per second of the window, in 1 s buckets. */
  perSecond: number[];
  /** CPU time of this (load generator) process during the window. */
  loadgenCpuMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `tasks` with at most `limit` at once. */
async function inPool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  });
  await Promise.all(workers);
}

/**
 * The load: every conversation posts on a fixed schedule — message k of conversation i is due at
 * `windowStart + k·interval + offset_i + jitter`, offset_i spread evenly over the middle half of an interval and the
 * jitter within ±25 % of an interval, so each conversation posts exactly once per interval slot and the window holds
 * exactly `conversations × duration / interval` posts when the server keeps up. A conversation never has two
 * messages in flight: when a reply is late, the next message goes right after it (the server serializes turns of a
 * conversation anyway), which is what caps the rate in the saturation phases.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const base = new URL(o.baseUrl);
  if (base.hostname !== '127.0.0.1') throw new Error(`runLoad(): only 127.0.0.1 is allowed, got ${base.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
  const errors: LoadErrors = { http: {}, timeouts: 0, timeoutsAfterPost: 0, network: 0, networkDetail: [], keepAliveRetries: 0, drops: 0, reconnects: 0 };

  const setupStarted = performance.now();
  const all = Array.from({ length: o.conversations }, (_, i) => new BenchConversation(i, agent, base, errors, o.timeoutMs));
  const ready: BenchConversation[] = [];
  const setupFailures: string[] = [];
  await inPool(all, o.setupConcurrency ?? 20, async (c) => {
    try {
      await c.open(o.secret);
      ready.push(c);
    } catch (err) {
      setupFailures.push(err instanceof Error ? err.message : String(err));
    }
  });
  ready.sort((a, b) => a.index - b.index);
  const setupMs = performance.now() - setupStarted;

  const I = o.intervalMs;
  const loadStart = performance.now() + 100;
  const windowStart = loadStart + o.warmupMs;
  const windowEnd = windowStart + o.durationMs;
  const latencies: number[] = [];
  const perSecond = new Array<number>(Math.ceil(o.durationMs / 1000)).fill(0);
  let sentInWindow = 0;
  let answeredInWindow = 0;
  let turnsTotal = 0;
  let cpuAtStart = process.cpuUsage();
  let loadgenCpuMs = 0;

  const startTimer = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    o.onWindowStart?.();
  }, Math.max(0, windowStart - performance.now()));
  const windowClosed = new Promise<void>((resolve) =>
    setTimeout(() => {
      const d = process.cpuUsage(cpuAtStart);
      loadgenCpuMs = (d.user + d.system) / 1000;
      o.onWindowEnd?.();
      resolve();
    }, Math.max(0, windowEnd - performance.now())),
  );

  const drive = async (c: BenchConversation, slot: number): Promise<void> => {
    const offset = I * (0.25 + (0.5 * slot) / Math.max(1, ready.length));
    const firstK = -Math.ceil(o.warmupMs / I) - 1;
    const lastK = Math.ceil(o.durationMs / I);
    let line = 0;
    for (let k = firstK; k <= lastK; k++) {
      const due = windowStart + k * I + offset + (Math.random() * 2 - 1) * 0.25 * I;
      if (due < loadStart) continue;
      if (due >= windowEnd) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const sentAt = performance.now();
      if (sentAt >= windowEnd || c.dead) break;
      const text = o.script[line++ % o.script.length] as string;
      const outcome = await c.turn(text);
      turnsTotal++;
      const inWindow = sentAt >= windowStart;
      if (inWindow) sentInWindow++;
      if (outcome.ok) {
        if (inWindow) {
          answeredInWindow++;
          latencies.push(outcome.latencyMs);
        }
        const bucket = Math.floor((outcome.repliedAt - windowStart) / 1000);
        if (bucket >= 0 && bucket < perSecond.length) perSecond[bucket] = (perSecond[bucket] ?? 0) + 1;
      } else if (outcome.error === 'timeout-post' || outcome.error === 'timeout-reply') {
        errors.timeouts++;
        if (outcome.error === 'timeout-reply') errors.timeoutsAfterPost++;
      } else if (outcome.error === 'network') {
        errors.network++;
        if (errors.networkDetail.length < 3 && outcome.detail) errors.networkDetail.push(outcome.detail);
      } else if (outcome.error === 'no-stream') {
        // The stream dropped and is being reconnected (the drop is counted); try again next slot.
      } else {
        const status = outcome.error.slice(5);
        errors.http[status] = (errors.http[status] ?? 0) + 1;
      }
    }
  };

  await Promise.all(ready.map((c, slot) => drive(c, slot)));
  await windowClosed;
  clearTimeout(startTimer);
  for (const c of all) c.close();
  agent.destroy();
  latencies.sort((a, b) => a - b);

  return {
    conversationsReady: ready.length,
    setupFailures,
    setupMs,
    windowMs: o.durationMs,
    offeredPerSecond: (ready.length * 1000) / I,
    sentInWindow,
    answeredInWindow,
    latencies,
    errors,
    turnsTotal,
    perSecond,
    loadgenCpuMs,
  };
}

// ───────────────────────────── helpers ─────────────────────────────

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function machineDescription(): string[] {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  return [
    `machine   ${model}, ${cpus.length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM`,
    `software  Node ${process.version} on ${os.type()} ${os.release()} (${os.arch()})`,
  ];
}

export const fmt = {
  ms: (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : 'n/a'),
  mb: (kb: number) => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(1)} MB` : 'n/a'),
  rate: (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a'),
  pct: (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)} %` : 'n/a'),
};
