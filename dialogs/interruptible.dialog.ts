import { ActivityTypes, InputHints, MessageFactory } from 'botbuilder';
import type { Activity } from 'botbuilder';
import { ComponentDialog, Dialog, DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { messages } from './messages/es-MX';

/** The commands a user can say at any point of a conversation. */
export type Interruption = 'help' | 'cancel' | 'menu';

const COMMANDS: ReadonlyMap<string, Interruption> = new Map<string, Interruption>([
  ['ayuda', 'help'],
  ['cancelar', 'cancel'],
  ['menu', 'menu'],
  ['inicio', 'menu'],
]);

/**
 * Lower case, accents removed, punctuation at both ends and repeated spaces dropped: «¡MENÚ!» → «menu».
 * Meant for comparing short answers and commands, not for storing what the user wrote.
 */
export function normalizeUtterance(text: string | undefined): string {
  // Runs several times per turn: combining marks by range and a single pass for the ends are much
  // cheaper than Unicode property classes over the whole string.
  const folded = (text ?? '')
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(/\s+/g, ' ');
  return folded.replace(EDGE_NOISE, '');
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const EDGE_NOISE = /^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu;

/** The command the whole message is, if any («Ayuda», «cancelar.», «MENÚ»); words inside a sentence do not count. */
export function detectInterruption(text: string | undefined): Interruption | undefined {
  return COMMANDS.get(normalizeUtterance(text));
}

function interruptionIn(activity: Partial<Activity>): Interruption | undefined {
  return activity.type === ActivityTypes.Message ? detectInterruption(activity.text) : undefined;
}

/**
 * Base for dialogs that users may interrupt with «ayuda», «cancelar» or «menú» at any step.
 *
 * The check runs in `onContinueDialog` before the active step sees the message (and in `onBeginDialog` when the very
 * first message is a command). Child dialogs started inside a subclass are covered too, because the outer component
 * is continued first. What follows a cancellation and what the main menu is are left to the subclass.
 */
export abstract class InterruptibleDialog<O extends object = object> extends ComponentDialog<O> {
  protected override async onBeginDialog(innerDc: DialogContext, options?: O): Promise<DialogTurnResult> {
    const interruption = interruptionIn(innerDc.context.activity);
    switch (interruption) {
      case undefined:
        return super.onBeginDialog(innerDc, options);
      case 'help':
        // Nothing is active yet, so there is no question to repeat: ask the first one.
        await this.say(innerDc, messages.help);
        return this.beginFirstQuestion(innerDc);
      case 'cancel':
        await this.say(innerDc, messages.nothingToCancel);
        return this.beginAfterCancel(innerDc);
      case 'menu':
        return this.beginMainMenu(innerDc);
    }
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interruption = interruptionIn(innerDc.context.activity);
    switch (interruption) {
      case undefined:
        return super.onContinueDialog(innerDc);
      case 'help':
        await this.say(innerDc, messages.help);
        if (innerDc.activeDialog !== undefined) {
          await innerDc.repromptDialog();
        }
        return Dialog.EndOfTurn;
      case 'cancel': {
        const carried = this.carriedOver(innerDc);
        await innerDc.cancelAllDialogs();
        await this.say(innerDc, messages.cancelled);
        return this.beginAfterCancel(innerDc, carried);
      }
      case 'menu': {
        const carried = this.carriedOver(innerDc);
        await innerDc.cancelAllDialogs();
        return this.beginMainMenu(innerDc, carried);
      }
    }
  }

  /**
   * What survives a cancellation: the options the outermost active inner dialog was begun with (the subclass keeps
   * there what the conversation has learned so far, such as the summaries for the farewell).
   */
  private carriedOver(innerDc: DialogContext): unknown {
    // The stack grows at its end: index 0 is the dialog the component began first.
    const state = innerDc.stack[0]?.state as { options?: unknown } | undefined;
    return state?.options;
  }

  /** Begins the first question without taking the current message as an answer (used after «ayuda» at the start). */
  protected abstract beginFirstQuestion(innerDc: DialogContext): Promise<DialogTurnResult>;

  /**
   * Begins what follows «cancelar» once the stack is empty (the protocol's «¿Hay algo más…?»). `carried` is what
   * {@link carriedOver} kept of the cancelled dialogs (undefined when nothing was active).
   */
  protected abstract beginAfterCancel(innerDc: DialogContext, carried?: unknown): Promise<DialogTurnResult>;

  /** Shows the main menu once the stack is empty and waits for the user's choice. */
  protected abstract beginMainMenu(innerDc: DialogContext, carried?: unknown): Promise<DialogTurnResult>;

  private async say(innerDc: DialogContext, text: string): Promise<void> {
    await innerDc.context.sendActivity(MessageFactory.text(text, text, InputHints.IgnoringInput));
  }
}
