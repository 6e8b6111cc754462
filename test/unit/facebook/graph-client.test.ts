import { GraphApiError, GraphSendClient } from '../../../services/facebook/graph-client';
import { GraphFakeApi } from '../../support/graph-fake-api';

describe('GraphSendClient', () => {
  let graph: GraphFakeApi;
  const token = 'EAAGsecret-page-token';
  const warnings: object[] = [];
  const client = () =>
    new GraphSendClient({ pageAccessToken: token, baseUrl: graph.baseUrl, sleep: async () => undefined, logger: { warn: (o) => warnings.push(o) } });

  beforeAll(async () => {
    graph = await GraphFakeApi.start({ pageAccessToken: token });
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.reset();
    warnings.length = 0;
  });

  const request = { recipient: { id: '123' }, messaging_type: 'RESPONSE' as const, message: { text: 'hola' } };

  test('posts to /v21.0/me/messages with the token in the query and returns the message id', async () => {
    const { messageId } = await client().send(request);
    expect(messageId).toMatch(/^m_/);
    expect(graph.requests).toHaveLength(1);
    expect(graph.requests[0]).toMatchObject({ method: 'POST', path: '/v21.0/me/messages', query: { access_token: token }, body: request });
  });

  test('retries 5xx and 429 with backoff, then succeeds', async () => {
    graph.failNext(2, 503);
    graph.failNext(1, 429);
    await client().send(request);
    expect(graph.requests.map((r) => r.status)).toEqual([503, 503, 429, 200]);
  });

  test('gives up after the retries; never retries a 4xx; the token never appears in logs or errors', async () => {
    graph.failNext(10, 500);
    await expect(client().send(request)).rejects.toBeInstanceOf(GraphApiError);
    expect(graph.requests).toHaveLength(4);
    graph.reset();
    const bad = new GraphSendClient({ pageAccessToken: 'wrong-token', baseUrl: graph.baseUrl, sleep: async () => undefined });
    const err = (await bad.send(request).catch((e: unknown) => e)) as GraphApiError;
    expect(err).toMatchObject({ status: 400, code: 190 });
    expect(graph.requests).toHaveLength(1);
    expect(err.message).not.toContain('wrong-token');
    expect(JSON.stringify(warnings)).not.toContain(token);
    const down = new GraphSendClient({ pageAccessToken: token, baseUrl: 'http://127.0.0.1:1', sleep: async () => undefined, retries: 1 });
    const e2 = (await down.send(request).catch((e: unknown) => e)) as Error;
    expect(e2.message).not.toContain(token);
  });
});
