import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../app/config';
import { configVariables, type Container, imageProblems, type Manifest, type Obj, parseYaml, type PodSpec, quantity, read, ROOT } from '../support/deployment-manifests';

/**
 * deployment/: the Dockerfile, compose file, Kubernetes manifests and Azure Bot template are read and checked
 * against each other and against the application (its routes, its CLI and every variable app/config.ts reads).
 */
const DEPLOY = path.join(ROOT, 'deployment');
const K8S = path.join(DEPLOY, 'k8s');

const manifests: Manifest[] = fs
  .readdirSync(K8S)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseYaml(path.join(K8S, f)).map((doc) => doc as unknown as Manifest));
const one = (kind: string): Manifest => {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as Manifest;
};
const deployment = one('Deployment');
const job = one('Job');
const podSpec = (m: Manifest): PodSpec => m.spec?.template?.spec as PodSpec;
const server = podSpec(deployment).containers[0] as Container;
const podLabels = deployment.spec?.template?.metadata.labels ?? {};
const containsLabels = (selector: Record<string, string> | undefined) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
const configMap = one('ConfigMap');
const secret = one('Secret');
const cluster = one('Cluster');
const cnpgAppSecret = `${cluster.metadata.name}-app`;

describe('the checks themselves', () => {
  it('refuse untagged and latest images and read quantities', () => {
    expect(imageProblems('nginx')).toHaveLength(1);
    expect(imageProblems('nginx:latest')).toHaveLength(1);
    expect(imageProblems('registry:5000/app')).toHaveLength(1);
    expect(imageProblems('${IMAGE:-app:latest}')).toHaveLength(1);
    expect(imageProblems('registry:5000/app:1.2.3')).toEqual([]);
    expect(quantity('1500m')).toBeCloseTo(1.5);
    expect(quantity('1Gi')).toBe(2 ** 30);
  });

  it('find the variables of app/config.ts', () => {
    expect(configVariables()).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'MicrosoftAppId', 'HEALTH_DISK_PATH']));
    expect(configVariables().length).toBeGreaterThan(60);
  });
});

