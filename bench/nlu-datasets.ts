/**
 * Loaders for the intent / out-of-scope datasets in /work/shared/datasets (see INDEX.md and each SOURCE.md there),
 * turned into what the router trains on: a {@link TrainingCatalog}, a {@link CalibrationSet} (the dataset's
 * validation split: tuning only) and test sets. Also the synthetic 200 × 20 catalogue and the project's default
 * catalogue with its held-out phrasings, when those files exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CalibrationSet, TrainingCatalog, TrainingService } from '../services/nlu/router';
import { seededRandom } from '../services/nlu/linear-model';

export const DATASETS_DIR = process.env.NLU_DATASETS_DIR ?? '/work/shared/datasets';
export const PROJECT_ROOT = path.resolve(__dirname, '..');

export interface LabelledText {
  text: string;
  code: string;
}

/** One benchmark task: train on `catalog`, tune on `calibration`, report on `test`. */
export interface Task {
  name: string;
  catalog: TrainingCatalog;
  calibration: CalibrationSet | undefined;
  test: { inScope: LabelledText[]; outOfScope: { name: string; texts: string[] }[] };
  note: string;
}

type Pair = [string, string];

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

function pairs(value: unknown, key: string): Pair[] {
  const list = (value as Record<string, unknown>)[key];
  if (!Array.isArray(list)) throw new Error(`nlu-datasets: ${key} is not a list`);
  return list.map((item): Pair => {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || typeof item[1] !== 'string') {
      throw new Error(`nlu-datasets: bad pair in ${key}`);
    }
    return [item[0], item[1]];
  });
}

function servicesFrom(examples: readonly LabelledText[], nameOf: (code: string) => string, categoryOf: (code: string) => string): TrainingService[] {
  const byCode = new Map<string, string[]>();
  for (const { text, code } of examples) byCode.set(code, [...(byCode.get(code) ?? []), text]);
  return [...byCode.entries()].map(([code, texts]) => ({
    code,
    name: nameOf(code),
    category: categoryOf(code),
    scope: 'sai',
    examples: texts,
    active: true,
  }));
}

const toLabelled = (list: readonly Pair[]): LabelledText[] => list.map(([text, code]) => ({ text, code }));
const humanName = (code: string): string => code.replace(/_/g, ' ');

/** CLINC150 `data_full.json`, oos-train setting: OOS train examples are a 151st class. */
export function clinc150(): Task {
  const dir = path.join(DATASETS_DIR, 'clinc150_oos_eval');
  const data = readJson(path.join(dir, 'data_full.json'));
  const domains = readJson(path.join(dir, 'domains.json')) as Record<string, string[]>;
  const domainOf = new Map(Object.entries(domains).flatMap(([domain, codes]) => codes.map((code) => [code, domain])));
  return {
    name: 'CLINC150 full',
    catalog: {
      language: 'en',
      services: servicesFrom(toLabelled(pairs(data, 'train')), humanName, (code) => domainOf.get(code) ?? 'other'),
      outOfScopeExamples: pairs(data, 'oos_train').map(([text]) => text),
    },
    calibration: { inScope: toLabelled(pairs(data, 'val')), outOfScope: pairs(data, 'oos_val').map(([text]) => text) },
    test: { inScope: toLabelled(pairs(data, 'test')), outOfScope: [{ name: 'OOS', texts: pairs(data, 'oos_test').map(([t]) => t) }] },
    note: 'train + oos_train (151st class), val + oos_val to tune, test + oos_test to report; names = intent labels, categories = domains.json',
  };
}

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
}

function split(dir: string): LabelledText[] {
  const texts = lines(path.join(dir, 'seq.in'));
  const labels = lines(path.join(dir, 'label'));
  if (texts.length !== labels.length) throw new Error(`nlu-datasets: ${dir} has ${texts.length} texts, ${labels.length} labels`);
  return texts.map((text, i) => ({ text, code: labels[i] }));
}

/**
 * BANKING77-OOS (Zhang et al. 2022): 50 in-scope intents; ID-OOS (27 held-out banking intents) and OOD-OOS
 * (CLINC150 OOS queries) reported separately. With `idOosTraining`, `id-oos/train` is OOS evidence (the analogue of
 * CLINC's oos-train); without, only in-scope data is trained on and OOS comes from the threshold alone.
 */
export function banking77Oos(idOosTraining: boolean): Task {
  const dir = path.join(DATASETS_DIR, 'banking77_oos_zhang2022', 'BANKING77-OOS');
  const texts = (sub: string) => split(path.join(dir, sub)).map(({ text }) => text);
  return {
    name: idOosTraining ? 'BANKING77-OOS +ID-OOS train' : 'BANKING77-OOS',
    catalog: {
      language: 'en',
      services: servicesFrom(split(path.join(dir, 'train')), humanName, () => 'banking'),
      outOfScopeExamples: idOosTraining ? texts('id-oos/train') : [],
    },
    calibration: { inScope: split(path.join(dir, 'valid')), outOfScope: [...texts('id-oos/valid'), ...texts('ood-oos/valid')] },
    test: {
      inScope: split(path.join(dir, 'test')),
      outOfScope: [
        { name: 'ID-OOS', texts: texts('id-oos/test') },
        { name: 'OOD-OOS', texts: texts('ood-oos/test') },
      ],
    },
    note: `train${idOosTraining ? ' + id-oos/train as OOS class' : ' only (no OOS examples)'}; valid + id-oos/valid + ood-oos/valid to tune; test, id-oos/test, ood-oos/test to report`,
  };
}

