// A renderer for the subset of kustomize that deploy/k8s and deploy/otel use, so that CI can
// render and check the overlays on machines without kubectl. Where kubectl is present, the
// tests render with both and require identical objects (kustomize-render.test.ts).
//
// Supported kustomization fields: resources (files and kustomization directories), patches
// (strategic-merge patch files by `path`, matched by kind and name; `$patch: delete` on an
// element of a list merged by key), namespace, labels
// (pairs, includeTemplates; not includeSelectors), images (name, newName, newTag, digest) and
// configMapGenerator (literals, files; kustomize's content-hash name suffix and the rewriting
// of references to it). Anything else is rejected, not ignored.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as plain data. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** A YAML/JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'patches', 'namespace', 'labels', 'images', 'configMapGenerator']);

/** Kinds whose pod template sits at spec.template (labels with includeTemplates, images, references). */
const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/**
 * Merge keys of the lists a strategic-merge patch merges element by element (the
 * patchMergeKey of the Kubernetes API types); every other list is replaced, as in SMP.
 */
const LIST_MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
};

interface Rendered {
  objects: K8sObject[];
}

/** Renders the kustomization in `dir` (a folder holding kustomization.yaml) to its objects. */
export function renderKustomization(dir: string): K8sObject[] {
  return render(resolve(dir)).objects;
}

function render(dir: string): Rendered {
  const kustomization = readYamlObject(join(dir, 'kustomization.yaml'));
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new Error(`${dir}/kustomization.yaml: field '${field}' is outside the supported kustomize subset`);
  }
  const objects: K8sObject[] = [];
  for (const entry of stringList(kustomization.resources, 'resources')) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) objects.push(...render(path).objects);
    else objects.push(...readYamlDocuments(path).map((doc) => asK8sObject(doc, path)));
  }
  const renames = new Map<string, string>();
  for (const generator of objectList(kustomization.configMapGenerator, 'configMapGenerator')) {
    const configMap = generateConfigMap(dir, generator);
    renames.set(configMap.metadata.name, `${configMap.metadata.name}-${configMapHashSuffix(configMap)}`);
    objects.push(configMap);
  }
  for (const patch of objectList(kustomization.patches, 'patches')) applyPatchFile(dir, patch, objects);
  if (kustomization.namespace !== undefined) {
    const namespace = String(kustomization.namespace);
    for (const object of objects) object.metadata.namespace = namespace;
    // A RoleBinding's subject that is one of these ServiceAccounts moves with it.
    const accounts = new Set(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name));
    for (const binding of objects.filter((o) => o.kind === 'RoleBinding' && Array.isArray(o.subjects))) {
      for (const subject of (binding.subjects as Json[]).filter(isObject)) {
        if (subject.kind === 'ServiceAccount' && typeof subject.name === 'string' && accounts.has(subject.name)) subject.namespace = namespace;
      }
    }
  }
  for (const labels of objectList(kustomization.labels, 'labels')) applyLabels(labels, objects);
  for (const image of objectList(kustomization.images, 'images')) applyImage(image, objects);
  for (const object of objects) {
    if (object.kind === 'ConfigMap' && renames.has(object.metadata.name)) object.metadata.name = renames.get(object.metadata.name) as string;
    renameConfigMapReferences(object, renames);
  }
  return { objects };
}

