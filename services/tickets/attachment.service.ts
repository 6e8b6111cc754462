import type { AttachmentInfo, EmailRepository, TicketRepository } from '../../models';
import { notFound, requirePermission, scopeOf, type TicketViewer } from './ticket-rules';

export type { AttachmentInfo };

/** A file to hand out: its name and type as the person sent them, and the bytes. */
export interface AttachmentFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export class AttachmentError extends Error {
  constructor(
    readonly code: 'attachment/not_found' | 'attachment/invalid_id',
    message: string,
  ) {
    super(message);
  }
}

/** Attachment ids are UUIDs; anything else is refused before it reaches the database. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The files people attached to their messages (e-mail), for the console. Who sees them follows who sees tickets
 * (TICKET_PERMISSIONS.view and scopeOf()): agents, coordinators and admins every conversation's files; a resolver
 * only those of a conversation with a ticket of their group. What a viewer may not see is "not found", as tickets.
 */
export class AttachmentService {
  constructor(
    private readonly deps: {
      email: Pick<EmailRepository, 'attachmentsOf' | 'attachment'>;
      tickets: Pick<TicketRepository, 'findVisible' | 'findVisibleInConversation'>;
    },
  ) {
    if (!deps?.email) throw new Error('AttachmentService: e-mail repository is required');
    if (!deps.tickets) throw new Error('AttachmentService: ticket repository is required');
  }

  /** The attachments of the ticket's conversation, oldest first (none for a ticket without one). */
  async forTicket(number: string, viewer: TicketViewer): Promise<AttachmentInfo[]> {
    requirePermission(viewer, 'view');
    const ticket = await this.deps.tickets.findVisible(number, scopeOf(viewer));
    if (!ticket) throw notFound(number);
    return ticket.conversationId ? this.deps.email.attachmentsOf([ticket.conversationId]) : [];
  }

  /** One attachment with its bytes, when the viewer may see its conversation. */
  async download(id: string, viewer: TicketViewer): Promise<AttachmentFile> {
    requirePermission(viewer, 'view');
    if (!UUID.test(id)) throw new AttachmentError('attachment/invalid_id', 'El identificador del adjunto no es válido.');
    const found = await this.deps.email.attachment(id.toLowerCase());
    const missing = new AttachmentError('attachment/not_found', 'No existe ese adjunto.');
    if (!found) throw missing;
    const scope = scopeOf(viewer);
    if (scope !== 'all' && !(await this.deps.tickets.findVisibleInConversation(found.conversationId, scope))) throw missing;
    return { filename: found.filename, contentType: found.contentType, content: found.content };
  }
}