const FB_NAMES: Record<string, string> = {
  'alarm/set_alarm': 'poner una alarma',
  'alarm/cancel_alarm': 'cancelar alarma',
  'alarm/show_alarms': 'mostrar mis alarmas',
  'alarm/snooze_alarm': 'posponer la alarma',
  'alarm/modify_alarm': 'cambiar una alarma',
  'alarm/time_left_on_alarm': 'cuánto falta para la alarma',
  'reminder/set_reminder': 'crear un recordatorio',
  'reminder/cancel_reminder': 'cancelar recordatorio',
  'reminder/show_reminders': 'mostrar mis recordatorios',
  'weather/find': 'consultar el clima',
  'weather/checkSunrise': 'hora del amanecer',
  'weather/checkSunset': 'hora del atardecer',
};

const FB_CATEGORIES: Record<string, string> = { alarm: 'alarmas', reminder: 'recordatorios', weather: 'clima' };

function fbSplit(file: string): LabelledText[] {
  return lines(file).map((line) => {
    const [code, , text] = line.split('\t');
    return { text: (text ?? '').trim(), code: code ?? '' };
  });
}

/** Facebook multilingual task-oriented dialog, Spanish: 12 intents, no OOS. Names are Spanish glosses of the labels. */
export function fbTodSpanish(): Task {
  const dir = path.join(DATASETS_DIR, 'fb_multilingual_tod_es');
  const categoryOf = (code: string) => FB_CATEGORIES[code.split('/')[0] ?? ''] ?? 'otros';
  return {
    name: 'FB TOD es',
    catalog: {
      language: 'es',
      services: servicesFrom(fbSplit(path.join(dir, 'train-es.tsv')), (code) => FB_NAMES[code] ?? humanName(code), categoryOf),
      outOfScopeExamples: [],
    },
    calibration: { inScope: fbSplit(path.join(dir, 'eval-es.tsv')), outOfScope: [] },
    test: { inScope: fbSplit(path.join(dir, 'test-es.tsv')), outOfScope: [] },
    note: 'train-es to train, eval-es to tune, test-es to report; no OOS class, so the threshold only rejects (≤ 1 % of eval)',
  };
}

const SYNTHETIC_WORDS = (
  'correo contrasena impresora internet wifi vpn teams zoom moodle computadora laptop telefono extension sistema ' +
  'usuario cuenta acceso red servidor archivo carpeta escaner proyector pantalla teclado raton licencia office ' +
  'antivirus virus respaldo nomina credencial firma certificado portal pagina plataforma videollamada sala equipo ' +
  'software instalacion actualizacion permiso bloqueo desbloqueo alta baja cambio reporte falla error lento caido'
).split(' ');
const SYNTHETIC_FILLERS = 'no puedo quiero necesito ayuda con mi el la de que se me ya por favor hoy tengo un una problema'.split(' ');

/** A synthetic Spanish catalogue of `services` services × `examples` examples (for training time only). */
export function syntheticCatalog(services: number, examples: number, seed = 7): TrainingCatalog {
  const random = seededRandom(seed);
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)] ?? '';
  return {
    language: 'es',
    services: Array.from({ length: services }, (_, s) => {
      const keys = [pick(SYNTHETIC_WORDS), pick(SYNTHETIC_WORDS), pick(SYNTHETIC_WORDS)];
      return {
        code: `SRV-${s}`,
        name: `${keys[0]} ${keys[1]} servicio ${s}`,
        category: `categoria ${s % 20}`,
        scope: s % 10 === 0 ? 'informative' : 'sai',
        active: true,
        examples: Array.from({ length: examples }, () =>
          Array.from({ length: 4 + Math.floor(random() * 8) }, (_, i) => (i % 2 === 0 ? pick(keys) : pick(SYNTHETIC_FILLERS))).join(' '),
        ),
      };
    }),
    outOfScopeExamples: Array.from({ length: 40 }, () => Array.from({ length: 6 }, () => pick(SYNTHETIC_FILLERS)).join(' ')),
  };
}

interface CatalogFile {
  language?: 'es' | 'en';
  services: { code: string; name: string; category: string; scope: 'sai' | 'informative'; examples: string[]; active?: boolean }[];
  outOfScope?: { examples?: string[] };
}

/** The project's default catalogue and its held-out eval file, or undefined when either is missing. */
export function defaultCatalog(): Task | undefined {
  const catalogFile = path.join(PROJECT_ROOT, 'services/catalog/default-catalog.json');
  const evalFile = path.join(PROJECT_ROOT, 'test/fixtures/default-catalog.eval.json');
  if (!fs.existsSync(catalogFile) || !fs.existsSync(evalFile)) return undefined;
  const catalog = readJson(catalogFile) as CatalogFile;
  const evaluation = readJson(evalFile) as { inScope: LabelledText[]; outOfScope: string[] };
  return {
    name: 'default catalog',
    catalog: {
      language: catalog.language ?? 'es',
      services: catalog.services.map((s) => ({ ...s, active: s.active ?? true })),
      outOfScopeExamples: catalog.outOfScope?.examples ?? [],
    },
    calibration: undefined,
    test: { inScope: evaluation.inScope, outOfScope: [{ name: 'OOS', texts: evaluation.outOfScope }] },
    note: 'services/catalog/default-catalog.json, calibrated on held-out folds of itself; test/fixtures/default-catalog.eval.json to report',
  };
}
