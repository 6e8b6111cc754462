import { DirectoryIndex, lookupOutcome } from '../../../services/directory/directory-index';
import type { DirectoryMatch, LookupOutcome } from '../../../services/directory/directory-types';
import { fixtureEntries } from './directory-fixture';

/**
 * Lookup quality against the fixture directory (test/fixtures/directory.csv: 41 people, 13 areas). Each row is what
 * a caller says (or speech-to-text writes, or someone types) and who they mean; `outcome` is how the switchboard
 * dialog should read the scores (LOOKUP_THRESHOLDS): `confident` (≥ 0.85), `confirm` (0.6–0.85), `ambiguous` (the best
 * two within the margin: the expected entry must be among them) or `none` (nothing ≥ 0.6).
 */
type Row = readonly [query: string, expected: string | null, outcome: LookupOutcome['kind']];

const TABLE: readonly Row[] = [
  // Said the way the brief and the operators' procedure describe.
  ['comuníqueme con la licenciada María Pérez', 'María Pérez Gómez', 'confident'],
  ['con recursos humanos', 'Recursos Humanos', 'confident'],
  ['con el ingeniero Jorge Ramírez de sistemas', 'Jorge Ramírez Soto', 'confident'],
  ['extensión cuatro dos cinco cero cero', 'María Pérez Gómez', 'confident'],
  ['me puede comunicar a la extensión cuarenta y cinco mil uno', 'Jorge Ramírez Soto', 'confident'],
  ['45001', 'Jorge Ramírez Soto', 'confident'],
  ['4 2 0 0 0', 'Recursos Humanos', 'confident'],
  ['páseme con RH por favor', 'Recursos Humanos', 'confident'],
  ['con erre hache', 'Recursos Humanos', 'confident'],
  ['quiero hablar con alguien de sistemas', 'Tecnologías de la Información', 'confident'],
  ['con el área de nómina', 'Nóminas', 'confident'],
  ['departamento de compras', 'Adquisiciones', 'confident'],
  ['oficialía de partes', 'Oficialía de Partes', 'confident'],
  ['con contraloría', 'Órgano Interno de Control', 'confident'],
  ['órgano interno de control', 'Órgano Interno de Control', 'confident'],
  ['servicio médico', 'Servicio Médico', 'confident'],
  ['enfermería', 'Servicio Médico', 'confident'],
  ['con transparencia', 'Unidad de Transparencia', 'confident'],
  ['con jurídico', 'Asuntos Jurídicos', 'confident'],
  ['comunicación social', 'Comunicación Social', 'confident'],
  ['con prensa', 'Comunicación Social', 'confident'],
  ['soporte técnico', 'Tecnologías de la Información', 'confident'],
  ['con el jefe de soporte técnico', 'Mario Pérez Luna', 'confident'],
  ['con el director general', 'Fernando Castañeda Ibarra', 'confident'],
  ['la secretaria del director', 'Patricia Morales Rivas', 'confirm'],
  ['sí buenas tardes mire le hablo porque necesito que me comunique con la licenciada este María Pérez de recursos humanos por favor', 'María Pérez Gómez', 'confident'],
  ['oiga fíjese que estoy tratando de localizar al ingeniero Jorge Ramírez', 'Jorge Ramírez Soto', 'confident'],
  // Speech-to-text spellings of names.
  ['Maria Peres', 'María Pérez Gómez', 'confident'],
  ['la licenciada Hernandes de nóminas', 'Laura Hernández Castillo', 'confirm'],
  ['Ximena Jimenes', 'Ximena Jiménez Olvera', 'confident'],
  ['con la ingeniera Jimena Jiménez', 'Ximena Jiménez Olvera', 'confident'],
  ['Sochil', 'Xóchitl Cuautle Ramírez', 'confirm'],
  ['Sochil Cuautle', 'Xóchitl Cuautle Ramírez', 'confident'],
  ['Ector Biyalobos', 'Héctor Villalobos Bravo', 'confident'],
  ['Yolanda Yamas', 'Yolanda Llamas Beltrán', 'confident'],
  ['Beatris Sabala', 'Beatriz Zavala Montes', 'confident'],
  ['Ibán Sisneros', 'Iván Cisneros Lozano', 'confident'],
  ['Berónica Chasaro', 'Verónica Cházaro Navarro', 'confident'],
  ['Xavier Quintero', 'Javier Quintero Domínguez', 'confident'],
  ['el señor Kintero de mantenimiento', 'Javier Quintero Domínguez', 'confirm'],
  ['Luis Inojosa', 'Luis Enrique Hinojosa Vela', 'confident'],
  ['Carla Isel Medina', 'Karla Itzel Medina Godínez', 'confident'],
  ['Carmen Nuñes', 'Carmen Núñez Salazar', 'confident'],
  ['Rodrigo Gonzales', 'Rodrigo González Echeverría', 'confident'],
  ['Oscar Gutierres', 'Óscar Gutiérrez Ochoa', 'confident'],
  ['Wilfrido Yanes', 'Wilfrido Yáñez Quezada', 'confident'],
  ['con la doctora Cortés', 'Leticia Cortés Valdez', 'confirm'],
  ['Leticia Cortez Valdés', 'Leticia Cortés Valdez', 'confident'],
  // Typed, with typos.
  ['Fernado Castañeda', 'Fernando Castañeda Ibarra', 'confident'],
  ['ricardo hernadez', 'Ricardo Hernández Zúñiga', 'confident'],
  ['Marai Perez', 'María Pérez Gómez', 'confirm'],
  ['gabriela sanchez de finanzas', 'Gabriela Sánchez Quiroz', 'confident'],
  ['Alejandro Ortíz', 'Alejandro Ortiz Rosales', 'confident'],
  // Aliases and familiar names.
  ['Lupita', 'Guadalupe Vázquez Cervantes', 'confident'],
  ['Paty Morales', 'Patricia Morales Rivas', 'confident'],
  ['Maricarmen', 'Carmen Núñez Salazar', 'confident'],
  ['con Mari Carmen', 'Carmen Núñez Salazar', 'confident'],
  ['Paco Ochoa', 'Francisco Ochoa Lira', 'confident'],
  // Given name, first surname, honorifics and areas that say who among several.
  ['el contador Rodrigo González', 'Rodrigo González Echeverría', 'confident'],
  ['con la licenciada Adriana Juárez', 'Adriana Juárez Becerra', 'confident'],
  ['Mtra. Sofía Bermúdez', 'Sofía Bermúdez Arellano', 'confident'],
  ['Norma Téllez', 'Norma Angélica Téllez Guerrero', 'confident'],
  ['Rosa María Escobedo', 'Rosa María Escobedo Ponce', 'confident'],
  ['el ingeniero Jorge de telefonía', 'Jorge Rangel Medina', 'confirm'],
  ['Diana Ramírez', 'Diana Ramírez Acosta', 'confident'],
  ['Gerardo Bautista del almacén', 'Gerardo Bautista Reyes', 'confident'],
  ['José Luis Martínez', 'José Luis Martínez Ortega', 'confident'],
  // Several people fit: the dialog asks which.
  ['Ramírez', 'Jorge Ramírez Soto', 'ambiguous'],
  ['con el ingeniero Jorge', 'Jorge Ramírez Soto', 'ambiguous'],
  ['Pérez', 'María Pérez Gómez', 'ambiguous'],
  ['Hernández', 'Laura Hernández Castillo', 'ambiguous'],
  // Nobody in this directory.
  ['quiero reportar que no sirve mi impresora', null, 'none'],
  ['Juan Sánchez', null, 'none'],
  ['Pedro Infante', null, 'none'],
  ['extensión 99999', null, 'none'],
  ['buenos días señorita', null, 'none'],
  ['con el área de astronomía', null, 'none'],
];

