import { type Activity, ActivityTypes, InputHints } from 'botbuilder';
import { hintsFor, speakable, spokenMenu } from '../../../services/twilio/speech';
import { VoiceTwiml } from '../../../services/twilio/twiml';
import { type HoldRequest, type RecordRequest, type TransferRequest, VOICE_EVENTS } from '../../../services/voice/voice-types';
import type { VoiceCallMeta } from './voice-state';

export interface VoiceRenderSettings {
  /** `<Say voice>` (TWILIO_VOICE). */
  voice: string;
  /** `<Say language>` and `<Gather language>` (TWILIO_LANGUAGE). */
  language: string;
  /** Seconds `<Gather>` waits for the caller to start answering. */
  gatherTimeoutSeconds: number;
  /** Absolute URL of one of our webhook paths (`/api/twilio/voice/…`). */
  url(pathAndQuery: string): string;
}

/** The turn's effect on the call, besides the TwiML. */
export interface RenderResult {
  twiml: string;
  /** What the caller does next: answer, wait for a transfer, leave a message, wait in the queue, or nothing. */
  next: 'gather' | 'dial' | 'record' | 'enqueue' | 'hangup';
  /** Call state to store (`calls.meta` keys). */
  meta: Partial<VoiceCallMeta>;
}

export interface RenderOptions {
  /** Said before the turn's messages (the recording notice). */
  prefix?: string[];
  /** Put the caller in this Twilio queue after the turn's messages (a handoff is open). */
  enqueue?: { name: string; waitUrl: string; action: string };
  /** Hang up after the messages even without `endOfConversation` (the desk's own endings). */
  hangup?: boolean;
  /** `<Dial callerId>`: the caller's number, so the extension sees who calls. */
  callerId?: string | undefined;
}

type Item =
  | { kind: 'say'; text: string; prompt: boolean; menu?: ReturnType<typeof spokenMenu> }
  | { kind: 'pause'; seconds: number }
  | { kind: 'transfer'; request: TransferRequest }
  | { kind: 'record'; request: RecordRequest }
  | { kind: 'end' };

function titlesOf(activity: Partial<Activity>): string[] {
  return (activity.suggestedActions?.actions ?? []).map((a) => String(a.title ?? a.value ?? '')).filter((t) => t.trim() !== '');
}

/** The bot's outgoing activities as what the caller hears and does, in order, up to the first that ends the turn's speech. */
export function voiceItems(outgoing: readonly Partial<Activity>[]): Item[] {
  const items: Item[] = [];
  for (const a of outgoing) {
    if (a.type === ActivityTypes.Message || a.type === undefined) {
      const titles = titlesOf(a);
      const text = speakable(withoutListedOptions(String(a.speak ?? a.text ?? ''), titles));
      const menu = titles.length > 0 ? spokenMenu(titles) : undefined;
      const prompt = a.inputHint === InputHints.ExpectingInput || a.inputHint === InputHints.AcceptingInput || menu !== undefined;
      const spoken = [text, menu?.text ?? ''].filter((t) => t.trim() !== '').join(' ');
      if (spoken !== '' || prompt) items.push({ kind: 'say', text: spoken, prompt, ...(menu ? { menu } : {}) });
    } else if (a.type === 'delay') {
      const ms = typeof a.value === 'number' ? a.value : 1000;
      items.push({ kind: 'pause', seconds: Math.max(1, Math.round(ms / 1000)) });
    } else if (a.type === ActivityTypes.EndOfConversation) {
      items.push({ kind: 'end' });
      break;
    } else if (a.type === ActivityTypes.Event && a.name === VOICE_EVENTS.hold) {
      const seconds = Number((a.value as HoldRequest | undefined)?.seconds);
      if (Number.isFinite(seconds) && seconds > 0) items.push({ kind: 'pause', seconds: Math.min(seconds, 600) });
    } else if (a.type === ActivityTypes.Event && a.name === VOICE_EVENTS.transfer && isTransfer(a.value)) {
      items.push({ kind: 'transfer', request: a.value });
      break;
    } else if (a.type === ActivityTypes.Event && a.name === VOICE_EVENTS.record) {
      const value = a.value as Partial<RecordRequest> | undefined;
      items.push({ kind: 'record', request: { maxSeconds: Number(value?.maxSeconds) > 0 ? Number(value?.maxSeconds) : 120, purpose: value?.purpose ?? 'handoff_message' } });
      break;
    }
  }
  return items;
}

/** The text without the lines that list the options («1. Correo»): the spoken menu reads them once. */
function withoutListedOptions(text: string, titles: readonly string[]): string {
  if (titles.length === 0) return text;
  const listed = new Set(titles.map((t, i) => `${i + 1}. ${t}`.trim()));
  return text
    .split('\n')
    .filter((line) => !listed.has(line.trim()))
    .join('\n');
}

function isTransfer(value: unknown): value is TransferRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<TransferRequest>;
  const route = v.route as TransferRequest['route'] | undefined;
  const routeOk = route?.kind === 'sip' ? typeof route.uri === 'string' && route.uri !== '' : route?.kind === 'pstn' && typeof route.number === 'string' && route.number !== '';
  return typeof v.entryId === 'string' && routeOk;
}

/**
 * Turns a turn's activities into TwiML. Messages become `<Say>` (speakable text); the last question (an expecting or
 * accepting input hint, or suggested actions read as a spoken menu with keypad digits) and what follows it go inside
 * `<Gather input="speech dtmf">` so the caller can answer over it; `hold` pauses; `transfer` dials; `record` records;
 * `endOfConversation` hangs up. A turn that asked nothing still listens (the person may speak).
 */
