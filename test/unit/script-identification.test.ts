import {
  ROLE_LABELS, parseEmail, parseExtension, parseFullName, parseIdentification, parsePhone, parseResolved, parseRole,
  parseYesNo, validateEmail, type Identification, type IdentificationSlot, type RequesterRole,
} from '../../services/script/identification';
import { UnitMatcher, defaultUnits } from '../../services/script/units';

const units = new UnitMatcher(defaultUnits());
const NOW = new Date('2026-11-20T11:00:00-06:00');
const clock = { now: NOW, timeZone: 'America/Mexico_City' };

/** The slots found, with units reduced to their codes for readable tables. */
function slots(text: string, expect?: IdentificationSlot | IdentificationSlot[]): Record<string, unknown> {
  const { unit, unitCandidate, unitOptions, ...rest }: Identification = parseIdentification(text, { ...clock, units, expect });
  const out: Record<string, unknown> = { ...rest };
  if (unit) out.unit = unit.code;
  if (unitCandidate) out.unitCandidate = unitCandidate.code;
  if (unitOptions) out.unitOptions = unitOptions.map((u) => u.code).sort();
  return out;
}

describe('parseRole', () => {
  it.each<[string, RequesterRole]>([
    ['soy profesor', 'docente'],
    ['Maestra', 'docente'],
    ['docente', 'docente'],
    ['soy la maestra Ana', 'docente'],
    ['investigador', 'docente'],
    ['doy clases en la ESCOM', 'docente'],
    ['profe de la voca 9', 'docente'],
    ['personal administrativo', 'administrativo'],
    ['trabajo en la dirección', 'administrativo'],
    ['trabajo en el departamento de recursos humanos', 'administrativo'],
    ['trabajo en la Secretaría Académica', 'administrativo'],
    ['PAAE', 'administrativo'],
    ['soy paae de la ESIME', 'administrativo'],
    ['soy la secretaria del director', 'administrativo'],
    ['soy jefa de departamento', 'administrativo'],
    ['administrativa', 'administrativo'],
    ['no soy docente, soy administrativo', 'administrativo'],
    ['soy alumno', 'estudiante'],
    ['estudiante', 'estudiante'],
    ['alumna de quinto semestre', 'estudiante'],
    ['estudio en la UPIICSA', 'estudiante'],
    ['soy de servicio social', 'estudiante'],
    ['egresado', 'otro'],
    ['soy egresada de la ESCOM', 'otro'],
    ['soy ex alumno', 'otro'],
    ['padre de familia', 'otro'],
    ['soy mamá de un alumno', 'otro'],
    ['externo', 'otro'],
    ['soy externo', 'otro'],
    ['no soy del politécnico', 'otro'],
  ])('%s → %s', (text, role) => {
    expect(parseRole(text)).toBe(role);
  });

  it.each([
    'mi maestra no puede entrar a la plataforma',
    'los alumnos no tienen internet',
    'tengo un disco duro externo',
    'el profe no ha subido mi calificación',
    'me salen alumnos duplicados en la lista para calificar',
    'solicito cuentas de correo para tres administrativos',
    'un investigador visitante quiere usar eduroam',
    'soy personal de nuevo ingreso',
    'hola buenos días',
    'no',
  ])('no role in «%s»', (text) => {
    expect(parseRole(text)).toBeNull();
  });

  it('has Spanish labels for every role', () => {
    expect(ROLE_LABELS).toEqual({
      docente: 'Docente',
      administrativo: 'Personal administrativo',
      estudiante: 'Estudiante',
      otro: 'Otro',
    });
  });
});

describe('parseExtension', () => {
  it.each<[string, ReturnType<typeof parseExtension>]>([
    ['52030', { status: 'found', value: '52030' }],
    ['mi extensión es 52030', { status: 'found', value: '52030' }],
    ['extensión cinco dos cero tres cero', { status: 'found', value: '52030' }],
    ['la cincuenta y dos cero treinta', { status: 'found', value: '52030' }],
    ['ext. 29832', { status: 'found', value: '29832' }],
    ['no tengo extensión', { status: 'none' }],
    ['no tengo', { status: 'none' }],
    ['ninguna', { status: 'none' }],
    ['no cuento con extensión, solo celular', { status: 'none' }],
    ['mi extensión es 12', { status: 'invalid', raw: '12', reason: 'length' }],
    ['ext 1234567', { status: 'invalid', raw: '1234567', reason: 'length' }],
    ['88', { status: 'invalid', raw: '88', reason: 'length' }],
    ['no sé cuál es', { status: 'absent' }],
  ])('%s → %j', (text, result) => {
    expect(parseExtension(text, clock)).toEqual(result);
  });

  it('never takes an extension from inside a phone', () => {
    expect(parseExtension('5512345678', clock)).toEqual({ status: 'absent' });
    expect(parseExtension('mi cel es 55 1234 5678', clock)).toEqual({ status: 'absent' });
    expect(parseExtension('tel 55 5729 6000 ext. 52030', clock)).toEqual({ status: 'found', value: '52030' });
  });

  it('reads a bare "no tengo" as none only when the extension was asked for', () => {
    expect(parseExtension('no tengo', { ...clock, asked: false })).toEqual({ status: 'absent' });
  });
});