/**
 * Written after the scoring was tuned on TABLE, and run once before any further change: the held-out check of how the
 * lookup does on requests it was not tuned for.
 */
const HELD_OUT: readonly Row[] = [
  ['me comunica con Laura Hernández por favor', 'Laura Hernández Castillo', 'confident'],
  ['con la jefa de nóminas', 'Laura Hernández Castillo', 'confirm'],
  ['Guadalupe Vásquez', 'Guadalupe Vázquez Cervantes', 'confident'],
  ['Tecnologías de la información', 'Tecnologías de la Información', 'confident'],
  ['con informática', 'Tecnologías de la Información', 'confident'],
  ['con el área de presupuesto', 'Finanzas', 'confident'],
  ['Sergio Aguilar, el secretario técnico', 'Sergio Aguilar Mendoza', 'confident'],
  ['Claudia Ruis', 'Claudia Ruiz Esquivel', 'confident'],
  ['Raul Cuebas', 'Raúl Cuevas Barrientos', 'confident'],
  ['con el licenciado Eduardo Silva de jurídico', 'Eduardo Silva Cárdenas', 'confident'],
  ['Monica Salinas de comunicación', 'Mónica Salinas Herrera', 'confident'],
  ['Iván el diseñador', 'Iván Cisneros Lozano', 'confirm'],
  ['licitaciones', 'Adquisiciones', 'confident'],
  ['recibos de pago', 'Nóminas', 'confident'],
  ['Roberto Guzmán', 'Roberto Guzmán Téllez', 'confident'],
  ['Marisol', 'Marisol Trejo Campos', 'confirm'],
  ['con la enfermera', 'Marisol Trejo Campos', 'confirm'],
  ['Óscar de base de datos', 'Óscar Gutiérrez Ochoa', 'confirm'],
  ['Karla Medina', 'Karla Itzel Medina Godínez', 'confident'],
  ['Verónica de adquisiciones', 'Verónica Cházaro Navarro', 'confirm'],
  ['Yolanda Llamas', 'Yolanda Llamas Beltrán', 'confident'],
  ['Xóchitl', 'Xóchitl Cuautle Ramírez', 'confirm'],
  ['Hinojosa', 'Luis Enrique Hinojosa Vela', 'confirm'],
  ['comuníqueme con la Unidad de Transparencia', 'Unidad de Transparencia', 'confident'],
  ['cuatro cinco uno cero uno', 'Héctor Villalobos Bravo', 'confident'],
  ['Beatriz de quejas', 'Beatriz Zavala Montes', 'confirm'],
  ['Francisco Ochoa', 'Francisco Ochoa Lira', 'confident'],
  ['Patricia', 'Patricia Morales Rivas', 'confirm'],
  ['con el área de capacitación', 'Diana Ramírez Acosta', 'confirm'],
  ['Gómez', 'María Pérez Gómez', 'confirm'],
  ['Alberto Ramos', null, 'none'],
  ['la dirección de finanzas', 'Finanzas', 'confident'],
];

