/**
 * The month's random sample for the quality review (seed 001 stage 2: «selecciona al azar una muestra»), stratified by
 * channel and agent and reproducible: the same seed over the same population draws the same conversations. Pure.
 *
 * Allocation is proportional to each stratum's size, at least one per non-empty stratum when the sample is large
 * enough, rounded by largest remainder (ties: the stratum key). Inside a stratum the members, ordered by id, are
 * shuffled by a generator seeded from (seed, stratum key), so one stratum's draw does not depend on the others.
 */

/** One conversation of the month. `agentUserId` null = the bot alone. */
export interface SampleMember {
  id: string;
  channel: string;
  agentUserId: string | null;
}

/** How one stratum was drawn. */
export interface StratumDraw {
  key: string;
  channel: string;
  agentUserId: string | null;
  population: number;
  drawn: number;
}

/** The draw: the chosen members (stratum by stratum, each by id) and the strata. */
export interface SampleDraw {
  members: SampleMember[];
  strata: StratumDraw[];
}

/** cyrb128: four 32-bit hashes of a string (seeds sfc32). */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A seeded generator of numbers in [0, 1) (sfc32 seeded by cyrb128 of `seed`). */
export function seededRandom(seed: string): () => number {
  let [a, b, c, d] = cyrb128(seed);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** The stratum of a member: `channel|agent` (`-` for the bot alone). */
export function stratumKey(channel: string, agentUserId: string | null): string {
  return `${channel}|${agentUserId ?? '-'}`;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * How many to draw from each stratum (sizes by key, keys in any order): proportional, at least one each when `size`
 * reaches the number of strata, never more than a stratum holds, summing to min(size, population).
 */
export function allocate(sizes: ReadonlyMap<string, number>, size: number): Map<string, number> {
  const keys = [...sizes.keys()].filter((k) => (sizes.get(k) ?? 0) > 0).sort(byText);
  const population = keys.reduce((n, k) => n + (sizes.get(k) ?? 0), 0);
  const n = Math.max(0, Math.min(Math.floor(size), population));
  const out = new Map<string, number>(keys.map((k) => [k, 0]));
  if (n === 0) return out;
  const quota = new Map(keys.map((k) => [k, (n * (sizes.get(k) ?? 0)) / population]));
  const floor = keys.length <= n ? 1 : 0;
  for (const k of keys) out.set(k, Math.min(sizes.get(k) ?? 0, Math.max(floor, Math.floor(quota.get(k) ?? 0))));
  let total = [...out.values()].reduce((a, b) => a + b, 0);
  // The minimum of one may overshoot: take back from the strata furthest above their quota (keeping one each).
  while (total > n) {
    const k = keys.filter((x) => (out.get(x) ?? 0) > floor).sort((x, y) => (out.get(y) ?? 0) - (quota.get(y) ?? 0) - ((out.get(x) ?? 0) - (quota.get(x) ?? 0)) || byText(x, y))[0];
    if (k === undefined) break;
    out.set(k, (out.get(k) ?? 0) - 1);
    total -= 1;
  }
  // Largest remainder for the rest, among strata with members left.
  while (total < n) {
    const k = keys.filter((x) => (out.get(x) ?? 0) < (sizes.get(x) ?? 0)).sort((x, y) => (quota.get(y) ?? 0) - (out.get(y) ?? 0) - ((quota.get(x) ?? 0) - (out.get(x) ?? 0)) || byText(x, y))[0];
    if (k === undefined) break;
    out.set(k, (out.get(k) ?? 0) + 1);
    total += 1;
  }
  return out;
}

/** The first `k` of `list` after a seeded Fisher–Yates shuffle (only the first `k` places are shuffled). */
function choose<T>(list: readonly T[], k: number, random: () => number): T[] {
  const a = [...list];
  for (let i = 0; i < k && i < a.length; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a.slice(0, k);
}

/** Draws the sample of `size` from `population` with `seed`; the population's order does not matter (it is sorted by id). */
export function drawSample(population: readonly SampleMember[], size: number, seed: string): SampleDraw {
  const groups = new Map<string, SampleMember[]>();
  for (const m of [...population].sort((a, b) => byText(a.id, b.id))) {
    const key = stratumKey(m.channel, m.agentUserId);
    const list = groups.get(key);
    if (list) list.push(m);
    else groups.set(key, [m]);
  }
  const quota = allocate(new Map([...groups].map(([k, v]) => [k, v.length])), size);
  const members: SampleMember[] = [];
  const strata: StratumDraw[] = [];
  for (const key of [...groups.keys()].sort(byText)) {
    const list = groups.get(key) as SampleMember[];
    const k = quota.get(key) ?? 0;
    const chosen = choose(list, k, seededRandom(`${seed}|${key}`)).sort((a, b) => byText(a.id, b.id));
    members.push(...chosen);
    const first = list[0] as SampleMember;
    strata.push({ key, channel: first.channel, agentUserId: first.agentUserId, population: list.length, drawn: chosen.length });
  }
  return { members, strata };
}
