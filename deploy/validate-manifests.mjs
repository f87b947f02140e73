#!/usr/bin/env node
/**
 * Validates deploy/ offline, as kubeconform -strict would and a bit more:
 *
 * 1. schema: every object of deploy/kubernetes/kustomization.yaml's resources against the
 *    Kubernetes OpenAPI schema (the compiled validators of the npm package kubernetes-models:
 *    required fields, types, formats, enums);
 * 2. fields: no unknown field anywhere (a misspelt `readOnlyRootFilesytem` passes the schema,
 *    which allows extra properties): the objects are type-checked with TypeScript against
 *    kubernetes-models' type declarations, whose object literals admit no excess property;
 * 3. policy: what this service needs and the API server does not check: non-root,
 *    read-only root, no privilege escalation, requests and limits, native gRPC probes on the
 *    gRPC port, Service ports and selector matching the Deployment, every ConfigMap key a
 *    server setting (server/config.ts) with a value the server accepts, limits that fit;
 * 4. prometheus: deploy/prometheus/prometheus.yml scrapes the Service's metrics port, and
 *    `promtool check config` accepts it (when promtool is found: PROMTOOL or PATH).
 *
 * Usage: node deploy/validate-manifests.mjs [--self-test]
 *   --self-test  also breaks the manifests in memory in known ways and fails unless every
 *                break is reported (so a package update cannot turn validation into a no-op)
 * Environment:
 *   MANIFEST_TOOLS_DIR  a node_modules directory holding kubernetes-models and yaml, used when
 *                       they are not installed in the project (.ci/run fills one if needed)
 *   PROMTOOL            path of promtool (default: promtool in PATH; skipped if absent)
 *
 * ES module because kubernetes-models is ESM-only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DEPLOY_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(DEPLOY_DIR);
const K8S_DIR = path.join(DEPLOY_DIR, 'kubernetes');
const PROMETHEUS_FILE = path.join(DEPLOY_DIR, 'prometheus', 'prometheus.yml');
const rel = (f) => path.relative(REPO, f);
const requireFromRepo = createRequire(path.join(REPO, 'package.json'));

// ---- tools: kubernetes-models and yaml from the project, else from MANIFEST_TOOLS_DIR ----

function findTools() {
  const toolsDir = process.env.MANIFEST_TOOLS_DIR;
  const requireFromTools = toolsDir ? createRequire(path.join(toolsDir, 'noop.js')) : null;
  const resolve = (spec) => {
    for (const req of [requireFromRepo, requireFromTools]) {
      if (!req) continue;
      try {
        return req.resolve(spec);
      } catch {
        // not there; try the next place
      }
    }
    return null;
  };
  const kmPackageJson = resolve('kubernetes-models/package.json');
  const yamlMain = resolve('yaml');
  if (!kmPackageJson || !yamlMain) {
    throw new Error(
      'kubernetes-models and yaml are needed: add them as devDependencies, or set MANIFEST_TOOLS_DIR ' +
        'to a node_modules directory holding them (npm install --prefix DIR kubernetes-models yaml)',
    );
  }
  return {
    kmRoot: path.dirname(kmPackageJson),
    kmVersion: JSON.parse(fs.readFileSync(kmPackageJson, 'utf8')).version,
    YAML: createRequire(yamlMain)(yamlMain),
    ts: requireFromRepo('typescript'),
  };
}

/** kubernetes-models' file for apiVersion/kind ("apps/v1" Deployment -> apps/v1/Deployment.js). */
function modelFile(kmRoot, apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9.]+(\/[A-Za-z0-9]+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    return null;
  }
  const f = path.join(kmRoot, ...apiVersion.split('/'), `${kind}.js`);
  return fs.existsSync(f) ? f : null;
}

// ---- reading ----

/** The kustomization and every document of the files it lists: [{ file, index, doc }]. */
function readManifests(YAML, errors) {
  const kustFile = path.join(K8S_DIR, 'kustomization.yaml');
  const kust = YAML.parse(fs.readFileSync(kustFile, 'utf8'));
  const listed = Array.isArray(kust?.resources) ? kust.resources : [];
  if (listed.length === 0) errors.push(`${rel(kustFile)}: no resources`);
  const kustText = fs.readFileSync(kustFile, 'utf8');
  for (const f of fs.readdirSync(K8S_DIR).filter((n) => /\.ya?ml$/.test(n) && n !== 'kustomization.yaml')) {
    if (!listed.includes(f) && !kustText.includes(f)) {
      errors.push(`${rel(path.join(K8S_DIR, f))}: not in kustomization.yaml (kubectl apply -k would skip it)`);
    }
  }
  const entries = [];
  for (const r of listed) {
    const file = path.join(K8S_DIR, r);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      errors.push(`${rel(kustFile)}: resource ${r} is not a file in ${rel(K8S_DIR)} (directories and remote bases are not validated)`);
      continue;
    }
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
    docs.forEach((d, index) => {
      for (const e of [...d.errors, ...d.warnings]) errors.push(`${rel(file)}: YAML: ${e.message}`);
      const doc = d.toJS();
      if (doc !== null && doc !== undefined) entries.push({ file, index, doc });
    });
  }
  return { kust, entries };
}