describe('Kubernetes manifests', () => {
  it('all parse, name themselves and leave the namespace to kubectl', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(
      ['Cluster', 'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Job', 'PodDisruptionBudget', 'Secret', 'Service'].sort(),
    );
    for (const m of manifests) {
      expect(m.apiVersion).toMatch(/^[\w.]+(\/v\w+)?$/);
      expect(m.metadata.name).toMatch(/^[a-z0-9-]+$/);
      expect(m.metadata.namespace).toBeUndefined();
    }
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
  });

  it('the kustomization lists existing files, and leaves out the Secret example, the Job and the database', () => {
    const k = parseYaml(path.join(K8S, 'kustomization.yaml'))[0] as { resources: string[] };
    for (const file of k.resources) expect(fs.existsSync(path.join(K8S, file))).toBe(true);
    expect(k.resources).not.toEqual(expect.arrayContaining(['secret.example.yaml']));
    expect(k.resources.filter((f) => /job|cnpg|secret/.test(f))).toEqual([]);
  });

  it('pin every image and give every container requests and limits', () => {
    const containers = [deployment, job].flatMap((m) => [...podSpec(m).containers, ...(podSpec(m).initContainers ?? [])]);
    expect(containers.length).toBeGreaterThanOrEqual(2);
    for (const c of containers) {
      expect(imageProblems(c.image ?? '')).toEqual([]);
      for (const r of ['cpu', 'memory']) {
        const request = c.resources?.requests?.[r];
        const limit = c.resources?.limits?.[r];
        expect([c.name, r, typeof request, typeof limit]).toEqual([c.name, r, 'string', 'string']);
        expect(quantity(limit as string)).toBeGreaterThanOrEqual(quantity(request as string));
      }
    }
    expect(imageProblems(String(cluster.spec?.imageName))).toEqual([]);
    expect(podSpec(job).containers[0]?.image).toBe(server.image);
  });

  it('probe /ready for readiness and /health for liveness and start-up, on the container port', () => {
    const port = server.ports?.[0];
    expect(port?.containerPort).toBe(3978);
    const portOk = (p: string | number | undefined) => p === port?.name || p === port?.containerPort;
    expect(server.readinessProbe?.httpGet?.path).toBe('/ready');
    expect(server.livenessProbe?.httpGet?.path).toBe('/health');
    expect(server.startupProbe?.httpGet?.path).toBe('/health');
    for (const p of [server.readinessProbe, server.livenessProbe, server.startupProbe]) expect(portOk(p?.httpGet?.port)).toBe(true);
    const appRoutes = read(ROOT, 'app', 'server.ts');
    expect(appRoutes).toContain("server.get('/health'");
    expect(appRoutes).toContain("server.get('/ready'");
  });

  it('run as non-root on a read-only root filesystem, without privilege escalation', () => {
    for (const m of [deployment, job]) {
      for (const c of podSpec(m).containers) {
        expect(podSpec(m).securityContext?.runAsNonRoot === true || c.securityContext?.runAsNonRoot === true).toBe(true);
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      }
    }
  });

  it('wire the Service, Ingress, HPA and PDB to the Deployment', () => {
    expect(deployment.spec?.replicas).toBeGreaterThanOrEqual(2);
    expect(containsLabels(deployment.spec?.selector?.matchLabels)).toBe(true);
    const service = one('Service');
    expect(containsLabels(service.spec?.selector)).toBe(true);
    const servicePorts = service.spec?.ports as Array<{ name: string; port: number; targetPort: string | number }>;
    const sp = servicePorts[0];
    expect([server.ports?.[0]?.name, server.ports?.[0]?.containerPort]).toContain(sp?.targetPort);

    const ingress = one('Ingress');
    const rules = ingress.spec?.rules as Array<{ host: string; http: { paths: Array<{ path: string; backend: { service: { name: string; port: { name?: string; number?: number } } } }> } }>;
    for (const rule of rules) {
      for (const p of rule.http.paths) {
        expect(p.backend.service.name).toBe(service.metadata.name);
        expect(p.backend.service.port.name === sp?.name || p.backend.service.port.number === sp?.port).toBe(true);
      }
    }
    const tls = ingress.spec?.tls as Array<{ hosts: string[]; secretName: string }>;
    expect(tls[0]?.secretName).toBeTruthy();
    expect(tls.flatMap((t) => t.hosts)).toEqual(expect.arrayContaining(rules.map((r) => r.host)));
    const a = ingress.metadata.annotations ?? {};
    expect(Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    expect(Number(a['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(3600);
    const host = rules[0]?.host;
    expect(configMap.data?.PUBLIC_BASE_URL).toBe(`https://${host}`);

    const hpa = one('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(Number(hpa.spec?.maxReplicas)).toBeGreaterThan(Number(hpa.spec?.minReplicas));
    expect(JSON.stringify(hpa.spec?.metrics)).toMatch(/"name":"cpu"/);

    // Connections at the HPA's ceiling (pool + LISTEN + advisory locks per pod) fit PostgreSQL's max_connections.
    const maxConnections = Number((cluster.spec?.postgresql as { parameters: Record<string, string> }).parameters.max_connections);
    expect(Number(hpa.spec?.maxReplicas) * (Number(configMap.data?.DATABASE_POOL_MAX) + 5) + 10).toBeLessThanOrEqual(maxConnections);

    const pdb = one('PodDisruptionBudget');
    expect(containsLabels(pdb.spec?.selector?.matchLabels)).toBe(true);
    expect(pdb.spec?.minAvailable).toBe(1);
  });

  it('a migration Job runs the CLI command db:migrate that the application has', () => {
    const c = podSpec(job).containers[0] as Container;
    expect(c.command).toEqual(['node', 'scripts/cli.js', 'db:migrate']);
    expect(read(ROOT, 'app', 'cli.ts')).toContain("case 'db:migrate':");
    expect(['Never', 'OnFailure']).toContain(podSpec(job).restartPolicy);
    expect(c.envFrom).toEqual(server.envFrom);
    expect(c.env?.find((e) => e.name === 'DATABASE_URL')).toEqual(server.env?.find((e) => e.name === 'DATABASE_URL'));
  });
});

describe('configuration examples', () => {
  const variables = configVariables();
  const cm = configMap.data ?? {};
  const sec = secret.stringData ?? {};
  const explicit = Object.fromEntries((server.env ?? []).map((e) => [e.name, e]));

  it('every reference points at a ConfigMap, Secret or CloudNativePG key that exists', () => {
    for (const c of [server, podSpec(job).containers[0] as Container]) {
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) expect(from.configMapRef.name).toBe(configMap.metadata.name);
        if (from.secretRef) expect(from.secretRef.name).toBe(secret.metadata.name);
      }
      for (const e of c.env ?? []) {
        const cmRef = e.valueFrom?.configMapKeyRef;
        const secRef = e.valueFrom?.secretKeyRef;
        if (cmRef) expect([cmRef.name, cmRef.key in cm]).toEqual([configMap.metadata.name, true]);
        if (secRef && secRef.name !== cnpgAppSecret) expect([secRef.name, secRef.key in sec]).toEqual([secret.metadata.name, true]);
        if (secRef?.name === cnpgAppSecret) expect(['uri', 'password', 'username', 'host', 'port', 'dbname']).toContain(secRef.key);
      }
    }
  });

  it('provide every variable of app/config.ts, name no other, and keep credentials in the Secret', () => {
    const provided = new Set([...Object.keys(cm), ...Object.keys(sec), ...Object.keys(explicit)]);
    expect(variables.filter((v) => !provided.has(v))).toEqual([]);
    expect([...Object.keys(cm), ...Object.keys(sec)].filter((k) => !variables.includes(k))).toEqual([]);
    const sensitive = variables.filter((v) => /SECRET|PASSWORD|_TOKEN$|^(SMTP|IMAP|DATABASE)_URL$|ACCOUNT_SID/.test(v));
    expect(sensitive.filter((v) => v in cm)).toEqual([]);
    expect(sensitive.filter((v) => !(v in sec) && !explicit[v]?.valueFrom?.secretKeyRef)).toEqual([]);
  });

  const database = { DATABASE_URL: 'postgresql://ventanilla:x@ventanilla-db-rw:5432/ventanilla' };

  it('refuse to start until the placeholders of the signing key and the admin password are replaced', () => {
    let error: unknown;
    try {
      loadConfig({ ...cm, ...sec, ...database });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['ADMIN_PASSWORD', 'SECRET_KEY']);
  });

  it('load through app/config.ts as a production configuration once filled in', () => {
    const filled = Object.fromEntries(Object.entries(sec).map(([k, v]) => [k, v === 'CHANGE-ME' ? 'x'.repeat(48) : v]));
    const env = { ...cm, ...filled, ...database };
    const config = loadConfig(env);
    expect(config.env).toBe('production');
    expect(config.port).toBe(3978);
    expect(config.database.url).toBeDefined();
    expect(config.publicBaseUrl).toMatch(/^https:\/\//);
    expect(config.secretKey).toBeDefined();
    expect(config.admin).toEqual({ email: expect.any(String), password: expect.any(String) });
    expect(config.botFramework).toMatchObject({ appId: expect.any(String), appPassword: expect.any(String), tenantId: expect.any(String), appType: 'SingleTenant' });
    // Every value written out equals what the application would take when the variable is unset.
    const defaults = loadConfig({ NODE_ENV: 'production', DATABASE_URL: env.DATABASE_URL });
    expect(config.handoff).toEqual(defaults.handoff);
    expect(config.voice).toEqual(defaults.voice);
    expect(config.callbacks).toEqual(defaults.callbacks);
    expect(config.directLine).toEqual(defaults.directLine);
    expect(config.reports).toEqual(defaults.reports);
  });
});

describe('Dockerfile', () => {
  const text = read(DEPLOY, 'Dockerfile').replace(/\\\n/g, ' ');
  const args = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
  const stages = text.split(/^FROM /m).slice(1);
  const final = stages[stages.length - 1] ?? '';

  it('builds in stages from pinned images', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      const image = (s.split(/\s/)[0] as string).replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? '');
      expect(imageProblems(image)).toEqual([]);
    }
    expect(text).toMatch(/npm ci --omit=dev/);
    expect(text).toMatch(/npm run build/);
    expect(text).toMatch(/npm_config_yes=true/);
  });

  it('runs as a non-root user, with a health check on /health and the production environment', () => {
    const user = [...final.matchAll(/^USER (\S+)/gm)].map((m) => m[1]).pop();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(final).toMatch(/^HEALTHCHECK .*\/health/m);
    expect(final).toMatch(/^EXPOSE 3978$/m);
    expect(final).toMatch(/NODE_ENV=production/);
    expect(final).toMatch(/^CMD \["node", "scripts\/start\.js"\]/m);
  });

  it('copies what the server reads at run time, and every source exists and is in the build context', () => {
    const copied = (stage: string) => [...stage.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) => (m[1] as string).trim().split(/\s+/).slice(0, -1));
    const runtime = copied(final);
    for (const needed of ['models/migrations/meta/_journal.json', 'public/webchat-page.js', 'console/web/index.html', 'services/catalog/default-catalog.json', 'services/script/default-units.json', 'scripts/start.js', 'scripts/cli.js', 'scripts/ensure-build.js']) {
      expect([needed, runtime.some((src) => needed === src || needed.startsWith(`${src}/`))]).toEqual([needed, true]);
    }
    expect(final).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(final).toMatch(/^COPY --from=prod-deps \/app\/node_modules \.\/node_modules$/m);
    const ignored = read(ROOT, '.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    for (const src of copied(text)) {
      expect([src, fs.existsSync(path.join(ROOT, src))]).toEqual([src, true]);
      expect(ignored.filter((i) => src === i || src.startsWith(`${i}/`))).toEqual([]);
    }
  });
});

