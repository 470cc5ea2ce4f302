import { basename, isAbsolute, resolve } from 'node:path';
import type { Item } from '../../../shared/features/index.js';
import { readInteractionLog } from '../../../shared/interaction-log/index.js';
import type { InteractionLogRecord } from '../../../shared/interaction-log/index.js';
import { applyItemChanges } from './apply-item-changes.js';
import type { ItemChanges } from './apply-item-changes.js';
import type { Dataset, ReadOptions } from './dataset.js';
import { BadRowPolicy } from './delimited-text.js';
import { InteractionsBuilder } from './interactions-builder.js';
import { readItemSource } from './item-source.js';

/**
 * A dataset from the gateway's interaction log in `dir` (shared/interaction-log: JSON lines
 * of interactions, impressions and catalog changes, several writers' files) and an items
 * source (see `readItemSource`), since interaction records carry item ids but no features.
 * The catalog is the items source after the log's catalog changes (the items upserted and
 * deleted through the gateway, each item's last change winning; `applyItemChanges`).
 * Interaction records become events with their event type, timestamp and explicit weight;
 * impressions (what was shown, not what the user did) are not training events. An event on an
 * item the catalog lacks (never there, or deleted) is a bad row: it fails, or with
 * `skipBadRows` is counted and skipped.
 */
export async function readInteractionLogDataset(dir: string, itemSource: string, options: ReadOptions = {}): Promise<Dataset> {
  const path = isAbsolute(dir) ? dir : resolve(dir);
  const policy = new BadRowPolicy(options.skipBadRows === true);
  const { catalog, rows } = applyItemChanges(await readItemSource(itemSource, policy), await readItemChanges(path), `interaction log ${path}`, policy);
  const interactions = new InteractionsBuilder();
  let record = 0;
  for await (const entry of logRecords(path)) {
    record++;
    if (entry.type !== 'interaction') continue;
    const row = rows.get(entry.itemId);
    // The record's position in the log (files in start order) stands in for a line number.
    if (entry.userId === '') policy.report(`interaction log ${path}`, record, 'empty userId');
    else if (row === undefined) policy.report(`interaction log ${path}`, record, `unknown item '${entry.itemId}' (not in --items ${itemSource} and not upserted through the gateway, or deleted since)`);
    else if (entry.weight !== undefined && entry.weight < 0) policy.report(`interaction log ${path}`, record, `negative weight ${entry.weight}`);
    else interactions.push(interactions.users.code(entry.userId), row, entry.timestamp, interactions.eventTypeCode(entry.eventType), entry.weight ?? NaN);
  }
  if (interactions.length === 0) throw new Error(`interaction log ${path}: no usable interaction records (${record} records read)`);
  return {
    name: `log:${basename(path)}`,
    items: catalog,
    interactions: interactions.build(),
    skippedRows: policy.skipped,
    skippedRowMessages: policy.messages,
  };
}

/** Each item's last change in the log: by time, then by log order (files in start order); the map in time order. */
async function readItemChanges(path: string): Promise<ItemChanges> {
  const last = new Map<string, { at: number; item: Item | null }>();
  for await (const entry of logRecords(path)) {
    if (entry.type !== 'item-upsert' && entry.type !== 'item-delete') continue;
    const seen = last.get(entry.itemId);
    if (seen !== undefined && seen.at > entry.timestamp) continue;
    const item: Item | null = entry.type === 'item-delete' ? null : entry.title === undefined ? { id: entry.itemId, features: entry.features } : { id: entry.itemId, title: entry.title, features: entry.features };
    last.set(entry.itemId, { at: entry.timestamp, item });
  }
  // In time order, whatever the files' order: new items take their rows in the order they came.
  const ordered = [...last].sort(([a, x], [b, y]) => x.at - y.at || (a < b ? -1 : a > b ? 1 : 0));
  return new Map(ordered.map(([id, change]) => [id, change.item]));
}

/** The log's records; a missing directory says so. */
async function* logRecords(path: string): AsyncGenerator<InteractionLogRecord> {
  try {
    yield* readInteractionLog(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`interaction log ${path}: no such directory`, { cause: error });
    throw error;
  }
}
