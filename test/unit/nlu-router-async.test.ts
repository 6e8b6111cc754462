import fs from 'node:fs';
import path from 'node:path';
import { parseCatalog } from '../../services/catalog/catalog-format';
import { trainingCatalog } from '../../services/catalog/catalog-router';
import { readDefaultCatalog } from '../../services/catalog/default-catalog';
import { probeEventLoop } from '../support/event-loop-probe';
import { type RouteDecision, Router, type RouterOptions, type TrainingCatalog } from '../../services/nlu/router';

interface EvalFile {
  inScope: { text: string; code: string }[];
  outOfScope: string[];
}

const shipped: TrainingCatalog = trainingCatalog(parseCatalog(readDefaultCatalog()));
const evaluation = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/default-catalog.eval.json'), 'utf8')) as EvalFile;
const texts = [
  ...evaluation.inScope.map((t) => t.text),
  ...evaluation.outOfScope,
  ...shipped.services.slice(0, 10).map((s) => s.name),
  '',
  'zzz qqq xxyy',
];

function decisions(router: Router): RouteDecision[] {
  return texts.map((text) => router.route(text));
}

function infoOf(router: Router): Omit<Router['info'], 'trainMs'> {
  const { trainMs: _trainMs, ...info } = router.info;
  return info;
}

describe('Router.trainAsync', () => {
  // Also warms up: module loading (natural's stemmers) and the JIT happen here, not inside the measured runs.
  const reference = Router.train(shipped);
  const expected = decisions(reference);

  it('routes the texts of the check set (sanity of the comparison below)', () => {
    expect(texts.length).toBeGreaterThan(100);
    expect(new Set(expected.map((d) => d.decision)).size).toBeGreaterThanOrEqual(3);
  });

  it('trains the same router as Router.train on the shipped catalogue, however often it yields', async () => {
    const router = await Router.trainAsync(shipped, { sliceMs: 0 }); // yields at every pause point
    expect(infoOf(router)).toEqual(infoOf(reference));
    expect(decisions(router)).toEqual(expected);
  });

  const half = Math.floor(evaluation.inScope.length / 2);
  const calibrationSet = { inScope: evaluation.inScope.slice(0, half), outOfScope: evaluation.outOfScope.slice(0, 20) };
  it.each<[string, RouterOptions]>([
    ['another seed, one held-out fold and a resumed final model', { seed: 3, singleFoldAbove: 10 }],
    ['a given calibration set', { calibration: calibrationSet }],
  ])('trains the same router as Router.train with %s', async (_name, options) => {
    const sync = Router.train(shipped, options);
    const router = await Router.trainAsync(shipped, { ...options, sliceMs: 0.5 });
    expect(infoOf(router)).toEqual(infoOf(sync));
    expect(decisions(router)).toEqual(decisions(sync));
  });

  // Structural, not timed: the event loop must turn many times during training (how long each slice takes is
  // measured by `npm run bench:nlu-yield`, not asserted here).
  it('keeps the event loop turning while it trains the shipped catalogue', async () => {
    const { result, ticks } = await probeEventLoop(() => Router.trainAsync(shipped));
    expect(ticks).toBeGreaterThanOrEqual(20);
    expect(decisions(result)).toEqual(expected);
  });

  it('(control) the probe does see a synchronous training block the event loop', async () => {
    const { ticks } = await probeEventLoop(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return Router.train(shipped);
    });
    expect(ticks).toBeLessThan(5);
  });

  it('rejects, without throwing synchronously, when no service is active', async () => {
    const inactive: TrainingCatalog = { ...shipped, services: shipped.services.map((s) => ({ ...s, active: false })) };
    let training: Promise<Router> | undefined;
    expect(() => {
      training = Router.trainAsync(inactive);
    }).not.toThrow();
    await expect(training).rejects.toThrow(/no active service/);
  });

  it('rejects a slice length that is not a number ≥ 0', async () => {
    await expect(Router.trainAsync(shipped, { sliceMs: Number.NaN })).rejects.toThrow(RangeError);
    await expect(Router.trainAsync(shipped, { sliceMs: -1 })).rejects.toThrow(RangeError);
  });
});
