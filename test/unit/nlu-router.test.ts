import { type RouteDecision, Router, type TrainingCatalog, type TrainingService } from '../../services/nlu/router';

function service(code: string, name: string, category: string, examples: string[], extra: Partial<TrainingService> = {}): TrainingService {
  return { code, name, category, scope: 'sai', examples, active: true, ...extra };
}

const CATALOG: TrainingCatalog = {
  language: 'es',
  services: [
    service('CORREO-CONTRASENA', 'Restablecimiento de contraseña de correo institucional', 'Correo electrónico', [
      'olvidé la contraseña de mi correo',
      'no puedo entrar a mi cuenta de correo',
      'necesito restablecer la contraseña del correo institucional',
      'me bloquearon el correo por intentos fallidos',
      'quiero cambiar la clave de mi correo',
      'no recuerdo mi contraseña del correo',
    ]),
    service('CORREO-BUZON', 'Buzón de correo lleno', 'Correo electrónico', [
      'mi buzón está lleno',
      'no me llegan correos porque el buzón está lleno',
      'necesito más espacio en mi buzón de correo',
      'me dice que ya no tengo espacio para recibir correos',
      'ampliar la capacidad del buzón',
    ]),
    service('RED-WIFI', 'Falla de conexión a la red inalámbrica', 'Red e Internet', [
      'no me conecta el wifi',
      'la red inalámbrica no funciona',
      'no tengo internet en la oficina',
      'se cae la conexión del wifi a cada rato',
      'el internet está muy lento',
    ]),
    service('VPN-ACCESO', 'Acceso remoto por VPN', 'Red e Internet', [
      'cómo me conecto a la vpn',
      'necesito acceso a la vpn desde mi casa',
      'la vpn no conecta',
      'quiero trabajar remoto con la vpn',
    ]),
    service('IMPRESORA-FALLA', 'Falla de impresora', 'Equipo de cómputo', [
      'la impresora no imprime',
      'se atasca el papel en la impresora',
      'no aparece la impresora en mi computadora',
      'la impresora marca error',
    ]),
    service('EQUIPO-NO-ENCIENDE', 'Computadora no enciende', 'Equipo de cómputo', [
      'mi computadora no prende',
      'la pc no enciende',
      'la laptop no arranca',
      'se apagó mi equipo y ya no enciende',
    ]),
    service('TEAMS-ORIENTACION', 'Orientación sobre reuniones en Teams', 'Colaboración', [
      'cómo programo una reunión en teams',
      'cómo comparto pantalla en una videollamada de teams',
      'cómo grabo una reunión de teams',
      'cómo invito a alguien a una junta de teams',
    ], { scope: 'informative' }),
    service('MOODLE-ACCESO', 'Acceso a la plataforma Moodle', 'Plataformas educativas', [
      'no puedo entrar a moodle',
      'olvidé mi usuario de moodle',
      'no veo mis cursos en moodle',
      'la plataforma moodle no carga',
    ]),
    service('SOFTWARE-LICENCIA', 'Licencias de software', 'Software', [
      'necesito una licencia de office',
      'quiero instalar office en mi equipo',
      'se venció mi licencia de antivirus',
    ], { active: false }),
  ],
  outOfScopeExamples: [
    'quiero ver mis calificaciones',
    'cuándo pagan la beca',
    'cuál es el horario de la cafetería',
    'necesito una constancia de estudios',
    'dónde está la biblioteca',
    'quiero inscribirme al siguiente semestre',
    'cuánto cuesta el estacionamiento',
    'quiero tramitar mi credencial de estudiante',
  ],
};

function expectWellFormed(decision: RouteDecision): void {
  expect(decision.confidence).toBeGreaterThanOrEqual(0);
  expect(decision.confidence).toBeLessThanOrEqual(1);
  expect(Math.round(decision.confidence * 1000) / 1000).toBe(decision.confidence);
  expect(decision.alternatives.length).toBeLessThanOrEqual(3);
  expect(decision.alternatives.map((a) => a.code)).not.toContain(decision.code);
  expect(decision.code === null).toBe(decision.decision === 'out_of_scope');
}