export class VoiceRenderer {
  constructor(private readonly settings: VoiceRenderSettings) {
    if (!settings?.url) throw new Error('VoiceRenderer: settings.url is required');
  }

  render(outgoing: readonly Partial<Activity>[], options: RenderOptions = {}): RenderResult {
    const twiml = this.twiml();
    const items: Item[] = [...(options.prefix ?? []).map((text): Item => ({ kind: 'say', text, prompt: false })), ...voiceItems(outgoing)];
    const last = items[items.length - 1];
    const speech = items.filter((i): i is Extract<Item, { kind: 'say' | 'pause' }> => i.kind === 'say' || i.kind === 'pause');

    if (options.enqueue) {
      this.plain(twiml, speech);
      twiml.enqueue(options.enqueue.name, { waitUrl: options.enqueue.waitUrl, action: options.enqueue.action });
      return { twiml: twiml.toString(), next: 'enqueue', meta: { prompt: null, menu: null, transfer: null, record: null } };
    }
    if (last?.kind === 'transfer') {
      this.plain(twiml, speech);
      const r = last.request;
      const query = `e=${encodeURIComponent(r.entryId)}&a=${r.attempt}`;
      twiml.dial(
        { action: this.settings.url(`/api/twilio/voice/dial?${query}`), timeout: r.timeoutSeconds > 0 ? r.timeoutSeconds : 20, callerId: options.callerId, answerOnBridge: true },
        r.route.kind === 'sip' ? { sip: r.route.uri } : { number: r.route.number, ...(r.route.sendDigits ? { sendDigits: r.route.sendDigits } : {}) },
      );
      return { twiml: twiml.toString(), next: 'dial', meta: { transfer: r, record: null, prompt: null, menu: null } };
    }
    if (last?.kind === 'record') {
      this.plain(twiml, speech);
      twiml.record({ action: this.settings.url('/api/twilio/voice/record'), maxLength: last.request.maxSeconds, playBeep: true, finishOnKey: '#', timeout: 5 });
      // Twilio does not request `action` when nothing was recorded: the call goes on here (no recording).
      twiml.redirect(this.settings.url('/api/twilio/voice/record'));
      return { twiml: twiml.toString(), next: 'record', meta: { record: last.request, transfer: null, prompt: null, menu: null } };
    }
    if (last?.kind === 'end' || options.hangup) {
      this.plain(twiml, speech);
      twiml.hangup();
      return { twiml: twiml.toString(), next: 'hangup', meta: { prompt: null, menu: null } };
    }
    // Listen: everything up to the last question is said first; the question (and what follows) inside the Gather.
    let at = -1;
    speech.forEach((item, i) => {
      if (item.kind === 'say' && item.prompt) at = i;
    });
    const question = at >= 0 ? (speech[at] as Extract<Item, { kind: 'say' }>) : undefined;
    this.plain(twiml, at >= 0 ? speech.slice(0, at) : speech);
    const inside = at >= 0 ? speech.slice(at) : [];
    const menu = question?.menu;
    const hints = menu ? hintsFor(menu.hints) : '';
    this.gather(twiml, inside, menu?.dtmf ?? null, hints);
    return {
      twiml: twiml.toString(),
      next: 'gather',
      meta: {
        prompt: question && question.text !== '' ? question.text : null,
        menu: menu?.dtmf ?? null,
        hints: hints === '' ? null : hints,
        transfer: null,
        record: null,
      },
    };
  }

  /** Says `text` (and the question again) inside a Gather with the stored menu and hints: a repeat after silence. */
  repeat(lead: string[], meta: VoiceCallMeta, fallbackPrompt: string): string {
    const twiml = this.twiml();
    const lines = [...lead, meta.prompt ?? fallbackPrompt];
    this.gather(twiml, lines.map((text) => ({ kind: 'say', text, prompt: true })), meta.menu ?? null, meta.hints ?? '');
    return twiml.toString();
  }

  /** Says the lines and hangs up. */
  goodbye(lines: string[]): string {
    const twiml = this.twiml();
    for (const line of lines) twiml.say(line);
    return twiml.hangup().toString();
  }

  twiml(): VoiceTwiml {
    return new VoiceTwiml({ voice: this.settings.voice, language: this.settings.language });
  }

  /** A `<Gather>` posting to `/gather`, with `inside` said (or paused) within it. */
  gather(twiml: VoiceTwiml, inside: ReadonlyArray<Extract<Item, { kind: 'say' | 'pause' }>>, _menu: Record<string, string> | null, hints: string): VoiceTwiml {
    return twiml.gather(
      {
        action: this.settings.url('/api/twilio/voice/gather'),
        input: 'speech dtmf',
        language: this.settings.language,
        speechTimeout: 'auto',
        timeout: this.settings.gatherTimeoutSeconds,
        actionOnEmptyResult: true,
        ...(hints ? { hints } : {}),
        // No numDigits: a menu key and a whole extension or phone («52030#») are both keyed in; «#» ends the input.
      },
      (g) => {
        for (const item of inside) {
          if (item.kind === 'pause') g.pause(item.seconds);
          else if (item.text.trim() !== '') g.say(item.text);
        }
      },
    );
  }

  private plain(twiml: VoiceTwiml, items: ReadonlyArray<Extract<Item, { kind: 'say' | 'pause' }>>): void {
    for (const item of items) {
      if (item.kind === 'pause') twiml.pause(item.seconds);
      else twiml.say(item.text);
    }
  }
}
