import { credentials, Metadata } from '@grpc/grpc-js';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { DlrsError } from '../../shared/errors/index.js';
import { callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { shardOf } from '../../shared/sharding/index.js';
import type { Item } from '../../shared/features/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { UserProfile__Output } from '../../shared/generated/dlrs/v1/UserProfile.js';
import { drillItem, missingOnShard } from './acknowledged-upserts.js';
import type { DrillContext } from './drill-context.js';

/** Deadline of one call: the services are on this machine. */
const CALL_DEADLINE_MS = 5000;

/** The public methods of dlrs.v1.Recommender, as the access drills call them. */
export const PUBLIC_METHODS = ['Recommend', 'RecommendStream', 'Session', 'GetProfile', 'RecordInteractions', 'DeleteProfile', 'UpsertItems', 'DeleteItems'] as const;

/** One of {@link PUBLIC_METHODS}. */
export type PublicMethod = (typeof PUBLIC_METHODS)[number];

/** What the calls aim at: each write, had it been let through, would show in {@link observeTarget}. */
export interface CallTarget {
  /** A user with a stored profile: RecordInteractions, Session events and DeleteProfile would change it. */
  userId: string;
  /** A catalog item DeleteItems would remove. */
  existingItem: Item;
  /** An id UpsertItems would add. */
  newItemId: string;
}

/** The target of the access drills: the first drill user, the first catalog item, a fresh id. */
export function callTarget(context: DrillContext, label: string): CallTarget {
  const userId = context.requests[0].userId ?? '';
  return { userId, existingItem: context.bundles.current.items[0], newItemId: `drill-${label}-${Date.now()}` };
}

/** `authorization` metadata with `value`, or none when undefined. */
export function authorizationMetadata(value: string | undefined): Metadata {
  const metadata = new Metadata();
  if (value !== undefined) metadata.set('authorization', value);
  return metadata;
}

function statusOf(error: unknown): string {
  return DlrsError.from(error).code;
}

/** Writes `messages`, half-closes, and resolves with the stream's final status (OK or a code name). */
function streamStatus<Req, Res>(call: ClientDuplexStream<Req, Res>, messages: readonly Req[]): Promise<string> {
  return new Promise((resolve) => {
    call.on('data', () => undefined);
    call.on('error', (error) => resolve(statusOf(error)));
    call.on('status', (status) => {
      if (status.code === 0) resolve('OK');
    });
    for (const message of messages) call.write(message);
    call.end();
  });
}

/** Calls `method` once on the gateway at `address` with `metadata`; resolves with the status (OK or a code name). */
export async function callPublicMethod(address: string, method: PublicMethod, metadata: Metadata, target: CallTarget): Promise<string> {
  const client: RecommenderClient = new (loadProtos().grpcObject.dlrs.v1.Recommender)(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const options = { metadata, deadline: Date.now() + CALL_DEADLINE_MS };
  const interaction = { itemId: target.existingItem.id, eventType: 'view', eventId: `drill-access-${Date.now()}-${Math.random()}` };
  try {
    switch (method) {
      case 'Recommend':
        await callUnary((md, o, cb) => client.Recommend({ userId: target.userId, k: 10 }, md, o, cb), options);
        return 'OK';
      case 'RecommendStream':
        return await streamStatus(client.RecommendStream(metadata, { deadline: options.deadline }), [{ requestId: 'r1', userId: target.userId, k: 10 }]);
      case 'Session':
        return await streamStatus(client.Session(metadata, { deadline: options.deadline }), [{ start: { userId: target.userId, k: 10 } }, { event: interaction }]);
      case 'GetProfile':
        await callUnary((md, o, cb) => client.GetProfile({ userId: target.userId }, md, o, cb), options);
        return 'OK';
      case 'RecordInteractions':
        await callUnary((md, o, cb) => client.RecordInteractions({ events: [{ userId: target.userId, interaction }] }, md, o, cb), options);
        return 'OK';
      case 'DeleteProfile':
        await callUnary((md, o, cb) => client.DeleteProfile({ userId: target.userId }, md, o, cb), options);
        return 'OK';
      case 'UpsertItems':
        await callUnary((md, o, cb) => client.UpsertItems({ items: [drillItem(target.existingItem, target.newItemId)] }, md, o, cb), options);
        return 'OK';
      case 'DeleteItems':
        await callUnary((md, o, cb) => client.DeleteItems({ itemIds: [target.existingItem.id] }, md, o, cb), options);
        return 'OK';
    }
  } catch (error) {
    return statusOf(error);
  } finally {
    client.close();
  }
}

/** What the writes would have changed: the user's profile, whether the catalog item is there and whether the new id is. */
export async function observeTarget(context: DrillContext, target: CallTarget): Promise<string> {
  const { topology, shardCount } = context;
  const client: RecommenderClient = new (loadProtos().grpcObject.dlrs.v1.Recommender)(topology.gatewayAddress, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  try {
    const profile = await callUnary<UserProfile__Output>((md, o, cb) => client.GetProfile({ userId: target.userId }, md, o, cb), {
      metadata: authorizationMetadata(`Bearer ${topology.apiToken}`),
      deadline: Date.now() + CALL_DEADLINE_MS,
    });
    const shardAddress = (id: string): string => topology.service(`retrieval ${shardOf(id, shardCount)}`).address;
    const existingMissing = (await missingOnShard(shardAddress(target.existingItem.id), [target.existingItem.id])).length > 0;
    const newPresent = (await missingOnShard(shardAddress(target.newItemId), [target.newItemId])).length === 0;
    return `profile of ${target.userId}: ${profile.eventCount} events, updated at ${profile.updatedAtMs}; item ${target.existingItem.id} ${existingMissing ? 'missing' : 'present'}; item ${target.newItemId} ${newPresent ? 'present' : 'absent'}`;
  } finally {
    client.close();
  }
}
