import type { ItemCatalog } from '../../../shared/features/index.js';
import { MultiColumnBuilder } from './column-builders.js';

/** The catalog feature `withTitleWords` adds: an item's title words, a multi-valued feature. */
export const TITLE_WORDS_FEATURE = 'title_words';

/** A trailing release year as MovieLens titles end, "(1995)" or "(2007-2013)": the year has features of its own. */
const TRAILING_YEAR = /\(\d{4}(?:\s*[-–]\s*\d{4})?\)\s*$/u;
/** Articles and particles of the catalog's languages: frequent, and say nothing about a film. */
const STOP_WORDS = new Set(['a', 'an', 'and', 'the', 'of', 'in', 'on', 'at', 'to', 'for', 'with', 'from', 'is', 'it', 'la', 'le', 'les', 'de', 'des', 'du', 'el', 'der', 'die', 'das']);

/** The distinct lower-cased words of a title (letters and digits), without a trailing release year and stop words. */
export function titleWords(title: string): string[] {
  const words = title.replace(TRAILING_YEAR, '').toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return [...new Set(words.filter((w) => w !== '' && !STOP_WORDS.has(w)))];
}

/**
 * The catalog with a `title_words` column: what an item's title says when it is created
 * (a franchise, a sequel's numeral), before any user has seen it. Items without a title get none.
 */
export function withTitleWords(catalog: ItemCatalog): ItemCatalog {
  const column = new MultiColumnBuilder();
  for (const title of catalog.titles) column.push(title === undefined ? [] : titleWords(title));
  return { ...catalog, features: new Map([...catalog.features, [TITLE_WORDS_FEATURE, column.build()]]) };
}
