import { basename, isAbsolute, resolve } from 'node:path';
import { readInteractionLog } from '../../../shared/interaction-log/index.js';
import type { Dataset, ReadOptions } from './dataset.js';
import { BadRowPolicy } from './delimited-text.js';
import { InteractionsBuilder } from './interactions-builder.js';
import { readItemSource } from './item-source.js';

/**
 * A dataset from the gateway's interaction log in `dir` (shared/interaction-log: JSON lines
 * of interactions and impressions, several writers' files) and an items source (see
 * `readItemSource`), since log records carry item ids but no features. Interaction records
 * become events with their event type, timestamp and explicit weight; impressions (what was
 * shown, not what the user did) are not training events. An event on an item the items
 * source lacks is a bad row: it fails, or with `skipBadRows` is counted and skipped.
 */
export async function readInteractionLogDataset(dir: string, itemSource: string, options: ReadOptions = {}): Promise<Dataset> {
  const path = isAbsolute(dir) ? dir : resolve(dir);
  const policy = new BadRowPolicy(options.skipBadRows === true);
  const { catalog, rows } = await readItemSource(itemSource, policy);
  const interactions = new InteractionsBuilder();
  let record = 0;
  try {
    for await (const entry of readInteractionLog(path)) {
      record++;
      if (entry.type !== 'interaction') continue;
      const row = rows.get(entry.itemId);
      // The record's position in the log (files in start order) stands in for a line number.
      if (entry.userId === '') policy.report(`interaction log ${path}`, record, 'empty userId');
      else if (row === undefined) policy.report(`interaction log ${path}`, record, `unknown item '${entry.itemId}' (not in --items ${itemSource})`);
      else if (entry.weight !== undefined && entry.weight < 0) policy.report(`interaction log ${path}`, record, `negative weight ${entry.weight}`);
      else interactions.push(interactions.users.code(entry.userId), row, entry.timestamp, interactions.eventTypeCode(entry.eventType), entry.weight ?? NaN);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`interaction log ${path}: no such directory`, { cause: error });
    throw error;
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
