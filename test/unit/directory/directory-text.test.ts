import { fieldTokens, parseQuery, personNameTokens, titleKey } from '../../../services/directory/directory-text';

const words = (q: string) => parseQuery(q).tokens.filter((t) => !t.optional).map((t) => t.text);

describe('reading a request for a person or an area', () => {
  it('drops the words that only carry the request', () => {
    expect(words('Buenos días, ¿me puede comunicar con la licenciada María Pérez, por favor?')).toEqual(['maria', 'perez']);
    expect(words('quiero hablar con alguien del área de recursos humanos')).toEqual(['recursos', 'humanos']);
    expect(words('páseme con el departamento de compras')).toEqual(['compras']);
    expect(parseQuery('el área de nóminas').tokens).toEqual([
      { text: 'area', weight: 0.25, optional: true },
      { text: 'nominas', weight: 1, optional: false },
    ]);
  });

  it('keeps the honorific as a hint of title and gender', () => {
    expect(parseQuery('con la licenciada María Pérez')).toMatchObject({ title: 'lic', gender: 'f' });
    expect(parseQuery('con el ingeniero Jorge Ramírez')).toMatchObject({ title: 'ing', gender: 'm' });
    expect(parseQuery('con la Dra. Cortés')).toMatchObject({ title: 'dr', gender: 'f' });
    expect(parseQuery('con el inge Jorge')).toMatchObject({ title: 'ing', gender: null });
    expect(parseQuery('con Jorge')).toMatchObject({ title: null, gender: null });
  });

  it('reads extensions said digit by digit, in groups, or typed apart', () => {
    expect(parseQuery('extensión cuatro dos cinco cero cero').numbers).toEqual(['42500']);
    expect(parseQuery('a la extensión cuarenta y dos quinientos').numbers).toEqual(['42500']);
    expect(parseQuery('la 4 2 5 0 0 por favor').numbers).toEqual(['42500']);
    expect(parseQuery('la 42-500').numbers).toEqual(['42500']);
    expect(parseQuery('María Pérez').numbers).toEqual([]);
  });

  it('reads acronyms spelled with letter names', () => {
    expect(parseQuery('con erre hache').acronyms.map((a) => a.text)).toContain('rh');
    expect(parseQuery('con el o i ce').acronyms.map((a) => a.text)).toContain('oic');
    expect(words('con te i')).toEqual(['ti']);
    expect(words('con a e')).toEqual([]);
    expect(parseQuery('con María Pérez').acronyms).toEqual([]);
  });

  it('folds role words to one gender and weighs office words little', () => {
    expect(fieldTokens('Jefa del Departamento de Nóminas')).toEqual([
      { text: 'jefe', weight: 0.6, optional: false },
      { text: 'departamento', weight: 0.25, optional: true },
      { text: 'nominas', weight: 1, optional: false },
    ]);
    expect(words('la directora de finanzas')).toEqual(['director', 'finanzas']);
  });

  it('weighs a Mexican second surname less', () => {
    expect(personNameTokens('María de la Luz Pérez Gómez').map((t) => [t.text, t.weight])).toEqual([
      ['maria', 1],
      ['luz', 1],
      ['perez', 1],
      ['gomez', 0.6],
    ]);
    expect(personNameTokens('Marisol Trejo').map((t) => t.weight)).toEqual([1, 1]);
  });

  it('reads an entry title the way the hints are written', () => {
    expect(titleKey('Lic.')).toBe('lic');
    expect(titleKey('C.P.')).toBe('cp');
    expect(titleKey('Dra.')).toBe('dr');
    expect(titleKey('Mtro.')).toBe('mtro');
    expect(titleKey(null)).toBeNull();
  });
});
