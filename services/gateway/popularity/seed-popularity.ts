import { eventWeight } from '../../../shared/features/index.js';
import type { FeatureSpec } from '../../../shared/features/index.js';
import { readInteractionLog } from '../../../shared/interaction-log/index.js';
import type { PopularityTracker } from './popularity-tracker.js';

/**
 * Feeds the interactions of the log in `dir` since `sinceMs` into `tracker`, so that a
 * restarted gateway answers unknown users with today's popular items at once. Events older
 * than about ten half-lives weigh under 0.1 % and may be skipped through `sinceMs`; files
 * last written before it are not read at all (a file may hold events long after its start,
 * but none written after its last write). Returns the number of interactions fed.
 */
export async function seedPopularity(tracker: PopularityTracker, dir: string, spec: FeatureSpec, sinceMs: number): Promise<number> {
  let fed = 0;
  for await (const record of readInteractionLog(dir, { modifiedSinceMs: sinceMs })) {
    if (record.type !== 'interaction' || record.timestamp < sinceMs) continue;
    tracker.record(record.itemId, eventWeight(spec, record.eventType, record.weight), record.timestamp);
    fed++;
  }
  return fed;
}