const where = (e) => `${rel(e.file)}${e.index ? `#${e.index}` : ''} ${e.doc?.kind ?? '?'}/${e.doc?.metadata?.name ?? '?'}`;

// ---- 1. schema ----

async function schemaCheck(tools, entries, errors) {
  for (const e of entries) {
    const file = modelFile(tools.kmRoot, e.doc?.apiVersion, e.doc?.kind);
    if (!file) {
      errors.push(`${where(e)}: [schema] unknown apiVersion/kind ${e.doc?.apiVersion} ${e.doc?.kind}`);
      continue;
    }
    const Model = (await import(pathToFileURL(file).href))[e.doc.kind];
    try {
      new Model(e.doc).validate();
    } catch (err) {
      if (!Array.isArray(err?.errors)) throw err;
      for (const v of err.errors) errors.push(`${where(e)}: [schema] ${v.instancePath || '/'} ${v.message}`);
    }
  }
}

// ---- 2. fields (TypeScript excess-property checks) ----

/** The property path ("/spec/template/...") of the node at `pos` inside `root`. */
function pathAt(ts, root, pos) {
  const parts = [];
  let node = root;
  for (;;) {
    const child = node.getChildren().find((c) => c.getStart() <= pos && pos < c.getEnd());
    if (!child) break;
    if (ts.isPropertyAssignment(child) && ts.isStringLiteral(child.name)) parts.push(child.name.text);
    if (ts.isArrayLiteralExpression(node)) {
      const i = node.elements.findIndex((el) => el.getStart() <= pos && pos < el.getEnd());
      if (i >= 0) parts.push(String(i));
    }
    node = child;
  }
  return `/${parts.join('/')}`;
}

