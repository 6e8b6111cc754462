import fs from 'node:fs';
import path from 'node:path';

/** The catalog Ventanilla ships (services/catalog/default-catalog.json), found from the source tree or from dist/. */
export function defaultCatalogPath(): string {
  const name = 'default-catalog.json';
  const candidates = [path.resolve(__dirname, name), path.resolve(__dirname, '..', '..', '..', 'services', 'catalog', name)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`defaultCatalogPath(): ${name} not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** The shipped catalog file, parsed as JSON (validation is the catalog service's job). */
export function readDefaultCatalog(): unknown {
  return JSON.parse(fs.readFileSync(defaultCatalogPath(), 'utf8')) as unknown;
}
