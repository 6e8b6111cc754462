import type { ParsedMail } from 'mailparser';
import type { EmailChannel } from '../../bots/channels/email/email-channel';
import { DovecotServer } from '../support/dovecot';
import { startApp, type RunningApp } from '../support/harness';
import { LoopbackSmtpServer } from '../support/loopback-smtp';
import { createAgent } from './twilio-fixture';

const MAILBOX_USER = 'mesa@cau.test';
const MAILBOX_PASSWORD = 'clave-de-prueba';
const OUR_ADDRESS = 'mesa@cau.test';
/** The desk's second mailbox (seed 003 lists two). */
const SECOND_USER = 'cau@cau.test';

/**
 * The e-mail channel end to end: a real Dovecot holds the mailbox (read over IMAP with IDLE), a real SMTP server on
 * loopback receives the replies, and the whole application (bot, tickets, outbox) runs on the test database.
 */
describe('E-mail channel (IMAP in, SMTP out)', () => {
  let dovecot: DovecotServer;
  let smtp: LoopbackSmtpServer;
  let running: RunningApp;
  let email: EmailChannel;
  let sequence = 0;

  beforeAll(async () => {
    dovecot = await DovecotServer.start({ users: [{ user: MAILBOX_USER, password: MAILBOX_PASSWORD }, { user: SECOND_USER, password: MAILBOX_PASSWORD }] });
    smtp = new LoopbackSmtpServer();
    await smtp.listen(0);
    running = await startApp({
      env: {
        IMAP_URL: `${dovecot.url(MAILBOX_USER, MAILBOX_PASSWORD)},${dovecot.url(SECOND_USER, MAILBOX_PASSWORD)}`,
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: `Mesa de Ayuda <${OUR_ADDRESS}>`,
        NOTIFY_REQUESTER: 'false',
        HANDOFF_TICK_MS: '60000',
      },
      overrides: { emailTimings: { pollMs: 60_000, backoff: { initialMs: 100, maxMs: 500 } } },
    });
    const wired = running.app.email;
    if (!wired) throw new Error('IMAP_URL and SMTP_URL turn the e-mail channel on');
    email = wired;
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    await smtp?.close();
    await dovecot?.stop();
  });

  function raw(p: { from: string; subject: string; body: string; inReplyTo?: string; references?: string; headers?: Record<string, string> }): { id: string; source: string } {
    sequence += 1;
    const id = `<msg-${sequence}-${Date.now()}@correo.persona.test>`;
    const lines = [
      `From: ${p.from}`,
      `To: Mesa de Ayuda <${OUR_ADDRESS}>`,
      `Subject: ${p.subject}`,
      `Message-ID: ${id}`,
      `Date: ${new Date().toUTCString()}`,
      ...(p.inReplyTo ? [`In-Reply-To: ${p.inReplyTo}`] : []),
      ...(p.references ? [`References: ${p.references}`] : []),
      ...Object.entries(p.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      p.body,
      '',
    ];
    return { id, source: lines.join('\r\n') };
  }

  /** Waits until `check` returns something (the mailbox reader works on its own through IDLE). */
  async function until<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function replyTo(messageId: string): Promise<ParsedMail> {
    return until(async () => smtp.received.find((mail) => mail.inReplyTo === messageId), `the reply to ${messageId}`);
  }

  async function ticketCount(conversationId: string): Promise<number> {
    const [row] = await running.app.database.run<{ n: number }>('email_test_tickets', 'select count(*)::int as n from tickets where conversation_id = $1', [conversationId]);
    return row?.n ?? 0;
  }

  async function inboundRow(messageId: string) {
    return running.app.repositories.email.findInbound(email.status()[0]!.name, messageId);
  }

  it('reads a complete request, registers a ticket and answers in the same thread, marking the mail seen', async () => {
    const mail = raw({
      from: 'Ana López Pérez <ana.lopez@persona.test>',
      subject: 'No puedo entrar a mi correo institucional',
      body: [
        'Buenos días:',
        '',
        'Soy docente de la Escuela Superior de Cómputo, mi extensión es 52030.',
        'Olvidé la contraseña de mi correo institucional y no puedo entrar a mi cuenta.',
        '',
        'Saludos,',
        'Ana López Pérez',
        '',
        '-- ',
        'Dra. Ana López Pérez',
        'ESCOM',
      ].join('\r\n'),
    });
    await dovecot.append(MAILBOX_USER, mail.source);
    const reply = await replyTo(mail.id);
    expect(reply.subject).toBe('Re: No puedo entrar a mi correo institucional');
    expect(reply.to && !Array.isArray(reply.to) ? reply.to.value[0]?.address : '').toBe('ana.lopez@persona.test');
    expect(reply.headers.get('auto-submitted')).toBe('auto-replied');
    expect(reply.references).toEqual(mail.id);
    const number = /CAU-\d{4}-\d{6}/.exec(reply.text ?? '')?.[0];
    expect(number).toBeDefined();
    expect(typeof reply.html === 'string' && reply.html.includes(number!)).toBe(true);

    const ticket = await running.app.tickets.find(number!);
    expect(ticket).toMatchObject({ channel: 'email', serviceCode: 'CORREO-CONTRASENA' });
    expect(ticket?.requester).toMatchObject({ email: 'ana.lopez@persona.test', role: 'docente', extension: '52030' });
    // The signature was not taken as part of the request.
    expect(ticket?.description).not.toMatch(/Dra\./);

    const seen = await until(async () => {
      const all = await dovecot.messages(MAILBOX_USER);
      const stored = all.find((m) => m.source.toString().includes(mail.id));
      return stored?.flags.includes('\\Seen') ? stored : null;
    }, 'the \\Seen flag');
    expect(seen.flags).toContain('\\Seen');
  }, 60_000);

  it('asks for everything missing in one reply, and registers when the reply in the thread brings it', async () => {
    const first = raw({ from: 'luis.mtz@persona.test', subject: 'La impresora', body: 'Hola, la impresora de mi oficina no imprime nada desde ayer.' });
    await dovecot.append(MAILBOX_USER, first.source);
    const question = await replyTo(first.id);
    expect(question.text).toMatch(/Su nombre completo/);
    expect(question.text).toMatch(/escuela, centro o unidad/i);
    expect(question.text).toMatch(/docente, personal administrativo o estudiante/);
    expect(question.text).not.toMatch(/CAU-\d{4}-\d{6}/);
    const ourId = question.messageId!;

    const answer = raw({
      from: 'Luis Martínez <luis.mtz@persona.test>',
      subject: 'Re: La impresora',
      inReplyTo: ourId,
      references: `${first.id} ${ourId}`,
      body: ['Me llamo Luis Martínez Soto, soy personal administrativo de la ESCOM, no tengo extensión.', '', `El ${new Date().toDateString()}, Mesa de Ayuda escribió:`, '> Para registrar su solicitud...'].join('\r\n'),
    });
    await dovecot.append(MAILBOX_USER, answer.source);
    const done = await replyTo(answer.id);
    const number = /CAU-\d{4}-\d{6}/.exec(done.text ?? '')?.[0];
    expect(number).toBeDefined();
    const ticket = await running.app.tickets.find(number!);
    expect(ticket?.requester).toMatchObject({ name: 'Luis Martínez Soto', role: 'administrativo', email: 'luis.mtz@persona.test' });
    // Both messages are one conversation: the thread.
    const firstRow = await inboundRow(first.id);
    const answerRow = await inboundRow(answer.id);
    expect(firstRow?.conversationId).toBeTruthy();
    expect(answerRow?.conversationId).toBe(firstRow?.conversationId);
    expect(ticket?.conversationId).toBe(firstRow?.conversationId);
  }, 60_000);

  it('never answers an auto-reply, list mail or a bounce', async () => {
    const before = smtp.received.length;
    const ooo = raw({
      from: 'ana.lopez@persona.test',
      subject: 'Respuesta automática: Re: No puedo entrar a mi correo',
      body: 'Estoy fuera de la oficina hasta el lunes.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const list = raw({ from: 'boletin@lista.test', subject: 'Boletín semanal', body: 'Noticias de la semana: la impresora nueva llegó.', headers: { 'List-Id': '<boletin.lista.test>', Precedence: 'bulk' } });
    await dovecot.append(MAILBOX_USER, ooo.source);
    await dovecot.append(MAILBOX_USER, list.source);
    const rows = await until(async () => {
      const a = await inboundRow(ooo.id);
      const b = await inboundRow(list.id);
      return a?.status === 'ignored' && b?.status === 'ignored' ? [a, b] : null;
    }, 'both messages ignored');
    expect(rows.map((r) => r.reason)).toEqual(['auto-submitted', expect.stringMatching(/precedence|list/)]);
    await email.check();
    expect(smtp.received.length).toBe(before);
  }, 60_000);

  it('reads a message again after a crash before it was marked processed, and creates nothing twice', async () => {
    const repo = running.app.repositories.email;
    const original = repo.complete.bind(repo);
    let failures = 0;
    // The process "dies" after the turn was stored and before the reply was queued: the message stays unseen.
    repo.complete = async (...args: Parameters<typeof repo.complete>) => {
      if (failures === 0) {
        failures += 1;
        throw new Error('simulated crash');
      }
      return original(...args);
    };
    try {
      const mail = raw({
        from: 'Rosa Díaz <rosa.diaz@persona.test>',
        subject: 'Contraseña del correo',
        body: 'Soy estudiante de la ESCOM, me llamo Rosa Díaz Ruiz. Olvidé la contraseña de mi correo institucional.',
      });
      await dovecot.append(MAILBOX_USER, mail.source);
      await until(async () => failures === 1, 'the simulated crash');
      const row = await inboundRow(mail.id);
      expect(row?.status).toBe('received');
      await email.check();
      const reply = await replyTo(mail.id);
      const number = /CAU-\d{4}-\d{6}/.exec(reply.text ?? '')?.[0];
      expect(number).toBeDefined();
      expect(smtp.received.filter((m) => m.inReplyTo === mail.id)).toHaveLength(1);
      const conversation = (await inboundRow(mail.id))?.conversationId;
      expect(await ticketCount(conversation!)).toBe(1);
      const all = await running.app.conversations.since(conversation!, 0, 100);
      const userTurns = all.filter((r) => r.activity.type === 'message' && (r.activity.from as { role?: string }).role === 'user');
      expect(userTurns).toHaveLength(1);
      expect((await inboundRow(mail.id))?.status).toBe('processed');
    } finally {
      repo.complete = original;
    }
  }, 60_000);

  it('tells the status of a ticket only to the address that registered it', async () => {
    const registered = smtp.received.find((m) => /CAU-\d{4}-\d{6}/.test(m.text ?? '') && m.to && !Array.isArray(m.to) && m.to.value[0]?.address === 'ana.lopez@persona.test');
    const number = /CAU-\d{4}-\d{6}/.exec(registered?.text ?? '')?.[0];
    expect(number).toBeDefined();
    const owner = raw({ from: 'ana.lopez@persona.test', subject: `Estado de ${number}`, body: `¿Cómo va mi reporte ${number}?` });
    const stranger = raw({ from: 'otra.persona@persona.test', subject: `Estado de ${number}`, body: `¿Cómo va el reporte ${number}?` });
    await dovecot.append(MAILBOX_USER, owner.source);
    await dovecot.append(MAILBOX_USER, stranger.source);
    const told = await replyTo(owner.id);
    const refused = await replyTo(stranger.id);
    expect(told.text).toMatch(new RegExp(`${number} .*está en estado`));
    expect(refused.text).not.toMatch(/está en estado/);
    expect(refused.text).toMatch(/no puedo darle información/);
  }, 60_000);

  it('queues a request for a person; the agent answers by e-mail in the thread, the person\'s reply reaches the agent', async () => {
    const agent = await createAgent(running.app, { email: 'correo.agente@cau.test', name: 'Laura Méndez', phone: null });
    const mail = raw({
      from: 'Pedro Gómez Luna <pedro.gomez@persona.test>',
      subject: 'Necesito ayuda',
      body: 'Quiero hablar con una persona, por favor. Soy estudiante de la ESCOM y no me llega el correo de inscripción.',
    });
    await dovecot.append(MAILBOX_USER, mail.source);
    const queued = await replyTo(mail.id);
    expect(queued.text).toMatch(/Turnamos su mensaje a un agente/);
    const conversationId = (await inboundRow(mail.id))!.conversationId!;
    const state = await running.app.handoff.queueState(conversationId);
    expect(['queued', 'offered']).toContain(state.state);
    const handoffId = state.state === 'none' ? '' : state.handoffId;
    const before = smtp.received.length;
    await running.app.handoff.accept(agent, handoffId);
    await running.app.handoff.reply(agent, handoffId, 'Hola, Pedro. Ya revisé su cuenta: el correo de inscripción se reenvió hace un momento.', 'mail-client-1');
    // A retried send (same client id) is one e-mail.
    await running.app.handoff.reply(agent, handoffId, 'Hola, Pedro. Ya revisé su cuenta: el correo de inscripción se reenvió hace un momento.', 'mail-client-1');
    // Automatic messages (hold, position) stay in the transcript only.
    await email.person.say(conversationId, 'email', [{ text: 'Permítame, lo sigo atendiendo.', automatic: true }]);
    const fromAgent = await until(async () => smtp.received.slice(before).find((m) => /se reenvió hace un momento/.test(m.text ?? '')), 'the agent e-mail');
    expect(fromAgent.inReplyTo).toBe(queued.messageId);
    expect(fromAgent.text).toMatch(/Laura Méndez/);
    expect(fromAgent.subject).toBe('Re: Necesito ayuda');
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received.slice(before).filter((m) => /se reenvió hace un momento/.test(m.text ?? ''))).toHaveLength(1);
    expect(smtp.received.slice(before).some((m) => /lo sigo atendiendo/.test(m.text ?? ''))).toBe(false);

    // The person answers in the thread: it reaches the agent (transcript), and the bot does not answer it.
    const answer = raw({
      from: 'Pedro Gómez Luna <pedro.gomez@persona.test>',
      subject: 'Re: Necesito ayuda',
      inReplyTo: fromAgent.messageId!,
      references: `${mail.id} ${queued.messageId} ${fromAgent.messageId}`,
      body: 'Ya me llegó, muchas gracias.',
    });
    await dovecot.append(MAILBOX_USER, answer.source);
    await until(async () => (await inboundRow(answer.id))?.status === 'processed', 'the answer processed');
    expect((await inboundRow(answer.id))?.conversationId).toBe(conversationId);
    const lines = await running.app.conversations.since(conversationId, 0, 200);
    expect(lines.some((l) => l.activity.text === 'Ya me llegó, muchas gracias.')).toBe(true);
    expect(smtp.received.some((m) => m.inReplyTo === answer.id)).toBe(false);
  }, 60_000);

  it('answers once a mail sent to both of the desk\'s mailboxes', async () => {
    const mail = raw({
      from: 'Jorge Ramos Vela <jorge.ramos@persona.test>',
      subject: 'No puedo entrar a mi correo',
      body: 'Soy estudiante de la ESCOM. Olvidé la contraseña de mi correo institucional.',
    });
    await dovecot.append(MAILBOX_USER, mail.source);
    await dovecot.append(SECOND_USER, mail.source);
    await replyTo(mail.id);
    const rows = await until(async () => {
      const list = await Promise.all(email.status().map((m) => running.app.repositories.email.findInbound(m.name, mail.id)));
      return list.every((r) => r && r.status !== 'received') ? list : null;
    }, 'both copies done');
    expect(rows.map((r) => r?.conversationId ?? r?.reason).filter(Boolean)).toHaveLength(2);
    await email.check();
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received.filter((m) => m.inReplyTo === mail.id)).toHaveLength(1);
    const conversation = rows.find((r) => r?.conversationId)?.conversationId;
    expect(await ticketCount(conversation!)).toBe(1);
  }, 60_000);

  it('stores a message with a NUL byte instead of stopping the mailbox on it', async () => {
    const mail = raw({ from: 'nul@persona.test', subject: 'Prueba', body: 'La impresora no imprime.' });
    const poisoned = mail.source.replace('Content-Transfer-Encoding: 8bit', 'Content-Transfer-Encoding: quoted-printable').replace('La impresora no imprime.', 'La impresora=00 no imprime.');
    await dovecot.append(MAILBOX_USER, poisoned);
    const reply = await replyTo(mail.id);
    expect(reply.text).toMatch(/Su nombre completo/);
  }, 60_000);

  it('adds what a message says to the ticket it names, besides telling its status', async () => {
    const registered = smtp.received.find((m) => /CAU-\d{4}-\d{6}/.test(m.text ?? '') && m.to && !Array.isArray(m.to) && m.to.value[0]?.address === 'ana.lopez@persona.test');
    const number = /CAU-\d{4}-\d{6}/.exec(registered?.text ?? '')?.[0];
    const mail = raw({
      from: 'ana.lopez@persona.test',
      subject: 'Sigo sin poder entrar',
      body: `Mi reporte ${number} sigue abierto y ahora además me aparece que la cuenta está bloqueada por intentos fallidos, por favor ayúdenme pronto.`,
    });
    await dovecot.append(MAILBOX_USER, mail.source);
    const reply = await replyTo(mail.id);
    expect(reply.text).toMatch(/está en estado/);
    expect(reply.text).toMatch(new RegExp(`Agregamos lo que nos escribe al reporte ${number}`));
    const { history } = await running.app.tickets.get(number!);
    expect(history.some((e) => (e.note ?? '').includes('bloqueada por intentos fallidos'))).toBe(true);
  }, 60_000);

  it('does not take a From whose domain failed DMARC as proof of who writes', async () => {
    const registered = smtp.received.find((m) => /CAU-\d{4}-\d{6}/.test(m.text ?? '') && m.to && !Array.isArray(m.to) && m.to.value[0]?.address === 'ana.lopez@persona.test');
    const number = /CAU-\d{4}-\d{6}/.exec(registered?.text ?? '')?.[0];
    const forged = raw({
      from: 'ana.lopez@persona.test',
      subject: 'Estado',
      body: `¿Cómo va mi reporte ${number}?`,
      headers: { 'Authentication-Results': 'mx.cau.test; spf=fail smtp.mailfrom=persona.test; dkim=none; dmarc=fail header.from=persona.test' },
    });
    await dovecot.append(MAILBOX_USER, forged.source);
    const reply = await replyTo(forged.id);
    expect(reply.text).not.toMatch(/está en estado/);
  }, 60_000);

  it('a turn that fails sends no apology: the mail is read again and the ticket is told once', async () => {
    const tickets = running.app.tickets;
    const original = tickets.markAnnounced.bind(tickets);
    let failures = 0;
    tickets.markAnnounced = async (id: string) => {
      if (failures === 0) {
        failures += 1;
        throw new Error('simulated failure after the ticket was created');
      }
      return original(id);
    };
    try {
      const mail = raw({
        from: 'Elena Castro Mora <elena.castro@persona.test>',
        subject: 'Contraseña',
        body: 'Soy estudiante de la ESCOM. Olvidé la contraseña de mi correo institucional.',
      });
      await dovecot.append(MAILBOX_USER, mail.source);
      await until(async () => failures === 1, 'the failed turn');
      await email.check();
      const reply = await replyTo(mail.id);
      expect(reply.text).toMatch(/CAU-\d{4}-\d{6}/);
      expect(reply.text).not.toMatch(/tuvimos un problema/);
      const conversation = (await inboundRow(mail.id))?.conversationId;
      expect(await ticketCount(conversation!)).toBe(1);
      expect(smtp.received.filter((m) => m.inReplyTo === mail.id)).toHaveLength(1);
    } finally {
      tickets.markAnnounced = original;
    }
  }, 60_000);
});
