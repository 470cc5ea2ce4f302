// Item tags as a model fitted on a train part may know them: no tag applied after that part.
import type { ItemCatalog } from '../../../shared/features/index.js';
import { tagsColumn } from '../datasets/index.js';
import type { Dataset } from '../datasets/index.js';
import type { Events, SplitMode } from './split.js';

/**
 * The dataset's catalog with its `tags` feature rebuilt from only the tag applications that
 * `events` (the train part of a split) may know, so that tags applied in the held-out period
 * do not leak it. The rule follows the split: `user` (per-user temporal) admits a tag applied
 * by user u at time t when u has events in `events` and t is at most the time of u's latest
 * one; `global` admits a tag when t is at most the latest time in `events`. Tags of the most
 * frequent `maxTags` are chosen among the admitted applications only. Without a tag log the
 * catalog is returned as is.
 */
export function catalogKnownTo(dataset: Dataset, events: Events, mode: SplitMode): ItemCatalog {
  const log = dataset.tagLog;
  if (log === undefined) return dataset.items;
  let keep: (application: number) => boolean;
  if (mode === 'global') {
    let latest = -Infinity;
    for (const t of events.timestamp) latest = Math.max(latest, t);
    keep = (k) => log.timestamp[k] <= latest;
  } else {
    const latest = new Float64Array(dataset.interactions.userIds.length).fill(-Infinity);
    for (let r = 0; r < events.user.length; r++) latest[events.user[r]] = Math.max(latest[events.user[r]], events.timestamp[r]);
    keep = (k) => log.user[k] >= 0 && log.timestamp[k] <= latest[log.user[k]];
  }
  const features = new Map(dataset.items.features);
  features.set('tags', tagsColumn(log, dataset.items.ids.length, keep));
  return { ...dataset.items, features };
}
