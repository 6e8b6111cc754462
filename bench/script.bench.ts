/**
 * `npm run bench:script`: how many messages a person sends, from the protocol greeting to hearing the ticket number,
 * for typical faults and requests of the shipped catalog, over the real Direct Line endpoint of the whole
 * application (PGlite under a temporary directory). New people answer the attention script; returning people (a
 * portal user id the bot has seen) only confirm their data. Also prints the bot's reply latency per turn.
 *
 * The simulated person answers as tests/support/script-driver.ts says: identification in one message, contact data in
 * one message, the first option of each diagnostic question, «no» to «¿Se resolvió?».
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DirectLineTestClient, StreamCollector } from '../test/support/directline-client';
import { startApp } from '../test/support/harness';
import { runScript, type ScriptAnswers } from '../test/support/script-driver';

const SECRET = 'bench-directline-secret-0123456789abcdef';

const FAULTS = [
  'mi extensión no tiene tono',
  'mi computadora no prende',
  'no puedo entrar al SAES',
  'el wifi está lentísimo en la biblioteca',
  'la impresora no imprime',
  'la página de la escuela no abre',
];
const REQUESTS = [
  'necesito que activen el nodo de red de la oficina nueva',
  'olvidé la contraseña de mi correo institucional',
  'necesito que me instalen el antivirus institucional',
  'necesito una extensión nueva para el personal que llegó',
  'necesito una sala de Zoom para una reunión de academia el jueves',
  'necesito que formateen mi computadora',
];
const PEOPLE: ScriptAnswers[] = [
  { identification: 'soy docente de la ESCOM', extension: '52030', impact: 'solo a mí' },
  { identification: 'personal administrativo de UPIICSA, extensión 70123', impact: 'a mi área' },
  { identification: 'estudiante de la vocacional 9', impact: 'solo a mí', contact: 'Luis Hernández Soto, luis.hs@alumno.ipn.mx, 5598765432' },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function main(): Promise<void> {
  const running = await startApp({ env: { DIRECTLINE_SECRET: SECRET } });
  const latencies: number[] = [];
  const results: Record<string, number[]> = { 'falla, persona nueva': [], 'petición, persona nueva': [], 'falla, persona conocida': [], 'petición, persona conocida': [] };
  const failures: string[] = [];
  try {
    let k = 0;
    for (const [kind, openings] of [['falla', FAULTS], ['petición', REQUESTS]] as const) {
      for (const opening of openings) {
        const person = PEOPLE[k % PEOPLE.length] as ScriptAnswers;
        const userId = `bench-person-${k++}`;
        for (const visit of ['persona nueva', 'persona conocida']) {
          const g = await DirectLineTestClient.generate(running.baseUrl, { secret: SECRET, userId });
          const start = await g.client.startConversation();
          const stream = await StreamCollector.open(start.body.streamUrl as string);
          try {
            await stream.waitFor((a) => a.some((x) => x.type === 'message'));
            const t0 = performance.now();
            const run = await runScript(g.client, g.conversationId, stream, opening, person);
            latencies.push((performance.now() - t0) / run.turns);
            if (run.ticketNumber === null) {
              failures.push(`${kind}/${visit}: «${opening}» ended without a ticket: ${JSON.stringify(run.transcript.at(-1))}`);
              continue;
            }
            results[`${kind}, ${visit}`]?.push(run.turns);
          } finally {
            await stream.close();
          }
        }
      }
    }
  } finally {
    await running.stop();
  }
  console.log(`Máquina: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, PGlite`);
  console.log('Mensajes de la persona desde el saludo hasta el número de ticket (mediana, mín–máx, n):');
  for (const [label, turns] of Object.entries(results)) {
    if (turns.length === 0) continue;
    console.log(`  ${label.padEnd(28)} ${String(median(turns)).padStart(4)}   ${Math.min(...turns)}–${Math.max(...turns)}   n=${turns.length}`);
  }
  console.log(`Latencia media por turno (ms): p50 ${percentile(latencies, 50).toFixed(1)}, p95 ${percentile(latencies, 95).toFixed(1)}`);
  if (failures.length > 0) {
    console.log('Sin ticket:');
    for (const f of failures) console.log(`  ${f}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
