/** A logged-in console client for API tests: keeps the session cookie and sends the CSRF token. */
export class ConsoleSession {
  cookie = '';
  csrfToken = '';

  constructor(readonly baseUrl: string) {}

  static async login(baseUrl: string, email: string, password: string): Promise<ConsoleSession> {
    const s = new ConsoleSession(baseUrl);
    const res = await s.request('POST', '/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return s;
  }

  async request(method: string, path: string, body?: unknown, options: { csrf?: boolean } = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && options.csrf !== false) headers['x-csrf-token'] = this.csrfToken;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? '';
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    if (path === '/api/auth/login' && res.status === 200) this.csrfToken = (parsed as { csrfToken: string }).csrfToken;
    return { status: res.status, body: parsed, headers: res.headers };
  }
}