describe('parsePhone', () => {
  it.each<[string, ReturnType<typeof parsePhone>]>([
    ['5512345678', { status: 'found', value: '5512345678' }],
    ['mi cel es 55 1234 5678', { status: 'found', value: '5512345678' }],
    ['+52 1 55 1234 5678', { status: 'found', value: '5512345678' }],
    ['cincuenta y cinco, doce, treinta y cuatro, cincuenta y seis, setenta y ocho', { status: 'found', value: '5512345678' }],
    ['no tengo celular', { status: 'none' }],
    ['no tengo', { status: 'none' }],
    ['mi cel es 55 1234 567', { status: 'invalid', raw: '551234567', reason: 'length' }],
    ['5729 6000', { status: 'invalid', raw: '57296000', reason: 'length' }],
    ['55 1234 56789', { status: 'invalid', raw: '55123456789', reason: 'length' }],
    ['0123456789', { status: 'invalid', raw: '0123456789', reason: 'format' }],
    ['52030', { status: 'invalid', raw: '52030', reason: 'length' }],
    ['claro, un momento', { status: 'absent' }],
  ])('%s → %j', (text, result) => {
    expect(parsePhone(text, clock)).toEqual(result);
  });

  it('does not mistake an extension for a short phone when the phone was not asked for', () => {
    expect(parsePhone('mi extensión es 52030', { ...clock, asked: false })).toEqual({ status: 'absent' });
    expect(parsePhone('mi teléfono es 57296000 extensión 52030', { ...clock, asked: false }))
      .toEqual({ status: 'invalid', raw: '57296000', reason: 'length' });
  });
});

describe('parseEmail / validateEmail', () => {
  it.each<[string, ReturnType<typeof parseEmail>]>([
    ['Juan.Perez@IPN.mx', { status: 'found', value: 'juan.perez@ipn.mx' }],
    ['mi correo es agomez@ipn.mx.', { status: 'found', value: 'agomez@ipn.mx' }],
    ['juan punto perez arroba ipn punto mx', { status: 'found', value: 'juan.perez@ipn.mx' }],
    ['maria guion bajo lopez arroba alumno punto ipn punto mx', { status: 'found', value: 'maria_lopez@alumno.ipn.mx' }],
    ['no tengo correo', { status: 'none' }],
    ['juan@ipn', { status: 'invalid', raw: 'juan@ipn', reason: 'domain' }],
    ['juan arroba ipn', { status: 'invalid', raw: 'juan arroba ipn', reason: 'domain' }],
    ['juan@@ipn.mx', { status: 'invalid', raw: 'juan@@ipn.mx', reason: 'format' }],
    ['juan..perez@ipn.mx', { status: 'invalid', raw: 'juan..perez@ipn.mx', reason: 'format' }],
    ['juan.@ipn.mx', { status: 'invalid', raw: 'juan.@ipn.mx', reason: 'format' }],
    ['juan@-ipn.mx', { status: 'invalid', raw: 'juan@-ipn.mx', reason: 'domain' }],
    ['juan@gmial.com', { status: 'invalid', raw: 'juan@gmial.com', reason: 'typo', suggestion: 'juan@gmail.com' }],
    ['juan@hotmail.con', { status: 'invalid', raw: 'juan@hotmail.con', reason: 'typo', suggestion: 'juan@hotmail.com' }],
    ['ana@alumnos.ipn.mx', { status: 'invalid', raw: 'ana@alumnos.ipn.mx', reason: 'typo', suggestion: 'ana@alumno.ipn.mx' }],
    ['jp@empresa.con', { status: 'invalid', raw: 'jp@empresa.con', reason: 'typo', suggestion: 'jp@empresa.com' }],
    ['sí, claro', { status: 'absent' }],
  ])('%s → %j', (text, result) => {
    expect(parseEmail(text, clock)).toEqual(result);
  });

  it.each(['a@ipn.mx', 'juan.perez+cau@alumno.ipn.mx', 'x_y-z@sub.dominio.com.mx', 'maestro@upn.mx', 'jp@yahoo.com.mx'])('accepts %s', (address) => {
    expect(validateEmail(address)).toEqual({ status: 'found', value: address });
  });
});

