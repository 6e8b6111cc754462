import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { DirectLineTokens } from './directline-token';
import type { StreamHub } from './stream-hub';

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;
const PING_INTERVAL_MS = 30_000;

type Logger = { warn(obj: object, msg?: string): void; debug(obj: object, msg?: string): void };

/**
 * The WebSocket side of Direct Line: `streamUrl` upgrades are checked against their stream
 * token, then fed by the StreamHub with `{activities, watermark}` groups. Empty messages from the
 * client (its keep-alive) are ignored; the server pings too, and drops sockets that stop answering.
 */
export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly sockets = new Map<WebSocket, { alive: boolean }>();
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: StreamHub,
    private readonly tokens: DirectLineTokens,
    private readonly logger: Logger,
  ) {}

  /**
   * Handles upgrades for stream URLs. `others` (the agent console's socket…) are offered each upgrade first and
   * return true when they took it; what nobody takes is refused.
   */
  attach(server: HttpServer, others: ReadonlyArray<(req: IncomingMessage, socket: Duplex, head: Buffer) => boolean> = []): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      for (const handle of others) if (handle(req, socket, head)) return;
      this.upgrade(req, socket, head);
    });
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  get open(): number {
    return this.sockets.size;
  }

  /** Closes every stream (shutdown): clients reconnect to another instance from their watermark. */
  close(): void {
    if (this.pinger) clearInterval(this.pinger);
    for (const ws of this.sockets.keys()) ws.close(1001, 'server shutting down');
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match) return refuse(socket, 404, 'Not Found');
    const conversationId = decodeURIComponent(match[1] as string);
    const token = url.searchParams.get('t');
    if (!token) return refuse(socket, 401, 'Unauthorized');
    const check = this.tokens.check(token);
    if (!check.ok || check.claims.cid !== conversationId) return refuse(socket, 403, 'Forbidden');
    const rawWatermark = url.searchParams.get('watermark');
    const watermark = rawWatermark === null || rawWatermark === '' ? 0 : Number(rawWatermark);
    if (!Number.isInteger(watermark) || watermark < 0) return refuse(socket, 400, 'Bad Request');

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const health = { alive: true };
      this.sockets.set(ws, health);
      ws.on('pong', () => (health.alive = true));
      const subscription = this.hub.subscribe(conversationId, watermark, (group) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(group));
      });
      ws.on('message', () => undefined);
      ws.on('error', (err) => this.logger.debug({ err, conversationId }, 'directline stream error'));
      ws.on('close', () => {
        subscription.close();
        this.sockets.delete(ws);
      });
    });
  }

  private ping(): void {
    for (const [ws, health] of this.sockets) {
      if (!health.alive) {
        ws.terminate();
        continue;
      }
      health.alive = false;
      try {
        ws.ping();
      } catch (err) {
        this.logger.warn({ err }, 'directline stream ping failed');
      }
    }
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
