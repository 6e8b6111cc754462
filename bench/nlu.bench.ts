/**
 * `npm run bench:nlu [-- --only clinc,banking --no-nlpjs]`: accuracy, out-of-scope recall, latency, training time
 * and memory of the request router (services/nlu/router.ts) on public intent datasets, beside NLP.js trained on the
 * same splits and the published baselines. Each (dataset, system) runs in its own child process so that its RSS is
 * its own. How to read the output: bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { calibrate, DEFAULT_CALIBRATION_OPTIONS, type ScoredText } from '../services/nlu/calibration';
import { Router } from '../services/nlu/router';
import { banking77Oos, clinc150, defaultCatalog, fbTodSpanish, syntheticCatalog, type Task } from './nlu-datasets';

interface Result {
  job: string;
  rows: Row[];
}

interface Row {
  label: string;
  acc?: number;
  top1?: number;
  recalls?: Record<string, number>;
  p50?: number;
  p99?: number;
  trainS?: number;
  rssMB: number;
  extra?: string;
}

/** A system under test: returns the routed code (null = out of scope) and its best in-scope guess. */
type Decide = (text: string) => { code: string | null; top1: string | null } | Promise<{ code: string | null; top1: string | null }>;

const TASKS: Record<string, () => Task | undefined> = {
  clinc: clinc150,
  banking: () => banking77Oos(false),
  'banking-idoos': () => banking77Oos(true),
  'fb-es': fbTodSpanish,
  default: defaultCatalog,
};

