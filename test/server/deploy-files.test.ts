import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The deployment files are checked here as far as this machine allows: no Docker engine and no
// helm binary. `docker compose config`, `helm lint` and `helm template` run in the operator's
// pipeline; these tests catch what they would not (undocumented variables, literal secrets, a
// typo in a .Values path) and what they would, offline.

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const execFileAsync = promisify(execFile);

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Variable names of README's configuration table; `S3_*` style rows document a prefix. */
function documentedVariables(): { names: Set<string>; prefixes: string[] } {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const names = new Set<string>();
  const prefixes: string[] = [];
  for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const firstCell = line.split('|')[1] ?? '';
    for (const [, name] of firstCell.matchAll(/`([A-Z0-9_*]+)`/g)) {
      if (name.endsWith('*')) prefixes.push(name.slice(0, -1));
      else names.add(name);
    }
  }
  return { names, prefixes };
}

const documented = documentedVariables();
const isDocumented = (name: string) => documented.names.has(name) || documented.prefixes.some((p) => name.startsWith(p));
const undocumented = (names: Iterable<string>) => [...names].filter((name) => !isDocumented(name));

describe('README configuration table (the reference the deploy files are checked against)', () => {
  it('lists the variables the deploy files use', () => {
    expect(documented.names.size).toBeGreaterThan(20);
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'CHATFLOW_SECRET', 'CHATFLOW_ROLES', 'CHATFLOW_TRUST_PROXY']) {
      expect(isDocumented(name), name).toBe(true);
    }
    expect(isDocumented('CHATFLOW_SECRETS'), 'a typo is not documented').toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// docker-compose.prod.yml

const COMPOSE_FILE = 'docker-compose.prod.yml';
const compose = parse(read(COMPOSE_FILE)) as Dict;
const services = compose.services as Record<string, Dict>;

/** `environment` as a map, whichever of the two compose forms (map or KEY=value list) is used. */
function environmentOf(service: Dict): Record<string, string> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry: string) => {
      const at = entry.indexOf('=');
      return at === -1 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
    }));
  }
  return Object.fromEntries(Object.entries((env ?? {}) as Dict).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** The Chat-Flow services: those built from this repository or running its image. */
const chatFlowServices = Object.entries(services).filter(
  ([, s]) => s.build !== undefined || String(s.image ?? '').startsWith('chat-flow'),
);

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|_KEY$/;
/** A compose required variable, `${NAME:?message}` (or `${NAME?message}`): no value in the file. */
const REQUIRED_VARIABLE = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}$/;

/** Problems with secrets written into the file: secret-named values and URL passwords must be required variables. */
function literalSecrets(env: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_NAME.test(name) && !REQUIRED_VARIABLE.test(value)) problems.push(`${name} is not a \${VAR:?message} variable`);
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:(.*)@[^@]*$/i.exec(value)?.[1];
    if (password !== undefined && !REQUIRED_VARIABLE.test(password)) problems.push(`${name} has a literal password`);
  }
  return problems;
}

