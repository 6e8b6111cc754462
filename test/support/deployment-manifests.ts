import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Readers and checks for the files under deployment/ (used by test/unit/deployment.test.ts). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const read = (...parts: string[]) => fs.readFileSync(path.join(...parts), 'utf8');

export type Obj = Record<string, unknown>;
export interface Probe { httpGet?: { path?: string; port?: string | number } }
export interface Container {
  name: string;
  image?: string;
  command?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef } }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}
export interface KeyRef { name: string; key: string }
export interface PodSpec { containers: Container[]; initContainers?: Container[]; securityContext?: { runAsNonRoot?: boolean }; restartPolicy?: string }
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Obj & {
    replicas?: number;
    selector?: Record<string, string> & { matchLabels?: Record<string, string> };
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export function parseYaml(file: string): Obj[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'), { merge: true }).flatMap((doc) => {
    if (doc.errors.length > 0 || doc.warnings.length > 0) throw new Error(`${file}: ${[...doc.errors, ...doc.warnings].map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value as Obj];
  });
}

/** Problems of an image reference: it needs an explicit tag other than `latest`. */
export function imageProblems(ref: string): string[] {
  const resolved = ref.replace(/\$\{\w+:-([^}]+)\}/g, '$1');
  const name = resolved.split('@')[0] as string;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : '';
  if (tag === '') return [`${ref}: no tag`];
  if (tag === 'latest' || /\$\{/.test(tag)) return [`${ref}: tag «${tag}» is not a pinned version`];
  return [];
}

/** Kubernetes quantities to a number (cores or bytes). */
export function quantity(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const units: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9 };
  return Number(m[1]) * (m[2] ? (units[m[2]] as number) : 1);
}

/** Every variable app/config.ts's environment schema declares. */
export function configVariables(): string[] {
  const source = read(ROOT, 'app', 'config.ts');
  const block = /const envSchema = z\.object\(\{\n([\s\S]*?)\n\}\);/.exec(source)?.[1] ?? '';
  return [...block.matchAll(/^ {2}([A-Za-z_][A-Za-z0-9_]*):/gm)].map((m) => m[1] as string);
}
