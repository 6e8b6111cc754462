import {
  HANDOFF_MESSAGES_ES_MX, HandoffTriggers, asksForHuman, distressOf, type HandoffCheckInput,
} from '../../services/handoff/triggers';

/** Requests for a person: whole messages, in-sentence requests, misspellings and speech-to-text forms. */
const ASKS_FOR_HUMAN: readonly string[] = [
  'quiero hablar con una persona',
  'agente',
  'Operadora',
  '¿me comunica con alguien?',
  'un humano por favor',
  'asesor',
  'no quiero hablar con un robot',
  'quiero hablar con un ajente',
  'persona real',
  'pásame con un agente, por favor',
  '¿Puedo hablar con un asesor?',
  'Necesito un agente',
  'comuníqueme con una operadora por favor',
  'Ya, pásame con alguien de sistemas',
  'quiero que me atienda una persona',
  'Hola, ¿hay alguien ahí?',
  'con una persona de verdad por favor',
  'transfiérame con un agente',
  'quiero hablar con un umano',
  'disculpe, ¿me podría comunicar con un ejecutivo?',
  'prefiero hablar con alguien de la mesa de ayuda',
  'AGENTE!!!',
  'no quiero una máquina, quiero una persona',
  'quiero hablar con a gente',
  'necesito que alguien me atienda ya',
  '¿me pasa con la operadora?',
  'quisiera hablar con un ser humano',
  'llevo rato con el bot, mejor comunícame con un asesor',
  'kiero ablar con un agente',
  'quiero atención personalizada',
  'que me llame un agente por favor',
  'oiga, un agente',
  'ya no quiero hablar con la máquina',
  'me puede transferir con un técnico por favor',
  'buenas tardes, ¿me comunica con un asesor de la mesa de ayuda?',
  'quiero hablar con alguien',
  'me podría atender un agente',
  'páseme a una persona por favor',
  'operador',
  'con un asesor',
  'necesito hablar con una persona urgente',
  'me puede comunicar con soporte humano',
  'no quiero seguir con el bot, quiero un agente',
  'ya no quiero hablar con una computadora',
  'hay algún agente disponible',
  'quiero un ajente',
  'hablar con persona',
  'comunícame con alguien que sepa',
  'necesito que me atienda un técnico',
  'agente por favor',
  'eres un robot? quiero una persona',
  'pasame con tu supervisor',
  'quiero hablar con un representante',
  'persona',
  'ocupo hablar con alguien de soporte',
  'oiga, ¿no hay una persona con quien pueda hablar?',
  'mejor una operadora',
  'le pido de favor que me comunique con un agente',
  'ya me cansé del robot, páseme con alguien',
  'quiero platicar con un asesor',
  'me urge hablar con alguien de soporte',
  'conécteme con un agente',
  'podría hablar con una persona real?',
  'deseo ser atendido por un agente',
  'solicito hablar con un ejecutivo',
  'un agente!',
  'quiero que alguien me llame',
  'necesito una persona que me ayude',
  'hablar con un humano',
  'no entiendes, pásame con alguien que sí',
];

