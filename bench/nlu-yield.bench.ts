/**
 * How long the event loop can stand still while the server retrains the router (`Router.trainAsync`), for the
 * shipped catalog and a 200 × 20 synthetic one, beside the blocking `Router.train`. Prints figures; asserts nothing.
 */
import os from 'node:os';
import { parseCatalog } from '../services/catalog/catalog-format';
import { trainingCatalog } from '../services/catalog/catalog-router';
import { readDefaultCatalog } from '../services/catalog/default-catalog';
import { Router, type TrainingCatalog } from '../services/nlu/router';
import { probeEventLoop } from '../test/support/event-loop-probe';
import { syntheticCatalog } from './nlu-datasets';

async function main(): Promise<void> {
  const catalogs: [string, TrainingCatalog][] = [
    ['shipped catalog', trainingCatalog(parseCatalog(readDefaultCatalog()))],
    ['synthetic 200 × 20', syntheticCatalog(200, 20)],
  ];
  console.log(`bench:nlu-yield — ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version}`);
  console.log('| catalog | method | wall ms (median of 3) | event-loop turns | longest gap ms (worst of 3) |');
  console.log('|---|---|---:|---:|---:|');
  Router.train(catalogs[0]![1]); // warm-up: module loading and JIT
  for (const [name, catalog] of catalogs) {
    for (const [method, run] of [
      ['Router.train (blocking)', async () => Router.train(catalog)],
      ['Router.trainAsync', () => Router.trainAsync(catalog)],
    ] as const) {
      const runs = [];
      for (let i = 0; i < 3; i++) {
        runs.push(await probeEventLoop(async () => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          await run();
        }));
      }
      const wall = runs.map((r) => r.ms).sort((a, b) => a - b)[1] ?? 0;
      const gap = Math.max(...runs.map((r) => r.maxGapMs));
      console.log(`| ${name} | ${method} | ${wall.toFixed(0)} | ${runs[1]?.ticks ?? 0} | ${gap.toFixed(1)} |`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
