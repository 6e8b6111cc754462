import { botMessages, DirectLineTestClient, type Json, StreamCollector } from '../support/directline-client';
import { startApp, type RunningApp } from '../support/harness';

/** Direct Line 3.0 as botframework-directlinejs speaks it: every route and status code. */
describe('Direct Line protocol', () => {
  const SECRET = 'directline-secret-for-tests-0123456789';
  let now = Date.parse('2026-11-22T16:00:00Z');
  const clock = { now: () => new Date(now) };
  let running: RunningApp;
  let base: string;

  beforeAll(async () => {
    running = await startApp({ clock, env: { DIRECTLINE_SECRET: SECRET, DIRECTLINE_RATE_PER_MINUTE: '60' } });
    base = running.baseUrl;
  });
  afterAll(() => running.stop());

  // Tokens come from the trusted-backend path: anonymous generation is rate-limited per IP.
  async function started() {
    const g = await DirectLineTestClient.generate(base, { secret: SECRET });
    const start = await g.client.startConversation();
    expect(start.status).toBe(200);
    return { ...g, start };
  }

  describe('tokens', () => {
    it('generates a conversation-scoped token for an anonymous web chat user', async () => {
      const g = await DirectLineTestClient.generate(base);
      expect(g.conversationId).toMatch(/^[A-Za-z0-9]{22}$/);
      expect(g.userId).toMatch(/^dl_/);
      expect(g.expires_in).toBe(1800);
      expect(g.token.split('.')).toHaveLength(2);
    });

    it('limits anonymous token generation per client address (429 with Retry-After)', async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 12; i++) {
        const res = await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST' });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(10);
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    });

    it('lets a trusted backend with the secret choose the user id', async () => {
      const g = await DirectLineTestClient.generate(base, { secret: SECRET, userId: 'empleado-42' });
      expect(g.userId).toBe('empleado-42');
    });

    it('refuses a wrong secret with 403', async () => {
      const res = await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers: { Authorization: 'Bearer not-the-secret' } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: Json }).error.code).toBe('InvalidToken');
    });

    it('refreshes a token, and the new one works', async () => {
      const { client, conversationId } = await started();
      const r = await client.call('POST', '/tokens/refresh');
      expect(r.status).toBe(200);
      expect(r.body.conversationId).toBe(conversationId);
      client.token = r.body.token as string;
      expect((await client.poll(conversationId)).status).toBe(200);
    });

    it('rejects an expired token with 403 TokenExpired, for REST calls and for refresh', async () => {
      const { client, conversationId } = await started();
      now += 31 * 60 * 1000;
      try {
        const poll = await client.poll(conversationId);
        expect(poll.status).toBe(403);
        expect((poll.body.error as Json).code).toBe('TokenExpired');
        expect((await client.call('POST', '/tokens/refresh')).status).toBe(403);
      } finally {
        now -= 31 * 60 * 1000;
      }
    });
  });

  describe('authorization', () => {
    it('answers 401 without a token and 403 with a forged one', async () => {
      const { conversationId, token } = await started();
      const none = await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`);
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ error: { code: 'MissingToken', message: expect.any(String) } });
      const [body] = token.split('.');
      const forged = new DirectLineTestClient(base, `${body}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
      expect((await forged.poll(conversationId)).status).toBe(403);
      const garbage = new DirectLineTestClient(base, 'garbage');
      expect((await garbage.poll(conversationId)).status).toBe(403);
    });

    it("answers 403 when a token is used on another user's conversation", async () => {
      const a = await started();
      const b = await started();
      const r = await a.client.post(b.conversationId, 'hola');
      expect(r.status).toBe(403);
      expect((r.body.error as Json).code).toBe('TokenConversationMismatch');
    });

    it('answers 404 for an unknown conversation', async () => {
      const secretClient = new DirectLineTestClient(base, SECRET);
      expect((await secretClient.poll('NoSuchConversation0000')).status).toBe(404);
      expect((await secretClient.call('GET', '/conversations/NoSuchConversation0000')).status).toBe(404);
      const post = await secretClient.post('NoSuchConversation0000', 'hola');
      expect(post.status).toBe(404);
      expect((post.body.error as Json).code).toBe('ConversationNotFound');
    });
  });

  describe('conversations and activities', () => {
    it('starts with an absolute ws:// streamUrl and greets the user once', async () => {
      const { client, conversationId, start } = await started();
      expect(start.body.conversationId).toBe(conversationId);
      expect(start.body.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${conversationId}/stream\\?t=`));
      const again = await client.startConversation();
      expect(again.status).toBe(200);
      const poll = await client.poll(conversationId);
      const greetings = botMessages(poll.body.activities as Json[]);
      expect(greetings).toHaveLength(1);
      expect(greetings[0]?.text).toMatch(/^Buenos días, le atiende Ventanilla.*¿En qué puedo ayudarle\?/s);
      expect(poll.body.watermark).toBe('1');
    });

    it('with the secret, POST /conversations creates a conversation (201) for the given user', async () => {
      const secretClient = new DirectLineTestClient(base, SECRET);
      const r = await secretClient.call('POST', '/conversations', { user: { id: 'backend-user' } });
      expect(r.status).toBe(201);
      expect(typeof r.body.token).toBe('string');
    });

    it('echoes a posted activity with id, timestamp, server-assigned from, and clientActivityID; then the bot replies', async () => {
      const { client, conversationId, userId, start } = await started();
      const stream = await StreamCollector.open(start.body.streamUrl as string);
      try {
        await stream.waitFor((a) => botMessages(a).length === 1);
        const posted = await client.post(conversationId, 'No puedo entrar a mi correo', 'client-1');
        expect(posted.status).toBe(200);
        const id = posted.body.id as string;
        expect(id).toBe(`${conversationId}|0000002`);
        const all = await stream.waitFor((a) => botMessages(a).some((m) => m.replyToId === id));
        const echo = all.find((a) => a.id === id) as Json;
        expect(echo).toMatchObject({
          type: 'message',
          text: 'No puedo entrar a mi correo',
          from: { id: userId, role: 'user' },
          conversation: { id: conversationId },
          channelData: { clientActivityID: 'client-1' },
        });
        expect(new Date(echo.timestamp as string).getTime()).toBe(now);
        const reply = botMessages(all).find((m) => m.replyToId === id) as Json;
        expect(reply.from).toMatchObject({ role: 'bot', name: 'Ventanilla' });
        // A reply this fast needs no typing indicator (see StreamHub.pushTyping).
        expect(all.some((a) => a.type === 'typing')).toBe(false);
        expect(Number(stream.watermark)).toBeGreaterThanOrEqual(3);
      } finally {
        await stream.close();
      }
    });

    it('polls with a watermark and returns only newer activities', async () => {
      const { client, conversationId } = await started();
      const first = await client.poll(conversationId);
      const wm = first.body.watermark as string;
      await client.post(conversationId, 'hola');
      const next = await client.poll(conversationId, wm);
      const acts = next.body.activities as Json[];
      expect(acts[0]).toMatchObject({ type: 'message', text: 'hola' });
      expect(acts.every((a) => Number((a.id as string).split('|')[1]) > Number(wm))).toBe(true);
      const empty = await client.poll(conversationId, next.body.watermark as string);
      expect(empty.body).toEqual({ activities: [], watermark: next.body.watermark });
    });

    it('drops a retried activity with the same clientActivityID (same id, no second reply)', async () => {
      const { client, conversationId } = await started();
      const a = await client.post(conversationId, 'duplicado', 'same-client-id');
      const afterFirst = (await client.poll(conversationId)).body.watermark;
      const b = await client.post(conversationId, 'duplicado', 'same-client-id');
      expect(b.status).toBe(200);
      expect(b.body.id).toBe(a.body.id);
      const after = await client.poll(conversationId);
      expect(after.body.watermark).toBe(afterFirst);
      expect((after.body.activities as Json[]).filter((x) => x.text === 'duplicado')).toHaveLength(1);
    });

    it('does not record typing indicators', async () => {
      const { client, conversationId } = await started();
      const before = (await client.poll(conversationId)).body.watermark;
      const t = await client.call('POST', `/conversations/${conversationId}/activities`, { type: 'typing' });
      expect(t.status).toBe(200);
      expect((await client.poll(conversationId)).body.watermark).toBe(before);
    });
  });

  describe('bad input', () => {
    it('answers 400 with a JSON error for malformed JSON, a missing type, and a bad watermark', async () => {
      const { client, conversationId } = await started();
      const malformed = await client.call('POST', `/conversations/${conversationId}/activities`, '{"type": "message", ');
      expect(malformed.status).toBe(400);
      expect((malformed.body.error as Json).code).toBe('BadArgument');
      const noType = await client.call('POST', `/conversations/${conversationId}/activities`, { text: 'sin tipo' });
      expect(noType.status).toBe(400);
      expect((noType.body.error as Json).message).toMatch(/type/);
      expect((await client.poll(conversationId, 'abc')).status).toBe(400);
      expect((await client.poll(conversationId, '-1')).status).toBe(400);
    });

    it('answers 413 for a body over the limit', async () => {
      const { client, conversationId } = await started();
      const r = await client.call('POST', `/conversations/${conversationId}/activities`, { type: 'message', text: 'x'.repeat(300 * 1024) });
      expect(r.status).toBe(413);
      expect((r.body.error as Json).code).toBe('PayloadTooLarge');
    });

    it('answers 429 with Retry-After when a token posts too fast, and keeps what it accepted', async () => {
      const { client, conversationId } = await started();
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 15; i++) {
        const r = await client.call('POST', `/conversations/${conversationId}/activities`, { type: 'event', name: 'ping', value: i });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      const events = ((await client.poll(conversationId)).body.activities as Json[]).filter((a) => a.type === 'event');
      expect(events.map((e) => e.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });
  });

  describe('WebSocket stream', () => {
    it('resumes from a watermark after a reconnect, without repeating activities', async () => {
      const { client, conversationId, start } = await started();
      const s1 = await StreamCollector.open(start.body.streamUrl as string);
      const first = await client.post(conversationId, 'primero');
      await s1.waitFor((a) => botMessages(a).some((m) => m.replyToId === first.body.id));
      const wm = s1.watermark as string;
      await s1.close();
      const second = await client.post(conversationId, 'segundo');
      const re = await client.call('GET', `/conversations/${conversationId}?watermark=${wm}`);
      expect(re.status).toBe(200);
      expect(re.body.streamUrl).toContain(`watermark=${wm}`);
      const s2 = await StreamCollector.open(re.body.streamUrl as string);
      try {
        const got = await s2.waitFor((a) => botMessages(a).some((m) => m.replyToId === second.body.id));
        expect(got[0]).toMatchObject({ text: 'segundo' });
        expect(got.some((a) => a.text === 'primero')).toBe(false);
      } finally {
        await s2.close();
      }
    });

    it('refuses an upgrade with a forged or foreign stream token', async () => {
      const a = await started();
      const b = await started();
      const url = new URL(a.start.body.streamUrl as string);
      url.searchParams.set('t', 'forged.token');
      await expect(StreamCollector.open(url.toString())).rejects.toThrow(/403/);
      const foreign = new URL(a.start.body.streamUrl as string);
      foreign.pathname = `/v3/directline/conversations/${b.conversationId}/stream`;
      await expect(StreamCollector.open(foreign.toString())).rejects.toThrow(/403/);
      const noToken = new URL(a.start.body.streamUrl as string);
      noToken.search = '';
      await expect(StreamCollector.open(noToken.toString())).rejects.toThrow(/401/);
    });
  });
});

describe('Direct Line without anonymous web chat', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ env: { WEBCHAT_ANONYMOUS: 'false' } });
  });
  afterAll(() => running.stop());

  it('requires the secret to generate tokens (401)', async () => {
    const res = await fetch(`${running.baseUrl}/v3/directline/tokens/generate`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: Json }).error.code).toBe('MissingToken');
  });
});
