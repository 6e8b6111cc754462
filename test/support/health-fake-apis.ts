/**
 * Local stand-ins for the read-only provider endpoints the health check calls, on one real HTTP server, each
 * checking credentials as the provider does:
 * - Twilio `GET /2010-04-01/Accounts/{AccountSid}.json` with Basic auth (SID : Auth Token) → the account, else 401
 *   (error 20003);
 * - Graph `GET /v21.0/me?access_token=…` → the page, else 400 with OAuthException code 190;
 * - X `GET /2/users/me` with `Authorization: Bearer …` → `{ data: { id, name, username } }`, else 401.
 * Plus a SIP endpoint on UDP that answers OPTIONS with `SIP/2.0 200 OK`, like Asterisk's `qualify`.
 */
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProviderCredentials {
  twilio: { accountSid: string; authToken: string };
  pageAccessToken: string;
  xAccessToken: string;
}

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  status: number;
}

export class HealthFakeApis {
  readonly requests: SeenRequest[] = [];
  /** The account's status Twilio answers (`active`, `suspended`, `closed`). */
  twilioStatus = 'active';

  private constructor(
    private readonly server: http.Server,
    private readonly creds: ProviderCredentials,
  ) {}

  static async start(creds: ProviderCredentials): Promise<HealthFakeApis> {
    const holder: { api?: HealthFakeApis } = {};
    const server = http.createServer((req, res) => holder.api?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    holder.api = new HealthFakeApis(server, creds);
    return holder.api;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [status, body] = this.answer(req, url);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, authorization: req.headers.authorization, status });
    req.resume();
    res.setHeader('Content-Type', 'application/json');
    res.writeHead(status);
    res.end(JSON.stringify(body));
  }

  private answer(req: http.IncomingMessage, url: URL): [number, unknown] {
    if (req.method !== 'GET') return [405, { message: 'Method not allowed' }];
    const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(url.pathname);
    if (account) {
      const { accountSid, authToken } = this.creds.twilio;
      const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected || account[1] !== accountSid) {
        return [401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }];
      }
      return [200, { sid: accountSid, friendly_name: 'CAU pruebas', status: this.twilioStatus, type: 'Full' }];
    }
    if (/^\/v\d+\.\d+\/me$/.test(url.pathname)) {
      if (url.searchParams.get('access_token') !== this.creds.pageAccessToken) {
        return [400, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'Afake' } }];
      }
      return [200, { id: '102030405060', name: 'CAU Página' }];
    }
    if (url.pathname === '/2/users/me') {
      if (req.headers.authorization !== `Bearer ${this.creds.xAccessToken}`) return [401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }];
      return [200, { data: { id: '111', name: 'CAU', username: 'cau_mesa' } }];
    }
    return [404, { message: 'not found' }];
  }
}

/** A UDP SIP endpoint on 127.0.0.1 that answers every OPTIONS with 200 OK (and counts them). */
export class FakeSipServer {
  received = 0;

  private constructor(private readonly socket: dgram.Socket) {}

  static async start(): Promise<FakeSipServer> {
    const socket = dgram.createSocket('udp4');
    const server = new FakeSipServer(socket);
    socket.on('message', (msg, from) => {
      const text = msg.toString('utf8');
      if (!text.startsWith('OPTIONS ')) return;
      server.received += 1;
      const headers = text.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
      socket.send(['SIP/2.0 200 OK', ...headers, 'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE', 'Content-Length: 0', '', ''].join('\r\n'), from.port, from.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return server;
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