function fieldsCheck(tools, entries, errors) {
  const { ts, kmRoot } = tools;
  const typed = entries.map((e) => ({ e, file: modelFile(kmRoot, e.doc?.apiVersion, e.doc?.kind) })).filter((t) => t.file);
  if (typed.length === 0) return;
  const source = [
    ...typed.map((t, i) => `import type { I${t.e.doc.kind} as T${i} } from ${JSON.stringify(t.file)};`),
    ...typed.map((t, i) => `export const doc${i}: T${i} = ${JSON.stringify(t.e.doc, null, 2)};`),
  ].join('\n');
  // A virtual file next to kubernetes-models, so its imports resolve from there.
  const fileName = path.join(kmRoot, '__deploy_manifests__.ts');
  const options = {
    strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (f, lang, ...rest) => (f === fileName ? ts.createSourceFile(f, source, lang, true) : getSourceFile.call(host, f, lang, ...rest));
  host.fileExists = (f) => f === fileName || fileExists.call(host, f);
  host.readFile = (f) => (f === fileName ? source : readFile.call(host, f));
  const program = ts.createProgram([fileName], options, host);
  const sf = program.getSourceFile(fileName);
  const decls = sf.statements.filter(ts.isVariableStatement);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file !== sf || d.start === undefined) {
      errors.push(`[fields] ${text}`);
      continue;
    }
    const i = decls.findIndex((s) => s.getStart() <= d.start && d.start < s.getEnd());
    if (i < 0) {
      errors.push(`[fields] ${text}`);
      continue;
    }
    const init = decls[i].declarationList.declarations[0].initializer;
    errors.push(`${where(typed[i].e)}: [fields] ${pathAt(ts, init, d.start)}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  }
}

// ---- 3. policy ----

const BINARY = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3 };
/** A Kubernetes quantity ("6Gi", "500m", "1.5") as a number, or NaN. */
function quantity(q) {
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m|)$/.exec(String(q).trim());
  return m ? Number(m[1]) * (BINARY[m[2]] ?? DECIMAL[m[2]]) : NaN;
}

const isSubset = (small, big) => Object.entries(small ?? {}).every(([k, v]) => big?.[k] === v);
const portOf = (listen) => Number(/:(\d+)$/.exec(String(listen))?.[1]);

/** server/config.ts through ts-node: the settings' environment names and the parser. */
function loadServerConfig() {
  requireFromRepo('ts-node').register({ transpileOnly: true, project: path.join(REPO, 'tsconfig.json') });
  const config = requireFromRepo('./server/config.ts');
  const envNames = new Set([...config.HELP_TEXT.matchAll(/\benv (KVM_[A-Z0-9_]+)/g)].map((m) => m[1]));
  if (envNames.size === 0) throw new Error('no KVM_* variables found in server/config.ts HELP_TEXT');
  return { ...config, envNames };
}

function policyCheck(serverConfig, kust, entries, errors) {
  const of = (kind) => entries.filter((e) => e.doc?.kind === kind);
  const names = (kind) => new Set(of(kind).map((e) => e.doc.metadata?.name));
  const namespace = kust?.namespace;
  for (const e of entries) {
    const ns = e.doc?.metadata?.namespace;
    if (e.doc?.kind !== 'Namespace' && namespace && ns !== namespace) {
      errors.push(`${where(e)}: [policy] metadata.namespace ${ns} is not the kustomization's ${namespace}`);
    }
  }
  const deployments = of('Deployment');
  if (deployments.length === 0) errors.push('[policy] no Deployment');
  for (const e of deployments) {
    const err = (msg) => errors.push(`${where(e)}: [policy] ${msg}`);
    const pod = e.doc.spec?.template?.spec ?? {};
    if (!isSubset(e.doc.spec?.selector?.matchLabels, e.doc.spec?.template?.metadata?.labels)) err('selector.matchLabels not in the pod template labels');
    if (pod.automountServiceAccountToken !== false) err('pod: automountServiceAccountToken must be false');
    if (pod.serviceAccountName && !names('ServiceAccount').has(pod.serviceAccountName)) err(`serviceAccountName ${pod.serviceAccountName} is not defined`);
    if (!(pod.terminationGracePeriodSeconds > 0)) err('terminationGracePeriodSeconds must be set');
    for (const c of pod.containers ?? []) {
      const cerr = (msg) => err(`container ${c.name}: ${msg}`);
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) cerr('securityContext.allowPrivilegeEscalation must be false');
      if (sc.readOnlyRootFilesystem !== true) cerr('securityContext.readOnlyRootFilesystem must be true');
      if (sc.privileged === true) cerr('must not be privileged');
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) cerr('securityContext.capabilities.drop must include ALL');
      if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) cerr('runAsNonRoot must be true');
      // The image's USER is a name ("node"): the kubelet can only verify runAsNonRoot with a uid.
      if (!((sc.runAsUser ?? pod.securityContext?.runAsUser) > 0)) cerr('runAsUser must be a non-zero uid');
      if (!c.image || /:latest$/.test(c.image) || !/:[^/]+$/.test(c.image)) cerr(`image ${c.image} must name a tag other than latest`);
      for (const kind of ['requests', 'limits']) {
        for (const r of ['cpu', 'memory']) {
          if (!(quantity(c.resources?.[kind]?.[r]) > 0)) cerr(`resources.${kind}.${r} must be set`);
        }
      }
      const grpcPort = (c.ports ?? []).find((p) => p.name === 'grpc')?.containerPort;
      const metricsPort = (c.ports ?? []).find((p) => p.name === 'metrics')?.containerPort;
      if (!grpcPort) cerr('no container port named grpc');
      if (!metricsPort) cerr('no container port named metrics');
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const p = c[probe];
        if (!p) {
          if (probe !== 'startupProbe') cerr(`${probe} missing`);
          continue;
        }
        if (p.grpc?.port !== grpcPort) cerr(`${probe} must be a native gRPC probe on the grpc port ${grpcPort}`);
      }
      // The ConfigMap(s) the container reads its settings from.
      const env = {};
      for (const src of c.envFrom ?? []) {
        const cm = of('ConfigMap').find((m) => m.doc.metadata?.name === src.configMapRef?.name);
        if (src.configMapRef && !cm) cerr(`envFrom ConfigMap ${src.configMapRef.name} is not defined`);
        Object.assign(env, cm?.doc.data ?? {});
      }
      for (const v of c.env ?? []) if (typeof v.value === 'string') env[v.name] = v.value;
      for (const k of Object.keys(env)) {
        if (k.startsWith('KVM_') && !serverConfig.envNames.has(k)) cerr(`${k} is not a server setting (node dist/server/main.js --help)`);
      }
      let config;
      try {
        config = serverConfig.loadConfig([], env, { totalmem: Number.MAX_SAFE_INTEGER });
      } catch (x) {
        cerr(`settings rejected by the server: ${x.message}`);
        continue;
      }
      if (portOf(config.listen) !== grpcPort) cerr(`KVM_GRPC_LISTEN ${config.listen} is not on the grpc port ${grpcPort}`);
      if (!/^(0\.0\.0\.0|\[::\]):/.test(config.listen)) cerr(`KVM_GRPC_LISTEN ${config.listen} must be a wildcard address (probes and the Service come from outside)`);
      if (portOf(config.metricsListen) !== metricsPort) cerr(`KVM_METRICS_LISTEN ${config.metricsListen} is not on the metrics port ${metricsPort}`);
      // Its default is a share of the node's RAM, not of the container's limit.
      if (!('KVM_MAX_MEMORY_TOTAL' in env) || String(env.KVM_MAX_MEMORY_TOTAL).includes('%')) cerr('KVM_MAX_MEMORY_TOTAL must be set to a size');
      const memLimit = quantity(c.resources?.limits?.memory);
      if (config.limits.maxMemoryTotalBytes >= memLimit) cerr(`KVM_MAX_MEMORY_TOTAL (${config.limits.maxMemoryTotalBytes} bytes) must stay below the memory limit (${memLimit} bytes)`);
      if (config.limits.maxMemoryPerVmBytes > config.limits.maxMemoryTotalBytes) cerr('KVM_MAX_MEMORY_PER_VM exceeds KVM_MAX_MEMORY_TOTAL');
      if (config.shutdownGraceMs >= (pod.terminationGracePeriodSeconds ?? 30) * 1000) cerr('KVM_SHUTDOWN_GRACE_MS must be below terminationGracePeriodSeconds');
    }
  }
  const services = of('Service');
  if (services.length === 0) errors.push('[policy] no Service');
  for (const s of services) {
    const err = (msg) => errors.push(`${where(s)}: [policy] ${msg}`);
    const dep = deployments.find((d) => Object.keys(s.doc.spec?.selector ?? {}).length > 0 && isSubset(s.doc.spec.selector, d.doc.spec?.template?.metadata?.labels));
    if (!dep) {
      err('selector matches no Deployment pod template');
      continue;
    }
    const ports = (dep.doc.spec.template.spec.containers ?? []).flatMap((c) => c.ports ?? []);
    for (const p of s.doc.spec.ports ?? []) {
      const target = p.targetPort ?? p.port;
      if (!ports.some((cp) => cp.name === target || cp.containerPort === target)) err(`port ${p.name}: targetPort ${target} is no container port`);
    }
  }
}