/** Talk about agents, people and humans that is not a request to be handed over. */
const NOT_ASKING_FOR_HUMAN: readonly string[] = [
  'el agente antivirus no actualiza',
  'la persona de sistemas ya vino pero no lo arregló',
  'el agente de seguridad del edificio no me deja pasar al site',
  'necesito instalar el agente de soporte remoto en mi equipo',
  'quiero dar de alta a una persona nueva en el correo institucional',
  'ya hablé con una persona de redes y me dijo que levantara un reporte',
  'me comunica con el área de recursos humanos',
  'mi asesor de tesis no recibe mis correos',
  '¿cómo le cambio la contraseña a otra persona?',
  'la operadora de telefonía celular me cortó la línea del módem',
  'necesito hablar con la maestra García de la facultad de derecho',
  'quiero comunicarme con el departamento de nóminas',
  'ya me habló una persona de soporte, gracias',
  '¿qué persona puede firmar el oficio de la solicitud?',
  'el técnico no ha venido a revisar la impresora',
  'se agregó una persona desconocida a mi grupo de Teams',
  'el agente de Kaspersky marca error de licencia',
  'quiero que alguien venga a revisar mi computadora',
  'quiero hablar con el director de la escuela',
  '¿me puede pasar la extensión de la persona de nóminas?',
  'necesito un asesor de becas',
  'la página dice que confirme que no soy un robot y no me deja pasar',
  'la Dirección de Capital Humano no me ha enviado mi usuario',
  'el sistema de recursos humanos no abre',
  'necesito el agente de VPN para trabajar desde casa',
  'el agente de Intune no sincroniza',
  'una persona de mi oficina no puede entrar al correo',
  'los humanos de mi área no tienen internet',
  'la operadora del conmutador no contesta',
  'quiero registrar a una persona en el curso de Moodle',
  'el asesor financiero me mandó un archivo',
  '¿puede una persona tener dos correos institucionales?',
  'me pasa la extensión de contabilidad',
  'ya me atendió una persona ayer',
  'necesito dar acceso a otra persona a mi carpeta',
  'el técnico dejó la computadora sin cargador',
  'mi jefe quiere hablar con el director de sistemas',
  'el agente de respaldo marca error',
  'quiero hablar con la licenciada Ramírez',
  'no soy un robot pero el captcha no me deja',
  'el agente de actualizaciones de Windows consume mucha memoria',
  'soy el asesor de la carrera de sistemas',
  '¿cuántas personas pueden entrar a la sala de Zoom?',
  'la persona que me atendió ayer me dio un número de ticket',
  'necesito cambiar el nombre de la persona responsable del equipo',
  'mi compañera habló con un técnico la semana pasada',
  'el humano detrás del correo falso pedía mi contraseña',
  'quiero hablar con el encargado del laboratorio de química',
  'me comunica con la dirección escolar',
  'el operador de la copiadora dice que no hay tóner',
  'necesito que una persona de mantenimiento revise el aire acondicionado',
  'pásame el link de la plataforma',
  'el robot de limpieza del correo borró mis mensajes',
  'la gente de mi oficina no tiene red',
  'a una persona le llegó mi correo por error',
];

/** Angry, insulting or pressed-for-time messages. */
const DISTRESSED: readonly string[] = [
  'es una vergüenza, llevo tres días sin correo',
  'pésimo servicio, nadie me resuelve nada',
  'ya me harté, siempre es lo mismo con el internet',
  'son unos inútiles',
  'esta pinche impresora no sirve',
  'no mames, otra vez se cayó el sistema',
  'URGENTE!!! se me borró la tesis',
  'tengo examen en 10 minutos y no puedo entrar a la plataforma',
  'me van a correr si no entrego el reporte, no abre el archivo',
  'es para hoy y no puedo imprimir',
  'es una emergencia, se perdió todo lo de la carpeta compartida',
  'estoy muy molesta, ya reporté esto cuatro veces y nadie hace nada',
  'qué porquería de sistema',
  'bot idiota no entiendes nada',
  'estoy desesperada, no puedo subir las calificaciones y cierra hoy el sistema',
  'esto es el colmo, qué mala atención',
  'me urge la contraseña, mi jefe la necesita ya',
  'no sirven para nada',
  'qué poca madre, me dejaron sin internet toda la semana',
  'estoy furioso, nadie contesta el teléfono en sistemas',
  'por favor ayúdenme, perdí todo mi trabajo',
  'el maldito correo no abre y ya me cansé',
  'YA LES DIJE QUE NO FUNCIONA EL CORREO',
  'qué mal servicio, es increíble que nadie me ayude',
  'llevo dos semanas esperando y nadie me resuelve, qué vergüenza',
  'neta qué pésima atención',
  'estoy hasta la madre de este sistema',
  'sus servicios son una basura',
  'es urgentísimo, no puedo entrar al SAES y cierra la inscripción hoy',
  'auxilio, se borraron todos mis archivos',
  'mi jefa me va a matar si no sale el oficio, la impresora no sirve',
  'ya estoy harta de reportar lo mismo',
  'qué inútil eres',
  'esto no sirve para nada, ya me cansé',
  'estoy muy enojado, nadie contesta',
  'necesito el correo ya, es una emergencia',
  'tengo examen ahorita y no carga la plataforma',
  'qué servicio tan malo, de verdad',
  'son unos ineptos en sistemas',
  'es increíble que sigan sin arreglar el internet, qué vergüenza',
  'me tienen harto con sus fallas',
  'pinche sistema otra vez caído',
  'si no entrego la nómina hoy me corren',
  'estoy muy frustrada, no me deja subir mi tarea y se vence en una hora',
  'la neta es pésimo, siempre lo mismo',
  'el bot no sirve para nada',
  'qué coraje, ya van tres veces que se traba',
  'emergencia: el servidor de correo no responde y tenemos el proceso de admisión',
  'ustedes son unos incompetentes',
  'se me borró toda la información de la USB, ayúdenme por favor',
  'quiero poner una queja, nadie me atiende',
  'hasta cuándo van a arreglar esto, es el colmo',
  'no puedo entrar al examen en línea, empieza en 5 minutos',
  'malditas computadoras',
];

