/**
 * How the switchboard names an entry in a sentence: «¿Lo comunico con la Lic. María Pérez?», «con el Ing. Jorge
 * Ramírez», «con el área de Recursos Humanos», «con la Unidad de Transparencia».
 */
import type { DirectoryEntry, DirectoryGender } from './directory-types';
import { foldWord } from './spanish-phonetic';

/** Areas whose name already says what they are take its article instead of «el área de»: «la Dirección de Finanzas». */
const FEMININE_HEADS = new Set(
  `direccion subdireccion coordinacion unidad oficina jefatura secretaria subsecretaria contraloria oficialia
  procuraduria tesoreria ventanilla mesa recepcion biblioteca caja sala gerencia division seccion delegacion
  subdelegacion comision presidencia vicepresidencia consejeria defensoria fiscalia`.split(/\s+/),
);
const MASCULINE_HEADS = new Set(
  'departamento centro almacen archivo modulo conmutador despacho organo instituto consultorio servicio area'.split(' '),
);

/** Titles said in full, by gender, for voice: «Lic.» → «licenciada» / «licenciado». */
const TITLE_WORDS: Record<string, { f: string; m: string }> = {
  lic: { f: 'licenciada', m: 'licenciado' },
  ing: { f: 'ingeniera', m: 'ingeniero' },
  dr: { f: 'doctora', m: 'doctor' },
  dra: { f: 'doctora', m: 'doctora' },
  mtro: { f: 'maestra', m: 'maestro' },
  mtra: { f: 'maestra', m: 'maestra' },
  arq: { f: 'arquitecta', m: 'arquitecto' },
  cp: { f: 'contadora', m: 'contador' },
  prof: { f: 'profesora', m: 'profesor' },
  profa: { f: 'profesora', m: 'profesora' },
  enf: { f: 'enfermera', m: 'enfermero' },
};

export interface SpokenNameOptions {
  /** `expand` writes the title in full («la licenciada María Pérez»), for text-to-speech. Default `keep`. */
  abbreviations?: 'keep' | 'expand';
}

function titleText(title: string, gender: DirectoryGender | null, expand: boolean): string {
  if (!expand) return title;
  const words = TITLE_WORDS[foldWord(title)];
  return words ? words[gender ?? 'm'] : title;
}

/**
 * The entry as said after «con»: «la Lic. María Pérez Gómez», «el Ing. Jorge Ramírez Soto», «Xóchitl Cuautle» (no
 * title: no article), «el área de Recursos Humanos», «la Oficialía de Partes», «el Órgano Interno de Control».
 */
export function spokenName(entry: Pick<DirectoryEntry, 'kind' | 'name' | 'title' | 'gender'>, options: SpokenNameOptions = {}): string {
  const name = entry.name.trim();
  if (entry.kind === 'area') {
    const head = foldWord(name.split(/\s+/)[0] ?? '');
    if (FEMININE_HEADS.has(head)) return `la ${name}`;
    if (MASCULINE_HEADS.has(head)) return `el ${name}`;
    return `el área de ${name}`;
  }
  // «la»/«el» go with a title only: «con la Lic. María Pérez», but «con Xóchitl Cuautle».
  const title = entry.title?.trim();
  if (!title) return name;
  const article = entry.gender === 'f' ? 'la ' : entry.gender === 'm' ? 'el ' : '';
  return `${article}${titleText(title, entry.gender, options.abbreviations === 'expand')} ${name}`;
}
