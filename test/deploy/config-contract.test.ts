// The configuration contract between deploy/ and the services: every DLRS_* variable a
// rendered manifest sets for a container is one its service reads, and every variable of
// deploy/README.md's table is read by the service(s) the table names.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envVariableName } from '../../shared/config/index.js';
import type { ConfigDefinition, ConfigShape } from '../../shared/config/index.js';
import { gatewayConfigDefinition } from '../../services/gateway/gateway-config.js';
import { rankingConfigDefinition } from '../../services/ranking/config.js';
import { RETRIEVAL_CONFIG } from '../../services/retrieval/config.js';
import { configMapData, podTemplates } from './k8s-model.js';
import type { Container } from './k8s-model.js';
import { k8sOverlays, OVERLAYS_DIR } from './k8s-overlays.js';
import { renderKustomization } from './kustomize-render.js';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const SERVICES = ['gateway', 'ranking', 'retrieval'] as const;
type Service = (typeof SERVICES)[number];

function variablesOf<S extends ConfigShape>(definition: ConfigDefinition<S>): Set<string> {
  return new Set(Object.keys(definition.shape).map((key) => envVariableName(definition.prefix, key)));
}

/** The DLRS_* variables each service's configuration reads. */
const READ_BY: Record<Service, Set<string>> = {
  gateway: variablesOf(gatewayConfigDefinition),
  ranking: variablesOf(rankingConfigDefinition),
  retrieval: variablesOf(RETRIEVAL_CONFIG),
};

interface ContractRow {
  variable: string;
  services: string[];
}

/** The rows of deploy/README.md's "Configuration contract" table (DLRS_* only; OTEL_* is the SDK's). */
function readmeContract(): ContractRow[] {
  const readme = readFileSync(join(DEPLOY, 'README.md'), 'utf8');
  return [...readme.matchAll(/^\| `(DLRS_[A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((m) => ({
    variable: m[1],
    services: m[2].trim() === 'all' ? [...SERVICES] : m[2].split(',').map((s) => s.trim()),
  }));
}

/** The DLRS_* variables a container gets: its env entries and every key of its envFrom ConfigMaps. */
function dlrsVariables(objects: ReturnType<typeof renderKustomization>, container: Container): string[] {
  const fromConfigMaps = (container.envFrom ?? []).flatMap((source) => (source.configMapRef ? Object.keys(configMapData(objects, source.configMapRef.name)) : []));
  const names = [...(container.env ?? []).map((e) => e.name), ...fromConfigMaps];
  return [...new Set(names.filter((name) => name.startsWith('DLRS_')))];
}

describe('the configuration contract (deploy/README.md, manifests, service configs)', function () {
  it('reads every table row: the three services, the trainer, nothing unknown', function () {
    const rows = readmeContract();
    assert.ok(rows.length >= 20, `${rows.length} rows`);
    for (const row of rows) {
      for (const service of row.services) assert.ok([...SERVICES, 'trainer (manifests)'].includes(service), `${row.variable}: unknown service "${service}"`);
    }
  });

  it('every variable of the table is read by the service(s) it names, and only the trainer rows by none', function () {
    for (const { variable, services } of readmeContract()) {
      for (const service of services) {
        if (service === 'trainer (manifests)') {
          for (const tier of SERVICES) assert.ok(!READ_BY[tier].has(variable), `${variable}: listed as read by Kubernetes only, but ${tier} reads it`);
        } else {
          assert.ok(READ_BY[service as Service].has(variable), `${variable}: deploy/README.md says ${service} reads it; its config definition has no such key`);
        }
      }
    }
  });

  for (const overlay of k8sOverlays()) {
    it(`overlay ${overlay}: every DLRS_* variable a container gets is read by its service (or expanded by Kubernetes for the trainer)`, function () {
      const objects = renderKustomization(join(OVERLAYS_DIR, overlay));
      const trainerOnly = new Set(readmeContract().filter((row) => row.services.includes('trainer (manifests)')).map((row) => row.variable));
      const seen = new Set<string>();
      for (const template of podTemplates(objects)) {
        for (const container of [...template.spec.containers, ...(template.spec.initContainers ?? [])]) {
          const where = `${template.owner.kind} ${template.owner.metadata.name}/${container.name}`;
          const args = container.args ?? [];
          const variables = dlrsVariables(objects, container);
          if (args[0] === 'serve') {
            const service = args[1] as Service;
            assert.ok(SERVICES.includes(service), `${where}: serves "${args[1]}"`);
            seen.add(service);
            const unread = variables.filter((v) => !READ_BY[service].has(v));
            assert.deepEqual(unread, [], `${where}: ${service} does not read ${unread.join(', ')}`);
          } else if (args[0] === 'train' || args[0] === 'retrain') {
            seen.add('trainer');
            // dlrs train and retrain read no DLRS_* variable: what they get must be expanded into their arguments.
            for (const variable of variables) {
              assert.ok(trainerOnly.has(variable), `${where}: dlrs ${args[0]} does not read ${variable}`);
              assert.ok(args.some((a) => a.includes(`$(${variable})`)), `${where}: ${variable} is set but not used in the arguments`);
            }
          } else {
            assert.deepEqual(variables, [], `${where}: not a dlrs container but gets ${variables.join(', ')}`);
          }
        }
      }
      assert.deepEqual([...seen].sort(), [...SERVICES, 'trainer'].sort(), 'every service and the trainer are deployed');
    });
  }
});