function readYamlDocuments(path: string): Json[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0].message}`);
    const value = doc.toJS() as Json;
    return value === null ? [] : [value];
  });
}

function readYamlObject(path: string): JsonObject {
  const [doc, ...rest] = readYamlDocuments(path);
  if (!isObject(doc) || rest.length > 0) throw new Error(`${path}: expected one YAML mapping`);
  return doc;
}

function asK8sObject(value: Json, source: string): K8sObject {
  if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || !isObject(value.metadata) || typeof value.metadata.name !== 'string') {
    throw new Error(`${source}: a document without apiVersion, kind and metadata.name`);
  }
  return value as unknown as K8sObject;
}

function generateConfigMap(dir: string, generator: JsonObject): K8sObject {
  const allowed = new Set(['name', 'literals', 'files']);
  for (const field of Object.keys(generator)) {
    if (!allowed.has(field)) throw new Error(`configMapGenerator: field '${field}' is outside the supported subset`);
  }
  if (typeof generator.name !== 'string') throw new Error('configMapGenerator: name is required');
  const data: Record<string, string> = {};
  for (const literal of stringList(generator.literals, 'literals')) {
    const eq = literal.indexOf('=');
    if (eq <= 0) throw new Error(`configMapGenerator ${generator.name}: literal '${literal}' is not KEY=VALUE`);
    data[literal.slice(0, eq)] = literal.slice(eq + 1);
  }
  for (const file of stringList(generator.files, 'files')) {
    const path = resolve(dir, file);
    // kustomize's default load restrictor: generator files stay inside the kustomization root.
    if (relative(dir, path).startsWith(`..${sep}`)) throw new Error(`configMapGenerator ${generator.name}: ${file} is outside ${dir}`);
    data[basename(file)] = readFileSync(path, 'utf8');
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data };
}

/**
 * kustomize's name suffix for a generated ConfigMap: sha256 of the Go JSON encoding of
 * {data, kind, name} (keys sorted, <, > and & escaped), first 10 hex digits with 0, 1, 3, a, e
 * replaced so that the suffix never reads as a word or a number. kustomize 5 looks the name
 * up as the single path element "metadata/name", which never exists, so the name it hashes
 * is always empty (verified against kubectl 1.32 / kustomize 5.5 by the tests).
 */
export function configMapHashSuffix(configMap: K8sObject): string {
  const json = JSON.stringify(sortKeys({ kind: 'ConfigMap', name: '', data: (configMap.data ?? {}) as Json }))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex].map((c) => swap[c] ?? c).join('');
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

function applyPatchFile(dir: string, entry: JsonObject, objects: K8sObject[]): void {
  if (Object.keys(entry).some((k) => k !== 'path') || typeof entry.path !== 'string') {
    throw new Error(`patches: only { path: FILE } strategic-merge patches are supported, got ${JSON.stringify(entry)}`);
  }
  const file = resolve(dir, entry.path);
  for (const patch of readYamlDocuments(file).map((doc) => asK8sObject(doc, file))) {
    const target = objects.find((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name && o.apiVersion === patch.apiVersion);
    if (!target) throw new Error(`${file}: no ${patch.kind} ${patch.metadata.name} to patch`);
    const merged = strategicMerge(target as unknown as JsonObject, patch as unknown as JsonObject, '') as JsonObject;
    for (const key of Object.keys(target)) delete (target as Record<string, unknown>)[key];
    Object.assign(target, merged);
  }
}

/**
 * Strategic merge of `patch` into `base` for the list kinds in LIST_MERGE_KEYS; null deletes a
 * field, `$patch: delete` on an element of such a list deletes the element.
 */
export function strategicMerge(base: Json, patch: Json, field: string): Json {
  if (isObject(patch)) {
    for (const key of Object.keys(patch)) {
      if (key.startsWith('$')) throw new Error(`strategic-merge directive '${key}' is outside the supported subset (only \`$patch: delete\` on an element of ${Object.keys(LIST_MERGE_KEYS).join(', ')})`);
    }
    const result: JsonObject = isObject(base) ? { ...base } : {};
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete result[key];
      else result[key] = key in result ? strategicMerge(result[key], value, key) : stripNulls(value);
    }
    return result;
  }
  if (Array.isArray(patch) && Array.isArray(base) && field in LIST_MERGE_KEYS) {
    const key = LIST_MERGE_KEYS[field];
    const keyOf = (item: Json): Json => (isObject(item) ? item[key] : null);
    const patchKeys = new Set(patch.map(keyOf));
    const deletes = (item: Json): boolean => isObject(item) && item.$patch === 'delete' && Object.keys(item).length === 2 && item[key] !== undefined;
    // kustomize (kyaml) order: the patch's elements first, in the patch's order, then the rest.
    const merged = patch.filter((item) => !deletes(item)).map((item) => {
      const original = base.find((b) => keyOf(b) === keyOf(item));
      return original === undefined ? stripNulls(item) : strategicMerge(original, item, field);
    });
    return [...merged, ...base.filter((b) => !patchKeys.has(keyOf(b)))];
  }
  return stripNulls(patch);
}

function stripNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, stripNulls(v)]));
}

function applyLabels(entry: JsonObject, objects: K8sObject[]): void {
  const allowed = new Set(['pairs', 'includeTemplates', 'includeSelectors']);
  if (Object.keys(entry).some((k) => !allowed.has(k)) || entry.includeSelectors === true || !isObject(entry.pairs)) {
    throw new Error(`labels: only pairs with includeTemplates are supported, got ${JSON.stringify(entry)}`);
  }
  const pairs = Object.fromEntries(Object.entries(entry.pairs).map(([k, v]) => [k, String(v)]));
  for (const object of objects) {
    object.metadata.labels = { ...object.metadata.labels, ...pairs };
    if (entry.includeTemplates !== true) continue;
    const spec = object.spec as JsonObject | undefined;
    if (TEMPLATE_KINDS.has(object.kind) && spec) addTemplateLabels(spec.template, pairs);
    if (object.kind === 'StatefulSet' && spec && Array.isArray(spec.volumeClaimTemplates)) {
      for (const claim of spec.volumeClaimTemplates) addTemplateLabels(claim, pairs);
    }
    if (object.kind === 'CronJob' && spec && isObject(spec.jobTemplate)) {
      addTemplateLabels(spec.jobTemplate, pairs);
      if (isObject(spec.jobTemplate.spec)) addTemplateLabels(spec.jobTemplate.spec.template, pairs);
    }
  }
}

