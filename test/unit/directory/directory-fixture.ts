import fs from 'node:fs';
import path from 'node:path';
import { readImport } from '../../../services/directory/directory-import';
import type { DirectoryEntry } from '../../../services/directory/directory-types';

export const FIXTURE_PATH = path.resolve(__dirname, '..', '..', 'fixtures', 'directory.csv');

/** The fixture directory (test/fixtures/directory.csv) as entries, without a database: ids are `e<row>`. */
export function fixtureEntries(): DirectoryEntry[] {
  const { inputs, errors } = readImport(fs.readFileSync(FIXTURE_PATH, 'utf8'));
  if (errors.length > 0) throw new Error(`fixture directory.csv is invalid: ${JSON.stringify(errors)}`);
  return inputs.map(({ input }, i) => ({
    id: `e${i + 2}`,
    kind: input.kind ?? 'person',
    name: input.name ?? '',
    title: input.title ?? null,
    gender: input.gender ?? null,
    area: input.area ?? null,
    position: input.position ?? null,
    aliases: input.aliases ?? [],
    extension: input.extension ?? null,
    phone: input.phone ?? null,
    email: input.email ?? null,
    availability: input.availability ?? 'available',
    availabilityNote: input.availabilityNote ?? null,
    route: input.route ?? null,
    outboundAllowed: input.outboundAllowed ?? false,
    hasPin: input.pin !== undefined,
    active: true,
    updatedAt: new Date('2026-11-02T16:00:00Z'),
  }));
}