describe('parseFullName', () => {
  it.each([
    ['me llamo Juan Pérez López', 'Juan Pérez López'],
    ['soy la maestra Ana María Gómez', 'Ana María Gómez'],
    ['Juan Pérez', 'Juan Pérez'],
    ['juan perez', 'Juan Perez'],
    ['mi nombre es María de la Luz Hernández García', 'María de la Luz Hernández García'],
    ['JOSÉ DE JESÚS MARTÍNEZ DEL ÁNGEL', 'José de Jesús Martínez del Ángel'],
    ['Ma. Guadalupe Sánchez', 'Ma. Guadalupe Sánchez'],
    ['buenos días, Roberto Carlos Díaz del Castillo', 'Roberto Carlos Díaz del Castillo'],
    ['sí, claro: Laura Méndez', 'Laura Méndez'],
    ['Ana Rosa Flores de la Cruz', 'Ana Rosa Flores de la Cruz'],
    ['la Dra. Patricia Rojas', 'Patricia Rojas'],
    ['Juan Pérez de la ESCOM', 'Juan Pérez'],
    ['Juan Pérez, extensión 52030', 'Juan Pérez'],
    ['le habla el ingeniero Luis Hernández', 'Luis Hernández'],
  ])('%s → %s', (text, name) => {
    expect(parseFullName(text, { units })).toEqual({ name });
  });

  it.each<[string, 'single_word' | 'not_a_name']>([
    ['Juan', 'single_word'],
    ['Pérez', 'single_word'],
    ['me llamo Juan', 'single_word'],
    ['no sé', 'not_a_name'],
    ['para qué', 'not_a_name'],
    ['¿para qué quiere mi nombre?', 'not_a_name'],
    ['no quiero dar mi nombre', 'not_a_name'],
    ['juan@ipn.mx', 'not_a_name'],
    ['12345', 'not_a_name'],
    ['Juan 123', 'not_a_name'],
    ['', 'not_a_name'],
  ])('%s → %s', (text, problem) => {
    expect(parseFullName(text, { units })).toEqual({ problem });
  });
});

describe('parseIdentification', () => {
  it.each<[string, Record<string, unknown>]>([
    ['Soy docente de la ESCOM, mi extensión es 52030', { role: 'docente', unit: 'ESCOM', extension: '52030' }],
    ['soy la maestra Ana María Gómez de la ESIME Zacatenco', { name: 'Ana María Gómez', role: 'docente', unit: 'ESIME-ZAC' }],
    ['Me llamo Juan Pérez López y trabajo en la UPIICSA', { name: 'Juan Pérez López', unit: 'UPIICSA' }],
    ['Soy Juan Pérez de la ESCOM', { name: 'Juan Pérez', unit: 'ESCOM' }],
    ['hola buenos días, soy Ana López, docente de la ESIA Tecamachalco', { name: 'Ana López', role: 'docente', unit: 'ESIA-TEC' }],
    ['soy alumno de la voca nueve', { role: 'estudiante', unit: 'CECYT-9' }],
    ['soy del cecyt 9, extensión 52030', { unit: 'CECYT-9', extension: '52030' }],
    ['Soy PAAE en la ENCB', { role: 'administrativo', unit: 'ENCB' }],
    ['trabajo en la dirección de cómputo y comunicaciones, ext 29832', { role: 'administrativo', unit: 'DCYC', extension: '29832' }],
    ['mi correo es agomez@escom.ipn.mx y mi cel 55 1234 5678', { email: 'agomez@escom.ipn.mx', phone: '5512345678' }],
    ['mi correo es agomez arroba escom punto ipn punto mx', { email: 'agomez@escom.ipn.mx' }],
    ['no tengo extensión, mi celular es 5512345678', { noExtension: true, phone: '5512345678' }],
    ['mi teléfono es 57296000 extensión 52030', { invalidPhone: '57296000', extension: '52030' }],
    ['juan@gmial.com', { invalidEmail: 'juan@gmial.com', emailSuggestion: 'juan@gmail.com' }],
    ['soy de la ESIME', { unitOptions: ['ESIME-AZC', 'ESIME-CUL', 'ESIME-TIC', 'ESIME-ZAC'] }],
    ['de la escuela superior de ingeniería mecánica de zacatenco', { unitCandidate: 'ESIME-ZAC' }],
    ['soy de la Upiicssa', { unit: 'UPIICSA' }],
    ['la escom', { unit: 'ESCOM' }],
    ['mi escuela no tiene internet', {}],
    ['soy juan pérez', {}], // lower case after "soy": only when the name was asked for
    ['mi maestra no puede entrar', {}],
    // Numbers and words that only look like contact data.
    ['el disco está al 100 % en el administrador de tareas', {}],
    ['¿qué usuario uso, con arroba o sin arroba?', {}],
    ['formateo del equipo con número de inventario 0451236', {}],
  ])('%s', (text, expected) => {
    expect(slots(text)).toEqual(expected);
  });

  it('never reads an extension out of a phone, nor a school number as an extension', () => {
    expect(slots('mi cel es 5512345678')).toEqual({ phone: '5512345678' });
    expect(slots('55 1234 5678')).toEqual({ phone: '5512345678' });
    expect(slots('voca 19')).toEqual({ unit: 'CECYT-19' });
    expect(slots('cecyt número nueve')).toEqual({ unit: 'CECYT-9' });
  });

  it('takes a bare name, or reports why not, when the name was asked for', () => {
    expect(slots('juan pérez lópez', 'name')).toEqual({ name: 'Juan Pérez López' });
    expect(slots('Juan', 'name')).toEqual({ nameProblem: 'single_word' });
    expect(slots('para qué', 'name')).toEqual({ nameProblem: 'not_a_name' });
    expect(slots('Laura Méndez, de la ESFM', 'name')).toEqual({ name: 'Laura Méndez', unit: 'ESFM' });
    expect(slots('Laura Méndez')).toEqual({});
  });

  it('reads bare answers according to the question just asked', () => {
    expect(slots('no tengo', 'extension')).toEqual({ noExtension: true });
    expect(slots('no tengo')).toEqual({});
    expect(slots('52030', 'extension')).toEqual({ extension: '52030' });
    expect(slots('52030', 'phone')).toEqual({ extension: '52030', invalidPhone: '52030' });
    expect(slots('5512', 'phone')).toEqual({ invalidPhone: '5512' });
    expect(slots('12', 'extension')).toEqual({ invalidExtension: '12' });
  });

  it('reads an answer to a combined question («nombre, correo y teléfono»)', () => {
    expect(slots('Marta Ruiz Díaz, marta.ruiz@ipn.mx, 5511112222', ['name', 'email', 'phone']))
      .toEqual({ name: 'Marta Ruiz Díaz', email: 'marta.ruiz@ipn.mx', phone: '5511112222' });
    expect(slots('Pedro Gómez Luna, pedro@@ipn, 55 1234', ['name', 'email', 'phone']))
      .toEqual({ name: 'Pedro Gómez Luna', invalidEmail: 'pedro@@ipn', invalidPhone: '551234' });
  });

  it('does not take a unit from a name ("me llamo Benito Juárez")', () => {
    expect(slots('me llamo Benito Juárez')).toEqual({ name: 'Benito Juárez' });
    expect(slots('me llamo Benito Juárez y estoy en la voca 5')).toEqual({ name: 'Benito Juárez', unit: 'CECYT-5' });
  });
});