function addTemplateLabels(template: Json | undefined, pairs: Record<string, string>): void {
  if (!isObject(template)) return;
  const metadata = isObject(template.metadata) ? template.metadata : (template.metadata = {});
  metadata.labels = { ...(isObject(metadata.labels) ? metadata.labels : {}), ...pairs };
}

/** The pod specs of a workload object (none for other kinds). */
export function podSpecsOf(object: K8sObject): JsonObject[] {
  const spec = object.spec as JsonObject | undefined;
  if (!isObject(spec)) return [];
  if (object.kind === 'Pod') return [spec];
  if (TEMPLATE_KINDS.has(object.kind) && isObject(spec.template) && isObject(spec.template.spec)) return [spec.template.spec];
  if (object.kind === 'CronJob' && isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec)) {
    const template = spec.jobTemplate.spec.template;
    if (isObject(template) && isObject(template.spec)) return [template.spec];
  }
  return [];
}

function containersOf(podSpec: JsonObject): JsonObject[] {
  return [podSpec.containers, podSpec.initContainers].flatMap((list) => (Array.isArray(list) ? list.filter(isObject) : []));
}

function applyImage(entry: JsonObject, objects: K8sObject[]): void {
  const allowed = new Set(['name', 'newName', 'newTag', 'digest']);
  if (Object.keys(entry).some((k) => !allowed.has(k)) || typeof entry.name !== 'string') {
    throw new Error(`images: unsupported entry ${JSON.stringify(entry)}`);
  }
  for (const container of objects.flatMap(podSpecsOf).flatMap(containersOf)) {
    if (typeof container.image !== 'string') continue;
    const { name, tag, digest } = parseImage(container.image);
    if (name !== entry.name) continue;
    const newName = typeof entry.newName === 'string' ? entry.newName : name;
    if (typeof entry.digest === 'string') container.image = `${newName}@${entry.digest}`;
    else if (entry.newTag !== undefined) container.image = `${newName}:${String(entry.newTag)}`;
    else container.image = `${newName}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
  }
}

function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const rest = at < 0 ? image : image.slice(0, at);
  const colon = rest.lastIndexOf(':');
  // A colon before the last slash belongs to a registry host:port, not to a tag.
  if (colon > rest.lastIndexOf('/')) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, digest };
}

function renameConfigMapReferences(object: K8sObject, renames: Map<string, string>): void {
  if (renames.size === 0) return;
  const rename = (holder: Json | undefined): void => {
    if (isObject(holder) && typeof holder.name === 'string' && renames.has(holder.name)) holder.name = renames.get(holder.name) as string;
  };
  // A Role's rules on configmaps name them by resourceNames, which follow the generated name.
  if (object.kind === 'Role' && Array.isArray(object.rules)) {
    for (const rule of object.rules.filter(isObject)) {
      if (!Array.isArray(rule.resources) || !rule.resources.includes('configmaps') || !Array.isArray(rule.resourceNames)) continue;
      rule.resourceNames = rule.resourceNames.map((name) => (typeof name === 'string' ? (renames.get(name) ?? name) : name));
    }
  }
  for (const podSpec of podSpecsOf(object)) {
    for (const volume of Array.isArray(podSpec.volumes) ? podSpec.volumes.filter(isObject) : []) {
      rename(volume.configMap);
      if (isObject(volume.projected) && Array.isArray(volume.projected.sources)) {
        for (const source of volume.projected.sources.filter(isObject)) rename(source.configMap);
      }
    }
    for (const container of containersOf(podSpec)) {
      for (const env of Array.isArray(container.env) ? container.env.filter(isObject) : []) {
        if (isObject(env.valueFrom)) rename(env.valueFrom.configMapKeyRef);
      }
      for (const from of Array.isArray(container.envFrom) ? container.envFrom.filter(isObject) : []) rename(from.configMapRef);
    }
  }
}

function stringList(value: Json | undefined, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new Error(`${field}: expected a list of strings`);
  return value as string[];
}

function objectList(value: Json | undefined, field: string): JsonObject[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw new Error(`${field}: expected a list of mappings`);
  return value as JsonObject[];
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
