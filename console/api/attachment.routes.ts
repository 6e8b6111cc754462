import type { Request, Response, Server } from 'restify';
import type { SessionService, UserRole } from '../../services/auth/session.service';
import { ApiError } from '../../services/http/api-error';
import { AttachmentError, type AttachmentInfo, type AttachmentService } from '../../services/tickets/attachment.service';
import { TICKET_PERMISSIONS, TicketError, type TicketViewer } from '../../services/tickets/ticket.service';
import { authorize, route, type ConsoleRoutes } from './console-http';

/** Where one attachment is downloaded (the e-mail channel writes the same path into the transcript). */
export const ATTACHMENT_PATH = '/api/attachments';

/**
 * Types a browser may be told as they are: images that cannot carry script, PDF, plain text and office documents.
 * Anything else (HTML, SVG, XML, JavaScript, unknown) goes out as application/octet-stream.
 */
const SAFE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
]);

/** The Content-Type an attachment is served with: its own when allowed (text keeps a plain charset), else binary. */
export function servedContentType(stored: string): string {
  const [essence = '', ...params] = stored.split(';').map((p) => p.trim());
  const type = essence.toLowerCase();
  if (!SAFE_TYPES.has(type)) return 'application/octet-stream';
  if (!type.startsWith('text/')) return type;
  const charset = params.map((p) => /^charset="?([\w.:-]{1,40})"?$/i.exec(p)?.[1]).find(Boolean);
  return `${type}; charset=${charset ?? 'utf-8'}`;
}

/**
 * `Content-Disposition: attachment` with the name as RFC 6266 asks: an ASCII `filename` for old clients and the
 * exact name in `filename*` (RFC 5987, UTF-8, percent-encoded outside attr-char).
 */
export function contentDisposition(filename: string): string {
  // eslint-disable-next-line no-control-regex
  const name = filename.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim() || 'adjunto';
  const ascii = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]|["%\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function numberParam(req: Request): string {
  const number = req.params?.number;
  // Anything that cannot be a ticket number is simply not found (as the ticket routes answer).
  if (typeof number !== 'string' || number === '' || number.length > 40) throw new ApiError(404, 'TicketNotFound', 'No existe ese ticket.');
  return number;
}

function attachmentJson(a: AttachmentInfo) {
  return { id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, createdAt: a.createdAt, url: `${ATTACHMENT_PATH}/${a.id}` };
}

const ERRORS: Record<AttachmentError['code'] | TicketError['code'], [number, string]> = {
  'attachment/not_found': [404, 'AttachmentNotFound'],
  'attachment/invalid_id': [400, 'BadArgument'],
  'ticket/not_found': [404, 'TicketNotFound'],
  'ticket/invalid_transition': [409, 'InvalidTransition'],
  'ticket/invalid_input': [400, 'BadArgument'],
  'ticket/forbidden': [403, 'Forbidden'],
};

/**
 * The files people attached to their messages, for the console: the list of a ticket's and the download of one.
 * Whoever reads tickets may call them (TICKET_PERMISSIONS.view); a resolver only reaches the files of their group's
 * tickets, anything else answers 404. A download is always `attachment` (never shown inline), sandboxed, not sniffed
 * and not cached, and an HTML or unknown file goes out as application/octet-stream.
 */
export class AttachmentRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; attachments: AttachmentService }) {
    if (!deps?.sessions) throw new Error('AttachmentRoutes: sessions are required');
    if (!deps.attachments) throw new Error('AttachmentRoutes: attachment service is required');
  }

  register(server: Server): void {
    const { view } = TICKET_PERMISSIONS;
    server.get('/api/tickets/:number/attachments', this.as(view, async (req, res, viewer) => {
      const list = await this.deps.attachments.forTicket(numberParam(req), viewer);
      res.setHeader('Cache-Control', 'private, no-store');
      res.send(200, { attachments: list.map(attachmentJson) });
    }));
    server.get(`${ATTACHMENT_PATH}/:id`, this.as(view, async (req, res, viewer) => {
      const id: unknown = req.params?.id;
      const file = await this.deps.attachments.download(typeof id === 'string' ? id : '', viewer);
      res.setHeader('Content-Type', servedContentType(file.contentType));
      res.setHeader('Content-Disposition', contentDisposition(file.filename));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', 'sandbox');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('Content-Length', String(file.content.length));
      // sendRaw writes the head and the body itself (restify patches writeHead; never writeHead().end() here).
      res.sendRaw(200, file.content);
    }));
  }

  /** A route for `roles` (401/403 by authorize()); attachment and ticket errors leave as Spanish JSON 4xx. */
  private as(roles: readonly UserRole[], fn: (req: Request, res: Response, viewer: TicketViewer) => Promise<void>) {
    return route(async (req, res) => {
      const session = await authorize(this.deps.sessions, req, roles);
      try {
        await fn(req, res, { id: session.user.id, email: session.user.email, role: session.user.role });
      } catch (err) {
        if (err instanceof AttachmentError || err instanceof TicketError) {
          const [status, code] = ERRORS[err.code];
          throw new ApiError(status, code, err.message);
        }
        throw err;
      }
    });
  }
}
