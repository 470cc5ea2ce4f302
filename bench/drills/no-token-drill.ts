import { deadServices } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';
import { authorizationMetadata, callPublicMethod, callTarget, observeTarget, PUBLIC_METHODS } from './public-calls.js';

/** What a client without a valid token may present: nothing, a token nobody issued, a token under another scheme. */
const CREDENTIALS: ReadonlyArray<readonly [string, (apiToken: string) => string | undefined]> = [
  ['no token', () => undefined],
  ['garbage token', () => 'Bearer drill-garbage-token-0123456789'],
  ['the valid token without "Bearer"', (apiToken) => apiToken],
];

/**
 * Every public method called without a valid token: each answers UNAUTHENTICATED, and neither
 * the profile, nor the catalog item, nor the new id the writes aim at changes.
 */
export async function noTokenDrill(context: DrillContext): Promise<DrillResult> {
  const { topology } = context;
  const target = callTarget(context, 'no-token');
  const record = new DrillRecord(
    'no token',
    `each of ${PUBLIC_METHODS.join(', ')} called with ${CREDENTIALS.map(([name]) => name).join(', ')}; the writes aim at a stored profile, a catalog item and a new item id`,
    'every call UNAUTHENTICATED; the profile, the catalog item and the new id as before; no process ends',
  );
  const before = await observeTarget(context, target);
  const unexpected: string[] = [];
  let calls = 0;
  for (const [name, credential] of CREDENTIALS) {
    for (const method of PUBLIC_METHODS) {
      const status = await callPublicMethod(topology.gatewayAddress, method, authorizationMetadata(credential(topology.apiToken)), target);
      calls++;
      if (status !== 'UNAUTHENTICATED') unexpected.push(`${method} with ${name}: ${status}`);
    }
  }
  const after = await observeTarget(context, target);
  record.note(`${calls} calls, ${calls - unexpected.length} UNAUTHENTICATED`);
  record.note(`before: ${before}`);
  record.check(unexpected.length === 0, `not UNAUTHENTICATED: ${unexpected.join('; ')}`);
  record.check(after === before, `changed: ${after}`);
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
