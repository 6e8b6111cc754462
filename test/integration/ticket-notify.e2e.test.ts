import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AddressObject } from 'mailparser';
import { verifyWebhookSignature } from '../../services/notify/webhook-transport';
import { DirectLineTestClient, StreamCollector } from '../support/directline-client';
import { startApp, type RunningApp } from '../support/harness';
import { LoopbackSmtpServer } from '../support/loopback-smtp';
import { runScript } from '../support/script-driver';

const SECRET = 'directline-secret-for-tests-0123456789';
const WEBHOOK_SECRET = 'webhook-secret-0123456789';
const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

/** A ticket registered in a chat reaches the requester and the resolver group by mail, and the centre's SAI by webhook. */
describe('ticket notifications from a conversation (real SMTP server, signed webhook)', () => {
  const smtp = new LoopbackSmtpServer();
  const hooks: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let receiver: http.Server;
  let running: RunningApp;

  beforeAll(async () => {
    await smtp.listen(0);
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        hooks.push({ headers: req.headers, body });
        // restify (loaded by the app in this process) patches ServerResponse; keep to the plain API.
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hookPort = (receiver.address() as AddressInfo).port;
    running = await startApp({
      env: {
        DIRECTLINE_SECRET: SECRET,
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'Mesa de Ayuda <cau@ipn.mx>',
        RESOLVER_GROUP_EMAILS: 'Redes y telecomunicaciones=redes@ipn.mx; *=mesa@ipn.mx',
        TICKET_WEBHOOK_URL: `http://127.0.0.1:${hookPort}/sai`,
        TICKET_WEBHOOK_SECRET: WEBHOOK_SECRET,
        OUTBOX_POLL_MS: '200',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await running.stop();
    await smtp.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  test('requester and group mails, and the webhook, for a ticket registered over Direct Line', async () => {
    const g = await DirectLineTestClient.generate(running.baseUrl, { secret: SECRET });
    const start = await g.client.startConversation();
    const stream = await StreamCollector.open(start.body.streamUrl as string);
    try {
      await stream.waitFor((a) => a.some((x) => x.type === 'message'));
      const run = await runScript(g.client, g.conversationId, stream, 'necesito que activen el nodo de red de la oficina nueva', {
        identification: 'personal administrativo de la ESCOM, extensión 52100',
        contact: 'Jorge Ramírez Soto, jorge.rs@ipn.mx, 5544332211',
      });
      const number = run.ticketNumber ?? '';
      const mails = await smtp.waitFor(2);
      const toRequester = mails.find((mail) => addresses(mail.to).includes('jorge.rs@ipn.mx'));
      const toGroup = mails.find((mail) => addresses(mail.to).includes('redes@ipn.mx'));
      expect(toRequester?.subject).toBe(`Su solicitud ${number} fue registrada`);
      expect(toGroup?.subject).toContain(`Nuevo ticket ${number}`);
      expect(toGroup?.text).toContain('Jorge Ramírez Soto');
      expect(toGroup?.text).toContain('52100');

      for (let i = 0; i < 200 && hooks.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(hooks).toHaveLength(1);
      const hook = hooks[0] as { headers: http.IncomingHttpHeaders; body: string };
      expect(verifyWebhookSignature(WEBHOOK_SECRET, String(hook.headers['x-ventanilla-timestamp']), hook.body, String(hook.headers['x-ventanilla-signature']))).toBe(true);
      expect(verifyWebhookSignature('otro-secreto-0123456789', String(hook.headers['x-ventanilla-timestamp']), hook.body, String(hook.headers['x-ventanilla-signature']))).toBe(false);
      expect(JSON.parse(hook.body)).toMatchObject({
        event: 'ticket.created',
        delivery: String(hook.headers['x-ventanilla-delivery']),
        ticket: { number, kind: 'request', serviceCode: 'RED-ACTIVACION-NODO' },
      });
      // The delivery is recorded right after the receiver answers.
      let stats = await running.app.repositories.outbox.stats();
      for (let i = 0; i < 200 && stats.pending > 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
        stats = await running.app.repositories.outbox.stats();
      }
      expect(stats).toMatchObject({ pending: 0, dead: 0 });
    } finally {
      await stream.close();
    }
  }, 60_000);
});
