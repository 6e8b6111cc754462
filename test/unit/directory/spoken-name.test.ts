import { spokenName } from '../../../services/directory/spoken-name';

describe('spokenName', () => {
  it.each([
    [{ kind: 'person', name: 'María Pérez', title: 'Lic.', gender: 'f' }, {}, 'la Lic. María Pérez'],
    [{ kind: 'person', name: 'Jorge Ramírez', title: 'Ing.', gender: 'm' }, {}, 'el Ing. Jorge Ramírez'],
    [{ kind: 'person', name: 'María Pérez', title: 'Lic.', gender: 'f' }, { abbreviations: 'expand' }, 'la licenciada María Pérez'],
    [{ kind: 'person', name: 'Laura Hernández', title: 'C.P.', gender: 'f' }, { abbreviations: 'expand' }, 'la contadora Laura Hernández'],
    [{ kind: 'person', name: 'Leticia Cortés', title: 'Dra.', gender: 'f' }, { abbreviations: 'expand' }, 'la doctora Leticia Cortés'],
    [{ kind: 'person', name: 'Xóchitl Cuautle', title: null, gender: 'f' }, {}, 'Xóchitl Cuautle'],
    [{ kind: 'area', name: 'Recursos Humanos', title: null, gender: null }, {}, 'el área de Recursos Humanos'],
    [{ kind: 'area', name: 'Unidad de Transparencia', title: null, gender: null }, {}, 'la Unidad de Transparencia'],
    [{ kind: 'area', name: 'Oficialía de Partes', title: null, gender: null }, {}, 'la Oficialía de Partes'],
    [{ kind: 'area', name: 'Órgano Interno de Control', title: null, gender: null }, {}, 'el Órgano Interno de Control'],
    [{ kind: 'area', name: 'Departamento de Nóminas', title: null, gender: null }, {}, 'el Departamento de Nóminas'],
  ] as const)('%o → %s', (entry, options, expected) => {
    expect(spokenName(entry, options)).toBe(expected);
  });
});
