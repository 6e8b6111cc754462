import { HttpXDmClient, XApiError } from '../../../services/x/dm-client';
import { XFakeApi } from '../../support/x-fake-api';

const TOKEN = 'x-user-access-token-for-tests-abcdef';

describe('HttpXDmClient (v2 DM endpoint)', () => {
  let api: XFakeApi;
  const warnings: Array<{ obj: object; msg?: string }> = [];
  const logger = { warn: (obj: object, msg?: string) => void warnings.push({ obj, ...(msg ? { msg } : {}) }) };
  const client = () => new HttpXDmClient({ accessToken: TOKEN, baseUrl: api.baseUrl, logger, sleep: async () => undefined });

  beforeAll(async () => {
    api = await XFakeApi.start({ accessToken: TOKEN, ourUserId: '4337869213' });
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.reset();
    warnings.length = 0;
  });

  it('posts {"text"} with the bearer token and returns the DM event', async () => {
    const sent = await client().sendMessage('3001969357', 'Buenos días');
    expect(sent.dmConversationId).toBe('3001969357-4337869213');
    expect(sent.dmEventId).toMatch(/^\d+$/);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: 'POST', path: '/2/dm_conversations/with/3001969357/messages', bearer: TOKEN, json: { text: 'Buenos días' } });
    expect(api.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('retries a 429 (a refusal) and sends once', async () => {
    api.failNext(2, 429, { 'retry-after': '0' });
    await client().sendMessage('3001969357', 'hola');
    expect(api.requests.map((r) => r.status)).toEqual([429, 429, 201]);
    expect(api.messages).toHaveLength(1);
  });

  it('gives up after two retries of 429', async () => {
    api.failNext(3, 429);
    await expect(client().sendMessage('3001969357', 'hola')).rejects.toMatchObject({ name: 'XApiError', status: 429 });
    expect(api.requests).toHaveLength(3);
  });

  it('does not resend a message create after a 5xx (it may exist already)', async () => {
    api.failNext(1, 503);
    await expect(client().sendMessage('3001969357', 'hola')).rejects.toBeInstanceOf(XApiError);
    expect(api.requests).toHaveLength(1);
  });

  it('never logs the token or the text', async () => {
    api.failNext(1, 503);
    await client().sendMessage('3001969357', 'texto privado').catch(() => undefined);
    const bad = new HttpXDmClient({ accessToken: 'wrong-token', baseUrl: api.baseUrl, logger, sleep: async () => undefined });
    await bad.sendMessage('3001969357', 'texto privado').catch((err: unknown) => {
      expect(String(err)).not.toContain('wrong-token');
    });
    expect(warnings.length).toBeGreaterThan(0);
    const logged = JSON.stringify(warnings);
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain('wrong-token');
    expect(logged).not.toContain('texto privado');
  });

  it('refuses texts over 10,000 characters and non-numeric ids before calling X', async () => {
    await expect(client().sendMessage('3001969357', 'x'.repeat(10_001))).rejects.toThrow(/10000/);
    await expect(client().sendMessage('@analopez', 'hola')).rejects.toThrow(/numeric/);
    expect(api.requests).toHaveLength(0);
  });
});
