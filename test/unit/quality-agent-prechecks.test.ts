import type { QualityRepository } from '../../models/repositories/quality.repository';
import { DEFAULT_PRECHECK_SETTINGS, agentPrechecks, runPrechecks, type ConversationFacts, type FactHandoff, type FactLine } from '../../services/quality/prechecks';
import { QualityService } from '../../services/quality/quality.service';

const T0 = Date.UTC(2026, 10, 10, 15, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);
const S = DEFAULT_PRECHECK_SETTINGS;

/** A transcript from [seconds, from, text, agent name?][]. */
function lines(spec: Array<[number, FactLine['from'], string, string?]>): FactLine[] {
  return spec.map(([s, from, text, name], i) => ({ seq: i + 1, at: at(s), direction: from === 'person' ? 'in' : 'out', from, name: name ?? null, text }));
}

function handoff(over: Partial<FactHandoff>): FactHandoff {
  return {
    id: 'h-1',
    queuedAt: at(30),
    acceptedAt: at(50),
    closedAt: at(400),
    status: 'closed',
    closeReason: 'closed_by_agent',
    resolverGroup: 'Mesa de ayuda',
    agentUserId: 'u-ana',
    agentName: 'Ana López',
    transferNote: null,
    context: {},
    ...over,
  };
}

const results = (p: Record<string, { result: string }>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.result]));

describe('agentPrechecks: only the part of the handoff’s agent', () => {
  // The bot greets without its name and answers the first message after 90 s (both fail for the conversation), and
  // the request was registered without a contact (the script fails); the agent does everything right.
  const f: ConversationFacts = {
    conversationId: 'c-1',
    channel: 'webchat',
    lines: lines([
      [0, 'person', 'no tengo red'],
      [90, 'bot', 'Hola. ¿Qué necesita?'],
      [95, 'person', 'un agente'],
      [110, 'agent', 'Buenas tardes, le atiende Ana López, ¿en qué puedo ayudarle?', 'Ana López'],
      [120, 'person', 'no tengo red en el laboratorio'],
      [130, 'agent', 'Ya quedó, revise por favor.', 'Ana López'],
      [390, 'agent', '¿Algo más? Hasta luego, que tenga buen día.', 'Ana López'],
    ]),
    attentions: [{ outcome: 'ticket', description: 'sin red', person: { name: 'María', unitName: 'ESCOM', role: 'docente' } }],
    handoffs: [handoff({ queuedAt: at(96), acceptedAt: at(100) })],
    call: null,
  };

  it('the bot’s failing greeting and first reply, and the script, do not lower the agent’s score', () => {
    const whole = results(runPrechecks(f, S));
    expect(whole).toMatchObject({ immediacy: 'fail', greeting: 'fail', script: 'fail' });
    const own = results(agentPrechecks(f, f.handoffs[0] as FactHandoff, S));
    expect(own).toEqual({ immediacy: 'pass', greeting: 'pass', script: 'na', hold: 'pass', transfer: 'na', farewell: 'pass' });
  });

  it('an agent who did not greet with their name nor say goodbye fails those parts', () => {
    const g: ConversationFacts = {
      ...f,
      lines: lines([
        [0, 'person', 'un agente'],
        [1, 'bot', 'Buenos días, le atiende Ventanilla. Le comunico.'],
        [110, 'agent', 'Hola, ¿qué necesita?', 'Ana López'],
        [120, 'person', 'no tengo red'],
        [200, 'agent', 'Listo.', 'Ana López'],
      ]),
    };
    const own = agentPrechecks(g, g.handoffs[0] as FactHandoff, S);
    expect(results(own)).toEqual({ immediacy: 'pass', greeting: 'fail', script: 'na', hold: 'fail', transfer: 'na', farewell: 'fail' });
    expect(own.hold.evidence).toBe('1 espera de Ana López sin mensaje de más de 30 s (la mayor, 80 s)');
  });

  it('after a transfer each agent gets only their own parts', () => {
    // Ana takes it, answers late (60 s) and transfers it to Beto with a note; Beto greets at once and closes with a farewell.
    const t: ConversationFacts = {
      conversationId: 'c-2',
      channel: 'webchat',
      lines: lines([
        [0, 'person', 'un agente'],
        [1, 'bot', 'Buenos días, le atiende Ventanilla. Le comunico.'],
        [70, 'agent', 'Buenos días, le atiende Ana López.', 'Ana López'],
        [80, 'person', 'es de redes'],
        [90, 'agent', 'Le paso con redes.', 'Ana López'],
        [125, 'agent', 'Buenos días, le atiende Beto Ruiz, de redes.', 'Beto Ruiz'],
        [140, 'person', 'gracias'],
        [150, 'agent', 'Para servirle, hasta luego.', 'Beto Ruiz'],
      ]),
      attentions: [],
      handoffs: [
        handoff({ id: 'h-ana', queuedAt: at(2), acceptedAt: at(10), closedAt: at(95), closeReason: 'transferred' }),
        handoff({ id: 'h-beto', queuedAt: at(95), acceptedAt: at(120), closedAt: at(160), agentUserId: 'u-beto', agentName: 'Beto Ruiz', transferNote: 'Es de redes' }),
      ],
      call: null,
    };
    const [ana, beto] = t.handoffs as [FactHandoff, FactHandoff];
    const a = agentPrechecks(t, ana, S);
    expect(results(a)).toEqual({ immediacy: 'fail', greeting: 'pass', script: 'na', hold: 'pass', transfer: 'pass', farewell: 'na' });
    expect(a.immediacy.evidence).toBe('Ana López escribió a los 60 s de aceptarla');
    expect(a.transfer.evidence).toContain('la tomó Beto Ruiz');
    const b = agentPrechecks(t, beto, S);
    expect(results(b)).toEqual({ immediacy: 'pass', greeting: 'pass', script: 'na', hold: 'pass', transfer: 'na', farewell: 'pass' });
    expect(b.greeting.evidence).toContain('Beto Ruiz saludó');
  });

  it('on the phone the agent’s part is left to the recording', () => {
    const v: ConversationFacts = { ...f, channel: 'voice', call: { startedAt: at(0), answeredAt: at(40), transfers: [] } };
    expect(results(agentPrechecks(v, v.handoffs[0] as FactHandoff, S))).toEqual({ immediacy: 'na', greeting: 'na', script: 'na', hold: 'na', transfer: 'na', farewell: 'na' });
  });
});