describe('compose file', () => {
  const compose = parseYaml(path.join(DEPLOY, 'compose.yaml'))[0] as { services: Record<string, Obj & { image?: string; build?: { dockerfile?: string }; command?: unknown; depends_on?: Record<string, { condition: string }>; environment?: Record<string, string>; healthcheck?: { test?: unknown }; ports?: string[] }> };
  const services = Object.entries(compose.services);
  const apps = services.filter(([, s]) => s.build?.dockerfile === 'deployment/Dockerfile' && s.command === undefined);

  it('runs two instances of the image against PostgreSQL with a health check', () => {
    expect(apps.map(([name]) => name)).toHaveLength(2);
    const [pgName, pg] = services.find(([, s]) => String(s.image).startsWith('postgres:')) ?? [];
    expect(pg?.healthcheck?.test).toBeDefined();
    for (const [, app] of apps) {
      expect(app.depends_on?.[pgName as string]?.condition).toBe('service_healthy');
      expect(app.environment?.DATABASE_URL).toMatch(new RegExp(`^postgresql://[^@]+@${pgName}:5432/`));
      expect(app.environment?.NODE_ENV).toBe('production');
    }
    for (const [, s] of services) if (s.image) expect(imageProblems(s.image)).toEqual([]);
  });

  it('puts a TLS reverse proxy in front that balances over both instances', () => {
    const [, proxy] = services.find(([, s]) => /^(caddy|nginx):/.test(String(s.image))) ?? [];
    expect(proxy?.ports).toEqual(expect.arrayContaining(['443:443']));
    const caddyfile = read(DEPLOY, 'Caddyfile');
    const upstreams = /reverse_proxy ([^{\n]+)\{/.exec(caddyfile)?.[1]?.trim().split(/\s+/);
    expect(upstreams?.sort()).toEqual(apps.map(([name]) => `${name}:3978`).sort());
    expect(caddyfile).toMatch(/health_uri \/ready/);
    expect(caddyfile).not.toMatch(/lb_policy (ip_hash|cookie|client_ip_hash)/);
  });
});

describe('Azure Bot registration', () => {
  const template = JSON.parse(read(DEPLOY, 'azure', 'bot.json')) as { parameters: Record<string, { defaultValue?: unknown }>; variables: Record<string, string>; resources: Array<{ type: string; kind?: string; location?: string; properties: Obj & { channelName?: string } }> };
  const parameters = JSON.parse(read(DEPLOY, 'azure', 'bot.parameters.example.json')) as { parameters: Record<string, unknown> };

  it('registers a single-tenant bot whose endpoint is the server\'s /api/messages', () => {
    const bot = template.resources.find((r) => r.type === 'Microsoft.BotService/botServices');
    expect(bot).toMatchObject({ kind: 'azurebot', location: 'global', properties: { msaAppType: 'SingleTenant' } });
    const endpoint = String(bot?.properties.endpoint).replace(/^\[variables\('(\w+)'\)\]$/, (_, v: string) => template.variables[v] ?? '');
    expect(endpoint).toMatch(/'\/api\/messages'\)\]$/);
    expect(read(ROOT, 'bots', 'channels', 'botframework', 'botframework.channel.ts')).toContain("server.post('/api/messages'");
  });

  it('enables only channels the server does not serve itself, and the example fills every required parameter', () => {
    const channels = template.resources.filter((r) => r.type === 'Microsoft.BotService/botServices/channels').map((r) => r.properties.channelName);
    expect(channels).toEqual(['MsTeamsChannel']);
    const required = Object.entries(template.parameters).filter(([, p]) => p.defaultValue === undefined).map(([n]) => n);
    expect(required.filter((n) => !(n in parameters.parameters))).toEqual([]);
    expect(Object.keys(parameters.parameters).filter((n) => !(n in template.parameters))).toEqual([]);
  });
});
