import type { FacebookChannel } from '../../bots/channels/facebook/facebook-channel';
import { facebookSignature } from '../../services/facebook/signature';
import { DovecotServer } from '../support/dovecot';
import { GraphFakeApi } from '../support/graph-fake-api';
import { startApp, type RunningApp } from '../support/harness';
import { LoopbackSmtpServer } from '../support/loopback-smtp';

const MAILBOX = { user: 'mesa@cau.test', password: 'clave-de-prueba' };
const APP_SECRET = 'facebook-app-secret-for-tests-0123';
const PAGE_TOKEN = 'EAAGtestpagetoken0123456789abcdef';
const PAGE_ID = '104857600000009';
const PERSON = 'carmen.ruiz@persona.test';

/**
 * One person, two channels: Carmen registers a ticket by e-mail, then asks for its status on Messenger. Knowing the
 * address is not enough there: a code goes to it (over real SMTP), and typing it back links her Messenger id to her
 * requester record, so the next question is answered at once. A stranger who knows the address gets nowhere.
 */
describe('Identity linking across channels (e-mail → Messenger)', () => {
  let dovecot: DovecotServer;
  let smtp: LoopbackSmtpServer;
  let graph: GraphFakeApi;
  let running: RunningApp;
  let fb: FacebookChannel;
  let mid = 0;

  beforeAll(async () => {
    dovecot = await DovecotServer.start({ users: [MAILBOX] });
    smtp = new LoopbackSmtpServer();
    await smtp.listen(0);
    graph = await GraphFakeApi.start({ pageAccessToken: PAGE_TOKEN });
    running = await startApp({
      env: {
        IMAP_URL: dovecot.url(MAILBOX.user, MAILBOX.password),
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: `Mesa de Ayuda <${MAILBOX.user}>`,
        NOTIFY_REQUESTER: 'false',
        FACEBOOK_APP_SECRET: APP_SECRET,
        FACEBOOK_VERIFY_TOKEN: 'verify-token-ventanilla-42',
        FACEBOOK_PAGE_ACCESS_TOKEN: PAGE_TOKEN,
        FACEBOOK_GRAPH_BASE_URL: graph.baseUrl,
        HANDOFF_TICK_MS: '60000',
      },
      overrides: { emailTimings: { pollMs: 60_000 } },
    });
    if (!running.app.facebook || !running.app.email) throw new Error('Messenger and e-mail must be on');
    fb = running.app.facebook;
  }, 120_000);

  afterAll(async () => {
    await fb?.conversations.idle(10_000);
    await running?.stop();
    await graph?.close();
    await smtp?.close();
    await dovecot?.stop();
  });

  async function until<T>(check: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A signed Messenger message from `psid`; returns the texts the page sent back. */
  async function messenger(psid: string, text: string): Promise<string[]> {
    const before = graph.requests.length;
    const now = Date.now();
    mid += 1;
    const raw = JSON.stringify({
      object: 'page',
      entry: [{ id: PAGE_ID, time: now, messaging: [{ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: now, message: { mid: `m_link_${mid}`, text } }] }],
    });
    const res = await fetch(`${running.baseUrl}/api/facebook/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': facebookSignature(APP_SECRET, raw) },
      body: raw,
    });
    expect(res.status).toBe(200);
    await fb.conversations.idle();
    return graph.requests
      .slice(before)
      .map((r) => (r.body as { message?: { text?: string } } | undefined)?.message?.text)
      .filter((t): t is string => typeof t === 'string');
  }

  it('links a Messenger id to the requester who registered by e-mail, on a code sent to that address', async () => {
    // 1. The ticket, by e-mail.
    const id = `<carmen-1-${Date.now()}@persona.test>`;
    await dovecot.append(
      MAILBOX.user,
      [
        `From: Carmen Ruiz Soto <${PERSON}>`,
        `To: ${MAILBOX.user}`,
        'Subject: Olvidé la contraseña de mi correo',
        `Message-ID: ${id}`,
        `Date: ${new Date().toUTCString()}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Soy estudiante de la ESCOM. Olvidé la contraseña de mi correo institucional.',
        '',
      ].join('\r\n'),
    );
    const reply = await until(() => smtp.received.find((m) => m.inReplyTo === id), 'the e-mail reply');
    const number = /CAU-\d{4}-\d{6}/.exec(reply.text ?? '')?.[0];
    expect(number).toBeDefined();

    // 2. A stranger on Messenger who knows the address: the same words, but no code reaches them.
    const strangerFirst = await messenger('PSID-STRANGER-1', `¿Cómo va mi reporte ${number}?`);
    expect(strangerFirst.join(' ')).toMatch(/correo electrónico o el teléfono/);
    const codesBefore = smtp.received.filter((m) => /Código de verificación/.test(m.subject ?? '')).length;
    await messenger('PSID-STRANGER-1', 'otra.direccion@persona.test');
    const wrong = await messenger('PSID-STRANGER-1', '123456');
    expect(wrong.join(' ')).not.toMatch(/está en estado/);
    expect(smtp.received.filter((m) => /Código de verificación/.test(m.subject ?? '')).length).toBe(codesBefore);

    // 3. Carmen on Messenger: status question → her address → a code by e-mail → typed back → linked and told.
    const asked = await messenger('PSID-CARMEN-1', `Hola, ¿cómo va mi reporte ${number}?`);
    expect(asked.join(' ')).toMatch(/correo electrónico o el teléfono/);
    const sent = await messenger('PSID-CARMEN-1', PERSON);
    expect(sent.join(' ')).toMatch(/código de 6 dígitos/);
    const codeMail = await until(() => smtp.received.find((m) => /Código de verificación/.test(m.subject ?? '') && m.to && !Array.isArray(m.to) && m.to.value[0]?.address === PERSON), 'the code e-mail');
    const code = /\b(\d{6})\b/.exec(codeMail.text ?? '')?.[1];
    expect(code).toBeDefined();
    const bad = await messenger('PSID-CARMEN-1', code === '000000' ? '111111' : '000000');
    expect(bad.join(' ')).toMatch(/no coincide/);
    const told = await messenger('PSID-CARMEN-1', code!);
    expect(told.join(' ')).toMatch(/confirmé su identidad/);
    expect(told.join(' ')).toMatch(new RegExp(`${number} .*está en estado`));

    const linked = await running.app.repositories.requesters.findByIdentity({ kind: 'facebook', value: 'PSID-CARMEN-1' });
    const byMail = await running.app.repositories.requesters.findByIdentity({ kind: 'email', value: PERSON });
    expect(linked?.id).toBeDefined();
    expect(linked?.id).toBe(byMail?.id);
    expect(await running.app.repositories.requesters.findByIdentity({ kind: 'facebook', value: 'PSID-STRANGER-1' })).toBeNull();
    const audit = await running.app.repositories.audit.latest(20);
    expect(audit.find((a) => a.action === 'requester.link')).toMatchObject({ target: linked?.id, details: expect.objectContaining({ proof: 'code' }) });
  }, 90_000);
});