/** Calm messages, including long fault descriptions, that must not trigger. */
const CALM: readonly string[] = [
  'buenos días, no puedo entrar a mi correo institucional',
  'la impresora del tercer piso marca error de papel atascado',
  'olvidé mi contraseña del SIIA',
  'hola, el internet está muy lento en el laboratorio 2 desde ayer en la tarde, ya reinicié el módem y sigue igual; ¿podrían revisarlo cuando tengan oportunidad?',
  'no es urgente, cuando puedan me ayudan a instalar Office',
  'gracias, muy amable',
  'mi computadora no enciende, el foco de la fuente parpadea en naranja y hace un ruido raro',
  '¿cuándo es el examen de ubicación de inglés?',
  'el proyector del aula 5 no da imagen, ya revisé el cable HDMI y tampoco funciona con otra laptop',
  'quiero cambiar la contraseña de mi cuenta de Teams porque la bloquearon por seguridad',
  'buenas tardes, me aparece un mensaje de error que dice que la licencia de Windows expiró; el equipo es de la dirección y lo usa la secretaria para los oficios',
  'no me llega el código de verificación al celular',
  'se cayó la red en todo el edificio B, ¿tienen algún reporte?',
  'tengo un problema con el escáner, no reconoce el documento',
  'el sistema de nómina no me deja descargar mi recibo, me sale la pantalla en blanco',
  'la página de inscripciones marca error 500 cuando intento pagar',
  'perdí el acceso a mi cuenta porque cambié de número de celular',
  'hoy no funciona el teléfono de mi extensión',
  'quisiera saber si pueden instalar el software de estadística en la sala de cómputo para el próximo semestre',
  'el antivirus detectó una amenaza y puso el archivo en cuarentena, ¿es seguro abrirlo?',
  'se me bloqueó la cuenta después de tres intentos fallidos',
  'disculpe la molestia, ¿me puede decir cómo configurar el correo en el celular?',
  'la contraseña no puede ser igual a la anterior, ¿qué otra pongo?',
  'no funciona el wifi del salón 12, aparece conectado pero sin internet y los alumnos no pueden entrar a la plataforma de la clase',
  'no puedo imprimir a doble cara',
  'el mouse de mi computadora no funciona',
  'me pueden ayudar a recuperar un archivo que borré por error',
  'quisiera solicitar una cuenta de correo para un nuevo profesor',
  'la red de la biblioteca está fallando desde la mañana',
  'tengo dudas sobre cómo usar la VPN desde casa',
  'el monitor parpadea y se pone en negro a ratos',
  'gracias por la ayuda, ya quedó',
  'el sistema me dice contraseña incorrecta aunque la escribo bien',
  'se me olvidó mi usuario del portal',
  'el equipo está muy lento desde la última actualización de Windows',
  '¿el examen en línea de mañana usa Moodle o Teams?',
  'no tengo prisa, pero quisiera que revisaran el proyector',
  'me sale un aviso de que mi buzón está lleno',
  'el teclado tiene teclas pegadas',
  'buen día, quisiera saber cómo solicitar una extensión telefónica',
  'mi correo dice que la contraseña expiró, ¿cómo la cambio?',
  'no me aparecen las impresoras de red en mi equipo',
  'la laptop que me prestaron no tiene Office',
  'se desconecta el wifi cada rato en la sala de maestros, pasa desde la semana pasada',
  'me pueden decir el horario de la mesa de ayuda',
  'ya funciona, muchas gracias por todo',
  'el archivo de Excel se quedó dañado y no abre, ¿se puede recuperar?',
  'necesito instalar el certificado digital para firmar oficios',
  'no tengo acceso a la carpeta compartida de la coordinación',
  'la pantalla del aula 3 se ve con rayas verdes',
  'el correo me rebota con un error de buzón lleno',
  'quiero reportar una falla en el teléfono',
  'me llegó un correo sospechoso que pide mi contraseña',
  'ayer perdí mi credencial y no puedo entrar al edificio',
];

