import { messages } from '../../dialogs/messages/es-MX';
import { botMessages, type DirectLineTestClient, type Json, type StreamCollector } from './directline-client';

const m = messages.attention;

/** How a simulated person answers the attention script. */
export interface ScriptAnswers {
  /** To «¿De qué escuela… y es usted docente…?». */
  identification: string;
  extension?: string;
  /** To «¿Se resolvió su problema?». */
  resolved?: string;
  impact?: string;
  /** To «¿falla o petición?». */
  kind?: string;
  /** Name, e-mail and phone in one message. */
  contact?: string;
  /** To a service's diagnostic question; default: the first option, or «No estoy seguro». */
  diagnostic?: (question: string, options: string[]) => string;
}

export interface ScriptRun {
  /** Messages the person sent, the opening request included. */
  turns: number;
  /** Every exchange: [what the person said, what the bot answered]. */
  transcript: Array<[string, string[]]>;
  ticketNumber: string | null;
}

function actionTitles(activity: Json): string[] {
  const actions = (activity.suggestedActions as { actions?: Array<{ title?: string }> } | undefined)?.actions ?? [];
  return actions.map((a) => a.title ?? '');
}

/** Sends `text` and waits for the bot's replies to it, up to the one that expects (or accepts) an answer. */
export async function exchange(client: DirectLineTestClient, conversationId: string, stream: StreamCollector, text: string): Promise<Json[]> {
  const posted = await client.post(conversationId, text);
  if (posted.status !== 200) throw new Error(`post: HTTP ${posted.status} ${JSON.stringify(posted.body)}`);
  const id = posted.body.id as string;
  const replies = (all: Json[]) => botMessages(all).filter((a) => a.replyToId === id);
  await stream.waitFor((all) => replies(all).some((a) => a.inputHint === 'expectingInput' || a.inputHint === 'acceptingInput'), 15_000);
  return replies(stream.activities);
}

/**
 * Plays one person through the attention script over Direct Line: sends `opening`, answers each question as
 * `answers` says, and stops at «¿Hay algo más…?». Returns how many messages the person sent.
 */
export async function runScript(
  client: DirectLineTestClient,
  conversationId: string,
  stream: StreamCollector,
  opening: string,
  answers: ScriptAnswers,
  maxTurns = 25,
): Promise<ScriptRun> {
  const transcript: Array<[string, string[]]> = [];
  let ticketNumber: string | null = null;
  let say = opening;
  for (let turn = 1; turn <= maxTurns; turn++) {
    const replies = await exchange(client, conversationId, stream, say);
    const texts = replies.map((a) => String(a.text ?? ''));
    transcript.push([say, texts]);
    for (const text of texts) ticketNumber ??= /[A-Z]+-\d{4}-\d{6}/.exec(text)?.[0] ?? null;
    const last = replies[replies.length - 1] as Json;
    const question = String(last.text ?? '');
    const options = actionTitles(last);
    if (question === messages.anythingElse) return { turns: turn, transcript, ticketNumber };
    if (question === m.askUnitAndRole || question === m.askUnit) say = answers.identification;
    else if (question === m.askRole) say = 'Docente';
    else if (question === m.askExtension) say = answers.extension ?? 'no tengo';
    else if (question.startsWith('Tengo estos datos suyos')) say = 'sí';
    else if (question === m.resolvedQuestion) say = answers.resolved ?? 'no';
    else if (question === m.askImpact) say = answers.impact ?? 'solo a mí';
    else if (question === m.faultOrRequest) say = answers.kind ?? 'es una falla';
    else if (question === m.askContactAll) say = answers.contact ?? 'Ana López Pérez, ana.lopez@ipn.mx, 5512345678';
    else if (question === m.askName) say = 'Ana López Pérez';
    else if (question === m.askEmail) say = 'ana.lopez@ipn.mx';
    else if (question === m.askPhone) say = '5512345678';
    else say = answers.diagnostic?.(question, options) ?? options[0] ?? 'No estoy seguro';
  }
  throw new Error(`the script did not end in ${maxTurns} turns: ${JSON.stringify(transcript)}`);
}
