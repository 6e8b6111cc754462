import net from 'node:net';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { ImapMailbox, type ImapMailboxOptions, type InboundRaw } from '../../services/email/imap-mailbox';
import { parseImapUrls } from '../../services/email/imap-url';
import { DovecotServer, type DovecotUser } from '../support/dovecot';

/** Polls `condition` every 25 ms; fails with `what` after `timeoutMs`. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  o: object;
  m?: string;
}

function recordingLogger(entries: LogEntry[]): ImapMailboxOptions['logger'] {
  const push = (level: LogEntry['level']) => (o: object, m?: string) => void entries.push({ level, o, ...(m ? { m } : {}) });
  return { info: push('info'), warn: push('warn'), error: push('error') };
}

/** A small RFC 822 message with CRLF line ends. */
function mail(subject: string, body = 'Buenos días, no me funciona el correo institucional.'): string {
  return [
    'From: Ana López <ana.lopez@ipn.mx>',
    'To: mesa@cau.test',
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/\W+/g, '-')}-${Date.now()}@ipn.mx>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ].join('\r\n');
}

const subjectOf = (m: InboundRaw) => /^Subject: (.*)$/m.exec(m.source.toString('utf8'))?.[1]?.trim();
const PASSWORD = 'clave-de-prueba-9f3';
const user = (name: string): DovecotUser => ({ user: `${name}@cau.test`, password: PASSWORD });
const USERS = ['orden', 'idle', 'rechazo', 'veneno', 'grande', 'fila', 'clave', 'cierre'].map(user);