describe('QualityService.scoreAgents', () => {
  it('scores every accepted handoff with its own agent’s part; the bot’s failures count for nobody', async () => {
    const transcript = lines([
      [0, 'person', 'no tengo red'],
      [90, 'bot', 'Hola. ¿Qué necesita?'],
      [95, 'person', 'un agente'],
      [110, 'agent', 'Buenas tardes, le atiende Ana López.', 'Ana López'],
      [120, 'person', 'gracias'],
      [130, 'agent', 'Hasta luego, que tenga buen día.', 'Ana López'],
    ]);
    const { id: _id, ...row } = handoff({ queuedAt: at(96), acceptedAt: at(100), closedAt: at(140) });
    // A second chat: Ana wrote her first line 60 s after accepting it (immediacy fails), the rest as the protocol asks.
    const slow = lines([
      [0, 'person', 'no me llega el correo'],
      [5, 'bot', 'Le comunico con un agente.'],
      [160, 'agent', 'Buenas tardes, le atiende Ana López.', 'Ana López'],
      [165, 'person', 'gracias'],
      [170, 'agent', 'Hasta luego, que tenga buen día.', 'Ana López'],
    ]);
    const { id: _id2, ...row2 } = handoff({ queuedAt: at(6), acceptedAt: at(100), closedAt: at(175) });
    const repo = {
      acceptedIn: async () => [
        { handoffId: 'h-1', conversationId: 'c-1', channel: 'webchat', agentUserId: 'u-ana', agentName: 'Ana López' },
        { handoffId: 'h-2', conversationId: 'c-2', channel: 'webchat', agentUserId: 'u-ana', agentName: 'Ana López' },
      ],
      facts: async (ids: readonly string[]) => {
        expect(ids).toEqual(['c-1', 'c-2']);
        return {
          lines: new Map([
            ['c-1', transcript.map((l) => ({ ...l, conversationId: 'c-1' }))],
            ['c-2', slow.map((l) => ({ ...l, conversationId: 'c-2' }))],
          ]),
          attentions: new Map(),
          handoffs: new Map([
            ['c-1', [{ ...row, id: 'h-1', conversationId: 'c-1' }]],
            ['c-2', [{ ...row2, id: 'h-2', conversationId: 'c-2' }]],
          ]),
          calls: new Map(),
        };
      },
    } as unknown as QualityRepository;
    const service = new QualityService({ repo, audit: { append: async () => undefined } as never, clock: { now: () => at(1000) }, settings: { timeZone: 'America/Mexico_City', sampleSize: 30 } });
    // c-1, Ana: immediacy (10 s), greeting, hold (10 s), farewell pass; script and transfer are not hers: 4 of 4.
    // c-2: immediacy fails (60 s), greeting, hold and farewell pass: 3 of 4. Together 7 of 8, one failure (immediacy).
    expect(await service.scoreAgents(at(0), at(1000))).toEqual([{ agentId: 'u-ana', name: 'Ana López', conversations: 2, checks: 8, passed: 7, failsByItem: { immediacy: 1 } }]);
  });
});
