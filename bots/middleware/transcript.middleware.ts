import type { Activity, Middleware, ResourceResponse, TurnContext } from 'botbuilder';
import type { ActivityJson, ConversationService } from '../../services/conversations/conversation.service';

/** Set in turnState by adapters whose store already is the transcript (Direct Line). */
export const TRANSCRIPT_RECORDED = Symbol('ventanilla.transcriptRecorded');

type Logger = { error(obj: object, msg?: string): void };

/**
 * Records every inbound and outbound activity of a turn in the transcript, for channels whose
 * adapter does not record them itself. Inbound is recorded before the bot runs, so a failing
 * turn loses nothing that was received. Typing indicators are not recorded.
 */
export class TranscriptMiddleware implements Middleware {
  constructor(
    private readonly conversations: ConversationService,
    private readonly logger: Logger,
  ) {
    if (!conversations) throw new Error('TranscriptMiddleware: conversations is required');
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (context.turnState.get(TRANSCRIPT_RECORDED)) return next();
    const inbound = context.activity;
    const channel = inbound.channelId || 'unknown';
    const externalId = inbound.conversation?.id;
    if (!externalId) return next();
    const conversation = await this.conversations.ensure(channel, externalId, inbound.from?.id ?? null);
    if (inbound.type !== 'typing') {
      await this.conversations.record(conversation.id, 'in', toJson(inbound));
    }
    context.onSendActivities(async (_ctx, activities: Partial<Activity>[], sendNext: () => Promise<ResourceResponse[]>) => {
      const responses = await sendNext();
      for (const a of activities) {
        if (a.type === 'typing' || a.type === 'delay' || a.type === 'trace') continue;
        try {
          await this.conversations.record(conversation.id, 'out', toJson({ ...a, channelId: channel, timestamp: a.timestamp ?? new Date() }));
        } catch (err) {
          // The user already has the reply; a failed record must not turn into an apology.
          this.logger.error({ err, conversationId: conversation.id }, 'transcript: outbound record failed');
        }
      }
      return responses;
    });
    return next();
  }
}

function toJson(activity: Partial<Activity>): ActivityJson {
  return JSON.parse(JSON.stringify(activity)) as ActivityJson;
}
