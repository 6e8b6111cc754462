import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  UNIT_CONFIDENCE, UnitMatcher, UnitsValidationError, defaultUnits, loadUnits, readUnitsFile, unitDecision, type Unit,
} from '../../services/script/units';

const units = defaultUnits();
const matcher = new UnitMatcher(units);
const codeOf = (text: string): string | null => matcher.match(text)?.unit.code ?? null;

function problemsOf(input: unknown): string[] {
  try {
    loadUnits(input);
  } catch (error) {
    if (error instanceof UnitsValidationError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('default units (IPN)', () => {
  it('ships 60–90 units with unique codes and names', () => {
    expect(units.length).toBeGreaterThanOrEqual(60);
    expect(units.length).toBeLessThanOrEqual(90);
    expect(new Set(units.map((u) => u.code)).size).toBe(units.length);
    expect(new Set(units.map((u) => u.name)).size).toBe(units.length);
  });

  it('covers schools, centres, the 19 CECyT, the CET 1 and central areas', () => {
    const codes = new Set(units.map((u) => u.code));
    for (const code of ['ESCOM', 'ESIME-ZAC', 'ESIME-CUL', 'ESIME-AZC', 'ESIME-TIC', 'ESIA-ZAC', 'ESIA-TEC', 'ESIA-TIC', 'ESFM',
      'ESIQIE', 'ESIT', 'UPIICSA', 'UPIITA', 'UPIBI', 'UPIIZ', 'UPIIG', 'UPIIH', 'UPIIC', 'UPIIT', 'ENCB', 'ESM', 'ENMYH',
      'ESE', 'ESCA-STO', 'ESCA-TEP', 'EST', 'ESEO', 'CICS-MA', 'CICS-ST', 'CIC', 'CET-1', 'DG', 'SA', 'SAD', 'DES', 'DEMS',
      'CGSI', 'XEIPN', 'BNCT', 'CCJTB', 'DCH']) {
      expect(codes).toContain(code);
    }
    for (let n = 1; n <= 19; n += 1) expect(codes).toContain(`CECYT-${n}`);
    expect(units.find((u) => u.code === 'CECYT-9')?.name).toContain('Juan de Dios Bátiz');
    expect(units.find((u) => u.code === 'CET-1')?.name).toContain('Walter Cross Buchanan');
  });
});

describe('loadUnits / readUnitsFile', () => {
  const escom: Unit = { code: 'ESCOM', name: 'Escuela Superior de Cómputo', aliases: ['escom'] };

  it('accepts an array or {units: [...]}, aliases optional', () => {
    expect(loadUnits([escom])).toEqual([escom]);
    expect(loadUnits({ units: [escom] })).toEqual([escom]);
    expect(loadUnits([{ code: 'CIC', name: 'Centro de Investigación en Computación' }])).toEqual([
      { code: 'CIC', name: 'Centro de Investigación en Computación', aliases: [] },
    ]);
  });

  it.each<[string, unknown, string]>([
    ['duplicate codes', [escom, { ...escom, name: 'Otra' }], '[1].code: código repetido: ESCOM (ya está en [0])'],
    ['duplicate codes (wrapped)', { units: [escom, escom] }, 'units[1].code: código repetido: ESCOM'],
    ['an empty name', [{ ...escom, name: '  ' }], '[0].name: el nombre no puede estar vacío'],
    ['a missing name', [{ code: 'X', aliases: [] }], '[0].name: campo obligatorio'],
    ['a bad code', [{ ...escom, code: 'escom' }], '[0].code: código inválido'],
    ['an unknown field', [{ ...escom, color: 'azul' }], '[0]: campo desconocido: color'],
    ['a generic alias', [{ ...escom, aliases: ['escom', 'la escuela'] }], '[0].aliases[1]: el alias «la escuela» es una palabra genérica'],
    ['an alias of articles only', [{ ...escom, aliases: ['de la'] }], '[0].aliases[0]: el alias «de la» no tiene ninguna palabra'],
    ['an empty list', [], 'la lista de unidades no puede estar vacía'],
    ['not a list', 'ESCOM', 'se esperaba una lista de unidades'],
    ['an unknown top-level field', { units: [escom], version: 2 }, 'campo desconocido: version'],
  ])('reports %s with its path, in Spanish', (_label, input, expected) => {
    expect(problemsOf(input).join('\n')).toContain(expected);
  });

  it('reports every problem at once', () => {
    expect(problemsOf([{ ...escom, name: '' }, escom, { code: 'A B', name: 'x' }])).toHaveLength(3);
  });

  it('reads a file holding an array or {units}', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ventanilla-units-'));
    try {
      const plain = path.join(dir, 'plain.json');
      const wrapped = path.join(dir, 'wrapped.json');
      const broken = path.join(dir, 'broken.json');
      fs.writeFileSync(plain, JSON.stringify([escom]));
      fs.writeFileSync(wrapped, JSON.stringify({ units: [escom] }));
      fs.writeFileSync(broken, '[{"code": ');
      expect(readUnitsFile(plain)).toEqual([escom]);
      expect(readUnitsFile(wrapped)).toEqual([escom]);
      expect(() => readUnitsFile(broken)).toThrow(/no es JSON válido/);
      expect(() => readUnitsFile(path.join(dir, 'missing.json'))).toThrow(/no se pudo leer/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('UnitMatcher.match', () => {
  it.each([
    // Acronyms, articles, case and accents.
    ['ESCOM', 'ESCOM'],
    ['soy de la escom', 'ESCOM'],
    ['Trabajo en la Escuela Superior de Cómputo', 'ESCOM'],
    ['en la superior de computo', 'ESCOM'],
    ['escom en zacatenco', 'ESCOM'],
    ['upiita', 'UPIITA'],
    ['la UPIICSA', 'UPIICSA'],
    ['upicsa', 'UPIICSA'],
    ['ESIME Zacatenco', 'ESIME-ZAC'],
    ['la ESIME de Culhuacán', 'ESIME-CUL'],
    ['la UPIITA en Ticomán', 'UPIITA'],
    ['esime unidad azcapotzalco', 'ESIME-AZC'],
    ['ESIA Tecamachalco', 'ESIA-TEC'],
    ['esia teca', 'ESIA-TEC'],
    ['ESCA Tepepan', 'ESCA-TEP'],
    ['cics milpa alta', 'CICS-MA'],
    ['la ENCB', 'ENCB'],
    ['Escuela Nacional de Medicina y Homeopatía', 'ENMYH'],
    // Numbered schools in every form.
    ['vocacional 9', 'CECYT-9'],
    ['la voca nueve', 'CECYT-9'],
    ['CECyT No. 9', 'CECYT-9'],
    ['cecyt número nueve', 'CECYT-9'],
    ['cecyt9', 'CECYT-9'],
    ['la bátiz', 'CECYT-9'],
    ['Juan de Dios Bátiz', 'CECYT-9'],
    ['voca diecinueve', 'CECYT-19'],
    ['la voca 19', 'CECYT-19'],
    ['CECyT 1', 'CECYT-1'],
    ['cecyt uno', 'CECYT-1'],
    ['cet 1', 'CET-1'],
    ['el cet uno', 'CET-1'],
    ['la Walter Cross', 'CET-1'],
    ['voca Cuauhtémoc', 'CECYT-7'],
    // Typing and speech-to-text errors.
    ['ESCON', 'ESCOM'],
    ['Upiicssa', 'UPIICSA'],
    ['ESIME zacatenko', 'ESIME-ZAC'],
    ['e s c o m', 'ESCOM'],
    ['es com', 'ESCOM'],
    ['upi ita', 'UPIITA'],
    ['la boca nueve', 'CECYT-9'],
    // Central areas.
    ['trabajo en la Dirección General de Capital Humano', 'DCH'],
    ['estoy en la Dirección General', 'DG'],
    ['Coordinación General de Servicios Informáticos', 'CGSI'],
    ['Canal Once', 'XEIPN'],
    ['la biblioteca nacional', 'BNCT'],
    ['soy de la ESE', 'ESE'],
    ['la SIP', 'SIP'],
  ])('%s → %s', (text, code) => {
    expect(codeOf(text)).toBe(code);
  });

  it.each([
    'mi escuela no tiene internet',
    'la escuela',
    'el centro de cómputo no funciona',
    'trabajo en la dirección',
    'soy de la unidad zacatenco',
    'ese equipo no prende',
    'esta impresora no sirve',
    'sip, así es',
    'me llamo Benito Juárez',
    'cecyt 20',
    'la voca',
    'superior',
  ])('no unit in «%s»', (text) => {
    expect(matcher.match(text)).toBeNull();
    expect(matcher.candidates(text)).toEqual([]);
  });

  it('reports exact matches as exact with score 1, corrections as inexact but accepted', () => {
    expect(matcher.match('la escom')).toMatchObject({ score: 1, exact: true });
    const typo = matcher.match('ESCON');
    expect(typo).toMatchObject({ exact: false });
    expect(typo?.score).toBeGreaterThanOrEqual(UNIT_CONFIDENCE.accept);
    expect(typo !== null && unitDecision(typo)).toBe('accept');
  });

  it('asks for confirmation when a long official name is said incompletely', () => {
    const match = matcher.match('escuela superior de ingeniería mecánica de zacatenco');
    expect(match?.unit.code).toBe('ESIME-ZAC');
    expect(match?.exact).toBe(false);
    expect(match?.score).toBeGreaterThanOrEqual(UNIT_CONFIDENCE.minimum);
    expect(match?.score).toBeLessThan(UNIT_CONFIDENCE.accept);
    expect(match !== null && unitDecision(match)).toBe('confirm');
  });

  it('returns null for an acronym shared by several units, and offers them as candidates', () => {
    expect(matcher.match('soy de la ESIME')).toBeNull();
    const analysis = matcher.analyze('soy de la ESIME');
    expect(analysis.ambiguous).toBe(true);
    expect(analysis.candidates.map((c) => c.unit.code).sort()).toEqual(['ESIME-AZC', 'ESIME-CUL', 'ESIME-TIC', 'ESIME-ZAC']);
    expect(matcher.candidates('ESIA', 2)).toHaveLength(2);
    expect(matcher.candidates('Escuela Superior de Comercio y Administración').map((c) => c.unit.code).sort())
      .toEqual(['ESCA-STO', 'ESCA-TEP']);
  });

  it('treats two different units in one sentence as ambiguous', () => {
    expect(matcher.analyze('antes estaba en la ESCOM y ahora en la UPIITA')).toMatchObject({ match: null, ambiguous: true });
  });

  it('matches capitals-only aliases only when written in capitals', () => {
    expect(codeOf('la ESE')).toBe('ESE');
    expect(codeOf('la ese')).toBeNull();
    expect(codeOf('Escuela Superior de Economía')).toBe('ESE');
  });

  it('works with a configured list, and refuses an empty one', () => {
    const own = new UnitMatcher(loadUnits([
      { code: 'DTI', name: 'Dirección de Tecnologías de la Información', aliases: ['DTI', 'informática central'] },
      { code: 'PLANTEL-NORTE', name: 'Plantel Norte', aliases: ['el norte'] },
    ]));
    expect(own.match('trabajo en la dti')?.unit.code).toBe('DTI');
    expect(own.match('en informática central')?.unit.code).toBe('DTI');
    expect(own.match('soy del plantel norte')?.unit.code).toBe('PLANTEL-NORTE');
    expect(own.match('el plantel')).toBeNull();
    expect(() => new UnitMatcher([])).toThrow(/UnitMatcher/);
  });
});

describe('UnitMatcher accuracy and speed', () => {
  // Unit mentions as people write or say them to the help desk, with the unit meant.
  const mentions: ReadonlyArray<readonly [string, string]> = [
    ['Buenos días, hablo de la ESCOM', 'ESCOM'],
    ['soy docente en la escom', 'ESCOM'],
    ['le hablo de la Escuela Superior de Cómputo', 'ESCOM'],
    ['trabajo en ESFM', 'ESFM'],
    ['de física y matemáticas', 'ESFM'],
    ['estoy en la ESIQIE', 'ESIQIE'],
    ['soy de la esiquie', 'ESIQIE'],
    ['ESIME Zacatenco, edificio 5', 'ESIME-ZAC'],
    ['esime zaca', 'ESIME-ZAC'],
    ['la esime culhuacan', 'ESIME-CUL'],
    ['de ESIME Azcapotzalco', 'ESIME-AZC'],
    ['ESIME Ticomán', 'ESIME-TIC'],
    ['esia zacatenco', 'ESIA-ZAC'],
    ['ESIA Tecamachalco', 'ESIA-TEC'],
    ['esia ticoman', 'ESIA-TIC'],
    ['en la ESIT', 'ESIT'],
    ['Upiicsa', 'UPIICSA'],
    ['UPIICSA en Iztacalco', 'UPIICSA'],
    ['upiicssa', 'UPIICSA'],
    ['upiita', 'UPIITA'],
    ['UPITA', 'UPIITA'],
    ['la upibi', 'UPIBI'],
    ['UPIIZ Zacatecas', 'UPIIZ'],
    ['upii guanajuato', 'UPIIG'],
    ['la UPIIH', 'UPIIH'],
    ['UPIIC', 'UPIIC'],
    ['upiit tlaxcala', 'UPIIT'],
    ['ENCB Santo Tomás', 'ENCB'],
    ['ciencias biológicas', 'ENCB'],
    ['Escuela Superior de Medicina', 'ESM'],
    ['la ESM', 'ESM'],
    ['ENMyH', 'ENMYH'],
    ['homeopatía', 'ENMYH'],
    ['ESCA Santo Tomás', 'ESCA-STO'],
    ['esca tepepan', 'ESCA-TEP'],
    ['Escuela Superior de Turismo', 'EST'],
    ['la ESEO', 'ESEO'],
    ['enfermería y obstetricia', 'ESEO'],
    ['CICS Milpa Alta', 'CICS-MA'],
    ['cics santo tomas', 'CICS-ST'],
    ['el CIC', 'CIC'],
    ['Centro de Investigación en Computación', 'CIC'],
    ['CIDETEC', 'CIDETEC'],
    ['cicata legaria', 'CICATA-LEG'],
    ['CIIDIR Oaxaca', 'CIIDIR-OAX'],
    ['la voca 9', 'CECYT-9'],
    ['vocacional nueve', 'CECYT-9'],
    ['la voca nueve', 'CECYT-9'],
    ['CECyT No. 9 Juan de Dios Bátiz', 'CECYT-9'],
    ['la batiz', 'CECYT-9'],
    ['voca 3', 'CECYT-3'],
    ['Cecyt 4 Lázaro Cárdenas', 'CECYT-4'],
    ['vocacional 5', 'CECYT-5'],
    ['la voca seis', 'CECYT-6'],
    ['voca 8 Narciso Bassols', 'CECYT-8'],
    ['cecyt 10', 'CECYT-10'],
    ['la wilfrido massieu', 'CECYT-11'],
    ['voca 11', 'CECYT-11'],
    ['cecyt doce', 'CECYT-12'],
    ['voca 13', 'CECYT-13'],
    ['la Luis Enrique Erro', 'CECYT-14'],
    ['cecyt quince', 'CECYT-15'],
    ['cecyt 16 hidalgo', 'CECYT-16'],
    ['cecyt 17 león', 'CECYT-17'],
    ['cecyt 18', 'CECYT-18'],
    ['cecyt 19 leona vicario', 'CECYT-19'],
    ['cet 1', 'CET-1'],
    ['Walter Cross Buchanan', 'CET-1'],
    ['trabajo en la Dirección General', 'DG'],
    ['Secretaría Académica', 'SA'],
    ['secretaria de administracion', 'SAD'],
    ['Dirección de Educación Superior', 'DES'],
    ['DEMS', 'DEMS'],
    ['la CGSI', 'CGSI'],
    ['Dirección de Cómputo y Comunicaciones', 'DCYC'],
    ['capital humano', 'DCH'],
    ['recursos financieros', 'DRF'],
    ['administración escolar', 'DAE'],
    ['Canal 11', 'XEIPN'],
    ['XEIPN Canal Once', 'XEIPN'],
    ['Biblioteca Nacional de Ciencia y Tecnología', 'BNCT'],
    ['Centro Cultural Jaime Torres Bodet', 'CCJTB'],
    ['abogado general', 'AG'],
  ];
  const nonUnits = [
    'no puedo entrar a mi correo institucional',
    'la impresora de la oficina no imprime',
    'se cayó el internet en todo el edificio',
    'tengo problemas con el sistema de nómina',
    'olvidé mi contraseña del SAES',
    'quiero hablar con un agente',
    'mi computadora está muy lenta',
    'no me llega el correo de confirmación',
    'la escuela no tiene red',
    'soy docente',
    'buenos días',
    'necesito instalar office',
    'el proyector del salón no funciona',
    'soy estudiante del politécnico',
    'estoy en el centro de cómputo',
    'mi extensión es 52030',
    'me llamo Juan Pérez López',
    'el wifi de la biblioteca no sirve',
    'trabajo en la secretaría',
    'la página del ipn no abre',
    'quisiera saber el estado de mi ticket',
    'está fallando el teléfono',
    'hola, buenas tardes, tengo un problema',
    'soy de servicio social',
    'en el laboratorio de física no hay internet',
    'esa es mi escuela',
    'estoy en la unidad profesional',
    'soy del instituto',
  ];

  it(`finds the right unit in at least 95 % of ${mentions.length} mentions`, () => {
    expect(mentions.length).toBeGreaterThanOrEqual(60);
    const wrong = mentions.filter(([text, code]) => codeOf(text) !== code);
    expect(wrong.length / mentions.length).toBeLessThanOrEqual(0.05);
    expect(wrong).toEqual([]); // today all of them; the ratio above is the contract
  });

  it(`finds no unit in ${nonUnits.length} sentences that name none`, () => {
    expect(nonUnits.length).toBeGreaterThanOrEqual(20);
    expect(nonUnits.filter((text) => matcher.match(text) !== null)).toEqual([]);
  });

  it('matches in well under a millisecond per call', () => {
    const texts = [...mentions.map(([t]) => t), ...nonUnits];
    for (const text of texts) matcher.match(text); // warm-up
    const rounds = 5;
    const start = performance.now();
    for (let r = 0; r < rounds; r += 1) for (const text of texts) matcher.match(text);
    const perCall = (performance.now() - start) / (rounds * texts.length);
    expect(perCall).toBeLessThan(1);
  });
});
