import { type Activity, ActivityTypes } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';

/** Options of {@link AwaitEventDialog}. */
export interface AwaitEventOptions {
  /** Sent when the dialog begins (e.g. the phone adapter's `ventanilla.voice.transfer`). */
  send: Array<Partial<Activity>>;
  /** Name of the event activity that ends the dialog; its `value` is the result. */
  event: string;
}

/**
 * Sends activities and waits for one event activity (waterfalls only continue on messages): the phone adapter's
 * report of what the call did, such as a transfer's result. Messages that arrive meanwhile are ignored.
 */
export class AwaitEventDialog extends Dialog<AwaitEventOptions> {
  override async beginDialog(dc: DialogContext, options?: AwaitEventOptions): Promise<DialogTurnResult> {
    if (!options?.event) throw new Error('AwaitEventDialog: options.event is required');
    dc.activeDialog!.state.event = options.event;
    if (options.send.length > 0) await dc.context.sendActivities(options.send);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    const awaited: unknown = dc.activeDialog?.state.event;
    if (activity.type === ActivityTypes.Event && activity.name === awaited) return dc.endDialog(activity.value);
    return Dialog.EndOfTurn;
  }
}
