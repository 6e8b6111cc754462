import { botMessages, DirectLineTestClient, type Json, StreamCollector } from '../support/directline-client';
import { startApp } from '../support/harness';
import { type DatabaseLocation, defaultBackend, makeDatabaseLocation } from '../support/test-database';

/**
 * A real restart: the first instance shuts down (closing its database), a second one starts on
 * the same data (PGlite directory or server database), and the client resumes from its watermark.
 */
describe(`restart on ${defaultBackend()}`, () => {
  const SECRET = 'directline-secret-for-restart-0123456789';
  let location: DatabaseLocation;
  let env: Record<string, string>;

  beforeAll(async () => {
    location = await makeDatabaseLocation('restart');
    env = location.env;
  });
  afterAll(() => location.dispose());

  it('keeps conversations, transcript, bot state and tokens; the client resumes from its watermark', async () => {
    const first = await startApp({ env: { ...env, DIRECTLINE_SECRET: SECRET }});
    const g = await DirectLineTestClient.generate(first.baseUrl, { secret: SECRET });
    const start = await g.client.startConversation();
    const stream = await StreamCollector.open(start.body.streamUrl as string);
    const posted = await g.client.post(g.conversationId, 'Mi impresora no imprime');
    await stream.waitFor((a) => botMessages(a).some((m) => m.replyToId === posted.body.id));
    const watermark = stream.watermark as string;
    const historyBefore = stream.activities.filter((a) => a.type !== 'typing').map((a) => a.id);
    await stream.close();
    await first.app.shutdown('restart test');

    const second = await startApp({ env: { ...env, DIRECTLINE_SECRET: SECRET }});
    try {
      // The token issued before the restart is still valid (the signing key is kept in the database).
      const client = new DirectLineTestClient(second.baseUrl, g.token);
      const history = await client.poll(g.conversationId);
      expect(history.status).toBe(200);
      expect((history.body.activities as Json[]).map((a) => a.id)).toEqual(historyBefore);
      expect(history.body.watermark).toBe(watermark);

      // Reconnect from the watermark: nothing old is replayed, the greeting is not sent again.
      const re = await client.call('GET', `/conversations/${g.conversationId}?watermark=${watermark}`);
      expect(re.status).toBe(200);
      const resumed = await StreamCollector.open(re.body.streamUrl as string);
      try {
        const again = await client.startConversation();
        expect(again.status).toBe(200);
        const next = await client.post(g.conversationId, 'sí, es urgente');
        const got = await resumed.waitFor((a) => botMessages(a).some((m) => m.replyToId === next.body.id));
        expect(got[0]).toMatchObject({ text: 'sí, es urgente', id: `${g.conversationId}|${String(Number(watermark) + 1).padStart(7, '0')}` });
        expect(got.some((a) => historyBefore.includes(a.id as string))).toBe(false);
        const all = (await client.poll(g.conversationId)).body.activities as Json[];
        expect(botMessages(all).filter((m) => String(m.text).includes('le atiende'))).toHaveLength(1);
        // The dialog continued where it was: the reply is not a fresh greeting.
        expect(botMessages(got).some((m) => String(m.text).includes('le atiende'))).toBe(false);
      } finally {
        await resumed.close();
      }
    } finally {
      await second.app.shutdown('restart test');
    }
  });
});
