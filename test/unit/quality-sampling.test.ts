import { allocate, drawSample, seededRandom, stratumKey, type SampleMember } from '../../services/quality/sampling';

/** A population: `spec` = [channel, agent, count][], ids `c-0001`… in a shuffled order (the draw must not care). */
function population(spec: Array<[string, string | null, number]>): SampleMember[] {
  const out: SampleMember[] = [];
  let n = 0;
  for (const [channel, agentUserId, count] of spec) {
    for (let i = 0; i < count; i++) out.push({ id: `c-${String(++n).padStart(4, '0')}`, channel, agentUserId });
  }
  // A fixed interleaving, not the id order.
  return out.map((m, i) => ({ m, k: (i * 7919) % out.length })).sort((a, b) => a.k - b.k).map((x) => x.m);
}

const SPEC: Array<[string, string | null, number]> = [
  ['webchat', null, 40],
  ['webchat', 'ana', 25],
  ['voice', null, 30],
  ['voice', 'beto', 12],
  ['email', null, 8],
  ['sms', 'ana', 3],
  ['x', null, 1],
];

describe('seeded generator', () => {
  it('repeats its numbers for the same seed and differs for another', () => {
    const a = seededRandom('0123456789abcdef');
    const b = seededRandom('0123456789abcdef');
    const c = seededRandom('0123456789abcdeg');
    const first = Array.from({ length: 20 }, () => a());
    expect(Array.from({ length: 20 }, () => b())).toEqual(first);
    expect(Array.from({ length: 20 }, () => c())).not.toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('allocate (proportional, at least one per stratum, largest remainder)', () => {
  it('gives each stratum its proportional share and sums to the size', () => {
    const sizes = new Map([['a', 50], ['b', 30], ['c', 20]]);
    expect(Object.fromEntries(allocate(sizes, 10))).toEqual({ a: 5, b: 3, c: 2 });
  });

  it('gives every non-empty stratum at least one when the size allows, taking it from the largest', () => {
    const sizes = new Map([['big', 97], ['s1', 1], ['s2', 1], ['s3', 1]]);
    const out = allocate(sizes, 10);
    expect(Object.fromEntries(out)).toEqual({ big: 7, s1: 1, s2: 1, s3: 1 });
  });

  it('rounds by largest remainder (ties by stratum key)', () => {
    // quotas 3.5, 3.5, 3 → one more for the first key of the tied remainders.
    const out = allocate(new Map([['b', 35], ['a', 35], ['c', 30]]), 10);
    expect(Object.fromEntries(out)).toEqual({ a: 4, b: 3, c: 3 });
  });

  it('with fewer places than strata, the largest strata get them', () => {
    const out = allocate(new Map([['a', 10], ['b', 40], ['c', 30], ['d', 20]]), 2);
    expect(Object.fromEntries(out)).toEqual({ a: 0, b: 1, c: 1, d: 0 });
  });

  it('never draws more than a stratum holds, nor more than the population', () => {
    const sizes = new Map([['a', 2], ['b', 3]]);
    expect(Object.fromEntries(allocate(sizes, 50))).toEqual({ a: 2, b: 3 });
    const capped = allocate(new Map([['a', 1], ['b', 100]]), 60);
    expect(capped.get('a')).toBe(1);
    expect(capped.get('b')).toBe(59);
  });
});

describe('drawSample', () => {
  const pop = population(SPEC);

  it('is reproducible: the same seed over the same population (in any order) draws the same members', () => {
    const one = drawSample(pop, 20, 'a1b2c3d4e5f60718');
    const two = drawSample([...pop].reverse(), 20, 'a1b2c3d4e5f60718');
    expect(two.members.map((m) => m.id)).toEqual(one.members.map((m) => m.id));
    expect(one.members).toHaveLength(20);
    expect(new Set(one.members.map((m) => m.id)).size).toBe(20);
  });

  it('another seed draws another sample of the same strata sizes', () => {
    const one = drawSample(pop, 20, 'a1b2c3d4e5f60718');
    const other = drawSample(pop, 20, 'ffffffff00000000');
    expect(other.members.map((m) => m.id)).not.toEqual(one.members.map((m) => m.id));
    expect(other.strata.map((s) => s.drawn)).toEqual(one.strata.map((s) => s.drawn));
  });

  it('is stratified by channel and agent: every stratum is represented, in proportion, with its population', () => {
    const { members, strata } = drawSample(pop, 20, 'seed-1');
    expect(strata).toHaveLength(SPEC.length);
    for (const [channel, agent, count] of SPEC) {
      const s = strata.find((x) => x.key === stratumKey(channel, agent));
      expect(s?.population).toBe(count);
      expect(s?.drawn).toBeGreaterThanOrEqual(1);
      expect(members.filter((m) => m.channel === channel && m.agentUserId === agent)).toHaveLength(s?.drawn ?? -1);
    }
    // 20 of 119: webchat/bot's 40 → about 6.7, more than voice/agent's 12 → about 2.
    const drawn = (channel: string, agent: string | null) => strata.find((x) => x.key === stratumKey(channel, agent))?.drawn ?? 0;
    expect(drawn('webchat', null)).toBeGreaterThan(drawn('voice', 'beto'));
    expect(strata.reduce((n, s) => n + s.drawn, 0)).toBe(20);
  });

  it("one stratum's draw does not depend on the others (a new stratum leaves the rest unchanged when allocations stay)", () => {
    const base = drawSample(pop, 119, 's');
    expect(base.members).toHaveLength(119);
    const bigger = drawSample([...pop, { id: 'z-1', channel: 'facebook', agentUserId: null }], 200, 's');
    expect(bigger.members).toHaveLength(120);
    const small = drawSample(pop, 5, 'same');
    const smallAgain = drawSample(pop.filter((m) => m.channel !== 'x'), 5, 'same');
    const webchat = (d: ReturnType<typeof drawSample>) => d.members.filter((m) => m.channel === 'webchat' && m.agentUserId === null).map((m) => m.id);
    // With x's single conversation gone, webchat/bot keeps its allocation (2 of 5: quota 1.69 either way), hence the same members.
    expect(small.strata.find((x) => x.key === 'webchat|-')?.drawn).toBe(2);
    expect(smallAgain.strata.find((x) => x.key === 'webchat|-')?.drawn).toBe(2);
    expect(webchat(smallAgain)).toEqual(webchat(small));
  });

  it('an empty population draws nothing', () => {
    expect(drawSample([], 10, 'x')).toEqual({ members: [], strata: [] });
  });
});