describe('ImapMailbox against a real Dovecot', () => {
  let dovecot: DovecotServer;
  const mailboxes: ImapMailbox[] = [];

  /** A mailbox for `name` on the shared server, with a large poll interval so that IDLE is what delivers mail. */
  function mailboxFor(name: string, overrides: Partial<ImapMailboxOptions> & { received?: InboundRaw[]; logs?: LogEntry[] } = {}): ImapMailbox {
    const received = overrides.received ?? [];
    const [config] = parseImapUrls(dovecot.url(`${name}@cau.test`, PASSWORD));
    const mailbox = new ImapMailbox({
      config,
      onMessage: async (m) => void received.push(m),
      logger: recordingLogger(overrides.logs ?? []),
      pollMs: 3_600_000,
      backoff: { initialMs: 50, maxMs: 200 },
      ...overrides,
    });
    mailboxes.push(mailbox);
    return mailbox;
  }

  const seenUids = async (name: string) => (await dovecot.messages(`${name}@cau.test`)).filter((m) => m.flags.includes('\\Seen')).map((m) => m.uid);

  beforeAll(async () => {
    dovecot = await DovecotServer.start({ users: USERS });
  });
  afterEach(async () => {
    await Promise.all(mailboxes.splice(0).map((m) => m.stop()));
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('reads the mail already in the box in UID order, one at a time, skips seen mail and marks what it read \\Seen', async () => {
    await dovecot.append('orden@cau.test', mail('Primero'));
    await dovecot.append('orden@cau.test', mail('Ya leído'), ['\\Seen']);
    await dovecot.append('orden@cau.test', mail('Segundo'));
    await dovecot.append('orden@cau.test', mail('Tercero'));
    const received: InboundRaw[] = [];
    let busy = 0;
    let maxBusy = 0;
    const mailbox = mailboxFor('orden', {
      onMessage: async (m) => {
        maxBusy = Math.max(maxBusy, ++busy);
        await new Promise((r) => setTimeout(r, 20));
        received.push(m);
        busy--;
      },
    });

    await mailbox.start();
    await waitFor('three messages', () => received.length === 3);
    await waitFor('three messages marked seen', async () => (await seenUids('orden')).length === 4);

    const stored = await dovecot.messages('orden@cau.test');
    expect(received.map(subjectOf)).toEqual(['Primero', 'Segundo', 'Tercero']);
    expect(received.map((m) => m.uid)).toEqual([stored[0].uid, stored[2].uid, stored[3].uid]);
    expect(received.map((m) => m.source)).toEqual([stored[0].source, stored[2].source, stored[3].source]);
    expect(new Set(received.map((m) => m.uidValidity)).size).toBe(1);
    expect(received[0].uidValidity).toMatch(/^[1-9]\d*$/);
    expect(maxBusy).toBe(1);
    expect(mailbox.lastCheckAt).toBeInstanceOf(Date);
    expect(mailbox.lastError).toBeNull();
  });

  it('gets mail appended while connected through IDLE (no poll), and keeps IDLE going when it is re-issued', async () => {
    const received: InboundRaw[] = [];
    let idleCommands = 0;
    const mailbox = mailboxFor('idle', {
      received,
      idleRestartMs: 300,
      // The real client, with a logger that counts the IDLE commands it sends.
      clientFactory: (options: ImapFlowOptions) =>
        new ImapFlow({
          ...options,
          logger: {
            debug: (o: { src?: string; msg?: string }) => {
              if (o.src === 'c' && /^\S+ IDLE$/.test(o.msg ?? '')) idleCommands++;
            },
            info: () => undefined,
            warn: () => undefined,
            error: () => undefined,
          },
        }),
    });

    await mailbox.start();
    expect(mailbox.state).not.toBe('backoff');
    await waitFor('the first pass', () => mailbox.lastCheckAt !== null);
    await waitFor('IDLE re-issued twice', () => idleCommands >= 3);
    await dovecot.append('idle@cau.test', mail('Llegó durante IDLE'));

    await waitFor('the new message', () => received.length === 1);
    expect(subjectOf(received[0])).toBe('Llegó durante IDLE');
    await waitFor('the message marked seen', async () => (await seenUids('idle')).length === 1);
  });

  it('leaves a message whose handler rejects unseen, goes on with the next, and reads it again on the next check', async () => {
    await dovecot.append('rechazo@cau.test', mail('Falla la primera vez'));
    await dovecot.append('rechazo@cau.test', mail('Después'));
    const attempts: string[] = [];
    let fail = true;
    const logs: LogEntry[] = [];
    const mailbox = mailboxFor('rechazo', {
      logs,
      onMessage: async (m) => {
        const subject = subjectOf(m) ?? '';
        attempts.push(subject);
        if (fail && subject === 'Falla la primera vez') throw new Error('base de datos no disponible');
      },
    });

    await mailbox.start();
    await waitFor('the first pass', () => mailbox.lastCheckAt !== null && attempts.length >= 2);
    // One bad message does not hold up the mailbox.
    expect(attempts).toEqual(['Falla la primera vez', 'Después']);
    expect(await seenUids('rechazo')).toHaveLength(1);
    expect(logs.some((l) => l.level === 'warn' && JSON.stringify(l.o).includes('base de datos no disponible'))).toBe(true);

    fail = false;
    await mailbox.check();
    expect(attempts).toEqual(['Falla la primera vez', 'Después', 'Falla la primera vez']);
    expect(await seenUids('rechazo')).toHaveLength(2);
  });

  it('flags a message that fails five times $VentanillaError and stops reading it', async () => {
    await dovecot.append('veneno@cau.test', mail('Siempre falla'));
    const attempts: string[] = [];
    const logs: LogEntry[] = [];
    const mailbox = mailboxFor('veneno', {
      logs,
      onMessage: async (m) => {
        attempts.push(subjectOf(m) ?? '');
        throw new Error('no se puede procesar');
      },
    });
    await mailbox.start();
    await waitFor('the first attempt', () => attempts.length >= 1);
    for (let i = 0; i < 6; i++) await mailbox.check();
    expect(attempts).toHaveLength(5);
    const [stored] = await dovecot.messages('veneno@cau.test');
    expect(stored?.flags).toContain('$VentanillaError');
    expect(stored?.flags).not.toContain('\\Seen');
    expect(logs.some((l) => l.level === 'error')).toBe(true);
  });

  it('reports messages over maxBytes through onTooLarge, marks them seen and goes on with the next one', async () => {
    await dovecot.append('grande@cau.test', mail('Con adjunto enorme', 'x'.repeat(6_000)));
    await dovecot.append('grande@cau.test', mail('Pequeño'));
    const tooLarge: Array<{ uid: number; size: number }> = [];
    const received: InboundRaw[] = [];
    const mailbox = mailboxFor('grande', { received, maxBytes: 4_000, onTooLarge: async (info) => void tooLarge.push(info) });

    await mailbox.start();
    await waitFor('both messages handled', () => received.length === 1 && tooLarge.length === 1);
    await waitFor('both marked seen', async () => (await seenUids('grande')).length === 2);

    const [big, small] = await dovecot.messages('grande@cau.test');
    expect(tooLarge).toEqual([{ uid: big.uid, size: big.source.length }]);
    expect(tooLarge[0].size).toBeGreaterThan(4_000);
    expect(received.map((m) => m.uid)).toEqual([small.uid]);
  });

  it('never runs two passes at once: checks during a pass are merged into one pass right after it', async () => {
    await dovecot.append('fila@cau.test', mail('Lento'));
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let busy = 0;
    let maxBusy = 0;
    const mailbox = mailboxFor('fila', {
      onMessage: async (m) => {
        maxBusy = Math.max(maxBusy, ++busy);
        if (subjectOf(m) === 'Lento') await gate;
        order.push(subjectOf(m) ?? '');
        busy--;
      },
    });

    await mailbox.start();
    await waitFor('the slow message in its handler', () => busy === 1);
    await dovecot.append('fila@cau.test', mail('Mientras tanto'));
    const first = mailbox.check();
    const second = mailbox.check();
    expect(second).toBe(first);
    release();
    await first;

    expect(order).toEqual(['Lento', 'Mientras tanto']);
    expect(maxBusy).toBe(1);
  });

  it('with a wrong password goes to backoff with lastError set, keeps retrying without crashing, and never logs the password', async () => {
    const wrong = 'esta-no-es-la-clave';
    const [config] = parseImapUrls(dovecot.url('clave@cau.test', wrong));
    const logs: LogEntry[] = [];
    const received: InboundRaw[] = [];
    const mailbox = new ImapMailbox({ config, onMessage: async (m) => void received.push(m), logger: recordingLogger(logs), backoff: { initialMs: 50, maxMs: 100 } });
    mailboxes.push(mailbox);

    await mailbox.start();
    expect(mailbox.state).toBe('backoff');
    expect(mailbox.lastError).toMatch(/authenticat/i);
    await waitFor('a second failed attempt', () => logs.filter((l) => l.level === 'error' && l.m?.includes('connection failed')).length >= 2);
    expect(mailbox.state).toMatch(/^(backoff|connecting)$/);
    expect(JSON.stringify(logs)).not.toContain(wrong);
    expect(JSON.stringify(logs)).toContain('clave@cau.test');
    expect(received).toEqual([]);
  });

  it('stop() logs out cleanly and leaves the mailbox stopped', async () => {
    const mailbox = mailboxFor('cierre');
    await mailbox.start();
    await waitFor('the first pass', () => mailbox.lastCheckAt !== null);
    await mailbox.stop();

    expect(mailbox.state).toBe('stopped');
    await waitFor('the logout in the Dovecot log', async () => /imap\(cierre@cau\.test\).*Disconnected: Logged out/.test(await dovecot.log()));
    await mailbox.stop();
    expect(mailbox.state).toBe('stopped');
  });
});

describe('ImapMailbox against a server that never greets', () => {
  it('stop() during the connection attempt ends it at once instead of waiting for the greeting timeout', async () => {
    const sockets = new Set<net.Socket>();
    let closed = 0;
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => closed++).resume();
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    const [config] = parseImapUrls(`imap://mesa:clave@127.0.0.1:${port}/INBOX`);
    const logs: LogEntry[] = [];
    const mailbox = new ImapMailbox({ config, onMessage: async () => undefined, logger: recordingLogger(logs) });
    try {
      const started = mailbox.start();
      await waitFor('the connection attempt', () => sockets.size === 1 && mailbox.state === 'connecting');
      await mailbox.stop();
      await started;
      expect(mailbox.state).toBe('stopped');
      await waitFor('the socket closed by the client', () => closed === 1);
      expect(logs.filter((l) => l.level !== 'info')).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe('ImapMailbox when Dovecot dies', () => {
  let dovecot: DovecotServer;
  let mailbox: ImapMailbox | null = null;

  beforeAll(async () => {
    dovecot = await DovecotServer.start();
  });
  afterAll(async () => {
    await mailbox?.stop();
    await dovecot?.stop();
  });

  it('reconnects with backoff after Dovecot is killed and restarted on the same port, and reads the new mail', async () => {
    const { user, password } = DovecotServer.defaultUser;
    const received: InboundRaw[] = [];
    const logs: LogEntry[] = [];
    const [config] = parseImapUrls(dovecot.url(user, password));
    mailbox = new ImapMailbox({
      config,
      onMessage: async (m) => void received.push(m),
      logger: recordingLogger(logs),
      pollMs: 3_600_000,
      backoff: { initialMs: 50, maxMs: 300 },
    });
    await dovecot.append(user, mail('Antes de la caída'));
    await mailbox.start();
    await waitFor('the first message', () => received.length === 1);
    const port = dovecot.port;

    await dovecot.kill();
    await waitFor('the lost connection noticed', () => mailbox?.state === 'backoff' || mailbox?.state === 'connecting');
    expect(mailbox.lastError).not.toBeNull();
    await dovecot.restart();
    expect(dovecot.port).toBe(port);
    await dovecot.append(user, mail('Después de la caída'));

    await waitFor('the message after the restart', () => received.length === 2, 15_000);
    expect(received.map(subjectOf)).toEqual(['Antes de la caída', 'Después de la caída']);
    await waitFor('connected again', () => mailbox?.state === 'idle' && mailbox.lastError === null);
    expect(logs.some((l) => l.level === 'warn' && l.m?.includes('connection lost'))).toBe(true);
  });
});
