import type { ItemCatalog } from '../../../shared/features/index.js';
import { CategoricalColumnBuilder, ContinuousColumnBuilder, Interner, MultiColumnBuilder } from './column-builders.js';
import { GrowableArray } from './growable-array.js';
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

  build(tags?: TagCollector, maxTags = DEFAULT_MAX_TAGS): ItemCatalog {
    const features = new Map([
      ['genres', this.genres.build()],
      ['year', this.year.build()],
      ['decade', this.decade.build()],
    ]);
    if (tags !== undefined) features.set('tags', tags.build(this.ids.length, maxTags));
    return { ids: this.ids, titles: this.titles, features };
  }
}

/** Collects (film, tag) pairs and keeps the most frequent tags (lower-cased, trimmed) per film. */
export class TagCollector {
  private readonly tags = new Interner();
  private readonly itemRows = new GrowableArray(Int32Array);
  private readonly tagCodes = new GrowableArray(Int32Array);

  add(itemRow: number, tag: string): void {
    const normalised = tag.trim().toLowerCase();
    if (normalised === '') return;
    this.itemRows.push(itemRow);
    this.tagCodes.push(this.tags.code(normalised));
  }

  build(itemCount: number, maxTags: number): ReturnType<MultiColumnBuilder['build']> {
    const counts = new Int32Array(this.tags.size);
    const items = this.itemRows.toArray();
    const codes = this.tagCodes.toArray();
    for (const code of codes) counts[code]++;
    const top = Array.from(counts.keys())
      .sort((a, b) => counts[b] - counts[a] || (this.tags.values[a] < this.tags.values[b] ? -1 : 1))
      .slice(0, maxTags);
    const kept = new Set(top);
    const perItem: Set<string>[] = Array.from({ length: itemCount }, () => new Set());
    for (let k = 0; k < items.length; k++) if (kept.has(codes[k])) perItem[items[k]].add(this.tags.values[codes[k]]);
    const column = new MultiColumnBuilder();
    for (const set of perItem) column.push([...set].sort());
    return column.build();
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

/** Reads `user, item, rating, timestamp (s)` rows into `interactions` as `rating` events. */
export async function readRatings(file: MovieLensFile, films: Map<string, number>, interactions: InteractionsBuilder, policy: BadRowPolicy): Promise<void> {
  const rating = interactions.eventTypeCode('rating');
  for await (const { text, line } of readLines(file.path, file.encoding)) {
    if (file.hasHeader && line === 1) {
      if (file.header !== undefined) expectHeader(file.path, file.split(text), file.header);
      continue;
    }
    const fields = splitOrReport(file, text, line, policy);
    if (fields === undefined) continue;
    if (fields.length !== 4) {
      policy.report(file.path, line, `expected 4 fields (user, item, rating, timestamp), got ${fields.length}`);
      continue;
    }
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
  for await (const { text, line } of readLines(file.path, file.encoding)) {
    if (file.hasHeader && line === 1) {
      if (file.header !== undefined) expectHeader(file.path, file.split(text), file.header);
      continue;
    }
    const fields = splitOrReport(file, text, line, policy);
    if (fields === undefined) continue;
    if (fields.length !== 4) {
      policy.report(file.path, line, `expected 4 fields (user, item, tag, timestamp), got ${fields.length}`);
      continue;
    }
    const itemRow = films.get(fields[1]);
    if (itemRow === undefined) policy.report(file.path, line, `unknown movie id '${fields[1]}'`);
    else tags.add(itemRow, fields[2]);
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
