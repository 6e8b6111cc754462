import {
  IMPACT_CHOICES, IMPACT_QUESTION, URGENCY_CHOICES, URGENCY_QUESTION, parseImpact, parseUrgency, parseUrgencyCue,
  type Impact, type Urgency,
} from '../../services/script/impact';
import { IMPACT_LEVELS, URGENCY_LEVELS } from '../../services/tickets/priority';

describe('parseImpact (answers to «¿A cuántas personas afecta?»)', () => {
  it.each<[string, Impact]>([
    ['solo a mí', 'minor'],
    ['Sólo a mí', 'minor'],
    ['nada más yo', 'minor'],
    ['a mí', 'minor'],
    ['nomás a mí', 'minor'],
    ['solamente yo', 'minor'],
    ['nada más a mí, a nadie más', 'minor'],
    ['solo mi computadora', 'minor'],
    ['una persona', 'minor'],
    ['1', 'minor'],
    ['a mi área', 'moderate'],
    ['a toda mi oficina', 'moderate'],
    ['a mi departamento', 'moderate'],
    ['a unos compañeros', 'moderate'],
    ['a mí y a mi compañero', 'moderate'],
    ['todos los de mi oficina', 'moderate'],
    ['a mí y a todo mi departamento', 'moderate'],
    ['2', 'moderate'],
    ['dos o tres', 'moderate'],
    ['tres personas', 'moderate'],
    ['unos diez compañeros', 'moderate'],
    ['somos doce en la oficina', 'moderate'],
    ['a 15', 'moderate'],
    ['a varias áreas', 'significant'],
    ['varios departamentos', 'significant'],
    ['a todo el edificio', 'significant'],
    ['a todo el piso', 'significant'],
    ['a todo el salón', 'significant'],
    ['a la mitad', 'significant'],
    ['casi todos', 'significant'],
    ['como veinte personas', 'significant'],
    ['16', 'significant'],
    ['100 alumnos', 'significant'],
    ['doscientos', 'significant'],
    ['al 50 %', 'significant'],
    ['a todos', 'extensive'],
    ['todos', 'extensive'],
    ['a toda la escuela', 'extensive'],
    ['a toda la unidad', 'extensive'],
    ['a toda la voca', 'extensive'],
    ['a todo el instituto', 'extensive'],
    ['a todos los alumnos', 'extensive'],
    ['nadie puede entrar', 'extensive'],
    ['más de 300', 'extensive'],
    ['doscientas cincuenta personas', 'extensive'],
    ['mil personas', 'extensive'],
    ['al 100 por ciento', 'extensive'],
  ])('%s → %s', (text, impact) => {
    expect(parseImpact(text)).toBe(impact);
  });

  it.each(['no sé', 'a ninguno', '¿cómo?', '', 'desde hace 3 días'])('«%s» → null', (text) => {
    expect(parseImpact(text)).toBeNull();
  });

  it('offers one choice per level, each parsing back to its level', () => {
    expect(IMPACT_QUESTION).toMatch(/^¿A cuántas personas afecta/);
    expect(IMPACT_CHOICES.map((c) => c.impact)).toEqual([...IMPACT_LEVELS].reverse());
    for (const { label, impact } of IMPACT_CHOICES) expect(parseImpact(label)).toBe(impact);
  });
});

describe('parseUrgencyCue (urgency words in a description)', () => {
  it.each<[string, 'critical' | 'high' | null]>([
    ['todo el sistema está caído', 'critical'],
    ['se cayó el servidor', 'critical'],
    ['nadie puede entrar al SAES', 'critical'],
    ['no podemos trabajar, no hay red', 'critical'],
    ['tengo examen ahorita y no carga la plataforma', 'critical'],
    ['no me deja timbrar la nómina y es hoy', 'critical'],
    ['es urgente', 'high'],
    ['no puedo trabajar', 'high'],
    ['lo necesito de inmediato', 'high'],
    ['ahorita no puedo entrar al correo', 'high'],
    ['necesito el acceso para el examen del lunes', 'high'],
    ['no me aparece la nómina', 'high'],
    ['no funciona nada', 'high'],
    ['olvidé mi contraseña', null],
    ['la impresora no imprime a color', null],
    ['mi computadora está lenta', null],
    ['no es urgente, cuando puedan', null],
    ['quiero instalar office', null],
  ])('%s → %s', (text, urgency) => {
    expect(parseUrgencyCue(text)).toBe(urgency);
  });
});

describe('parseUrgency (answers to the urgency question)', () => {
  it.each<[string, Urgency]>([
    ['no, nada', 'critical'],
    ['no', 'critical'],
    ['estoy detenido', 'critical'],
    ['no puedo hacer nada', 'critical'],
    ['la verdad no', 'critical'],
    ['no, estamos detenidos todos', 'critical'],
    ['sí, pero con mucha dificultad', 'high'],
    ['más o menos', 'high'],
    ['sí pero es urgente', 'high'],
    ['a duras penas', 'high'],
    ['sí', 'medium'],
    ['pues sí', 'medium'],
    ['sí, puedo hacer otras cosas', 'medium'],
    ['sí, en otra computadora', 'medium'],
    ['de momento sí, con otra máquina', 'medium'],
    ['sí, puede esperar', 'low'],
    ['no hay prisa', 'low'],
    ['no es urgente', 'low'],
    ['cuando puedan', 'low'],
  ])('%s → %s', (text, urgency) => {
    expect(parseUrgency(text)).toBe(urgency);
  });

  it.each(['no sé', '¿cómo?', ''])('«%s» → null', (text) => {
    expect(parseUrgency(text)).toBeNull();
  });

  it('asks in plain words and offers one choice per level, each parsing back to its level', () => {
    expect(URGENCY_QUESTION).toMatch(/^¿Puede seguir trabajando de otra forma mientras/);
    expect(URGENCY_CHOICES.map((c) => c.urgency)).toEqual([...URGENCY_LEVELS]);
    for (const { label, urgency, definition } of URGENCY_CHOICES) {
      expect(parseUrgency(label)).toBe(urgency);
      expect(definition.length).toBeGreaterThan(10);
    }
  });
});
