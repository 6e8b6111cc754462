import type { StoreItems } from 'botbuilder';
import { PostgresStorage } from '../../bots/state/postgres.storage';
import { BotStateRepository } from '../../models';
import { openTestDatabase, testBackends, type TestDatabase } from '../support/test-database';

/**
 * The shared Storage suite: the same cases on every backend (PGlite always, the PostgreSQL
 * server when TEST_DATABASE_URL is set).
 */
describe.each(testBackends())('PostgresStorage on %s', (backend) => {
  let t: TestDatabase;
  let storage: PostgresStorage;

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    storage = new PostgresStorage(new BotStateRepository(t.database));
  });
  afterAll(() => t.dispose());

  it('reads nothing for unknown keys', async () => {
    expect(await storage.read(['nope-1', 'nope-2'])).toEqual({});
  });

  it('writes, reads back with an eTag, and round-trips nested JSON', async () => {
    const doc = { count: 1, nested: { list: [1, 'dos', { tres: true }] }, texto: 'Atención ñandú' };
    await storage.write({ 'rt/a': doc });
    const items = await storage.read(['rt/a']);
    expect(items['rt/a']).toMatchObject(doc);
    expect(typeof items['rt/a']?.eTag).toBe('string');
  });

  it('reads several keys at once and ignores duplicates', async () => {
    await storage.write({ 'multi/1': { n: 1 }, 'multi/2': { n: 2 } });
    const items = await storage.read(['multi/1', 'multi/2', 'multi/1', 'multi/3']);
    expect(Object.keys(items).sort()).toEqual(['multi/1', 'multi/2']);
    expect(items['multi/2']).toMatchObject({ n: 2 });
  });

  it('updates with the current eTag and changes the eTag', async () => {
    await storage.write({ 'etag/ok': { v: 1 } });
    const first = (await storage.read(['etag/ok']))['etag/ok'];
    await storage.write({ 'etag/ok': { ...first, v: 2 } });
    const second = (await storage.read(['etag/ok']))['etag/ok'];
    expect(second).toMatchObject({ v: 2 });
    expect(second?.eTag).not.toEqual(first?.eTag);
  });

  it('rejects a write with a stale eTag and keeps the newer value', async () => {
    await storage.write({ 'etag/stale': { v: 1 } });
    const original = (await storage.read(['etag/stale']))['etag/stale'];
    await storage.write({ 'etag/stale': { ...original, v: 2 } });
    await expect(storage.write({ 'etag/stale': { ...original, v: 3 } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read(['etag/stale']))['etag/stale']).toMatchObject({ v: 2 });
  });

  it('overwrites with "*" regardless of the stored eTag', async () => {
    await storage.write({ 'etag/star': { v: 1 } });
    await storage.write({ 'etag/star': { v: 2, eTag: '*' } });
    expect((await storage.read(['etag/star']))['etag/star']).toMatchObject({ v: 2 });
  });

  it('lets exactly one of two concurrent writers with the same eTag win', async () => {
    await storage.write({ 'etag/race': { v: 0 } });
    const base = (await storage.read(['etag/race']))['etag/race'];
    const results = await Promise.allSettled([
      storage.write({ 'etag/race': { ...base, v: 'a' } }),
      storage.write({ 'etag/race': { ...base, v: 'b' } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });

  it('deletes keys, and deleting unknown keys is harmless', async () => {
    const items: StoreItems = { 'del/1': { a: 1 }, 'del/2': { a: 2 } };
    await storage.write(items);
    await storage.delete(['del/1', 'del/unknown']);
    expect(Object.keys(await storage.read(['del/1', 'del/2']))).toEqual(['del/2']);
  });

  it('does not store the eTag inside the document', async () => {
    await storage.write({ 'etag/inner': { v: 1, eTag: '*' } });
    const repoRead = await new BotStateRepository(t.database).read(['etag/inner']);
    expect(repoRead.get('etag/inner')?.data).toEqual({ v: 1 });
  });

  it('rejects non-array keys', async () => {
    await expect(storage.read('x' as unknown as string[])).rejects.toThrow(TypeError);
  });
});
