import { parseCsvRows, readDirectoryCsv, recordToInput, writeDirectoryCsv } from '../../../services/directory/directory-csv';
import { readImport } from '../../../services/directory/directory-import';
import { lookupOutcome } from '../../../services/directory/directory-index';
import type { DirectoryEntry, DirectoryMatch } from '../../../services/directory/directory-types';
import { fixtureEntries } from './directory-fixture';

describe('directory CSV', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF or LF, and skips blank lines', () => {
    const text = 'a,b,c\r\n"uno, dos","di ""hola""","línea 1\nlínea 2"\r\n\r\nx,,z\n';
    expect(parseCsvRows(text, ',')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['uno, dos', 'di "hola"', 'línea 1\nlínea 2'] },
      { line: 5, fields: ['x', '', 'z'] },
    ]);
    expect(() => parseCsvRows('a,"b\n', ',')).toThrow(/comillas sin cerrar a partir de la línea 1/);
  });

  it('accepts the header in any order, with accents, a byte order mark or semicolons, and names bad columns', () => {
    const semicolons = '\uFEFFTipo;Nombre;Extensión;Correo electrónico\npersona;Ana Ruiz;12345;ana@x.mx\n';
    expect(readDirectoryCsv(semicolons)).toEqual({ records: [{ line: 2, values: { tipo: 'persona', nombre: 'Ana Ruiz', extension: '12345', correo: 'ana@x.mx' } }], problems: [] });
    expect(readDirectoryCsv('tipo,nombre,nombre\n').problems).toEqual([{ line: 1, message: 'La columna «nombre» aparece dos veces.' }]);
    expect(readDirectoryCsv('tipo,nombre\npersona,Ana,sobra\n').problems[0]).toMatchObject({ line: 2, message: expect.stringMatching(/3 campos y el encabezado 2/) });
    expect(readDirectoryCsv('').problems).toEqual([{ line: 1, message: 'El archivo está vacío: falta el encabezado con los nombres de las columnas.' }]);
  });

  it('maps a row to an entry: kinds, genders, availability, routes, aliases, yes/no and PIN', () => {
    const values = {
      tipo: 'Área', nombre: 'Finanzas', genero: '', alias: 'contabilidad| tesorería |', disponibilidad: 'No disponible',
      ruta: 'tel:+52 55 5300 1234', envio_digitos: 'ww44300', llamadas_exterior: 'NO', nip: '',
    };
    expect(recordToInput({ line: 2, values })).toEqual({
      input: {
        kind: 'area', name: 'Finanzas', title: null, gender: null, area: null, position: null, aliases: ['contabilidad', 'tesorería'],
        extension: null, phone: null, email: null, availability: 'unavailable', availabilityNote: null,
        route: { kind: 'pstn', number: '+525553001234', sendDigits: 'ww44300' }, outboundAllowed: false,
      },
    });
    expect(recordToInput({ line: 3, values: { tipo: 'persona', nombre: 'Ana', genero: 'Mujer', ruta: 'sip:1@pbx', llamadas_exterior: 'Sí', nip: '1234' } })).toMatchObject({
      input: { kind: 'person', gender: 'f', route: { kind: 'sip', uri: 'sip:1@pbx' }, outboundAllowed: true, pin: '1234' },
    });
    expect(recordToInput({ line: 4, values: { tipo: 'jefe', nombre: 'X', genero: 'otro', disponibilidad: 'quizá', llamadas_exterior: 'tal vez', ruta: 'sip:1@pbx', envio_digitos: '1' } })).toEqual({
      problems: [
        'tipo: «jefe» no es «persona» ni «área».',
        'genero: «otro» no es F ni M.',
        'disponibilidad: «quizá» no es disponible, ausente ni no disponible.',
        'llamadas_exterior: «tal vez» no es sí ni no.',
        'envio_digitos: solo aplica a una ruta telefónica (+52…), no a una SIP.',
      ],
    });
  });

  it('writes what it reads: the fixture survives a round trip, quotes where needed, no PINs', () => {
    const entries = fixtureEntries();
    const odd: DirectoryEntry = { ...(entries[0] as DirectoryEntry), name: 'Área "especial", con coma', availabilityNote: ' espacio al inicio' };
    const csv = writeDirectoryCsv([...entries, odd]);
    expect(csv).toContain('"Área ""especial"", con coma"');
    expect(csv).toContain('" espacio al inicio"');
    expect(csv).not.toMatch(/4821|7395/);
    const back = readImport(csv);
    expect(back.errors).toEqual([]);
    expect(back.inputs.map((i) => i.input.name)).toEqual([...entries.map((e) => e.name), odd.name]);
    expect(back.inputs.find((i) => i.input.name === 'Alejandro Ortiz Rosales')?.input.route).toEqual({ kind: 'pstn', number: '+525553001234', sendDigits: 'ww44300' });
  });

  it('keeps spreadsheets from running a cell as a formula, and reads it back as it was written', () => {
    const entries = fixtureEntries();
    const evil: DirectoryEntry = { ...(entries[0] as DirectoryEntry), name: '=HYPERLINK("http://x.example","clic")', availabilityNote: '@SUM(1)', position: '-2+3' };
    const csv = writeDirectoryCsv([evil]);
    expect(csv).toContain(`"'=HYPERLINK(""http://x.example"",""clic"")"`);
    expect(csv).toContain("'@SUM(1)");
    expect(csv).not.toMatch(/,=|,@|,-2/);
    // A phone number keeps its «+».
    expect(writeDirectoryCsv([{ ...(entries[0] as DirectoryEntry), phone: '+52 55 5482 4100' }])).toContain(',+52 55 5482 4100,');
    const back = readImport(csv);
    expect(back.inputs[0]?.input.name).toBe(evil.name);
  });
});

describe('lookupOutcome', () => {
  const [a, b] = fixtureEntries();
  const m = (entry: DirectoryEntry | undefined, score: number, matchedOn: DirectoryMatch['matchedOn'] = 'name'): DirectoryMatch => ({ entry: entry as DirectoryEntry, score, matchedOn });

  it.each([
    [[], 'none'],
    [[m(a, 0.59)], 'none'],
    [[m(a, 0.6)], 'confirm'],
    [[m(a, 0.85)], 'confident'],
    [[m(a, 0.9), m(b, 0.86)], 'ambiguous'],
    [[m(a, 0.9), m(b, 0.8)], 'confident'],
    [[m(a, 0.7), m(b, 0.55)], 'confirm'],
    [[m(a, 1, 'extension'), m(b, 0.99)], 'confident'],
  ] as const)('%j → %s', (matches, kind) => {
    expect(lookupOutcome(matches).kind).toBe(kind);
  });
});