/** A message that triggers nothing on its own (calm, not a request for a person). */
const QUIET = 'no puedo entrar a mi correo';

function input(overrides: Partial<HandoffCheckInput> = {}): HandoffCheckInput {
  return { text: QUIET, understood: true, notUnderstoodInARow: 0, ...overrides };
}

describe('asksForHuman', () => {
  it.each(ASKS_FOR_HUMAN.map((t) => [t]))('«%s» asks for a person', (text) => {
    expect(asksForHuman(text)).toBe(true);
  });

  it.each(NOT_ASKING_FOR_HUMAN.map((t) => [t]))('«%s» does not', (text) => {
    expect(asksForHuman(text)).toBe(false);
  });

  it('ignores empty and punctuation-only messages', () => {
    expect(asksForHuman('')).toBe(false);
    expect(asksForHuman('¿?¡!')).toBe(false);
  });
});

describe('distressOf', () => {
  const triggers = new HandoffTriggers();

  it.each(DISTRESSED.map((t) => [t]))('«%s» is distress', (text) => {
    expect(triggers.check(input({ text })).decision?.reason).toBe('distress');
  });

  it.each(CALM.map((t) => [t]))('«%s» is calm', (text) => {
    expect(triggers.check(input({ text })).decision).toBeNull();
  });

  it('flags insults, urgency and a negative score separately', () => {
    expect(distressOf('son unos inútiles')).toMatchObject({ insult: true });
    expect(distressOf('son unos inútiles').cues).toContain('insult:inutiles');
    expect(distressOf('es urgente, tengo examen')).toMatchObject({ insult: false, urgent: true });
    expect(distressOf('pésimo servicio').score).toBeLessThanOrEqual(-0.5);
    expect(distressOf('pésimo servicio')).toMatchObject({ insult: false, urgent: false });
  });

  it('keeps the score in [-1, 1]: positive for thanks, 0 for nothing, negative for complaints', () => {
    expect(distressOf('muchas gracias, excelente atención').score).toBeGreaterThan(0.2);
    expect(distressOf('').score).toBe(0);
    expect(distressOf('la impresora').score).toBe(0);
    const furious = distressOf('ES UNA VERGÜENZA!!! pésimo servicio, estoy harto, son unos pinches inútiles');
    expect(furious.score).toBe(-1);
    for (const text of [...DISTRESSED, ...CALM]) {
      const { score } = distressOf(text);
      expect(score).toBeGreaterThanOrEqual(-1);
      expect(score).toBeLessThanOrEqual(1);
    }
  });

  it('reads accents, no accents and stretched letters alike', () => {
    expect(distressOf('pesimo servicio').score).toBe(distressOf('pésimo servicio').score);
    expect(distressOf('es una verguenza').score).toBeLessThanOrEqual(-0.5);
    expect(distressOf('pésimooo servicio').score).toBeLessThanOrEqual(-0.5);
  });

  it('treats fault vocabulary as neutral: «error», «falla», «bloqueada», «muy mal» describe the equipment, not the person', () => {
    for (const text of ['funciona muy mal el internet', 'me marca error', 'la impresora falla mucho', 'el sistema está caído y perdí la conexión']) {
      expect(distressOf(text).score).toBe(0);
    }
    expect(distressOf('tengo un problema grave con el correo, me sale error y la cuenta está bloqueada').score).toBeGreaterThan(-0.15);
  });

  it('cancels urgency when the person says it can wait', () => {
    expect(distressOf('es urgente').urgent).toBe(true);
    expect(distressOf('no es urgente').urgent).toBe(false);
    expect(distressOf('cuando puedan, no hay prisa, es para el examen del próximo mes').urgent).toBe(false);
  });

  it('flips polarity after a negation only for the next few words', () => {
    expect(distressOf('no es nada amable').score).toBeLessThan(0);
    expect(distressOf('es muy amable').score).toBeGreaterThan(0);
  });
});