describe('directory lookup against the fixture directory', () => {
  const index = new DirectoryIndex(fixtureEntries());
  const results = new Map<string, { matches: DirectoryMatch[]; outcome: LookupOutcome; ok: boolean }>();

  function judge(query: string, expected: string | null, kind: LookupOutcome['kind']) {
    const matches = index.lookup(query, 5);
    const outcome = lookupOutcome(matches);
    let ok: boolean;
    if (expected === null) ok = outcome.kind === 'none';
    else if (outcome.kind === 'ambiguous') ok = outcome.candidates.some((c) => c.entry.name === expected) && kind === 'ambiguous';
    else ok = outcome.kind !== 'none' && outcome.match.entry.name === expected && (kind === outcome.kind || (kind === 'confirm' && outcome.kind === 'confident'));
    results.set(query, { matches, outcome, ok });
    return { matches, outcome, ok };
  }

  it('has at least 40 realistic queries', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(TABLE)('%s → %s (%s)', (query, expected, kind) => {
    const { matches, ok } = judge(query, expected, kind);
    const shown = matches.slice(0, 3).map((m) => `${m.entry.name} ${m.score} (${m.matchedOn})`);
    expect({ query, ok, top: shown }).toEqual({ query, ok: true, top: shown });
  });

  it.each(HELD_OUT)('held out: %s → %s (%s)', (query, expected, kind) => {
    const { matches, ok } = judge(query, expected, kind);
    const shown = matches.slice(0, 3).map((m) => `${m.entry.name} ${m.score} (${m.matchedOn})`);
    expect({ query, ok, top: shown }).toEqual({ query, ok: true, top: shown });
  });

  it('reports the accuracy of both tables', () => {
    const rate = (rows: readonly Row[]) => {
      const ok = rows.filter(([q, e, k]) => (results.get(q) ?? judge(q, e, k)).ok).length;
      return { ok, total: rows.length, pct: (100 * ok) / rows.length };
    };
    const tuned = rate(TABLE);
    const held = rate(HELD_OUT);
    console.log(`directory lookup, expected outcome: tuning table ${tuned.ok}/${tuned.total} (${tuned.pct.toFixed(1)} %), held-out ${held.ok}/${held.total} (${held.pct.toFixed(1)} %)`);
    expect(tuned.pct).toBeGreaterThanOrEqual(95);
    expect(held.pct).toBeGreaterThanOrEqual(90);
  });
});