function peakRssMB(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function evaluate(task: Task, label: string, decide: Decide, trainS: number, extra = '', onMeasured?: () => void): Promise<Row> {
  const times: number[] = [];
  const timed = async (text: string) => {
    const started = performance.now();
    const answer = await decide(text);
    times.push(performance.now() - started);
    return answer;
  };
  for (const { text } of task.test.inScope.slice(0, 200)) await decide(text); // warm-up
  times.length = 0;
  onMeasured?.();
  let correct = 0;
  let top1 = 0;
  for (const { text, code } of task.test.inScope) {
    const answer = await timed(text);
    if (answer.code === code) correct++;
    if (answer.top1 === code) top1++;
  }
  const recalls: Record<string, number> = {};
  for (const set of task.test.outOfScope) {
    let caught = 0;
    for (const text of set.texts) if ((await timed(text)).code === null) caught++;
    recalls[set.name] = caught / set.texts.length;
  }
  times.sort((a, b) => a - b);
  const n = task.test.inScope.length;
  return { label, acc: correct / n, top1: top1 / n, recalls, p50: percentile(times, 50), p99: percentile(times, 99), trainS, rssMB: peakRssMB(), extra };
}

async function runVentanilla(task: Task, heldOut: boolean): Promise<Row> {
  const router = Router.train(task.catalog, { calibration: heldOut ? undefined : task.calibration });
  const { info } = router;
  let ambiguous = 0;
  const decide: Decide = (text) => {
    const d = router.route(text);
    if (d.decision === 'ambiguous') ambiguous++;
    return { code: d.code, top1: d.code ?? d.alternatives[0]?.code ?? null };
  };
  const label = `Ventanilla router${heldOut ? ' (held-out folds, no val)' : ''}`;
  const row = await evaluate(task, label, decide, info.trainMs / 1000, '', () => (ambiguous = 0));
  const total = task.test.inScope.length + task.test.outOfScope.reduce((s, o) => s + o.texts.length, 0);
  row.extra = `threshold ${info.threshold}, margin ${info.margin} (${info.calibratedOn}); ambiguous ${((100 * ambiguous) / total).toFixed(1)} % of test`;
  return row;
}

// ───────────── NLP.js peer (@nlpjs/nlp with its NluNeural, as node-nlp's NlpManager uses it) ─────────────

interface NlpjsNlp {
  settings: Record<string, unknown>;
  nluManager: { settings: Record<string, unknown> };
  addLanguage(locale: string): void;
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<unknown>;
  process(locale: string, utterance: string): Promise<{ intent: string; score: number; classifications: { intent: string; score: number }[] }>;
}

async function runNlpjs(task: Task): Promise<Row[]> {
  const load = createRequire(__filename);
  const core = load('@nlpjs/core') as { containerBootstrap(): Promise<{ use(plugin: unknown): void; get(name: string): unknown }> };
  const { Nlp } = load('@nlpjs/nlp') as { Nlp: unknown };
  const lang = task.catalog.language;
  const langModule = load(`@nlpjs/lang-${lang}`) as Record<string, unknown>;
  const container = await core.containerBootstrap();
  container.use(Nlp);
  container.use(langModule[lang === 'es' ? 'LangEs' : 'LangEn']);
  const nlp = container.get('nlp') as NlpjsNlp;
  Object.assign(nlp.settings, { autoSave: false, autoLoad: false, calculateSentiment: false, threshold: 0 });
  nlp.nluManager.settings.log = false;
  nlp.addLanguage(lang);
  const OOS = '__out_of_scope__';
  for (const service of task.catalog.services) {
    nlp.addDocument(lang, service.name, service.code);
    for (const text of service.examples) nlp.addDocument(lang, text, service.code);
  }
  for (const text of task.catalog.outOfScopeExamples) nlp.addDocument(lang, text, OOS);
  const started = performance.now();
  await nlp.train();
  const trainS = (performance.now() - started) / 1000;
  const scoresOf = async (text: string) => {
    const { classifications } = await nlp.process(lang, text);
    const ranked = classifications.filter((c) => c.intent !== OOS && c.intent !== 'None').map((c) => ({ code: c.intent, score: c.score }));
    const outOfScope = classifications.filter((c) => c.intent === OOS || c.intent === 'None').reduce((s, c) => Math.max(s, c.score), 0);
    return { ranked, outOfScope };
  };
  const codes = new Map(task.catalog.services.map((s, i) => [s.code, i]));
  const toScored = (gold: number | null, s: Awaited<ReturnType<typeof scoresOf>>): ScoredText => ({
    gold,
    scores: { ranked: s.ranked.map((r) => ({ label: codes.get(r.code) ?? -1, score: r.score })), outOfScope: s.outOfScope },
  });
  let threshold = 0.5;
  if (task.calibration) {
    const scored: ScoredText[] = [];
    for (const { text, code } of task.calibration.inScope) scored.push(toScored(codes.get(code) ?? null, await scoresOf(text)));
    for (const text of task.calibration.outOfScope) scored.push(toScored(null, await scoresOf(text)));
    threshold = calibrate(scored, codes.size + (task.catalog.outOfScopeExamples.length > 0 ? 1 : 0), DEFAULT_CALIBRATION_OPTIONS).threshold;
  }
  const decideWith = (th: number): Decide => async (text) => {
    const { ranked, outOfScope } = await scoresOf(text);
    const best = ranked[0];
    const rejected = best === undefined || outOfScope > best.score || best.score < th;
    return { code: rejected ? null : best.code, top1: best?.code ?? null };
  };
  const tuned = await evaluate(task, 'NLP.js NluNeural (threshold tuned, same rule)', decideWith(threshold), trainS, `threshold ${threshold.toFixed(3)}`);
  const fixed = await evaluate(task, 'NLP.js NluNeural (default None threshold 0.5)', decideWith(0.5), trainS);
  return [tuned, fixed];
}

function runSynthetic(): Row[] {
  const catalog = syntheticCatalog(200, 20);
  const times: number[] = [];
  const cpu: number[] = [];
  let router: Router | undefined;
  for (let seed = 1; seed <= 3; seed++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    router = Router.train(catalog, { seed });
    times.push(performance.now() - started);
    cpu.push(process.cpuUsage(cpuStarted).user / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const routeTimes: number[] = [];
  for (const service of catalog.services) {
    for (const text of service.examples.slice(0, 5)) {
      const started = performance.now();
      router?.route(`${text} por favor`);
      routeTimes.push(performance.now() - started);
    }
  }
  routeTimes.sort((a, b) => a - b);
  const info = router?.info;
  return [{
    label: 'Ventanilla router, 200 services × 20 examples (synthetic, es)',
    p50: percentile(routeTimes, 50),
    p99: percentile(routeTimes, 99),
    trainS: (times[1] ?? NaN) / 1000,
    rssMB: peakRssMB(),
    extra:
      `median of 3 trainings (seeds 1–3) incl. held-out calibration: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s ` +
      `wall, median ${((cpu[1] ?? NaN) / 1000).toFixed(2)} s CPU (user, all threads); ${info?.examples} texts`,
  }];
}

async function runJob(job: string): Promise<Row[]> {
  if (job === 'baseline') return [{ label: 'idle child process (node + tsx, nothing loaded)', rssMB: peakRssMB() }];
  if (job === 'synthetic') return runSynthetic();
  const [taskName, system] = job.split(':');
  const task = TASKS[taskName ?? '']?.();
  if (!task) return [];
  if (system === 'nlpjs') return runNlpjs(task);
  return [await runVentanilla(task, system === 'heldout')];
}

// ───────────────────────────── parent: run the jobs, print the table ─────────────────────────────

const PUBLISHED_CLINC: [string, number, number][] = [
  ['FastText', 89.0, 9.7], ['SVM', 91.0, 14.5], ['CNN', 91.2, 18.9], ['DialogFlow', 91.7, 14.0],
  ['Rasa', 91.5, 45.3], ['MLP (USE)', 93.5, 47.4], ['BERT', 96.9, 40.3],
];

const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : (100 * v).toFixed(1));
const num = (v: number | undefined, digits: number) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

function jobsFor(args: string[]): string[] {
  const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',') : undefined;
  const nlpjs = !args.includes('--no-nlpjs');
  const all = [
    'baseline', 'synthetic',
    'clinc:ventanilla', 'clinc:heldout', ...(nlpjs ? ['clinc:nlpjs'] : []),
    'banking:ventanilla', 'banking-idoos:ventanilla', ...(nlpjs ? ['banking:nlpjs', 'banking-idoos:nlpjs'] : []),
    'fb-es:ventanilla', ...(nlpjs ? ['fb-es:nlpjs'] : []),
    'default:ventanilla',
  ];
  return all.filter((job) => job === 'baseline' || !only || only.some((o) => job === o || job.startsWith(`${o}:`)));
}

function runChild(job: string): Row[] {
  const started = performance.now();
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--job', job], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('@@nlu-result '));
  if (child.status !== 0 || !line) {
    console.error(`  ${job}: FAILED (exit ${child.status})\n${child.stderr.slice(-3000)}`);
    return [];
  }
  console.error(`  ${job}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return (JSON.parse(line.slice('@@nlu-result '.length)) as Result).rows;
}

function printTable(results: Map<string, Row[]>): void {
  const header = '| system | in-scope acc % | top-1 % | OOS recall % | ms/utt p50 | p99 | train s | peak RSS MB |';
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|';
  const line = (r: Row) =>
    `| ${r.label} | ${pct(r.acc)} | ${pct(r.top1)} | ${r.recalls ? Object.entries(r.recalls).map(([k, v]) => `${Object.keys(r.recalls ?? {}).length > 1 ? `${k} ` : ''}${pct(v)}`).join(' · ') || '— (no OOS)' : '—'} | ${num(r.p50, 3)} | ${num(r.p99, 3)} | ${num(r.trainS, 2)} | ${r.rssMB.toFixed(0)} |`;
  const groups: [string, string[], string | undefined][] = [
    ['CLINC150 data_full, oos-train (test: 4,500 in-scope, 1,000 OOS)', ['clinc:ventanilla', 'clinc:heldout', 'clinc:nlpjs'], 'clinc'],
    ['BANKING77-OOS (test: 2,000 in-scope, 1,080 ID-OOS, 1,000 OOD-OOS)', ['banking:ventanilla', 'banking:nlpjs', 'banking-idoos:ventanilla', 'banking-idoos:nlpjs'], 'banking'],
    ['FB multilingual TOD, Spanish (test-es: 3,043, no OOS)', ['fb-es:ventanilla', 'fb-es:nlpjs'], 'fb'],
    ['Default catalog (held-out phrasings)', ['default:ventanilla'], undefined],
    ['Training time and routing on a synthetic catalogue', ['synthetic'], undefined],
  ];
  for (const [title, jobs, published] of groups) {
    const rows = jobs.flatMap((job) => (results.get(job) ?? []).map((r) => ({ ...r, label: job.includes('idoos') ? `${r.label}, +ID-OOS train` : r.label })));
    if (rows.length === 0) {
      if (title.startsWith('Default')) console.log(`\n${title}: skipped — services/catalog/default-catalog.json or test/fixtures/default-catalog.eval.json is absent`);
      continue;
    }
    console.log(`\n${title}\n${header}\n${rule}`);
    for (const r of rows) console.log(line(r));
    if (published === 'clinc') for (const [name, acc, rec] of PUBLISHED_CLINC) console.log(`| published: ${name} (Larson et al. 2019, Table 2) | ${acc.toFixed(1)} | | ${rec.toFixed(1)} | | | | |`);
    if (published === 'banking' || published === 'fb') console.log('| published baselines | not retrieved (see the dataset\'s SOURCE.md) | | | | | | |');
    for (const r of rows) if (r.extra) console.log(`  ${r.label}: ${r.extra}`);
  }
}

function printTargets(results: Map<string, Row[]>): void {
  const clinc = results.get('clinc:ventanilla')?.[0];
  const peers = results.get('clinc:nlpjs') ?? [];
  const synthetic = results.get('synthetic')?.[0];
  const ours = [...results.entries()].filter(([job]) => !job.endsWith('nlpjs') && job !== 'baseline').flatMap(([, rows]) => rows);
  const worstP99 = Math.max(...ours.map((r) => r.p99 ?? 0));
  const recall = clinc?.recalls?.OOS;
  const mark = (ok: boolean | undefined) => (ok === undefined ? 'n/a ' : ok ? 'PASS' : 'MISS');
  console.log('\nTargets');
  console.log(`  ${mark(clinc && (clinc.acc ?? 0) >= 0.93)} CLINC150 in-scope accuracy ≥ 93 %: ${pct(clinc?.acc)} %`);
  console.log(`  ${mark(recall === undefined ? undefined : recall >= 0.6)} CLINC150 OOS recall ≥ 60 %: ${pct(recall)} %`);
  const ahead = peers.length === 0 ? undefined : peers.every((p) => (clinc?.acc ?? 0) > (p.acc ?? 1) && (recall ?? 0) > (p.recalls?.OOS ?? 1));
  console.log(`  ${mark(ahead)} ahead of NLP.js on both (CLINC150): NLP.js ${peers.map((p) => `${pct(p.acc)} / ${pct(p.recalls?.OOS)}`).join(' and ') || 'not run'}`);
  console.log(`  ${mark(ours.length ? worstP99 <= 2 : undefined)} route p99 ≤ 2 ms (worst over the router's rows): ${worstP99.toFixed(3)} ms`);
  console.log(`  ${mark(synthetic ? (synthetic.trainS ?? 99) <= 2 : undefined)} 200 × 20 training ≤ 2 s incl. calibration: ${num(synthetic?.trainS, 2)} s`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--job') {
    const rows = await runJob(args[1] ?? '');
    process.stdout.write(`@@nlu-result ${JSON.stringify({ job: args[1], rows } satisfies Result)}\n`);
    return;
  }
  const cpus = os.cpus();
  console.log('npm run bench:nlu — request router (services/nlu) vs NLP.js and published baselines');
  console.log(`machine   ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}`);
  console.log('method    one child process per row (tsx); acc = routed to the right code (ambiguous counts with its best candidate; rejected = wrong);');
  console.log('          top-1 = best in-scope guess ignoring rejection; ms/utt over every test text after 200 warm-up calls; train = Router.train incl. calibration');
  const results = new Map<string, Row[]>();
  for (const job of jobsFor(args)) results.set(job, runChild(job));
  const baseline = results.get('baseline')?.[0];
  printTable(results);
  if (baseline) console.log(`\nRSS: peak of each row's process, datasets loaded; an idle child (node + tsx) peaks at ${baseline.rssMB.toFixed(0)} MB.`);
  printTargets(results);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
