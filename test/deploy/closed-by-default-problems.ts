// What makes a rendered deployment open to whoever reaches it, as a list of problems (empty =
// closed): a gateway without API tokens or without TLS, an exposed Service or Ingress outside
// the opt-in overlays, Redis without a password, committed Secret values, no default-deny
// egress, tiers without the internal admin token.
import { booleanField } from '../../shared/config/index.js';
import { envValue, podTemplates, secretFileAt, templateOf } from './k8s-model.js';
import type { Container, LabelSelector, PodTemplate, SecretFile } from './k8s-model.js';
import type { K8sObject } from './kustomize-render.js';

/** What an overlay may do that the base does not. */
export interface ExposurePolicy {
  /** The dev overlay: anonymous callers and plaintext on the public port (it is never exposed). */
  allowOpenGateway: boolean;
  /** An opt-in overlay: the gateway Service may be a LoadBalancer/NodePort, an Ingress may reach it. */
  allowPublicExposure: boolean;
}

const GATEWAY = { kind: 'Deployment', name: 'dlrs-gateway' };
/** The tiers whose admin calls (LoadModel, Snapshot, item writes) need the internal token. */
const TIERS = [
  { kind: 'Deployment', name: 'dlrs-ranking' },
  { kind: 'StatefulSet', name: 'dlrs-retrieval' },
];
const EXPOSED_SERVICE_TYPES = ['LoadBalancer', 'NodePort'];

/** The problems that make the rendered `objects` open; [] when closed. */
export function closedByDefaultProblems(objects: K8sObject[], policy: ExposurePolicy): string[] {
  return [
    ...gatewayProblems(objects, policy),
    ...internalTokenProblems(objects),
    ...exposureProblems(objects, policy),
    ...redisProblems(objects),
    ...committedSecretProblems(objects),
    ...defaultDenyProblems(objects),
  ];
}

function only(template: PodTemplate): Container {
  if (template.spec.containers.length !== 1) throw new Error(`${template.owner.metadata.name}: expected one container`);
  return template.spec.containers[0];
}

/** The Secret key behind a file-path variable, or a problem naming the variable. */
function secretFileOf(objects: K8sObject[], template: PodTemplate, variable: string): SecretFile | string {
  const where = template.owner.metadata.name;
  const path = envValue(objects, only(template), variable);
  if (path === undefined) return `${where}: ${variable} is not set`;
  return secretFileAt(template.spec, only(template), path) ?? `${where}: ${variable}=${path} is not a file of a mounted Secret`;
}

function gatewayProblems(objects: K8sObject[], policy: ExposurePolicy): string[] {
  if (policy.allowOpenGateway) return [];
  const template = templateOf(objects, GATEWAY.kind, GATEWAY.name);
  const problems: string[] = [];
  const anonymous = envValue(objects, only(template), 'DLRS_ALLOW_ANONYMOUS');
  const parsed = anonymous === undefined ? undefined : booleanField().safeParse(anonymous);
  if (parsed !== undefined && !(parsed.success && !parsed.data)) problems.push(`dlrs-gateway: DLRS_ALLOW_ANONYMOUS=${anonymous} lets callers without a token in`);
  for (const variable of ['DLRS_API_TOKENS_FILE', 'DLRS_TLS_CERT_PATH', 'DLRS_TLS_KEY_PATH']) {
    const file = secretFileOf(objects, template, variable);
    if (typeof file === 'string') problems.push(file);
  }
  return problems;
}

function internalTokenProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const tokens = [GATEWAY, ...TIERS].map(({ kind, name }) => secretFileOf(objects, templateOf(objects, kind, name), 'DLRS_INTERNAL_TOKEN_FILE'));
  problems.push(...tokens.filter((t): t is string => typeof t === 'string'));
  const distinct = new Set(tokens.filter((t): t is SecretFile => typeof t !== 'string').map((t) => `${t.secretName}/${t.key}`));
  if (distinct.size > 1) problems.push(`the gateway and the tiers read the internal token from different Secret keys: ${[...distinct].join(', ')}`);
  for (const { kind, name } of TIERS) {
    const container = only(templateOf(objects, kind, name));
    const root = envValue(objects, container, 'DLRS_BUNDLE_ROOT');
    const bundle = envValue(objects, container, 'DLRS_BUNDLE') ?? '';
    if (root === undefined) problems.push(`${name}: DLRS_BUNDLE_ROOT is not set (LoadModel would accept any path)`);
    else if (!bundle.startsWith(`${root.replace(/\/+$/, '')}/`)) problems.push(`${name}: DLRS_BUNDLE=${bundle} is outside DLRS_BUNDLE_ROOT=${root}`);
  }
  return problems;
}

