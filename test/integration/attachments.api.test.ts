import { createHash, randomUUID } from 'node:crypto';
import { AttachmentRoutes } from '../../console/api/attachment.routes';
import { AttachmentService } from '../../services/tickets/attachment.service';
import { ConsoleSession } from '../support/console-session';
import { startApp, type RunningApp } from '../support/harness';
import { openTestDatabase, testBackends } from '../support/test-database';

/**
 * The attachments people sent by e-mail, through the console API against the whole application: the list of a
 * ticket's files, the download (bytes and the headers that keep a file from running in the console's origin), and
 * who may reach what (401, a resolver of another group gets 404, unknown and malformed ids).
 */

const PASSWORD = 'contraseña-segura-123';
const REDES = 'Redes y telecomunicaciones';
const CORREO = 'Correo institucional';

/** A 1×1 PNG. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f9e6d30000000049454e44ae426082', 'hex');
const HTML = Buffer.from('<!doctype html><script>fetch("/api/auth/me")</script><p>hola</p>', 'utf8');
const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n', 'latin1');

interface AttachmentJson {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  createdAt: string;
  url: string;
}
interface ErrorJson {
  error: { code: string; message: string };
}

/** The app with the attachment routes: the ones the container wires (`app.attachments`), or ours over its database. */
async function startAttachmentApp(backend: 'pglite' | 'postgres'): Promise<RunningApp> {
  const running = await startApp({ testDatabase: await openTestDatabase(backend) });
  const wired: unknown = Reflect.get(running.app, 'attachments');
  if (wired instanceof AttachmentService) return running;
  const attachments = new AttachmentService({ email: running.app.repositories.email, tickets: running.app.repositories.tickets });
  new AttachmentRoutes({ sessions: running.app.sessions, attachments }).register(running.app.server);
  return running;
}

