import { messages } from './messages/es-MX';

/** Where a request comes from; identifiers are the channel's, as the adapter mapped them. */
export interface RequestContext {
  readonly conversationId: string;
  readonly channel: string;
  readonly userId: string;
}

/** What the bot answers to a request, one chat message per entry, in order. */
export interface RequestReply {
  readonly reply: string[];
}

/**
 * The seam between the main dialog and request handling (catalog match, diagnostics, tickets, informative records).
 * The main dialog passes the user's description as written and sends the reply lines as they come.
 */
export interface RequestHandler {
  handle(text: string, ctx: RequestContext): Promise<RequestReply>;
}

/**
 * Stand-in used until the service catalog and ticket registration exist.
 *
 * It says plainly that the description was noted (the transcript keeps it) and that tickets are not yet issued on
 * this channel; it never invents a ticket number.
 */
export class PendingCatalogRequestHandler implements RequestHandler {
  public async handle(_text: string, _ctx: RequestContext): Promise<RequestReply> {
    const { noted, enabling, meanwhile } = messages.pendingCatalog;
    return { reply: [noted, enabling, meanwhile] };
  }
}