// ---- 4. prometheus ----

function prometheusCheck(YAML, entries, errors) {
  const err = (msg) => errors.push(`${rel(PROMETHEUS_FILE)}: [prometheus] ${msg}`);
  const prom = YAML.parse(fs.readFileSync(PROMETHEUS_FILE, 'utf8'), { uniqueKeys: true });
  const svc = entries.find((e) => e.doc?.kind === 'Service');
  const metrics = svc?.doc.spec?.ports?.find((p) => p.name === 'metrics');
  if (!svc || !metrics) return err('no Service with a port named metrics to scrape');
  const expected = `${svc.doc.metadata.name}.${svc.doc.metadata.namespace}.svc:${metrics.port}`;
  const jobs = prom?.scrape_configs ?? [];
  const job = jobs.find((j) => (j.static_configs ?? []).some((sc) => (sc.targets ?? []).includes(expected)));
  if (!job) return err(`no scrape job targets the Service's metrics port ${expected}`);
  if ((job.metrics_path ?? '/metrics') !== '/metrics') err(`job ${job.job_name}: metrics_path must be /metrics`);
}

function promtoolCheck(errors, notes) {
  const promtool = process.env.PROMTOOL || 'promtool';
  try {
    execFileSync(promtool, ['check', 'config', PROMETHEUS_FILE], { stdio: 'pipe' });
    notes.push(`promtool: ${rel(PROMETHEUS_FILE)} is valid`);
  } catch (x) {
    if (x.code === 'ENOENT') notes.push('promtool not found (set PROMTOOL): prometheus.yml syntax not checked by Prometheus itself');
    else errors.push(`${rel(PROMETHEUS_FILE)}: [promtool] ${String(x.stdout ?? '')}${String(x.stderr ?? '')}`.trim());
  }
}

// ---- all checks, and the self-test ----

async function checkAll(tools, serverConfig, kust, entries) {
  const errors = [];
  await schemaCheck(tools, entries, errors);
  fieldsCheck(tools, entries, errors);
  policyCheck(serverConfig, kust, entries, errors);
  prometheusCheck(tools.YAML, entries, errors);
  return errors;
}

