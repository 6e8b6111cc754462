/**
 * Shared setup of the Twilio channel tests: the whole application with Twilio configured, its REST API pointed at a
 * local fake, and simulated callers that post signed webhooks as Twilio does.
 */
import { messages } from '../../dialogs/messages/es-MX';
import { speakable } from '../../services/twilio/speech';
import { startApp, type RunningApp } from '../support/harness';
import { SimulatedCaller } from '../support/simulated-caller';
import { TwilioFakeApi } from '../support/twilio-fake-api';

export const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
export const AUTH_TOKEN = 'twilio-auth-token-for-tests-0123';
export const PUBLIC_BASE_URL = 'https://mesa.ventanilla.example.mx';
export const OUR_NUMBER = '+525550001000';

export interface TwilioApp {
  running: RunningApp;
  api: TwilioFakeApi;
  /** A new caller (a new CallSid) from `from`. */
  caller(from?: string): SimulatedCaller;
  stop(): Promise<void>;
}

/** Starts the fake Twilio API and the application wired to it. */
export async function startTwilioApp(env: Record<string, string> = {}, clock?: { now(): Date }): Promise<TwilioApp> {
  const api = await TwilioFakeApi.start({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const running = await startApp({
    env: {
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: OUR_NUMBER,
      TWILIO_API_BASE_URL: api.baseUrl,
      PUBLIC_BASE_URL,
      HANDOFF_TICK_MS: '60000',
      ...env,
    },
    ...(clock ? { clock } : {}),
  }).catch(async (err: unknown) => {
    await api.close();
    throw err;
  });
  let n = 0;
  return {
    running,
    api,
    caller: (from?: string) => {
      n += 1;
      return new SimulatedCaller({
        baseUrl: running.baseUrl,
        publicBaseUrl: PUBLIC_BASE_URL,
        authToken: AUTH_TOKEN,
        accountSid: ACCOUNT_SID,
        from: from ?? `+52551000${String(1000 + n).padStart(4, '0')}`,
        to: OUR_NUMBER,
      });
    },
    stop: async () => {
      await running.stop();
      await api.close();
    },
  };
}

/** A clock the test moves (hold intervals, maximum waits). */
export class TestClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

/** An agent of the general queue, signed in (fresh heartbeat), with a phone for calls. */
export async function createAgent(app: RunningApp['app'], o: { email: string; name: string; phone: string | null; status?: 'available' | 'away' }) {
  const created = await app.users.create({ email: o.email, role: 'agent', password: 'agent-password-0123456789', displayName: o.name, actor: 'test' });
  const userId = created.user.id;
  if (o.phone) await app.database.run('test_voice_route', 'update users set voice_route = $1 where id = $2', [o.phone, userId]);
  const actor = { userId, role: 'agent' as const, displayName: o.name };
  await app.handoff.setPresence(actor, o.status ?? 'available');
  return actor;
}

const m = messages.attention;

/** How a simulated caller answers the attention script (spoken words). */
export interface VoiceAnswers {
  identification: string;
  extension?: string;
  contact?: string;
  name?: string;
  email?: string;
  phone?: string;
  resolved?: string;
  impact?: string;
  kind?: string;
}

export interface VoiceRun {
  /** What the caller said or pressed, the opening request included. */
  answers: string[];
  /** Caller turns from the greeting to the ticket number (the opening request included). */
  turnsToTicket: number | null;
  ticketNumber: string | null;
}

/** The question the caller is asked now: the last `<Say>` inside the pending `<Gather>`. */
export function question(caller: SimulatedCaller): string {
  const gather = caller.lastTwiml.find((v) => v.name === 'Gather');
  const says = gather?.children.filter((c) => c.name === 'Say').map((c) => c.text) ?? [];
  return says[says.length - 1] ?? '';
}

const asked = (q: string, text: string) => q.startsWith(speakable(text).replace(/\.$/, ''));

/**
 * Plays a caller through the attention script by voice, from the greeting: says `opening`, answers each question,
 * and stops at «¿Hay algo más…?». The ticket number is read from the transcript (the spoken form is dictated).
 */
export async function voiceScript(
  caller: SimulatedCaller,
  ticketOf: () => Promise<string | null>,
  opening: string,
  a: VoiceAnswers,
  maxTurns = 25,
  /** Runs before each answer (the bench: the seconds the caller takes to speak). */
  beforeAnswer?: () => Promise<void>,
): Promise<VoiceRun> {
  const answers: string[] = [];
  let say = opening;
  let turnsToTicket: number | null = null;
  let ticketNumber: string | null = null;
  for (let turn = 1; turn <= maxTurns; turn++) {
    answers.push(say);
    await beforeAnswer?.();
    await caller.say(say);
    if (ticketNumber === null) {
      ticketNumber = await ticketOf();
      if (ticketNumber !== null) turnsToTicket = turn;
    }
    if (caller.pending !== 'gather') throw new Error(`the call is ${caller.pending} after «${say}»: ${JSON.stringify(caller.lastSaid())}`);
    const q = question(caller);
    if (asked(q, messages.anythingElse)) return { answers, turnsToTicket, ticketNumber };
    if (asked(q, m.askUnitAndRole) || asked(q, m.askUnit)) say = a.identification;
    else if (asked(q, m.askRole)) say = 'docente';
    else if (asked(q, m.askExtension)) say = a.extension ?? 'no tengo';
    else if (q.startsWith('Tengo estos datos suyos')) say = 'sí';
    else if (asked(q, m.resolvedQuestion)) say = a.resolved ?? 'no';
    else if (asked(q, m.askImpact)) say = a.impact ?? 'solo a mí';
    else if (asked(q, m.faultOrRequest)) say = a.kind ?? 'es una falla';
    else if (asked(q, m.askContactAll)) say = a.contact ?? 'Ana López Pérez';
    else if (asked(q, m.askName)) say = a.name ?? 'Ana López Pérez';
    else if (asked(q, m.askEmail)) say = a.email ?? 'ana.lopez@ipn.mx';
    else if (asked(q, m.askPhone)) say = a.phone ?? 'cinco cinco uno dos tres cuatro cinco seis siete ocho';
    else if (/marque 1/.test(q)) say = 'uno';
    else say = 'no estoy seguro';
  }
  throw new Error(`the script did not end in ${maxTurns} turns: ${JSON.stringify(answers)}`);
}
