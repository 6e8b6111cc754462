import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type RunningApp } from '../support/harness';

type Json = Record<string, unknown>;

describe('HTTP server', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.stop());

  it('GET /health answers while alive and /ready while the database answers', async () => {
    const health = await fetch(`${running.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${running.baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('gives every response a request id, and echoes a valid one from the caller', async () => {
    const generated = await fetch(`${running.baseUrl}/health`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await fetch(`${running.baseUrl}/health`, { headers: { 'X-Request-Id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
  });

  it('answers unknown routes and wrong methods with the JSON error shape', async () => {
    const missing = await fetch(`${running.baseUrl}/no/such/route`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'NotFound', message: 'La ruta solicitada no existe.' } });
    const wrong = await fetch(`${running.baseUrl}/health`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(((await wrong.json()) as { error: Json }).error.code).toBe('MethodNotAllowed');
  });

  it('serves the web chat page and the Web Chat bundle from this origin', async () => {
    const page = await fetch(`${running.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<html lang="es-MX">');
    expect(html).toContain('src="/static/webchat.js"');
    expect(html).not.toMatch(/src="https?:/);
    const bundle = await fetch(`${running.baseUrl}/static/webchat.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
  });

  it('exposes Prometheus metrics including turns and HTTP requests', async () => {
    const g = await fetch(`${running.baseUrl}/v3/directline/tokens/generate`, { method: 'POST' });
    const { token } = (await g.json()) as { token: string };
    await fetch(`${running.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    const res = await fetch(`${running.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/ventanilla_turns_total\{channel="webchat",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/ventanilla_http_requests_total\{method="POST",route="\/v3\/directline\/tokens\/generate",status="200"\} [1-9]/);
    expect(text).toContain('ventanilla_directline_open_streams');
  });

  it('publishes an OpenAPI document', async () => {
    const res = await fetch(`${running.baseUrl}/api/openapi.json`);
    const doc = (await res.json()) as { openapi: string; paths: Json };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v3/directline/conversations/{conversationId}/activities', '/api/messages']));
  });
});

/** A stand-in for the Bot Framework connector: records the replies the bot posts back to serviceUrl. */
async function startConnector(): Promise<{ url: string; replies: Json[]; close(): Promise<void> }> {
  const replies: Json[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && /\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
        replies.push(JSON.parse(body) as Json);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${replies.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, replies, close: () => new Promise((r) => server.close(() => r())) };
}

describe('Bot Framework channel (/api/messages through CloudAdapter)', () => {
  it('runs the bot for an Emulator request, replies through serviceUrl and records the transcript', async () => {
    const connector = await startConnector();
    const running = await startApp();
    try {
      const activity = {
        type: 'message',
        id: 'emu-1',
        channelId: 'emulator',
        serviceUrl: connector.url,
        conversation: { id: 'emu-conv-1' },
        from: { id: 'emu-user', name: 'Usuario' },
        recipient: { id: 'bot', name: 'Bot' },
        text: 'hola, ¿cuándo pagan la beca de este semestre?',
        timestamp: new Date().toISOString(),
      };
      const res = await fetch(`${running.baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(activity),
      });
      expect(res.status).toBe(200);
      const texts = connector.replies.filter((r) => r.type === 'message').map((r) => String(r.text));
      expect(texts.some((t) => /le atiende Ventanilla/.test(t))).toBe(true);
      expect(texts.some((t) => t === '¿Hay algo más en que pueda ayudarle?')).toBe(true);

      const conversation = await running.app.conversations.ensure('emulator', 'emu-conv-1', null);
      const transcript = await running.app.conversations.since(conversation.id, 0);
      expect(transcript[0]?.activity).toMatchObject({ type: 'message', text: activity.text, from: { id: 'emu-user' } });
      const outbound = transcript.slice(1).map((r) => r.activity.text);
      expect(outbound).toEqual(texts);
    } finally {
      await running.stop();
      await connector.close();
    }
  });

  it('refuses an unauthenticated request when MicrosoftAppId is set', async () => {
    const running = await startApp({ env: { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'secreto' } });
    try {
      const res = await fetch(`${running.baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'hola', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'b' } }),
      });
      expect(res.status).toBe(401);
    } finally {
      await running.stop();
    }
  });
});
