import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { AgentSockets, CLOSE_UNAUTHENTICATED, type AgentServerMessage } from '../../../console/realtime/agent-socket';
import { HandoffError } from '../../../services/handoff/handoff-types';
import { FakeHandoff, FakeSessions, view } from './fake-handoff';

/**
 * The agent console's WebSocket against a fake handoff service: who may open it, the snapshot, and the transcript
 * lines of followed conversations — in order and exactly once per socket, also across a reconnect that resumes
 * from the watermarks the console kept.
 */

const AGENT = '0f0e0d0c-0b0a-4908-8706-050403020100';
const COORD = 'c0000000-0000-4000-8000-000000000001';
const MINE = 'conv-mine';
const OTHER = 'conv-other';
const HIDDEN = 'conv-hidden';
const HANDOFF_ID = '5d7c1f2a-3b4c-4d5e-8f60-718293a4b5c6';

const quiet = { warn: () => undefined, debug: () => undefined };

class Client {
  readonly messages: AgentServerMessage[] = [];
  closeCode: number | null = null;
  private waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as AgentServerMessage);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits until `check` holds over what arrived (or fails after 5 s with what did arrive). */
  async until(check: (c: Client) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!check(this)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  of<T extends AgentServerMessage['type']>(type: T): Array<Extract<AgentServerMessage, { type: T }>> {
    return this.messages.filter((m): m is Extract<AgentServerMessage, { type: T }> => m.type === type);
  }

  /** Every seq received for a conversation, in arrival order. */
  seqs(conversationId: string): number[] {
    return this.of('transcript')
      .filter((m) => m.conversationId === conversationId)
      .flatMap((m) => m.lines.map((l) => l.seq));
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('AgentSockets (the agent console WebSocket)', () => {
  let server: http.Server;
  let sockets: AgentSockets;
  let handoff: FakeHandoff;
  let sessions: FakeSessions;
  let port: number;
  let clock = 1_000_000;
  let unhandled: number;

  beforeEach(async () => {
    handoff = new FakeHandoff();
    sessions = new FakeSessions();
    sessions.add('agent', { id: AGENT, role: 'agent', displayName: 'Pedro Ruiz' });
    sessions.add('coord', { id: COORD, role: 'coordinator' });
    sessions.add('resolver', { id: 'r0000000-0000-4000-8000-000000000001', role: 'resolver' });
    handoff.mine.set(AGENT, [view(HANDOFF_ID, MINE, { status: 'assigned' })]);
    handoff.followable.set(AGENT, new Set([OTHER]));
    sockets = new AgentSockets({ sessions, handoff, logger: quiet, now: () => clock });
    unhandled = 0;
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => {
      if (!sockets.handleUpgrade(req, socket, head)) {
        unhandled += 1;
        socket.destroy();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    sockets.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function open(token: string | null, options: { origin?: string | null; path?: string } = {}): Promise<Client> {
    const headers: Record<string, string> = {};
    if (token) headers.cookie = `otra=1; vt_session=${token}`;
    const origin = options.origin === undefined ? `http://127.0.0.1:${port}` : options.origin;
    if (origin !== null) headers.origin = origin;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/api/agent/socket'}`, { headers });
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', (err) => reject(err));
    });
  }

  /** Opens a socket and says hello; resolves when the snapshot and the backlog of `expect` lines arrived. */
  async function connect(token: string, follow: Record<string, number> = {}): Promise<Client> {
    const client = await open(token);
    client.send({ type: 'hello', follow });
    await client.until((c) => c.of('snapshot').length > 0, 'the snapshot');
    return client;
  }

  describe('opening', () => {
    it('refuses without a session (401), a resolver (403), another origin or none (403)', async () => {
      await expect(open(null)).rejects.toThrow('HTTP 401');
      await expect(open('expired')).rejects.toThrow('HTTP 401');
      await expect(open('resolver')).rejects.toThrow('HTTP 403');
      await expect(open('agent', { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
      await expect(open('agent', { origin: `http://127.0.0.1:${port + 1}` })).rejects.toThrow('HTTP 403');
      await expect(open('agent', { origin: null })).rejects.toThrow('HTTP 403');
      await expect(open('agent', { origin: 'null' })).rejects.toThrow('HTTP 403');
      expect(sockets.open).toBe(0);
      expect(handoff.calls).toEqual([]);
    });

    it('accepts an origin listed in allowedOrigins', async () => {
      sockets.close();
      sockets = new AgentSockets({ sessions, handoff, logger: quiet, allowedOrigins: ['https://cau.example.mx'] });
      const client = await open('agent', { origin: 'https://cau.example.mx' });
      expect(sockets.open).toBe(1);
      await client.close();
    });

    it('leaves other paths to the next upgrade handler', async () => {
      await expect(open('agent', { path: '/v3/directline/conversations/x/stream' })).rejects.toThrow();
      await expect(open('agent', { path: '/api/agent/socketx' })).rejects.toThrow();
      expect(unhandled).toBe(2);
    });

    it('answers hello with the snapshot and a heartbeat, at most one heartbeat every 5 s', async () => {
      const client = await connect('agent');
      expect(client.of('snapshot')[0]?.snapshot.me).toMatchObject({ userId: AGENT, displayName: 'Pedro Ruiz', role: 'agent' });
      expect(sockets.open).toBe(1);
      client.send({ type: 'heartbeat' });
      client.send({ type: 'heartbeat' });
      clock += 5000;
      client.send({ type: 'heartbeat' });
      client.send({ type: 'typing', handoffId: HANDOFF_ID });
      await client.until(() => handoff.callsOf('typing').length === 1, 'the typing call');
      expect(handoff.callsOf('heartbeat')).toHaveLength(2);
      expect(handoff.callsOf('heartbeat')[0]?.actor).toEqual({ userId: AGENT, role: 'agent', displayName: 'Pedro Ruiz' });
      await client.close();
      await new Promise((r) => setTimeout(r, 20));
      expect(sockets.open).toBe(0);
    });
  });

  describe('transcripts', () => {
    it('sends the agent’s conversations from the start, then each new line once, in order', async () => {
      for (const i of range(1, 3)) handoff.record(MINE, `línea ${i}`, 'person', { emit: false });
      const client = await connect('agent');
      await client.until((c) => c.seqs(MINE).length === 3, 'the backlog');
      // The reads are slow and lines keep coming while they run: each read covers what the one before missed.
      handoff.transcriptDelays.push(40, 0, 25, 0, 10);
      for (const i of range(4, 30)) {
        handoff.record(MINE, `línea ${i}`);
        if (i % 4 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await client.until((c) => c.seqs(MINE).length >= 30, 'lines 4–30');
      await new Promise((r) => setTimeout(r, 80));
      expect(client.seqs(MINE)).toEqual(range(1, 30));
      const last = client.of('transcript').at(-1);
      expect(last?.watermark).toBe(30);
      expect(last?.lines.at(-1)).toMatchObject({ seq: 30, from: 'person', text: 'línea 30' });
      // Fewer reads than events: a read requested while one runs is folded into one more read.
      expect(handoff.callsOf('transcriptSince').length).toBeLessThan(28);
      await client.close();
    });

    it('resumes after a reconnect from the watermarks the console sends: exactly the missed lines', async () => {
      for (const i of range(1, 5)) handoff.record(MINE, `mía ${i}`, 'person', { emit: false });
      for (const i of range(1, 4)) handoff.record(OTHER, `otra ${i}`, 'person', { emit: false });
      const first = await connect('agent');
      first.send({ type: 'follow', conversationId: OTHER, after: 2 });
      await first.until((c) => c.seqs(MINE).length === 5 && c.seqs(OTHER).length === 2, 'both backlogs');
      expect(first.seqs(OTHER)).toEqual([3, 4]);
      await first.close();

      // Meanwhile (no socket): lines on both conversations, their events lost.
      for (const i of range(6, 8)) handoff.record(MINE, `mía ${i}`);
      handoff.record(OTHER, 'otra 5');
      handoff.transcriptDelays.push(30, 30);

      const second = await open('agent');
      second.send({ type: 'hello', follow: { [MINE]: 5, [OTHER]: 4 } });
      // Lines recorded while the hello is served are not lost either.
      handoff.record(MINE, 'mía 9');
      await second.until((c) => c.seqs(MINE).length === 4 && c.seqs(OTHER).length === 1, 'the missed lines');
      await new Promise((r) => setTimeout(r, 80));
      expect(second.seqs(MINE)).toEqual([6, 7, 8, 9]);
      expect(second.seqs(OTHER)).toEqual([5]);
      expect(second.of('snapshot')).toHaveLength(1);
      expect(second.messages[0]?.type).toBe('snapshot');

      // A follow with an older watermark does not send again what this socket already has.
      second.send({ type: 'follow', conversationId: MINE, after: 0 });
      handoff.record(MINE, 'mía 10');
      await second.until((c) => c.seqs(MINE).length === 5, 'line 10');
      await new Promise((r) => setTimeout(r, 50));
      expect(second.seqs(MINE)).toEqual([6, 7, 8, 9, 10]);
      await second.close();
    });

    it('follows only conversations the agent may see', async () => {
      handoff.record(HIDDEN, 'de otro grupo', 'person', { emit: false });
      const client = await connect('agent');
      client.send({ type: 'follow', conversationId: HIDDEN, after: 0 });
      await client.until((c) => c.of('error').length === 1, 'the refusal');
      expect(client.of('error')[0]).toEqual({ type: 'error', message: 'No puede seguir esa conversación.', code: 'Forbidden' });
      handoff.record(HIDDEN, 'otra línea');
      await new Promise((r) => setTimeout(r, 50));
      expect(client.seqs(HIDDEN)).toEqual([]);
      expect(handoff.callsOf('transcriptSince').some((c) => c.args[0] === HIDDEN)).toBe(false);
      // A hello that names it does not get it either (silently: the console may have kept an old watermark).
      const again = await connect('agent', { [HIDDEN]: 0 });
      await new Promise((r) => setTimeout(r, 50));
      expect(again.seqs(HIDDEN)).toEqual([]);
      await client.close();
      await again.close();
    });

    it('lets a coordinator follow any conversation', async () => {
      handoff.record(HIDDEN, 'uno', 'person', { emit: false });
      const client = await connect('coord');
      client.send({ type: 'follow', conversationId: HIDDEN });
      await client.until((c) => c.seqs(HIDDEN).length === 1, 'the line');
      handoff.record(HIDDEN, 'dos', 'agent');
      await client.until((c) => c.seqs(HIDDEN).length === 2, 'the second line');
      await client.close();
    });

    it('stops following a conversation the service no longer shows, without an error', async () => {
      const client = await connect('agent');
      client.send({ type: 'follow', conversationId: OTHER, after: 0 });
      handoff.record(OTHER, 'uno');
      await client.until((c) => c.seqs(OTHER).length === 1, 'the line');
      handoff.failures.set('transcriptSince', new HandoffError(403, 'handoff/forbidden', 'Ya no es suya.'));
      handoff.record(OTHER, 'dos');
      await new Promise((r) => setTimeout(r, 50));
      handoff.failures.clear();
      const reads = handoff.callsOf('transcriptSince').length;
      handoff.record(OTHER, 'tres');
      await new Promise((r) => setTimeout(r, 50));
      expect(handoff.callsOf('transcriptSince').length).toBe(reads);
      expect(client.of('error')).toEqual([]);
      await client.close();
    });

    it('retries a read that failed for another reason, and loses nothing', async () => {
      const client = await connect('agent');
      handoff.failures.set('transcriptSince', new Error('connection reset'));
      handoff.record(MINE, 'uno');
      await client.until((c) => c.of('error').length === 1, 'the error');
      handoff.failures.clear();
      await client.until((c) => c.seqs(MINE).length === 1, 'the retried line');
      expect(client.of('error')[0]?.message).toBe('No se pudieron leer los mensajes nuevos de la conversación; se intentará de nuevo.');
      await client.close();
    });

    it('passes on that the person is typing, only for followed conversations', async () => {
      const client = await connect('agent');
      handoff.emit({ type: 'typing', conversationId: HIDDEN, who: 'person' });
      handoff.emit({ type: 'typing', conversationId: MINE, who: 'person' });
      await client.until((c) => c.of('typing').length === 1, 'typing');
      await new Promise((r) => setTimeout(r, 30));
      expect(client.of('typing')).toEqual([{ type: 'typing', conversationId: MINE }]);
      await client.close();
    });
  });

  describe('snapshots', () => {
    it('sends a fresh snapshot after handoff and presence events, debounced', async () => {
      const client = await connect('agent');
      const before = handoff.callsOf('snapshot').length;
      for (let i = 0; i < 10; i++) {
        handoff.emit({ type: 'handoff', handoffId: HANDOFF_ID, conversationId: MINE, group: 'Mesa de ayuda', agentUserId: null, status: 'queued', change: 'queued' });
      }
      handoff.emit({ type: 'presence', userId: COORD, status: 'away' });
      await client.until((c) => c.of('snapshot').length === 2, 'the second snapshot');
      await new Promise((r) => setTimeout(r, 80));
      expect(handoff.callsOf('snapshot').length - before).toBe(1);
      expect(client.of('snapshot')).toHaveLength(2);
      await client.close();
    });

    it('follows a conversation as soon as it becomes the agent’s, from its first line', async () => {
      const NEW = 'conv-new';
      handoff.record(NEW, 'hola', 'person', { emit: false });
      handoff.record(NEW, 'le comunico con un agente', 'bot', { emit: false });
      const client = await connect('agent');
      handoff.mine.set(AGENT, [view(HANDOFF_ID, MINE, { status: 'assigned' }), view('6e8d2f3b-4c5d-4e6f-8a71-829304b5c6d7', NEW)]);
      handoff.emit({ type: 'handoff', handoffId: '6e8d2f3b-4c5d-4e6f-8a71-829304b5c6d7', conversationId: NEW, group: 'Mesa de ayuda', agentUserId: AGENT, status: 'offered', change: 'offered' });
      await client.until((c) => c.seqs(NEW).length === 2, 'the new conversation');
      const snapshotAt = client.messages.findIndex((m, i) => i > 0 && m.type === 'snapshot');
      const transcriptAt = client.messages.findIndex((m) => m.type === 'transcript' && m.conversationId === NEW);
      expect(snapshotAt).toBeLessThan(transcriptAt);
      await client.close();
    });
  });

  describe('robustness', () => {
    it('answers invalid messages with a Spanish error and stays open', async () => {
      const client = await connect('agent');
      client.send('esto no es json');
      client.send({ type: 'borrar-todo' });
      client.send({ type: 'follow' });
      client.send({ type: 'typing', handoffId: 'no-uuid' });
      client.send({ type: 'hello', follow: { x: -1 } });
      client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      await client.until((c) => c.of('error').length === 6, 'six errors');
      expect(client.of('error').map((e) => e.message)).toEqual([
        'El mensaje no es JSON válido.',
        'Mensaje desconocido o incompleto; use hello, follow, heartbeat o typing.',
        'Mensaje desconocido o incompleto; use hello, follow, heartbeat o typing.',
        'Mensaje desconocido o incompleto; use hello, follow, heartbeat o typing.',
        'Mensaje desconocido o incompleto; use hello, follow, heartbeat o typing.',
        'La consola solo envía mensajes de texto JSON.',
      ]);
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
      await client.close();
    });

    it('reports a service error of a message as its Spanish message', async () => {
      const client = await connect('agent');
      handoff.failures.set('typing', new HandoffError(409, 'handoff/not_assigned', 'La conversación ya no está a su cargo.'));
      client.send({ type: 'typing', handoffId: HANDOFF_ID });
      await client.until((c) => c.of('error').length === 1, 'the error');
      expect(client.of('error')[0]).toEqual({ type: 'error', message: 'La conversación ya no está a su cargo.', code: 'handoff/not_assigned' });
      await client.close();
    });

    it('still sends the snapshot when the heartbeat fails', async () => {
      handoff.failures.set('heartbeat', new Error('connection reset'));
      const client = await connect('agent');
      expect(client.of('snapshot')).toHaveLength(1);
      expect(client.of('error')).toEqual([]);
      await client.close();
    });

    it('closes with 4401 at the first message after the session ended', async () => {
      const client = await connect('agent');
      sessions.end('agent');
      client.send({ type: 'heartbeat' });
      await client.until((c) => c.closeCode !== null, 'the close');
      expect(client.closeCode).toBe(CLOSE_UNAUTHENTICATED);
    });

    it('closes every socket with 1001 on shutdown and stops listening to the service', async () => {
      const client = await connect('agent');
      expect(handoff.listenerCount).toBe(1);
      sockets.close();
      await client.until((c) => c.closeCode !== null, 'the close');
      expect(client.closeCode).toBe(1001);
      expect(handoff.listenerCount).toBe(0);
      await expect(open('agent')).rejects.toThrow('HTTP 503');
    });
  });
});
