import { type Activity, ActivityTypes } from 'botbuilder';
import {
  MAX_QUICK_REPLIES,
  MESSENGER_MAX_CHARS,
  QUICK_REPLY_PAYLOAD_MAX,
  QUICK_REPLY_TITLE_MAX,
  type QuickReply,
} from '../../../services/facebook/graph-client';
import { plainText, splitMessage } from '../twilio-sms/sms-text';

/** One Messenger message to send: plain text under 2,000 characters, quick replies on the last part of a reply. */
export interface MessengerMessage {
  text: string;
  quickReplies?: QuickReply[];
}

/** Said when a reply has only options and no text (Messenger needs text with quick replies). */
export const CHOOSE_AN_OPTION = 'Elija una opción:';

/** A suggested action's title as a quick reply title (at most 20 characters, cut with «…»). */
export function quickReplyTitle(title: string): string {
  const t = title.replace(/\s+/g, ' ').trim();
  return t.length <= QUICK_REPLY_TITLE_MAX ? t : `${t.slice(0, QUICK_REPLY_TITLE_MAX - 1).trimEnd()}…`;
}

/** Suggested actions as quick replies: at most 13, the whole value in the payload (the person's answer). */
export function quickReplies(actions: ReadonlyArray<{ title?: unknown; value?: unknown }>): QuickReply[] {
  return actions
    .map((a) => ({ title: String(a.title ?? a.value ?? '').trim(), value: String(a.value ?? a.title ?? '').trim() }))
    .filter((a) => a.title !== '' && a.value !== '')
    .slice(0, MAX_QUICK_REPLIES)
    .map((a) => ({ content_type: 'text' as const, title: quickReplyTitle(a.title), payload: a.value.slice(0, QUICK_REPLY_PAYLOAD_MAX) }));
}

/**
 * The bot's message activities as Messenger messages: markdown to plain text, each activity split under 2,000
 * characters, its suggested actions as quick replies on its last part. Events, typing and delays are left out.
 */
export function messengerMessages(activities: readonly Partial<Activity>[], maxChars = MESSENGER_MAX_CHARS): MessengerMessage[] {
  const out: MessengerMessage[] = [];
  for (const a of activities) {
    if ((a.type ?? ActivityTypes.Message) !== ActivityTypes.Message) continue;
    const replies = quickReplies(a.suggestedActions?.actions ?? []);
    const body = plainText(String(a.text ?? ''));
    const parts = body === '' ? (replies.length > 0 ? [CHOOSE_AN_OPTION] : []) : splitMessage(body, maxChars);
    parts.forEach((text, i) => {
      out.push(i === parts.length - 1 && replies.length > 0 ? { text, quickReplies: replies } : { text });
    });
  }
  return out;
}