describe(COMPOSE_FILE, () => {
  it('has the whole stack: postgres 16, redis 7, kafka (KRaft), Chat-Flow and a load balancer', () => {
    expect(services.postgres?.image).toMatch(/^postgres:16(\b|[.-])/);
    expect(services.redis?.image).toMatch(/^redis:7(\b|[.-])/);
    expect(services.kafka?.image).toMatch(/^(apache\/kafka:(3\.(8|9|\d\d)|[4-9])|bitnami\/kafka)/);
    const kafkaEnv = environmentOf(services.kafka);
    expect(kafkaEnv.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafkaEnv.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('true');
    expect(services.postgres.volumes, 'postgres keeps its data on a volume').toBeDefined();
    expect(chatFlowServices.length).toBeGreaterThan(0);
  });

  it('runs at least two Chat-Flow replicas', () => {
    const replicas = chatFlowServices.reduce((sum, [, s]) => sum + Number((s.deploy as Dict | undefined)?.replicas ?? 1), 0);
    expect(replicas).toBeGreaterThanOrEqual(2);
  });

  it('gives Chat-Flow only documented variables, with every backend and the proxy trust set', () => {
    for (const [name, service] of chatFlowServices) {
      const env = environmentOf(service);
      expect(undocumented(Object.keys(env)), `${name}: variables missing from README's configuration table`).toEqual([]);
      for (const required of ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'CHATFLOW_SECRET', 'CHATFLOW_ADMIN_EMAIL', 'CHATFLOW_ADMIN_PASSWORD']) {
        expect(env[required], `${name}: ${required}`).toBeTruthy();
      }
      expect(env.CHATFLOW_TRUST_PROXY, `${name} sits behind the proxy`).toBe('true');
      expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(env.REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      expect(service.ports, `${name} is reached through the load balancer only`).toBeUndefined();
    }
  });

  it('hard-codes no secret in any service', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(literalSecrets(environmentOf(service)), name).toEqual([]);
    }
  });

  it('the secret check itself catches literals', () => {
    expect(literalSecrets({ CHATFLOW_SECRET: 'a-literal-secret-that-is-long-enough-000' })).toHaveLength(1);
    expect(literalSecrets({ CHATFLOW_ADMIN_PASSWORD: '${CHATFLOW_ADMIN_PASSWORD:-changeme}' })).toHaveLength(1);
    expect(literalSecrets({ DATABASE_URL: 'postgres://chatflow:hunter2@postgres:5432/chatflow' })).toHaveLength(1);
    expect(literalSecrets({ DATABASE_URL: 'postgres://chatflow:${PG:?set it}@postgres:5432/chatflow', CHATFLOW_SECRET: '${S:?set}' })).toEqual([]);
  });

  it('waits for healthy dependencies: every depends_on target exists and has a healthcheck', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependsOn = service.depends_on;
      if (dependsOn === undefined) continue;
      expect(isDict(dependsOn), `${name}: depends_on uses the long form (with a condition)`).toBe(true);
      for (const [target, rule] of Object.entries(dependsOn as Record<string, Dict>)) {
        expect(services[target], `${name} depends on a missing service "${target}"`).toBeDefined();
        expect(services[target].healthcheck, `${target} (needed by ${name}) has a healthcheck`).toBeDefined();
        expect(rule.condition, `${name} -> ${target}`).toBe('service_healthy');
      }
    }
    for (const [name] of chatFlowServices) {
      expect(Object.keys(services[name].depends_on as Dict).sort()).toEqual(['kafka', 'postgres', 'redis']);
    }
  });

  it('checks Chat-Flow readiness on /readyz', () => {
    for (const [name, service] of chatFlowServices) {
      expect(JSON.stringify((service.healthcheck as Dict).test), name).toContain('/readyz');
    }
  });

  it('puts a WebSocket-capable load balancer in front, publishing port 80 or 3000', () => {
    const published = Object.entries(services).filter(([, s]) => Array.isArray(s.ports) && s.ports.length > 0);
    expect(published.map(([n]) => n)).toEqual(['nginx']);
    expect(String((services.nginx.ports as unknown[])[0])).toMatch(/:(80|3000)$/);
    const configs = compose.configs as Record<string, { content?: string }>;
    const mounted = (services.nginx.configs as { source: string }[]).map((c) => configs[c.source]?.content ?? '');
    const nginxConf = mounted.join('\n');
    expect(nginxConf).toMatch(/location \/socket\.io\/ \{[^}]*proxy_set_header Upgrade \$\$http_upgrade;[^}]*proxy_set_header Connection \$\$connection_upgrade;/);
    expect(nginxConf).toMatch(/server chatflow:3000/);
    expect(nginxConf, 'round-robin: no sticky hashing').not.toMatch(/^\s*(ip_hash|hash|sticky)\b/m);
    // Compose interpolates `$`: nginx's own variables must be written `$$`.
    expect(nginxConf.replaceAll('$$', '').includes('$'), 'an unescaped $ in the nginx config').toBe(false);
  });

  it('passes dclint (compose-spec schema and its rules), offline', async () => {
    const dclint = path.join(root, 'node_modules/dclint/bin/dclint.cjs');
    const run = await execFileAsync(process.execPath, [dclint, '--max-warnings', '0', '--color', 'false', COMPOSE_FILE], { cwd: root })
      .then(({ stdout }) => ({ code: 0, stdout }))
      .catch((error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, stdout: `${error.stdout}${error.stderr}` }));
    expect(run.stdout.trim(), 'dclint output').toBe('');
    expect(run.code).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// helm/chat-flow

const CHART = 'helm/chat-flow';
const chart = parse(read(`${CHART}/Chart.yaml`)) as Dict;
const values = parse(read(`${CHART}/values.yaml`)) as Dict;
const schema = JSON.parse(read(`${CHART}/values.schema.json`)) as Dict;
const templateFiles = readdirSync(path.join(root, CHART, 'templates')).sort();
const templates = Object.fromEntries(templateFiles.map((f) => [f, read(`${CHART}/templates/${f}`)]));

/** Every `.Values.a.b` (also `$.Values.a.b`) a template reads. */
function valuesPaths(text: string): string[] {
  return [...new Set([...text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => m[1].slice(1)))];
}

/** Whether a dotted path exists in values.yaml (a key with an empty or null value counts). */
function hasValuesPath(tree: Dict, dotted: string): boolean {
  let node: unknown = tree;
  for (const key of dotted.split('.')) {
    if (!isDict(node) || !Object.hasOwn(node, key)) return false;
    node = node[key];
  }
  return true;
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

describe(`${CHART}/Chart.yaml`, () => {
  it('is a v2 application chart named after its directory, with semantic versions', () => {
    expect(chart.apiVersion).toBe('v2');
    expect(chart.name).toBe(path.basename(CHART));
    expect(chart.type ?? 'application').toBe('application');
    expect(String(chart.version)).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(typeof chart.appVersion, 'appVersion is quoted (a string)').toBe('string');
    expect(chart.appVersion).toBe(JSON.parse(read('package.json')).version);
    expect(chart.description).toBeTruthy();
  });
});

describe(`${CHART}/values.yaml and values.schema.json`, () => {
  it('values.yaml validates against the schema', () => {
    const validate = validator();
    expect(validate(values), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('the schema rejects typos and wrong types (helm applies it on install, lint and template)', () => {
    const validate = validator();
    expect(validate({ ...values, replicaCont: 3 })).toBe(false);
    expect(validate({ ...values, replicaCount: '2' })).toBe(false);
    expect(validate({ ...values, config: { ...(values.config as Dict), roles: 'web,writer' } })).toBe(false);
    expect(validate({ ...values, secrets: { ...(values.secrets as Dict), sessionSecret: 'too-short' } })).toBe(false);
    expect(validate({ ...values, podSecurityContext: { ...(values.podSecurityContext as Dict), runAsNonRoot: false } })).toBe(false);
    expect(validate({ ...values, extraEnv: { 'not-an-env-name': 'x' } })).toBe(false);
  });

  it("README's my-values.yaml example, merged over values.yaml as helm does, validates", () => {
    const example = /cat > my-values\.yaml <<'VALUES'\n([\s\S]*?)\nVALUES\n/.exec(read('README.md'))?.[1];
    expect(example, 'the example in README "Deploying"').toBeDefined();
    const merge = (base: Dict, over: Dict): Dict =>
      Object.fromEntries(
        [...new Set([...Object.keys(base), ...Object.keys(over)])].map((key) => [
          key,
          isDict(base[key]) && isDict(over[key]) ? merge(base[key] as Dict, over[key] as Dict) : key in over ? over[key] : base[key],
        ]),
      );
    const validate = validator();
    expect(validate(merge(values, parse(example!) as Dict)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('runs as the image user (uid 10001) with a read-only root filesystem', () => {
    const uid = /--uid (\d+)/.exec(read('Dockerfile'))?.[1];
    expect((values.podSecurityContext as Dict).runAsUser).toBe(Number(uid));
    expect((values.securityContext as Dict).readOnlyRootFilesystem).toBe(true);
    expect(templates['deployment.yaml']).toMatch(/mountPath: \{\{ \.Values\.dataDir\.path \}\}/);
    expect((values.dataDir as Dict).path).toBe(/CHATFLOW_DATA_DIR=(\S+)/.exec(read('Dockerfile'))?.[1]);
  });

  it('probes liveness on /healthz and readiness on /readyz', () => {
    expect(((values.livenessProbe as Dict).httpGet as Dict).path).toBe('/healthz');
    expect(((values.readinessProbe as Dict).httpGet as Dict).path).toBe('/readyz');
  });

  it('keeps WebSockets open through ingress-nginx', () => {
    const annotations = (values.ingress as Dict).annotations as Record<string, string>;
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(3600);
  });
});

describe(`${CHART}/templates`, () => {
  it('has the standard set', () => {
    for (const file of ['_helpers.tpl', 'deployment.yaml', 'service.yaml', 'ingress.yaml', 'secret.yaml', 'pdb.yaml', 'hpa.yaml', 'NOTES.txt']) {
      expect(templateFiles, file).toContain(file);
    }
  });

  it('reads only .Values paths that exist in values.yaml', () => {
    const missing = Object.entries(templates).flatMap(([file, text]) =>
      valuesPaths(text).filter((p) => !hasValuesPath(values, p)).map((p) => `${file}: .Values.${p}`),
    );
    expect(missing).toEqual([]);
    expect(valuesPaths(templates['deployment.yaml']).length).toBeGreaterThan(10);
  });

  it('the path check itself catches a typo', () => {
    const typo = templates['deployment.yaml'].replace('.Values.replicaCount', '.Values.replicasCount');
    expect(valuesPaths(typo).filter((p) => !hasValuesPath(values, p))).toEqual(['replicasCount']);
    expect(hasValuesPath(values, 'podDisruptionBudget.minAvailable'), 'a null default still counts').toBe(true);
    expect(hasValuesPath(values, 'image.tag.more')).toBe(false);
  });

  it('uses only named templates that _helpers.tpl defines, with balanced actions', () => {
    const defined = new Set([...templates['_helpers.tpl'].matchAll(/\{\{-? define "([^"]+)"/g)].map((m) => m[1]));
    for (const [file, text] of Object.entries(templates)) {
      for (const [, name] of text.matchAll(/\b(?:include|template) "([^"]+)"/g)) expect(defined.has(name), `${file}: ${name}`).toBe(true);
      expect((text.match(/\{\{/g) ?? []).length, `${file}: {{ vs }}`).toBe((text.match(/\}\}/g) ?? []).length);
      const opens = (text.match(/\{\{-?\s*(if|range|with|define)\b/g) ?? []).length;
      expect((text.match(/\{\{-?\s*end\s*-?\}\}/g) ?? []).length, `${file}: if/range/with/define vs end`).toBe(opens);
    }
  });

  it('sets only documented variables, from the Secret or values', () => {
    const deployment = templates['deployment.yaml'];
    const envNames = [...deployment.matchAll(/- name: ([A-Z][A-Z0-9_]*)\s*$/gm)].map((m) => m[1]);
    expect(envNames).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'CHATFLOW_ROLES', 'CHATFLOW_TRUST_PROXY']));
    expect(undocumented(envNames), 'deployment.yaml').toEqual([]);
    expect(undocumented(Object.keys((values.extraEnv ?? {}) as Dict)), 'values.yaml extraEnv').toEqual([]);
    // The Secret the chart creates holds exactly the keys the deployment reads.
    const secretKeys = [...templates['secret.yaml'].matchAll(/^\s+([A-Z][A-Z0-9_]*): \{\{/gm)].map((m) => m[1]).sort();
    const referencedKeys = [...deployment.matchAll(/key: ([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]).sort();
    expect(secretKeys).toEqual(referencedKeys);
    expect(undocumented(secretKeys)).toEqual([]);
  });

  it('renders no secret of its own: the Secret takes values or an existing Secret', () => {
    const secrets = values.secrets as Record<string, string>;
    for (const [key, value] of Object.entries(secrets)) expect(value, `secrets.${key} is empty by default`).toBe('');
    expect(templates['secret.yaml']).toMatch(/^\{\{- if not \.Values\.secrets\.existingSecret \}\}/);
  });
});
