import { foldWord, phoneticKeys, stemKey } from '../../../services/directory/spanish-phonetic';

describe('Spanish phonetic keys', () => {
  it.each([
    ['Pérez', 'Peres'],
    ['Hernández', 'Hernandes'],
    ['Jiménez', 'Jimenes'],
    ['Villalobos', 'Biyalobos'],
    ['Héctor', 'Ector'],
    ['Quintero', 'Kintero'],
    ['Llamas', 'Yamas'],
    ['Zavala', 'Sabala'],
    ['Cisneros', 'Sisneros'],
    ['Cházaro', 'Chasaro'],
    ['Verónica', 'Berónica'],
    ['Gutiérrez', 'Gutierres'],
    ['Hinojosa', 'Inojosa'],
    ['Itzel', 'Isel'],
    ['Karla', 'Carla'],
    ['Cuautle', 'Cuahutle'],
    ['Guadalupe', 'Huadalupe'],
    ['Gerardo', 'Jerardo'],
    ['Gómez', 'Gomes'],
    ['Ximena', 'Jimena'],
    ['Xavier', 'Javier'],
    ['Xóchitl', 'Sóchitl'],
    ['Núñez', 'Nunes'],
    ['Anna', 'Ana'],
    ['Envía', 'Embía'],
  ])('%s sounds like %s', (a, b) => {
    expect(phoneticKeys(a).some((k) => phoneticKeys(b).includes(k))).toBe(true);
  });

  it.each([
    ['Pérez', 'Páez'],
    ['María', 'Mario'],
    ['Cortés', 'Cortázar'],
    ['Chávez', 'Sánchez'],
    ['Gómez', 'Gámez'],
  ])('%s does not sound like %s', (a, b) => {
    expect(phoneticKeys(a).some((k) => phoneticKeys(b).includes(k))).toBe(false);
  });

  it('gives a word with an x both readings, and one key otherwise', () => {
    expect(phoneticKeys('Ximena')).toEqual(['jimena', 'simena']);
    expect(phoneticKeys('Rodríguez')).toEqual(['rodriges']);
    expect(phoneticKeys('Chávez')).toEqual(['Cabes']);
    expect(phoneticKeys('')).toEqual([]);
  });

  it('folds accents, ñ and punctuation, and drops plural endings for the stem', () => {
    expect(foldWord('Peña-Núñez')).toBe('penanunez');
    expect(stemKey(phoneticKeys('nóminas')[0] as string)).toBe(stemKey(phoneticKeys('nómina')[0] as string));
    expect(stemKey(phoneticKeys('adquisiciones')[0] as string)).toBe(stemKey(phoneticKeys('adquisición')[0] as string));
  });
});