const container = (entries) => entries.find((e) => e.doc.kind === 'Deployment').doc.spec.template.spec.containers[0];
const configMap = (entries) => entries.find((e) => e.doc.kind === 'ConfigMap').doc;
/** Known breaks, each with what its report must say. */
const BREAKS = [
  ['misspelt field', (m) => { container(m).securityContext.readOnlyRootFilesytem = true; }, /\[fields\].*readOnlyRootFilesytem/],
  ['unknown field in a probe', (m) => { container(m).livenessProbe.grpc.portt = 1; }, /\[fields\].*portt/],
  ['port as a string', (m) => { container(m).ports[0].containerPort = '50051'; }, /\[schema\].*containerPort must be integer/],
  ['missing required field', (m) => { delete container(m).name; }, /\[schema\].*must have required property .?name/],
  ['bad enum value', (m) => { container(m).ports[0].protocol = 'HTTP'; }, /\[schema\].*protocol/],
  ['writable root filesystem', (m) => { container(m).securityContext.readOnlyRootFilesystem = false; }, /\[policy\].*readOnlyRootFilesystem/],
  ['privilege escalation', (m) => { delete container(m).securityContext.allowPrivilegeEscalation; }, /\[policy\].*allowPrivilegeEscalation/],
  ['HTTP liveness probe', (m) => { container(m).livenessProbe = { tcpSocket: { port: 50051 } }; }, /\[policy\].*livenessProbe must be a native gRPC probe/],
  ['no memory limit', (m) => { delete container(m).resources.limits.memory; }, /\[policy\].*resources\.limits\.memory/],
  ['unknown setting', (m) => { configMap(m).data.KVM_MAX_VM = '4'; }, /\[policy\].*KVM_MAX_VM is not a server setting/],
  ['bad setting value', (m) => { configMap(m).data.KVM_MAX_VMS = 'many'; }, /\[policy\].*KVM_MAX_VMS/],
  ['guest memory over the limit', (m) => { configMap(m).data.KVM_MAX_MEMORY_TOTAL = '64GiB'; }, /\[policy\].*below the memory limit/],
  ['Service port to nowhere', (m) => { m.find((e) => e.doc.kind === 'Service').doc.spec.ports[0].targetPort = 'grcp'; }, /\[policy\].*targetPort grcp/],
  ['Service selects nothing', (m) => { m.find((e) => e.doc.kind === 'Service').doc.spec.selector = { app: 'other' }; }, /\[policy\].*selector matches no Deployment/],
  ['Service renamed (Prometheus target)', (m) => { m.find((e) => e.doc.kind === 'Service').doc.metadata.name = 'kvm'; }, /\[prometheus\]/],
];

async function selfTest(tools, serverConfig, kust, entries) {
  const failures = [];
  for (const [name, breakIt, expected] of BREAKS) {
    const broken = structuredClone(entries);
    breakIt(broken);
    const errors = await checkAll(tools, serverConfig, kust, broken);
    if (!errors.some((e) => expected.test(e))) failures.push(`${name}: expected ${expected}, got ${errors.length ? errors.join(' | ') : 'no error'}`);
  }
  return failures;
}

async function main() {
  const t0 = Date.now();
  const tools = findTools();
  const serverConfig = loadServerConfig();
  const readErrors = [];
  const { kust, entries } = readManifests(tools.YAML, readErrors);
  const notes = [];
  const errors = [...readErrors, ...(await checkAll(tools, serverConfig, kust, entries))];
  promtoolCheck(errors, notes);
  for (const e of entries) console.log(`  ${where(e)} (${e.doc?.apiVersion})`);
  console.log(`  ${rel(PROMETHEUS_FILE)}`);
  for (const n of notes) console.log(`  ${n}`);
  if (process.argv.includes('--self-test') && readErrors.length === 0) {
    const failures = await selfTest(tools, serverConfig, kust, entries);
    for (const f of failures) errors.push(`[self-test] a break went unnoticed: ${f}`);
    console.log(`  self-test: ${BREAKS.length - failures.length}/${BREAKS.length} known breaks reported`);
  }
  const summary = `${entries.length} objects, kubernetes-models ${tools.kmVersion}, ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  if (errors.length > 0) {
    for (const e of errors) console.error(`ERROR ${e}`);
    console.error(`manifests: ${errors.length} error(s) (${summary})`);
    process.exit(1);
  }
  console.log(`manifests: valid (${summary})`);
}

main().catch((e) => {
  console.error(`validate-manifests: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
