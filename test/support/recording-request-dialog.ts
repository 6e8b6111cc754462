import { InputHints, MessageFactory } from 'botbuilder';
import { Dialog, DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import type { RequestDialogOptions, RequestDialogResult } from '../../dialogs/main.dialog';

export const FIXED_REPLY = ['Respuesta de prueba del catálogo.'];

/** Where a request came from, as the dialog saw it. */
export interface RecordedRequest {
  text: string;
  ctx: { conversationId: string; channel: string; userId: string };
}

/**
 * A request dialog for tests of the main dialog and the bot: records each request, answers with fixed lines and
 * ends at once (optionally with a farewell summary), or throws when told to fail.
 */
export class RecordingRequestDialog extends Dialog<RequestDialogOptions> {
  readonly calls: RecordedRequest[] = [];

  constructor(
    private readonly reply: readonly string[] = FIXED_REPLY,
    private readonly behaviour: { summary?: string; fail?: Error } = {},
  ) {
    super('test.recordingRequest');
  }

  /** Texts of the requests, in order. */
  get texts(): string[] {
    return this.calls.map((call) => call.text);
  }

  override async beginDialog(dc: DialogContext, options?: RequestDialogOptions): Promise<DialogTurnResult> {
    const activity = dc.context.activity;
    this.calls.push({
      text: options?.request ?? '',
      ctx: { conversationId: activity.conversation.id, channel: activity.channelId, userId: activity.from.id },
    });
    if (this.behaviour.fail) throw this.behaviour.fail;
    await dc.context.sendActivities(this.reply.map((line) => MessageFactory.text(line, line, InputHints.IgnoringInput)));
    const result: RequestDialogResult = { summary: this.behaviour.summary ?? null };
    return dc.endDialog(result);
  }
}