describe('Router (es)', () => {
  const router = Router.train(CATALOG);

  it('reports what it was trained on and how it was calibrated', () => {
    expect(router.info).toMatchObject({ language: 'es', services: 8, calibratedOn: 'heldout' });
    expect(router.info.examples).toBe(36 + 8 + 8); // examples, names, out-of-scope examples
    expect(router.info.threshold).toBeGreaterThan(0);
    expect(router.info.margin).toBeGreaterThan(0);
  });

  it.each([
    ['se me olvidó la contraceña del i meil', 'CORREO-CONTRASENA'],
    ['no me conecta el guifi', 'RED-WIFI'],
    ['¿cómo me conecto a la ve pe ene desde mi casa?', 'VPN-ACCESO'],
    ['la impresara no imprime nada', 'IMPRESORA-FALLA'],
    ['la compu no prende', 'EQUIPO-NO-ENCIENDE'],
    ['no puedo entrar al mudle', 'MOODLE-ACCESO'],
    ['Ya no me caben los correos, el buzón está llenísimo', 'CORREO-BUZON'],
  ])('routes %j to %s', (text, code) => {
    const decision = router.route(text);
    expectWellFormed(decision);
    expect(decision).toMatchObject({ text, decision: 'service', code });
  });

  it('tells informative services from ticket services', () => {
    const decision = router.route('¿cómo programo una junta en tims?');
    expectWellFormed(decision);
    expect(decision).toMatchObject({ decision: 'informative', code: 'TEAMS-ORIENTACION' });
  });

  it.each([
    '¿cuándo depositan la beca de este mes?',
    'me pasas la receta del pastel de chocolate',
    'quién ganó el partido de fútbol ayer',
    'hola, buenos días',
  ])(
    'sends %j out of scope',
    (text) => {
      const decision = router.route(text);
      expectWellFormed(decision);
      expect(decision).toMatchObject({ decision: 'out_of_scope', code: null });
    },
  );

  it('never trains or returns an inactive service', () => {
    for (const text of ['necesito una licencia de office', 'quiero instalar office en mi equipo', 'licencias de software']) {
      const decision = router.route(text);
      expect(decision.code).not.toBe('SOFTWARE-LICENCIA');
      expect(decision.alternatives.map((a) => a.code)).not.toContain('SOFTWARE-LICENCIA');
    }
  });

  it('routes blank text out of scope with confidence 0', () => {
    for (const text of ['', '   ', '¿?']) {
      expect(router.route(text)).toEqual({ text, decision: 'out_of_scope', code: null, confidence: 0, alternatives: [] });
    }
  });

  it('is deterministic for a seed', () => {
    const again = Router.train(CATALOG, { seed: 1 });
    const texts = ['no me conecta el wifi', 'olvidé mi contraseña', 'hola', 'la vpn y el correo no sirven'];
    expect(texts.map((t) => again.route(t))).toEqual(texts.map((t) => router.route(t)));
    expect({ ...again.info, trainMs: 0 }).toEqual({ ...router.info, trainMs: 0 });
  });
});

describe('Router ambiguity and calibration', () => {
  const twins: TrainingCatalog = {
    language: 'es',
    services: [
      service('IMPRESORA-PISO-1', 'Impresora del piso uno', 'Impresión', ['la impresora no imprime', 'se atasca la impresora', 'la impresora no tiene tóner']),
      service('IMPRESORA-PISO-2', 'Impresora del piso dos', 'Impresión', ['la impresora no imprime', 'se atasca la impresora', 'la impresora no tiene tóner']),
      service('CORREO', 'Correo institucional', 'Correo', ['no puedo entrar a mi correo', 'olvidé la contraseña del correo', 'no me llegan correos']),
    ],
    outOfScopeExamples: ['quiero ver mis calificaciones'],
  };

  it('is ambiguous when two services are equally likely, offering the other one', () => {
    const decision = Router.train(twins).route('la impresora no imprime');
    expectWellFormed(decision);
    expect(decision.decision).toBe('ambiguous');
    expect(['IMPRESORA-PISO-1', 'IMPRESORA-PISO-2']).toContain(decision.code);
    const other = decision.code === 'IMPRESORA-PISO-1' ? 'IMPRESORA-PISO-2' : 'IMPRESORA-PISO-1';
    expect(decision.alternatives[0]?.code).toBe(other);
  });

  it('calibrates on a given set and reports it', () => {
    const router = Router.train(twins, {
      calibration: { inScope: [{ text: 'mi correo no abre', code: 'CORREO' }], outOfScope: ['horario de la biblioteca'] },
    });
    expect(router.info.calibratedOn).toBe('given');
    expect(router.route('no puedo abrir mi correo').code).toBe('CORREO');
  });

  it('calibrates on one held-out fold and continues its model when the catalogue is large', () => {
    const router = Router.train(CATALOG, { singleFoldAbove: 10 });
    expect(router.info.calibratedOn).toBe('heldout');
    expect(router.route('no me conecta el guifi').code).toBe('RED-WIFI');
    expect(router.route('la compu no prende').code).toBe('EQUIPO-NO-ENCIENDE');
    expect(router.route('me pasas la receta del pastel de chocolate').code).toBeNull();
  });

  it('reads numbers said in words through the spoken-numbers hook', () => {
    const spokenNumbers = jest.fn((text: string) => text);
    const router = Router.train(twins, { spokenNumbers });
    router.route('mi extensión es cuatro dos');
    expect(spokenNumbers).toHaveBeenCalledWith('mi extensión es cuatro dos', 'es');
  });

  it('needs at least one active service', () => {
    const inactive = { ...twins, services: twins.services.map((s) => ({ ...s, active: false })) };
    expect(() => Router.train(inactive)).toThrow(/no active service/);
  });
});

describe('Router (en)', () => {
  const router = Router.train({
    language: 'en',
    services: [
      service('EMAIL-PASSWORD', 'Email password reset', 'Email', ['i forgot my email password', 'reset the password of my mailbox', 'i am locked out of my email']),
      service('WIFI', 'Wireless network fault', 'Network', ['the wifi does not work', 'i can not connect to the wireless network', 'no internet in my office']),
      service('PRINTER', 'Printer fault', 'Hardware', ['the printer does not print', 'paper jam in the printer', 'my printer shows an error']),
    ],
    outOfScopeExamples: ['what is the cafeteria menu today', 'when is payday'],
  });

  it('routes English paraphrases with English normalisation', () => {
    expect(router.info.language).toBe('en');
    expect(router.route("I can't remember my e-mail pasword").code).toBe('EMAIL-PASSWORD');
    expect(router.route('my wi-fi keeps dropping').code).toBe('WIFI');
    expect(router.route('the printers are jammed').code).toBe('PRINTER');
    expect(router.route('what time is it in tokyo').decision).toBe('out_of_scope');
  });
});
