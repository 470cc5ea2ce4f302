import type { ItemCatalog } from '../../../shared/features/index.js';
import { CategoricalColumnBuilder, ContinuousColumnBuilder, Interner, MultiColumnBuilder } from './column-builders.js';
import { GrowableArray } from './growable-array.js';
import type { TagLog } from './dataset.js';
import type { InteractionsBuilder } from './interactions-builder.js';
import { expectHeader, parseNumber, readLines } from './delimited-text.js';
import type { BadRowPolicy, TextEncoding } from './delimited-text.js';

/** Why 100: enough tags to describe a film's themes, few enough to keep `item_multi_tags` narrow. */
export const DEFAULT_MAX_TAGS = 100;

/** MovieLens's marker for a film without genres. */
const NO_GENRES = '(no genres listed)';
const YEAR_IN_TITLE = /\((\d{4})(?:\s*[-–]\s*\d{4})?\)\s*$/;

/** The release year at the end of a MovieLens title, e.g. "Heat (1995)"; NaN when absent. */
export function releaseYear(title: string): number {
  const match = YEAR_IN_TITLE.exec(title);
  return match === null ? NaN : Number(match[1]);
}

/**
 * Collects MovieLens films into a catalog: `genres` (multi), `year` (continuous, from the
 * title), `decade` (categorical, e.g. "1990s") and, when tags are read, `tags` (multi).
 */
export class MovieCatalogBuilder {
  readonly rows = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly titles: string[] = [];
  private readonly genres = new MultiColumnBuilder();
  private readonly year = new ContinuousColumnBuilder();
  private readonly decade = new CategoricalColumnBuilder();

  /** Adds a film; returns false for a duplicate id. */
  add(id: string, title: string, genres: string[]): boolean {
    if (this.rows.has(id)) return false;
    this.rows.set(id, this.ids.length);
    this.ids.push(id);
    this.titles.push(title);
    this.genres.push(genres.filter((g) => g !== NO_GENRES));
    const year = releaseYear(title);
    this.year.push(year);
    this.decade.push(Number.isNaN(year) ? undefined : `${Math.floor(year / 10) * 10}s`);
    return true;
  }

  build(tags?: TagLog): ItemCatalog {
    const features = new Map([
      ['genres', this.genres.build()],
      ['year', this.year.build()],
      ['decade', this.decade.build()],
    ]);
    if (tags !== undefined) features.set('tags', tagsColumn(tags, this.ids.length));
    return { ids: this.ids, titles: this.titles, features };
  }
}

/**
 * The `tags` multi column of `itemCount` films from the applications `keep` admits (all by
 * default): the `log.maxTags` most frequent admitted tags, each film's set of them.
 */
export function tagsColumn(log: TagLog, itemCount: number, keep?: (application: number) => boolean): ReturnType<MultiColumnBuilder['build']> {
  const counts = new Int32Array(log.tags.length);
  const admitted: number[] = [];
  for (let k = 0; k < log.item.length; k++) {
    if (keep !== undefined && !keep(k)) continue;
    admitted.push(k);
    counts[log.tag[k]]++;
  }
  const top = Array.from(counts.keys())
    .filter((code) => counts[code] > 0)
    .sort((a, b) => counts[b] - counts[a] || (log.tags[a] < log.tags[b] ? -1 : 1))
    .slice(0, log.maxTags);
  const kept = new Set(top);
  const perItem: Set<string>[] = Array.from({ length: itemCount }, () => new Set());
  for (const k of admitted) if (kept.has(log.tag[k])) perItem[log.item[k]].add(log.tags[log.tag[k]]);
  const column = new MultiColumnBuilder();
  for (const set of perItem) column.push([...set].sort());
  return column.build();
}

/** Collects (film, tag, user, time) applications; the tags are lower-cased and trimmed. */
export class TagCollector {
  private readonly tags = new Interner();
  private readonly users = new Interner();
  private readonly itemRows = new GrowableArray(Int32Array);
  private readonly tagCodes = new GrowableArray(Int32Array);
  private readonly userCodes = new GrowableArray(Int32Array);
  private readonly times = new GrowableArray(Float64Array);