describe('HandoffTriggers.check', () => {
  const triggers = new HandoffTriggers();

  it('hands over with a friendly sentence when the person asks for a person', () => {
    const { decision } = triggers.check(input({ text: 'quiero hablar con una persona' }));
    expect(decision).toMatchObject({ reason: 'asked', reasons: ['asked'], message: 'Con gusto le comunico con un agente de la Mesa de Ayuda.' });
  });

  it('counts not-understood turns: two in a row trigger, an understood turn resets', () => {
    const first = triggers.check(input({ text: 'asdf qwer', understood: false, notUnderstoodInARow: 0 }));
    expect(first).toEqual({ decision: null, notUnderstoodInARow: 1 });
    const second = triggers.check(input({ text: 'mmm lo de la cosa esa', understood: false, notUnderstoodInARow: first.notUnderstoodInARow }));
    expect(second.notUnderstoodInARow).toBe(2);
    expect(second.decision).toMatchObject({
      reason: 'not_understood',
      message: 'Parece que no le estoy entendiendo; para no hacerle perder tiempo, le comunico con un agente.',
    });
    const reset = triggers.check(input({ understood: true, notUnderstoodInARow: 1 }));
    expect(reset).toEqual({ decision: null, notUnderstoodInARow: 0 });
    const afterReset = triggers.check(input({ understood: false, notUnderstoodInARow: reset.notUnderstoodInARow }));
    expect(afterReset).toEqual({ decision: null, notUnderstoodInARow: 1 });
  });

  it('honours a configured not-understood limit and ignores a corrupt stored count', () => {
    const patient = new HandoffTriggers({ notUnderstoodLimit: 3 });
    expect(patient.check(input({ understood: false, notUnderstoodInARow: 1 })).decision).toBeNull();
    expect(patient.check(input({ understood: false, notUnderstoodInARow: 2 })).decision?.reason).toBe('not_understood');
    expect(triggers.check(input({ understood: false, notUnderstoodInARow: Number.NaN }))).toEqual({ decision: null, notUnderstoodInARow: 1 });
    expect(triggers.check(input({ understood: false, notUnderstoodInARow: -4 }))).toEqual({ decision: null, notUnderstoodInARow: 1 });
  });

  it('hands over critical reports and only critical ones', () => {
    expect(triggers.check(input({ urgency: 'critical' })).decision).toMatchObject({
      reason: 'critical', message: 'Por la urgencia de su reporte, le comunico con un agente.',
    });
    for (const urgency of ['high', 'medium', 'low', null, undefined] as const) {
      expect(triggers.check(input({ urgency })).decision).toBeNull();
    }
  });

  it('hands over services flagged "requires agent"', () => {
    expect(triggers.check(input({ requiresAgent: true })).decision).toMatchObject({
      reason: 'requires_agent', message: HANDOFF_MESSAGES_ES_MX.requires_agent,
    });
    expect(triggers.check(input({ requiresAgent: false })).decision).toBeNull();
  });

  it('apologises to an upset person and explains urgency-only handoffs differently', () => {
    expect(triggers.check(input({ text: 'pésimo servicio, ya me harté' })).decision).toMatchObject({
      reason: 'distress', message: 'Lamento la molestia. Le comunico con un agente para atenderle personalmente.',
    });
    expect(triggers.check(input({ text: 'es urgente, tengo examen en 5 minutos' })).decision).toMatchObject({
      reason: 'distress', message: HANDOFF_MESSAGES_ES_MX.urgent,
    });
  });

  it('lists every reason that fired, the apology first', () => {
    const { decision } = triggers.check(input({
      text: 'pásame con un humano, inútil', understood: false, notUnderstoodInARow: 1, urgency: 'critical', requiresAgent: true,
    }));
    expect(decision?.reasons).toEqual(['distress', 'asked', 'critical', 'requires_agent', 'not_understood']);
    expect(decision?.message).toBe(HANDOFF_MESSAGES_ES_MX.distress);
    expect(decision?.cues).toContain('insult:inutil');
    const asked = triggers.check(input({ text: 'agente', urgency: 'critical' })).decision;
    expect(asked?.reasons).toEqual(['asked', 'critical']);
    expect(asked?.message).toBe(HANDOFF_MESSAGES_ES_MX.asked);
  });

  it('uses replacement wording and a stricter distress threshold when configured', () => {
    const custom = new HandoffTriggers({ messages: { asked: 'Enseguida le atiende una persona.' }, distressThreshold: -0.9 });
    expect(custom.check(input({ text: 'agente' })).decision?.message).toBe('Enseguida le atiende una persona.');
    expect(custom.check(input({ text: 'pésimo servicio' })).decision).toBeNull();
    expect(triggers.check(input({ text: 'pésimo servicio' })).decision?.reason).toBe('distress');
  });

  it('rejects nonsense options, naming the class', () => {
    expect(() => new HandoffTriggers({ notUnderstoodLimit: 0 })).toThrow(/^HandoffTriggers: notUnderstoodLimit/);
    expect(() => new HandoffTriggers({ notUnderstoodLimit: 1.5 })).toThrow(/notUnderstoodLimit/);
    expect(() => new HandoffTriggers({ distressThreshold: 0.5 })).toThrow(/^HandoffTriggers: distressThreshold/);
  });

  it('speaks formal Spanish («usted») in every message', () => {
    for (const message of Object.values(HANDOFF_MESSAGES_ES_MX)) {
      expect(message).toMatch(/^[A-ZÁÉÍÓÚ¿¡].*[.!?]$/);
      expect(message).toMatch(/(?<!\p{L})(?:le|su)(?!\p{L})/iu);
      expect(message).not.toMatch(/(?<!\p{L})(?:tú|te|tu|contigo|ti)(?!\p{L})/iu);
    }
  });

  it('is quick enough to run on every message', () => {
    const texts = [...ASKS_FOR_HUMAN, ...NOT_ASKING_FOR_HUMAN, ...DISTRESSED, ...CALM];
    const start = process.hrtime.bigint();
    const rounds = 20;
    for (let i = 0; i < rounds; i++) for (const text of texts) triggers.check(input({ text }));
    const perCallMs = Number(process.hrtime.bigint() - start) / 1e6 / (rounds * texts.length);
    expect(perCallMs).toBeLessThan(1);
  });
});