/** A raw GET with the session's cookie: the bytes and headers as the browser gets them. */
async function download(session: ConsoleSession, path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${session.baseUrl}${path}`, { headers: session.cookie ? { cookie: session.cookie } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe.each(testBackends())('attachments API on %s', (backend) => {
  let running: RunningApp;
  const as: Record<'anon' | 'agent' | 'coord' | 'admin' | 'redes' | 'correo', ConsoleSession> = {} as never;
  let ticketNumber: string;
  let bareTicketNumber: string;
  const ids: Record<'png' | 'html' | 'pdf' | 'elsewhere', string> = {} as never;

  beforeAll(async () => {
    running = await startAttachmentApp(backend);
    const { app } = running;
    const accounts = [
      { key: 'agent', email: 'agente@cau.mx', role: 'agent' },
      { key: 'coord', email: 'coord@cau.mx', role: 'coordinator' },
      { key: 'admin', email: 'admin@cau.mx', role: 'admin' },
      { key: 'redes', email: 'redes@cau.mx', role: 'resolver', resolverGroup: REDES },
      { key: 'correo', email: 'correo@cau.mx', role: 'resolver', resolverGroup: CORREO },
    ] as const;
    for (const a of accounts) {
      await app.users.create({ email: a.email, role: a.role, password: PASSWORD, actor: 'test', ...('resolverGroup' in a ? { resolverGroup: a.resolverGroup } : {}) });
      as[a.key] = await ConsoleSession.login(running.baseUrl, a.email, PASSWORD);
    }
    as.anon = new ConsoleSession(running.baseUrl);

    // An e-mail thread with three files, and the ticket registered from it (group Redes).
    const thread = await app.conversations.ensure('email', `soporte@cau.mx|<${randomUUID()}@upiita.mx>`, 'ana@upiita.mx');
    const messageId = `<${randomUUID()}@upiita.mx>`;
    const save = (conversationId: string, filename: string, contentType: string, content: Buffer, at: string) =>
      app.repositories.email.saveAttachment(
        { conversationId, sourceId: messageId, filename, contentType, content, sha256: createHash('sha256').update(content).digest('hex') },
        new Date(at),
      );
    ids.png = await save(thread.id, 'foto del módem.png', 'image/png', PNG, '2026-11-02T16:00:00Z');
    ids.html = await save(thread.id, 'página.html', 'text/html', HTML, '2026-11-02T16:00:01Z');
    ids.pdf = await save(thread.id, 'informe "final" (v2).pdf', 'application/pdf', PDF, '2026-11-02T16:00:02Z');
    const { ticket } = await app.tickets.register(
      {
        kind: 'incident',
        serviceCode: 'WIFI-SENAL',
        serviceName: 'Falla de señal Wi-Fi',
        resolverGroup: REDES,
        requester: { name: 'Ana López', email: 'ana@upiita.mx' },
        channel: 'email',
        conversationId: thread.id,
        description: 'El módem no da señal; adjunto foto',
        urgency: 'high',
        impact: 'moderate',
      },
      'bot',
    );
    ticketNumber = ticket.number;
    // A ticket that came without a conversation (a letter), and a thread with a file but no ticket.
    bareTicketNumber = (
      await app.tickets.register(
        { kind: 'request', serviceCode: null, serviceName: null, resolverGroup: REDES, requester: { name: 'Luis' }, channel: 'oficio', description: 'Oficio 12/2026', urgency: 'low', impact: 'minor' },
        'agente@cau.mx',
      )
    ).ticket.number;
    const other = await app.conversations.ensure('email', `soporte@cau.mx|<${randomUUID()}@upiita.mx>`, 'beto@upiita.mx');
    ids.elsewhere = await save(other.id, 'otro.pdf', 'application/pdf', PDF, '2026-11-02T17:00:00Z');
  }, 60_000);

  afterAll(() => running?.stop());

  it('lists the files of a ticket, oldest first, without their content, to every role that sees the ticket', async () => {
    for (const who of [as.agent, as.coord, as.admin, as.redes]) {
      const res = await who.request('GET', `/api/tickets/${ticketNumber}/attachments`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const list = (res.body as { attachments: AttachmentJson[] }).attachments;
      expect(list).toEqual([
        { id: ids.png, filename: 'foto del módem.png', contentType: 'image/png', size: PNG.length, createdAt: '2026-11-02T16:00:00.000Z', url: `/api/attachments/${ids.png}` },
        { id: ids.html, filename: 'página.html', contentType: 'text/html', size: HTML.length, createdAt: '2026-11-02T16:00:01.000Z', url: `/api/attachments/${ids.html}` },
        { id: ids.pdf, filename: 'informe "final" (v2).pdf', contentType: 'application/pdf', size: PDF.length, createdAt: '2026-11-02T16:00:02.000Z', url: `/api/attachments/${ids.pdf}` },
      ]);
    }
    const bare = await as.agent.request('GET', `/api/tickets/${bareTicketNumber}/attachments`);
    expect(bare).toMatchObject({ status: 200, body: { attachments: [] } });
  });

  it('downloads an image as an attachment with its bytes, its type and the protective headers', async () => {
    const res = await download(as.agent, `/api/attachments/${ids.png}`);
    expect(res.status).toBe(200);
    expect(res.bytes.equals(PNG)).toBe(true);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-length')).toBe(String(PNG.length));
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="foto del modem.png"; filename*=UTF-8''foto%20del%20m%C3%B3dem.png`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('serves an HTML file as application/octet-stream, as an attachment, sandboxed', async () => {
    const res = await download(as.coord, `/api/attachments/${ids.html}`);
    expect(res.status).toBe(200);
    expect(res.bytes.equals(HTML)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="pagina.html"; filename*=UTF-8''p%C3%A1gina.html`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
  });

  it('encodes quotes and parentheses of a name so the header stays one value', async () => {
    const res = await download(as.admin, `/api/attachments/${ids.pdf}`);
    expect(res.status).toBe(200);
    expect(res.bytes.equals(PDF)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="informe _final_ (v2).pdf"; filename*=UTF-8''informe%20%22final%22%20%28v2%29.pdf`);
  });

  it('answers 401 in Spanish without a session', async () => {
    for (const path of [`/api/tickets/${ticketNumber}/attachments`, `/api/attachments/${ids.png}`]) {
      const res = await as.anon.request('GET', path);
      expect(res).toMatchObject({ status: 401, body: { error: { code: 'Unauthenticated', message: 'Inicie sesión para continuar.' } } });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('lets a resolver reach only the files of their group’s tickets; anything else is not found', async () => {
    const list = await as.correo.request('GET', `/api/tickets/${ticketNumber}/attachments`);
    expect(list).toMatchObject({ status: 404, body: { error: { code: 'TicketNotFound' } } });
    for (const id of [ids.png, ids.elsewhere]) {
      const res = await as.correo.request('GET', `/api/attachments/${id}`);
      expect(res).toMatchObject({ status: 404, body: { error: { code: 'AttachmentNotFound', message: 'No existe ese adjunto.' } } });
    }
    // The resolver of the ticket's group gets it; a thread without a ticket of their group stays hidden from them too.
    const own = await download(as.redes, `/api/attachments/${ids.png}`);
    expect(own.status).toBe(200);
    expect(own.bytes.equals(PNG)).toBe(true);
    expect(await as.redes.request('GET', `/api/attachments/${ids.elsewhere}`)).toMatchObject({ status: 404, body: { error: { code: 'AttachmentNotFound' } } });
    // The desk sees every conversation, with or without a ticket.
    const desk = await download(as.agent, `/api/attachments/${ids.elsewhere}`);
    expect(desk.status).toBe(200);
    expect(desk.bytes.equals(PDF)).toBe(true);
  });

  it('answers 404 for an unknown attachment or ticket and 400 for a malformed id', async () => {
    expect(await as.agent.request('GET', `/api/attachments/${randomUUID()}`)).toMatchObject({ status: 404, body: { error: { code: 'AttachmentNotFound' } } });
    expect(await as.agent.request('GET', '/api/tickets/CAU-2026-999999/attachments')).toMatchObject({ status: 404, body: { error: { code: 'TicketNotFound' } } });
    for (const bad of ['no-es-un-id', '-'.repeat(36), `${ids.png}x`, "1' or '1'='1"]) {
      const res = await as.agent.request('GET', `/api/attachments/${encodeURIComponent(bad)}`);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'BadArgument', message: 'El identificador del adjunto no es válido.' } } });
    }
    const body = (await as.agent.request('GET', `/api/attachments/${randomUUID()}`)).body as ErrorJson;
    expect(body.error.message).toBe('No existe ese adjunto.');
  });
});