function exposureProblems(objects: K8sObject[], policy: ExposurePolicy): string[] {
  const problems: string[] = [];
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const spec = service.spec as { type?: string; externalIPs?: string[] };
    const type = spec.type ?? 'ClusterIP';
    const mayExpose = policy.allowPublicExposure && service.metadata.name === GATEWAY.name;
    if (EXPOSED_SERVICE_TYPES.includes(type) && !mayExpose) problems.push(`Service ${service.metadata.name} is of type ${type} outside the opt-in exposure overlays`);
    if ((spec.externalIPs ?? []).length > 0 && !mayExpose) problems.push(`Service ${service.metadata.name} has externalIPs outside the opt-in exposure overlays`);
  }
  for (const template of podTemplates(objects)) {
    if (template.spec.hostNetwork === true) problems.push(`${template.owner.metadata.name}: hostNetwork bypasses the Service`);
    for (const c of template.spec.containers) {
      if ((c.ports ?? []).some((p) => p.hostPort !== undefined)) problems.push(`${template.owner.metadata.name}/${c.name}: a hostPort bypasses the Service`);
    }
  }
  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) problems.push(...ingressProblems(ingress, policy));
  return problems;
}

interface IngressSpec {
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: { host?: string; http?: { paths: { backend: { service?: { name: string } } }[] } }[];
  defaultBackend?: unknown;
}

function ingressProblems(ingress: K8sObject, policy: ExposurePolicy): string[] {
  const where = `Ingress ${ingress.metadata.name}`;
  if (!policy.allowPublicExposure) return [`${where} exposes the cluster outside the opt-in exposure overlays`];
  const spec = ingress.spec as IngressSpec;
  const problems: string[] = [];
  const tlsHosts = new Set((spec.tls ?? []).filter((t) => t.secretName !== undefined).flatMap((t) => t.hosts ?? []));
  for (const rule of spec.rules ?? []) {
    if (rule.host === undefined || !tlsHosts.has(rule.host)) problems.push(`${where}: host ${rule.host ?? '(any)'} is served without TLS`);
    for (const path of rule.http?.paths ?? []) {
      if (path.backend.service?.name !== GATEWAY.name) problems.push(`${where}: a path leads to ${path.backend.service?.name ?? 'a non-Service backend'}, not the gateway`);
    }
  }
  if (spec.defaultBackend !== undefined) problems.push(`${where}: a default backend answers any host, without TLS`);
  const annotations = ingress.metadata.annotations ?? {};
  if (annotations['nginx.ingress.kubernetes.io/backend-protocol'] !== 'GRPCS') problems.push(`${where}: the backend protocol is not GRPCS (gRPC over TLS to the gateway)`);
  if (annotations['nginx.ingress.kubernetes.io/ssl-redirect'] === 'false') problems.push(`${where}: plain HTTP is proxied (ssl-redirect false)`);
  return problems;
}

/** True for a redis:// or rediss:// URL that carries a password (`redis://[user]:PASSWORD@host...`). */
export function redisUrlHasPassword(url: string): boolean {
  return /^rediss?:\/\/[^:@/]*:[^@/]+@/.test(url);
}

function redisProblems(objects: K8sObject[]): string[] {
  const container = only(templateOf(objects, GATEWAY.kind, GATEWAY.name));
  if (envValue(objects, container, 'DLRS_PROFILE_STORE') !== 'redis') return [];
  const entry = container.env?.find((e) => e.name === 'DLRS_REDIS_URL');
  const secretRef = entry?.valueFrom?.secretKeyRef;
  if (secretRef === undefined) {
    const literal = envValue(objects, container, 'DLRS_REDIS_URL');
    if (literal === undefined) return ['dlrs-gateway: DLRS_PROFILE_STORE=redis without DLRS_REDIS_URL'];
    return [`dlrs-gateway: DLRS_REDIS_URL is not read from a Secret${!redisUrlHasPassword(literal) ? ' and Redis has no password' : ''}`];
  }
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === secretRef.name) as (K8sObject & { stringData?: Record<string, string>; data?: Record<string, string> }) | undefined;
  if (secret === undefined) return [];
  const url = secret.stringData?.[secretRef.key] ?? Buffer.from(secret.data?.[secretRef.key] ?? '', 'base64').toString('utf8');
  return !redisUrlHasPassword(url) ? [`Secret ${secret.metadata.name}: the Redis URL has no password`] : [];
}

/** Secrets in the manifests mean values in the repository, and an apply overwrites the real ones. */
function committedSecretProblems(objects: K8sObject[]): string[] {
  return objects.filter((o) => o.kind === 'Secret').map((o) => `Secret ${o.metadata.name} is committed with values (create it with kubectl instead)`);
}

function defaultDenyProblems(objects: K8sObject[]): string[] {
  const denies = (direction: 'Ingress' | 'Egress'): boolean =>
    objects.some((o) => {
      if (o.kind !== 'NetworkPolicy') return false;
      const spec = o.spec as { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: unknown[]; egress?: unknown[] };
      const selectsAll = Object.keys(spec.podSelector?.matchLabels ?? {}).length === 0 && (spec.podSelector?.matchExpressions ?? []).length === 0;
      const rules = direction === 'Ingress' ? spec.ingress : spec.egress;
      return selectsAll && (spec.policyTypes ?? []).includes(direction) && (rules ?? []).length === 0;
    });
  return (['Ingress', 'Egress'] as const).filter((d) => !denies(d)).map((d) => `no default-deny ${d.toLowerCase()} NetworkPolicy (podSelector {}, policyTypes [${d}], no rules)`);
}