describe('parseYesNo / parseResolved', () => {
  it.each<[string, boolean | undefined]>([
    ['sí', true], ['Sí, correcto', true], ['así es', true], ['claro que sí', true], ['órale', true], ['simón', true],
    ['sip', true], ['ok', true], ['de acuerdo', true], ['creo que sí', true], ['no hay problema', true],
    ['no', false], ['ya no', false], ['claro que no', false], ['nel', false], ['negativo', false], ['mmm no', false],
    ['no se resolvió', false], ['para nada', false],
    ['no sé', undefined], ['tal vez', undefined], ['¿cómo?', undefined], ['', undefined],
  ])('parseYesNo(%s) → %s', (text, value) => {
    expect(parseYesNo(text)).toBe(value);
  });

  it.each<[string, boolean | undefined]>([
    ['sí', true], ['sí se resolvió', true], ['ya funciona, gracias', true], ['ya quedó', true], ['listo', true],
    ['ya no sale el error', true], ['sí, ya puedo entrar', true], ['perfecto, muchas gracias', true], ['ya jala', true],
    ['no', false], ['no funcionó', false], ['sigue igual', false], ['no, sigue fallando', false], ['todavía no', false],
    ['no se resolvió', false], ['ya no prende', false], ['igual', false], ['sí, pero sigue marcando error', false],
    ['el mismo error', false], ['ya no', false],
    ['ya entra pero sigue lento', undefined], ['no sé si ya quedó', undefined], ['¿qué?', undefined],
  ])('parseResolved(%s) → %s', (text, value) => {
    expect(parseResolved(text)).toBe(value);
  });
});

describe('accented e-mail addresses', () => {
  it('are offered without accents («¿Quiso decir…?»), never rewritten silently', () => {
    expect(validateEmail('José.Núñez@ipn.mx')).toEqual({ status: 'invalid', raw: 'José.Núñez@ipn.mx', reason: 'typo', suggestion: 'jose.nunez@ipn.mx' });
    expect(validateEmail('Jose.Nunez@IPN.mx')).toEqual({ status: 'found', value: 'jose.nunez@ipn.mx' });
  });
});
