import WebSocket from 'ws';

export type Json = Record<string, unknown>;

/** A minimal Direct Line client for tests: REST calls plus a collecting WebSocket stream. */
export class DirectLineTestClient {
  constructor(
    readonly baseUrl: string,
    public token: string,
  ) {}

  static async generate(baseUrl: string, init: { secret?: string; userId?: string } = {}) {
    const res = await fetch(`${baseUrl}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: {
        ...(init.secret ? { Authorization: `Bearer ${init.secret}` } : {}),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(init.userId ? { user: { id: init.userId } } : {}),
    });
    if (res.status !== 200) throw new Error(`generate: HTTP ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { conversationId: string; token: string; userId: string; expires_in: number };
    return { client: new DirectLineTestClient(baseUrl, body.token), ...body };
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.baseUrl}/v3/directline${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: Json = {};
    try {
      json = text ? (JSON.parse(text) as Json) : {};
    } catch {
      json = { raw: text };
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  startConversation() {
    return this.call('POST', '/conversations', {});
  }

  post(conversationId: string, text: string, clientActivityID = `c-${Math.random().toString(36).slice(2)}`) {
    return this.call('POST', `/conversations/${conversationId}/activities`, {
      type: 'message',
      text,
      from: { id: 'someone-else', name: 'Usuario' },
      channelData: { clientActivityID },
    });
  }

  poll(conversationId: string, watermark?: string) {
    const q = watermark === undefined ? '' : `?watermark=${watermark}`;
    return this.call('GET', `/conversations/${conversationId}/activities${q}`);
  }
}

/** Collects everything a Direct Line stream sends. */
export class StreamCollector {
  readonly groups: Array<{ activities: Json[]; watermark?: string }> = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      if (!text) return;
      this.groups.push(JSON.parse(text) as { activities: Json[]; watermark?: string });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string): Promise<StreamCollector> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const collector = new StreamCollector(ws);
      ws.once('open', () => resolve(collector));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  get activities(): Json[] {
    return this.groups.flatMap((g) => g.activities);
  }

  get watermark(): string | undefined {
    return [...this.groups].reverse().find((g) => g.watermark !== undefined)?.watermark;
  }

  /** Waits until `predicate` holds over the received activities (or fails after `timeoutMs`). */
  async waitFor(predicate: (activities: Json[]) => boolean, timeoutMs = 5000): Promise<Json[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.activities)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`stream: condition not met; received ${JSON.stringify(this.activities.map((a) => [a.type, a.text]))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.activities;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export const botMessages = (activities: Json[]) =>
  activities.filter((a) => a.type === 'message' && (a.from as Json | undefined)?.role === 'bot');
