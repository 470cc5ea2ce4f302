// The kustomize-subset renderer: identical to `kubectl kustomize` on every overlay where
// kubectl is installed, and its pieces pinned by small cases everywhere.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseAllDocuments } from 'yaml';
import { configMapHashSuffix, renderKustomization, strategicMerge } from './kustomize-render.js';
import type { Json, K8sObject } from './kustomize-render.js';
import { k8sOverlays, OVERLAYS_DIR } from './k8s-overlays.js';


/** kustomize releases before v5 (e.g. in Debian's kubernetes-client 1.20) lack `labels`. */
const MIN_KUSTOMIZE_MAJOR = 5;

function kubectlKustomize(dir: string): K8sObject[] | string {
  try {
    const version = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const major = Number(/Kustomize Version: v(\d+)/.exec(version)?.[1] ?? 0);
    if (major < MIN_KUSTOMIZE_MAJOR) return `kubectl's kustomize is older than v${MIN_KUSTOMIZE_MAJOR} (${version.trim().replace(/\n/g, ', ')})`;
    const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
  } catch (error) {
    return `kubectl kustomize is not usable here (${(error as Error).message.split('\n')[0]})`;
  }
}

function byKey(objects: K8sObject[]): Map<string, K8sObject> {
  return new Map(objects.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
}

function withKustomization(files: Record<string, string>, run: (dir: string) => void): void {
  const dir = mkdtempSync(`${tmpdir()}/dlrs-kustomize-`);
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(`${dir}/${name}`, text);
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('test/deploy/kustomize-render', function () {
  for (const overlay of k8sOverlays()) {
    it(`renders overlay ${overlay} exactly as kubectl kustomize does`, function () {
      const theirs = kubectlKustomize(`${OVERLAYS_DIR}${overlay}`);
      // Not a required tool (DLRS_REQUIRE_TOOLS): Debian packages no kubectl with a current
      // kustomize, so CI checks the overlays with the in-repo renderer alone.
      if (typeof theirs === 'string') {
        console.log(`      skipped: ${theirs}`);
        this.skip();
      }
      const mine = byKey(renderKustomization(`${OVERLAYS_DIR}${overlay}`));
      const expected = byKey(theirs);
      assert.deepEqual([...mine.keys()].sort(), [...expected.keys()].sort());
      for (const [key, object] of expected) assert.deepEqual(mine.get(key), object, key);
    });
  }

  it('names a generated ConfigMap with kustomize 5 hash suffix', function () {
    // `kubectl kustomize` (kustomize v5.5.0) names {name: x, literals: [A=b]} x-b9t2424hkf.
    assert.equal(configMapHashSuffix({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { A: 'b' } }), 'b9t2424hkf');
    assert.notEqual(configMapHashSuffix({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { A: 'c' } }), 'b9t2424hkf');
  });

  it('merges env and containers by name (patch elements first), replaces other lists, deletes on null', function () {
    const base: Json = {
      containers: [{ name: 'a', image: 'i', env: [{ name: 'X', value: '1' }, { name: 'Y', valueFrom: { fieldRef: { fieldPath: 'p' } } }] }],
      tolerations: [{ key: 'k1' }],
    };
    const patch: Json = { containers: [{ name: 'a', env: [{ name: 'Y', value: '2', valueFrom: null }, { name: 'Z', value: '3' }] }], tolerations: [{ key: 'k2' }] };
    assert.deepEqual(strategicMerge(base, patch, ''), {
      containers: [{ name: 'a', image: 'i', env: [{ name: 'Y', value: '2' }, { name: 'Z', value: '3' }, { name: 'X', value: '1' }] }],
      tolerations: [{ key: 'k2' }],
    });
  });

  it('deletes an element of a keyed list on `$patch: delete`, and rejects any other directive', function () {
    const base: Json = { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], volumes: [{ name: 'v', emptyDir: {} }] };
    assert.deepEqual(strategicMerge(base, { env: [{ name: 'A', $patch: 'delete' }, { name: 'C', value: '3' }], volumes: [{ name: 'v', $patch: 'delete' }] }, ''), {
      env: [{ name: 'C', value: '3' }, { name: 'B', value: '2' }],
      volumes: [],
    });
    assert.throws(() => strategicMerge(base, { env: [{ name: 'A', value: '0', $patch: 'delete' }] }, ''), /\$patch.*outside the supported subset/);
    assert.throws(() => strategicMerge(base, { $patch: 'replace', env: [] }, ''), /\$patch.*outside the supported subset/);
  });

  it('rejects kustomization fields and patch forms outside the subset instead of ignoring them', function () {
    withKustomization({ 'kustomization.yaml': 'commonLabels:\n  a: b\n' }, (dir) => {
      assert.throws(() => renderKustomization(dir), /commonLabels.*outside the supported kustomize subset/);
    });
    withKustomization({ 'kustomization.yaml': 'resources: [cm.yaml]\npatches:\n  - path: p.yaml\n    target: {kind: ConfigMap}\n', 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', 'p.yaml': '' }, (dir) => {
      assert.throws(() => renderKustomization(dir), /only \{ path: FILE \}/);
    });
    withKustomization({ 'kustomization.yaml': 'configMapGenerator:\n  - name: c\n    files: [../x]\n' }, (dir) => {
      assert.throws(() => renderKustomization(dir), /outside/);
    });
  });

  it('rewrites images by name, keeping a registry port apart from the tag', function () {
    const deployment = [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: d}', 'spec:', '  template:', '    spec:', '      containers:',
      '        - {name: a, image: "localhost:5000/dlrs:old"}', '        - {name: b, image: other:1}',
    ].join('\n');
    const kustomization = 'resources: [d.yaml]\nimages:\n  - {name: "localhost:5000/dlrs", newName: reg.example/dlrs, newTag: "2"}\n';
    withKustomization({ 'kustomization.yaml': kustomization, 'd.yaml': deployment }, (dir) => {
      const [rendered] = renderKustomization(dir) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }[];
      assert.deepEqual(rendered.spec.template.spec.containers.map((c) => c.image), ['reg.example/dlrs:2', 'other:1']);
    });
  });
});