  add(itemRow: number, tag: string, userId: string, timestampMs: number): void {
    const normalised = tag.trim().toLowerCase();
    if (normalised === '') return;
    this.itemRows.push(itemRow);
    this.tagCodes.push(this.tags.code(normalised));
    this.userCodes.push(this.users.code(userId));
    this.times.push(timestampMs);
  }

  /** The applications with users as rows of `userIds` (the interactions' users). */
  log(userIds: readonly string[], maxTags: number): TagLog {
    const rowOf = new Map(userIds.map((id, row) => [id, row]));
    const user = Int32Array.from(this.userCodes.toArray(), (code) => rowOf.get(this.users.values[code]) ?? -1);
    return { item: this.itemRows.toArray(), user, timestamp: this.times.toArray(), tag: this.tagCodes.toArray(), tags: [...this.tags.values], maxTags };
  }
}

/** Where a MovieLens ratings or tags file is and how its lines split. */
export interface MovieLensFile {
  path: string;
  encoding: TextEncoding;
  split: (text: string) => string[];
  hasHeader: boolean;
  /** The expected leading header columns, checked when `hasHeader`. */
  header?: string[];
}

/** The data rows of a file of four columns, split; the header is checked and bad rows are reported. */
async function* fourColumnRows(file: MovieLensFile, columns: string, policy: BadRowPolicy): AsyncGenerator<{ fields: string[]; line: number }> {
  for await (const { text, line } of readLines(file.path, file.encoding)) {
    if (file.hasHeader && line === 1) {
      if (file.header !== undefined) expectHeader(file.path, file.split(text), file.header);
      continue;
    }
    const fields = splitOrReport(file, text, line, policy);
    if (fields === undefined) continue;
    if (fields.length !== 4) policy.report(file.path, line, `expected 4 fields (${columns}), got ${fields.length}`);
    else yield { fields, line };
  }
}

/** Reads `user, item, rating, timestamp (s)` rows into `interactions` as `rating` events. */
export async function readRatings(file: MovieLensFile, films: Map<string, number>, interactions: InteractionsBuilder, policy: BadRowPolicy): Promise<void> {
  const rating = interactions.eventTypeCode('rating');
  for await (const { fields, line } of fourColumnRows(file, 'user, item, rating, timestamp', policy)) {
    const itemRow = films.get(fields[1]);
    const value = parseNumber(fields[2]);
    const seconds = parseNumber(fields[3]);
    if (fields[0] === '') policy.report(file.path, line, 'empty user id');
    else if (itemRow === undefined) policy.report(file.path, line, `unknown movie id '${fields[1]}'`);
    else if (value === undefined) policy.report(file.path, line, `rating '${fields[2]}' is not a number`);
    else if (seconds === undefined) policy.report(file.path, line, `timestamp '${fields[3]}' is not a number`);
    else interactions.push(interactions.users.code(fields[0]), itemRow, seconds * 1000, rating, NaN, value);
  }
}

/** Reads `user, item, tag, timestamp` rows into `tags`. */
export async function readTags(file: MovieLensFile, films: Map<string, number>, tags: TagCollector, policy: BadRowPolicy): Promise<void> {
  for await (const { fields, line } of fourColumnRows(file, 'user, item, tag, timestamp', policy)) {
    const itemRow = films.get(fields[1]);
    const seconds = parseNumber(fields[3]);
    if (itemRow === undefined) policy.report(file.path, line, `unknown movie id '${fields[1]}'`);
    else if (seconds === undefined) policy.report(file.path, line, `timestamp '${fields[3]}' is not a number`);
    else tags.add(itemRow, fields[2], fields[0], seconds * 1000);
  }
}

/** Splits a line, reporting a parse error as a bad row (undefined then). */
export function splitOrReport(file: MovieLensFile, text: string, line: number, policy: BadRowPolicy): string[] | undefined {
  try {
    return file.split(text);
  } catch (error) {
    policy.report(file.path, line, (error as Error).message);
    return undefined;
  }
}
