import type { Server } from 'restify';
import type { SessionService, UserRole } from '../../services/auth/session.service';
import { ConversationTranscriptError, type ConversationTranscriptService } from '../../services/conversations/conversation-transcript.service';
import { ApiError } from '../../services/http/api-error';
import { authorize, route, type ConsoleRoutes } from './console-http';

/** A whole conversation is the coordination's to read: coordinators and admins. */
const READERS: readonly UserRole[] = ['coordinator', 'admin'];

/**
 * `GET /api/conversations/:id`: one conversation's transcript for the coordination (opened from the list behind a
 * number of «Indicadores»): `{ conversation, transcript, tickets, handoffs, call }`. Coordinators and admins (401
 * without a session, 403 for other roles); an unknown id answers 404 in Spanish. Read-only, never cached.
 */
export class ConversationRoutes implements ConsoleRoutes {
  constructor(private readonly deps: { sessions: SessionService; conversations: ConversationTranscriptService }) {
    if (!deps?.sessions) throw new Error('ConversationRoutes: sessions are required');
    if (!deps.conversations) throw new Error('ConversationRoutes: conversations are required');
  }

  register(server: Server): void {
    server.get(
      '/api/conversations/:id',
      route(async (req, res) => {
        await authorize(this.deps.sessions, req, READERS);
        const id: unknown = req.params?.id;
        let body;
        try {
          body = await this.deps.conversations.transcript(id);
        } catch (err) {
          if (err instanceof ConversationTranscriptError) throw new ApiError(404, 'ConversationNotFound', err.message);
          throw err;
        }
        res.setHeader('Cache-Control', 'no-store');
        res.send(200, body);
      }),
    );
  }
}
