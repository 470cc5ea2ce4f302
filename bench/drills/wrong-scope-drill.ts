import { deadServices } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';
import { authorizationMetadata, callPublicMethod, callTarget, observeTarget } from './public-calls.js';
import type { PublicMethod } from './public-calls.js';
import type { Topology } from '../../test/fixtures/serve-topology.js';

/** Calls a token may not make (Session: its event needs write), and one it may make, which shows the token is valid. */
const CASES: ReadonlyArray<{ scopes: string; token: (topology: Topology) => string; refused: readonly PublicMethod[]; allowed: PublicMethod }> = [
  { scopes: 'read', token: (topology) => topology.readOnlyToken, refused: ['RecordInteractions', 'Session', 'UpsertItems', 'DeleteItems', 'DeleteProfile'], allowed: 'Recommend' },
  { scopes: 'read,write (a bare token)', token: (topology) => topology.readWriteToken, refused: ['UpsertItems', 'DeleteItems', 'DeleteProfile'], allowed: 'Recommend' },
];

/**
 * A read-only token calls the write and admin methods, a read+write token the admin ones: each
 * answers PERMISSION_DENIED (a Session's event, after its first answer), and nothing they aim at changes.
 */
export async function wrongScopeDrill(context: DrillContext): Promise<DrillResult> {
  const { topology } = context;
  const target = callTarget(context, 'wrong-scope');
  const record = new DrillRecord(
    'wrong scope',
    `a token with scope read calls ${CASES[0].refused.join(', ')}; a bare token (read,write) calls ${CASES[1].refused.join(', ')}; each also calls Recommend`,
    'every refused call PERMISSION_DENIED, Recommend OK; the profile, the catalog item and the new id as before; no process ends',
  );
  const before = await observeTarget(context, target);
  const unexpected: string[] = [];
  let refused = 0;
  for (const { scopes, token, refused: methods, allowed } of CASES) {
    const metadata = (): ReturnType<typeof authorizationMetadata> => authorizationMetadata(`Bearer ${token(topology)}`);
    for (const method of methods) {
      const status = await callPublicMethod(topology.gatewayAddress, method, metadata(), target);
      if (status === 'PERMISSION_DENIED') refused++;
      else unexpected.push(`${method} with the ${scopes} token: ${status}`);
    }
    const status = await callPublicMethod(topology.gatewayAddress, allowed, metadata(), target);
    if (status !== 'OK') unexpected.push(`${allowed} with the ${scopes} token: ${status} (expected OK)`);
  }
  const after = await observeTarget(context, target);
  record.note(`${refused} calls PERMISSION_DENIED`);
  record.note(`before: ${before}`);
  record.check(unexpected.length === 0, unexpected.join('; '));
  record.check(after === before, `changed: ${after}`);
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
