import { canonicalJson, CatalogValidationError, parseCatalog, parseService } from '../../services/catalog/catalog-format';
import { readDefaultCatalog } from '../../services/catalog/default-catalog';
import { service, smallCatalog } from '../support/catalog-fixture';

describe('catalog service flag requiresAgent', () => {
  test('optional: absent stays absent, so a file without it exports byte for byte as it came', () => {
    const file = smallCatalog();
    const parsed = parseCatalog(JSON.parse(JSON.stringify(file)));
    expect(parsed.services.every((s) => !('requiresAgent' in s))).toBe(true);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(file));
    const shipped = readDefaultCatalog();
    expect(JSON.stringify(parseCatalog(JSON.parse(JSON.stringify(shipped))))).toBe(JSON.stringify(shipped));
  });

  test('kept when present, and round-trips', () => {
    const file = smallCatalog();
    file.services.push(service('SOPORTE-VIP', 'Atención a autoridades', 'Atención especial', { requiresAgent: true }));
    const text = JSON.stringify(file);
    const parsed = parseCatalog(JSON.parse(text));
    expect(parsed.services.at(-1)?.requiresAgent).toBe(true);
    expect(JSON.stringify(parsed)).toBe(text);
    expect(canonicalJson(parseCatalog(JSON.parse(canonicalJson(parsed))))).toBe(canonicalJson(parsed));
  });

  test('a value that is not true/false is refused with its path (the schema stays strict)', () => {
    const bad = { ...service('X', 'X', 'X'), requiresAgent: 'sí' };
    expect(() => parseService(bad)).toThrow(CatalogValidationError);
    try {
      parseService(bad);
    } catch (err) {
      expect((err as CatalogValidationError).problems).toEqual([
        { path: 'requiresAgent', message: 'tipo inválido: se esperaba verdadero/falso', messageEn: 'invalid type: expected boolean' },
      ]);
    }
    expect(() => parseService({ ...service('X', 'X', 'X'), requiresAgents: true })).toThrow(/campo desconocido/);
  });
});
