// Unknown or misspelt fields: the schema validators of kubernetes-models accept properties they
// do not know (a `readinesProbe` would pass). The TypeScript interfaces of the same package
// do not: every rendered object is type-checked as an object literal of its kind's interface,
// which rejects any property the Kubernetes API does not define, at every depth.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { renderKustomization } from './kustomize-render.js';
import type { K8sObject } from './kustomize-render.js';
import { k8sOverlays, OVERLAYS_DIR } from './k8s-overlays.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The module of kubernetes-models that declares the interface of an apiVersion and kind. */
function modelModule(object: K8sObject): string {
  return `kubernetes-models/${object.apiVersion}/${object.kind}`;
}

/** Type errors of `objects` against their kinds' interfaces, as "kind/name: message" lines. */
function typeErrors(objects: K8sObject[]): string[] {
  const file = `${ROOT}test/deploy/rendered-objects.virtual.ts`;
  const imports = objects.map((object, i) => `import type { I${object.kind} as T${i} } from '${modelModule(object)}';`);
  const declarations = objects.map((object, i) => `export const o${i}: T${i} = ${JSON.stringify(object, null, 1)};`);
  // The first line of each declaration, to name the object a diagnostic belongs to.
  const firstLines: number[] = [];
  let lineCount = imports.length;
  for (const declaration of declarations) {
    firstLines.push(lineCount);
    lineCount += declaration.split('\n').length;
  }
  const source = [...imports, ...declarations].join('\n');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));
  host.fileExists = (name) => name === file || ts.sys.fileExists(name);
  host.getSourceFile = (name, version, onError) => (name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, onError));
  const program = ts.createProgram([file], options, host);
  const sourceFile = program.getSourceFile(file) as ts.SourceFile;
  return ts.getPreEmitDiagnostics(program, sourceFile).map((d) => {
    const line = d.start === undefined ? 0 : sourceFile.getLineAndCharacterOfPosition(d.start).line;
    const owner = firstLines.findLastIndex((first) => first <= line);
    const object = objects[owner];
    return `${object ? `${object.kind}/${object.metadata.name}` : 'imports'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe('deploy/k8s fields', function () {
  this.timeout(60_000);

  it('every object of every overlay uses only fields its Kubernetes kind defines', function () {
    const objects = k8sOverlays().flatMap((overlay) => renderKustomization(`${OVERLAYS_DIR}${overlay}`));
    assert.deepEqual(typeErrors(objects), []);
  });

  it('reports a misspelt field deep inside a pod template', function () {
    const [deployment] = renderKustomization(`${ROOT}deploy/k8s/overlays/cpu`).filter((o) => o.kind === 'Deployment');
    const broken = JSON.parse(JSON.stringify(deployment).replace('"readinessProbe"', '"readinesProbe"')) as K8sObject;
    const errors = typeErrors([broken]);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /^Deployment\/dlrs-gateway: .*readinesProbe/);
  });
});
