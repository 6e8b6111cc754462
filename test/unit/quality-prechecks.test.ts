import { farewell, greeting, hold, immediacy, runPrechecks, script, transfer, type ConversationFacts, type FactHandoff, type FactLine } from '../../services/quality/prechecks';

const T0 = Date.UTC(2026, 10, 10, 15, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);

/** A transcript from [seconds, from, text][]; the agent's lines carry their name. */
function lines(spec: Array<[number, FactLine['from'], string]>, agentName = 'Ana López'): FactLine[] {
  return spec.map(([s, from, text], i) => ({ seq: i + 1, at: at(s), direction: from === 'person' ? 'in' : 'out', from, name: from === 'agent' ? agentName : null, text }));
}

function facts(over: Partial<ConversationFacts>): ConversationFacts {
  return { conversationId: 'c-1', channel: 'webchat', lines: [], attentions: [], handoffs: [], call: null, ...over };
}

function handoff(over: Partial<FactHandoff>): FactHandoff {
  return {
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

const BOT_GREETING = 'Buenos días, le atiende Ventanilla, el asistente virtual de la Mesa de Ayuda. ¿En qué puedo ayudarle?';
const BOT_FAREWELL = 'Fue un gusto atenderle. Le recuerdo que le atendió Ventanilla; hasta luego, que tenga buen día.';

describe('immediacy', () => {
  it('a call answered within four rings passes; after five rings it fails; never answered fails', () => {
    const call = (answered: number | null) => facts({ channel: 'voice', call: { startedAt: at(0), answeredAt: answered === null ? null : at(answered), transfers: [] } });
    expect(immediacy(call(2))).toEqual({ result: 'pass', evidence: 'Contestada a los 2 s (1 timbre)' });
    expect(immediacy(call(24)).result).toBe('pass');
    expect(immediacy(call(30))).toEqual({ result: 'fail', evidence: 'Contestada a los 30 s (5 timbres)' });
    expect(immediacy(call(null))).toEqual({ result: 'fail', evidence: 'La llamada no fue contestada' });
  });

  it('text: the first answer to the first message, and the agent\'s first line after accepting', () => {
    const quick = facts({ lines: lines([[0, 'bot', BOT_GREETING], [10, 'person', 'no tengo red'], [12, 'bot', 'Permítame.']]) });
    expect(immediacy(quick)).toEqual({ result: 'pass', evidence: 'Primera respuesta a los 2 s' });
    const slow = facts({ lines: lines([[10, 'person', 'hola'], [75, 'bot', 'Buenas tardes']]) });
    expect(immediacy(slow)).toEqual({ result: 'fail', evidence: 'Primera respuesta a los 65 s' });
    const lateAgent = facts({
      lines: lines([[10, 'person', 'un agente'], [11, 'bot', 'Le comunico'], [140, 'agent', 'Buenas tardes, le atiende Ana']]),
      handoffs: [handoff({ acceptedAt: at(50) })],
    });
    expect(immediacy(lateAgent)).toEqual({ result: 'fail', evidence: 'Primera respuesta a los 1 s; Ana López escribió a los 90 s de aceptarla' });
  });

  it('not applicable when the person never wrote', () => {
    expect(immediacy(facts({ lines: lines([[0, 'bot', BOT_GREETING]]) })).result).toBe('na');
  });
});

describe('greeting', () => {
  it("passes when the bot greets by time of day and name, and the agent greets with their own name", () => {
    const f = facts({
      lines: lines([[0, 'bot', BOT_GREETING], [10, 'person', 'un agente'], [55, 'agent', 'Buenas tardes, le atiende Ana López, ¿en qué puedo ayudarle?']]),
      handoffs: [handoff({})],
    });
    const r = greeting(f);
    expect(r.result).toBe('pass');
    expect(r.evidence).toContain('Ana López saludó');
  });

  it("fails when the agent's first line lacks their name", () => {
    const f = facts({ lines: lines([[0, 'bot', BOT_GREETING], [10, 'person', 'un agente'], [55, 'agent', 'Hola, ¿qué necesita?']]), handoffs: [handoff({})] });
    const r = greeting(f);
    expect(r.result).toBe('fail');
    expect(r.evidence).toContain('El primer mensaje de Ana López no saluda con su nombre: «Hola, ¿qué necesita?»');
  });

  it('fails when the bot does not give its name; the phone agent is left to the recording', () => {
    expect(greeting(facts({ lines: lines([[0, 'bot', 'Buenos días. ¿En qué puedo ayudarle?']]) })).result).toBe('fail');
    const voice = greeting(facts({ channel: 'voice', lines: lines([[0, 'bot', BOT_GREETING]]), handoffs: [handoff({})] }));
    expect(voice.result).toBe('pass');
    expect(voice.evidence).toContain('se revisa en la grabación');
    expect(greeting(facts({})).result).toBe('na');
  });
});

describe('script', () => {
  const full = { name: 'María Pérez', unitName: 'ESCOM', role: 'docente', extension: '42500', email: 'maria@ipn.mx', phone: null };

  it('passes when a registered request has name, unit, kind of user, a contact and the request', () => {
    expect(script(facts({ attentions: [{ outcome: 'ticket', description: 'No hay red', person: full }] }))).toEqual({
      result: 'pass',
      evidence: 'Se registraron nombre, unidad, tipo de usuario, contacto y solicitud',
    });
  });

  it('fails listing what is missing (and notes a missing extension)', () => {
    const r = script(facts({ attentions: [{ outcome: 'ticket', description: 'No hay red', person: { name: 'María', unitName: null, role: null, email: null, phone: '5512345678' } }] }));
    expect(r).toEqual({ result: 'fail', evidence: 'Faltó: unidad o escuela, tipo de usuario (sin extensión)' });
  });

  it("uses what the bot handed to the agent; not applicable without a request to register", () => {
    const handed = handoff({ context: { request: 'Instalar un programa', person: full } });
    expect(script(facts({ handoffs: [handed] })).result).toBe('pass');
    expect(script(facts({ attentions: [{ outcome: 'out_of_scope', description: 'becas', person: null }] })).result).toBe('na');
  });
});

describe('hold', () => {
  it('passes when the waiting person got a message at least every 30 s', () => {
    const f = facts({
      lines: lines([[0, 'bot', BOT_GREETING], [10, 'person', 'un agente'], [30, 'bot', 'Le comunico'], [55, 'system', 'Permítame, lo sigo atendiendo'], [80, 'system', 'Permítame…'], [90, 'agent', 'Buenas tardes, le atiende Ana']]),
      handoffs: [handoff({ queuedAt: at(30), acceptedAt: at(90), closedAt: at(100) })],
    });
    expect(hold(f)).toEqual({ result: 'pass', evidence: 'Ninguna espera pasó de 30 s sin mensaje' });
  });

  it('counts every wait longer than 30 s without a message, in the queue and with the agent', () => {
    const f = facts({
      lines: lines([
        [10, 'person', 'un agente'],
        [30, 'bot', 'Le comunico'],
        [100, 'agent', 'Buenas tardes, le atiende Ana'],
        [110, 'person', '¿sigue ahí?'],
        [150, 'agent', 'sí'],
        [160, 'person', 'gracias'],
      ]),
      handoffs: [handoff({ queuedAt: at(30), acceptedAt: at(100), closedAt: at(300) })],
    });
    // Queue: 30 → 100 (70 s); with the agent: 110 → 150 (40 s) and 160 → close at 300 (140 s).
    expect(hold(f)).toEqual({ result: 'fail', evidence: '3 esperas sin mensaje de más de 30 s (la mayor, 140 s)' });
  });

  it('phone: the queue says the hold phrase by configuration; not applicable without a handoff', () => {
    const f = facts({ channel: 'voice', handoffs: [handoff({})] });
    expect(hold(f).result).toBe('pass');
    expect(hold(f, { firstResponseSeconds: 30, maxRings: 4, ringSeconds: 6, holdMinSeconds: 20, holdMaxSeconds: 30, voiceHoldSeconds: 45 }).result).toBe('fail');
    expect(hold(facts({})).result).toBe('na');
  });
});

describe('transfer', () => {
  it('a completed call transfer passes; a failed one without another way offered fails; with a call back it passes', () => {
    const call = (transfers: Array<Record<string, unknown>>) => ({ startedAt: at(0), answeredAt: at(0), transfers });
    expect(transfer(facts({ channel: 'voice', call: call([{ name: 'Recursos Humanos', extension: '42500', status: 'completed' }]) }))).toEqual({
      result: 'pass',
      evidence: 'Transferida a Recursos Humanos (ext. 42500): contestó',
    });
    const busy = call([{ name: 'Lic. Pérez', extension: '1200', status: 'busy' }]);
    expect(transfer(facts({ channel: 'voice', call: busy })).result).toBe('fail');
    expect(transfer(facts({ channel: 'voice', call: busy, attentions: [{ outcome: 'callback', description: null, person: null }] })).result).toBe('pass');
  });

  it('a transfer between agents nobody took fails; no transfer is not applicable', () => {
    expect(transfer(facts({ handoffs: [handoff({ transferNote: 'Ana: es de redes', acceptedAt: null, status: 'cancelled', closeReason: 'max_wait' })] })).result).toBe('fail');
    expect(transfer(facts({ handoffs: [handoff({ transferNote: 'Ana: es de redes' })] })).result).toBe('pass');
    expect(transfer(facts({ attentions: [{ outcome: 'first_level', description: 'x', person: null }] })).result).toBe('na');
  });
});

describe('farewell', () => {
  it("the bot's protocol farewell passes; ending without one fails", () => {
    expect(farewell(facts({ lines: lines([[0, 'bot', BOT_GREETING], [5, 'person', 'gracias'], [6, 'bot', BOT_FAREWELL]]) })).result).toBe('pass');
    const r = farewell(facts({ lines: lines([[0, 'bot', BOT_GREETING], [5, 'person', 'gracias'], [6, 'bot', 'Permítame, lo reviso.']]) }));
    expect(r).toEqual({ result: 'fail', evidence: 'Los últimos mensajes del bot no se despiden: «Permítame, lo reviso.»' });
  });

  it("judges the agent who closed the attention; not applicable when the person left the queue", () => {
    const agentBye = facts({
      lines: lines([[10, 'person', 'hola'], [55, 'agent', 'Buenas tardes, le atiende Ana'], [60, 'person', 'gracias'], [70, 'agent', '¿Hay algo más en que pueda ayudarle? Le recuerdo mi nombre, Ana López. Hasta luego, que tenga buena tarde.']]),
      handoffs: [handoff({})],
    });
    expect(farewell(agentBye).result).toBe('pass');
    const left = facts({ lines: lines([[10, 'person', 'hola']]), handoffs: [handoff({ acceptedAt: null, status: 'cancelled', closeReason: 'person_left' })] });
    expect(farewell(left).result).toBe('na');
  });
});

describe('runPrechecks', () => {
  it('gives a result with evidence for each pre-checked item', () => {
    const r = runPrechecks(facts({ lines: lines([[0, 'bot', BOT_GREETING], [5, 'person', 'hola'], [6, 'bot', BOT_FAREWELL]]) }));
    expect(Object.keys(r).sort()).toEqual(['farewell', 'greeting', 'hold', 'immediacy', 'script', 'transfer']);
    for (const v of Object.values(r)) expect(v.evidence.length).toBeGreaterThan(5);
  });
});
