import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CatalogColumn } from '../../../shared/features/index.js';
import { CategoricalColumnBuilder, ContinuousColumnBuilder } from './column-builders.js';
import type { Dataset, ReadOptions, UserTable } from './dataset.js';
import { BadRowPolicy, detectEncoding, expectHeader, parseCsvLine, parseNumber, readLines } from './delimited-text.js';
import { InteractionsBuilder } from './interactions-builder.js';
import { DEFAULT_MAX_TAGS, MovieCatalogBuilder, TagCollector, readRatings, readTags, splitOrReport } from './movielens-catalog.js';
import type { MovieLensFile } from './movielens-catalog.js';

/** Options of the MovieLens reader. */
export interface MovieLensOptions extends ReadOptions {
  /** How many of the most frequent tags become the `tags` feature (DEFAULT_MAX_TAGS). */
  maxTags?: number;
}

/** The MovieLens layouts, told apart by the files present. */
export type MovieLensFormat = 'csv' | 'dat' | '100k';

/** Genre names of MovieLens 100K by flag position, used when u.genre is absent. */
const GENRES_100K = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];

/** Which MovieLens layout `dir` holds: latest/20M/25M (csv), 1M/10M (dat) or 100K. */
export function detectMovieLensFormat(dir: string): MovieLensFormat {
  if (existsSync(join(dir, 'movies.csv')) && existsSync(join(dir, 'ratings.csv'))) return 'csv';
  if (existsSync(join(dir, 'movies.dat')) && existsSync(join(dir, 'ratings.dat'))) return 'dat';
  if (existsSync(join(dir, 'u.item')) && existsSync(join(dir, 'u.data'))) return '100k';
  throw new Error(`${dir}: not a MovieLens directory (expected movies.csv+ratings.csv, movies.dat+ratings.dat, or u.item+u.data)`);
}

/** Reads a MovieLens directory of any supported layout, streaming its ratings. */
export async function readMovieLens(dir: string, options: MovieLensOptions = {}): Promise<Dataset> {
  const policy = new BadRowPolicy(options.skipBadRows === true);
  const format = detectMovieLensFormat(dir);
  const films = new MovieCatalogBuilder();
  const interactions = new InteractionsBuilder({ withRatings: true });
  let tags: TagCollector | undefined;
  let users: UserTable | undefined;
  const file = async (name: string, split: (text: string) => string[], hasHeader: boolean): Promise<MovieLensFile> => {
    const path = join(dir, name);
    return { path, encoding: await detectEncoding(path), split, hasHeader };
  };
  const csv = (text: string): string[] => parseCsvLine(text);
  const dat = (text: string): string[] => text.split('::');
  if (format === 'csv') {
    await readMovies({ ...(await file('movies.csv', csv, true)), header: ['movieId', 'title', 'genres'] }, films, policy);
    if (existsSync(join(dir, 'tags.csv'))) {
      tags = new TagCollector();
      const tagsFile: MovieLensFile = { path: join(dir, 'tags.csv'), encoding: 'utf8', split: csv, hasHeader: true, header: ['userId', 'movieId', 'tag', 'timestamp'] };
      await readTags(tagsFile, films.rows, tags, policy);
    }
    const ratingsFile: MovieLensFile = { path: join(dir, 'ratings.csv'), encoding: 'utf8', split: csv, hasHeader: true, header: ['userId', 'movieId', 'rating', 'timestamp'] };
    await readRatings(ratingsFile, films.rows, interactions, policy);
  } else if (format === 'dat') {
    await readMovies(await file('movies.dat', dat, false), films, policy);
    if (existsSync(join(dir, 'tags.dat'))) {
      tags = new TagCollector();
      await readTags(await file('tags.dat', dat, false), films.rows, tags, policy);
    }
    await readRatings({ path: join(dir, 'ratings.dat'), encoding: 'utf8', split: dat, hasHeader: false }, films.rows, interactions, policy);
    if (existsSync(join(dir, 'users.dat'))) {
      users = await readUsers(await file('users.dat', dat, false), interactions.users.values, policy, [
        ['gender', 'categorical'],
        ['age', 'categorical'],
        ['occupation', 'categorical'],
      ]);
    }
  } else {
    const genreNames = existsSync(join(dir, 'u.genre')) ? await readGenres100k(join(dir, 'u.genre')) : GENRES_100K;
    await readMovies100k(await file('u.item', (text) => text.split('|'), false), films, policy, genreNames);
    await readRatings({ path: join(dir, 'u.data'), encoding: 'utf8', split: (text) => text.trim().split(/\s+/), hasHeader: false }, films.rows, interactions, policy);
    if (existsSync(join(dir, 'u.user'))) {
      users = await readUsers(await file('u.user', (text) => text.split('|'), false), interactions.users.values, policy, [
        ['age', 'continuous'],
        ['gender', 'categorical'],
        ['occupation', 'categorical'],
      ]);
    }
  }
  const built = interactions.build();
  const tagLog = tags?.log(built.userIds, options.maxTags ?? DEFAULT_MAX_TAGS);
  const dataset: Dataset = {
    name: `movielens:${basename(dir)}`,
    items: films.build(tagLog),
    interactions: built,
    skippedRows: policy.skipped,
    skippedRowMessages: policy.messages,
  };
  if (users !== undefined) dataset.users = users;
  if (tagLog !== undefined) dataset.tagLog = tagLog;
  return dataset;
}

async function readMovies(file: MovieLensFile, films: MovieCatalogBuilder, policy: BadRowPolicy): Promise<void> {
  for await (const { text, line } of readLines(file.path, file.encoding)) {
    if (file.hasHeader && line === 1) {
      if (file.header !== undefined) expectHeader(file.path, file.split(text), file.header);
      continue;
    }
    const fields = splitOrReport(file, text, line, policy);
    if (fields === undefined) continue;
    if (fields.length !== 3) policy.report(file.path, line, `expected 3 fields (id, title, genres), got ${fields.length}`);
    else if (fields[0] === '') policy.report(file.path, line, 'empty movie id');
    else if (!films.add(fields[0], fields[1], fields[2].split('|'))) policy.report(file.path, line, `duplicate movie id '${fields[0]}'`);
  }
}

async function readMovies100k(file: MovieLensFile, films: MovieCatalogBuilder, policy: BadRowPolicy, genreNames: string[]): Promise<void> {
  const expected = 5 + genreNames.length;
  for await (const { text, line } of readLines(file.path, file.encoding)) {
    const fields = file.split(text);
    if (fields.length !== expected) {
      policy.report(file.path, line, `expected ${expected} '|'-separated fields, got ${fields.length}`);
      continue;
    }
    const genres = genreNames.filter((_, g) => fields[5 + g] === '1');
    if (!films.add(fields[0], fields[1], genres)) policy.report(file.path, line, `duplicate movie id '${fields[0]}'`);
  }
}

async function readGenres100k(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const { text, line } of readLines(path, 'latin1')) {
    const [name, index] = text.split('|');
    if (index === undefined || Number(index) !== names.length) throw new Error(`${path}:${line}: expected 'name|${names.length}'`);
    names.push(name);
  }
  return names;
}

/** Reads a demographic user file (`id` then the given columns) into a table aligned with `userIds`. */
async function readUsers(
  file: MovieLensFile,
  userIds: string[],
  policy: BadRowPolicy,
  columns: [name: string, kind: 'categorical' | 'continuous'][],
): Promise<UserTable> {
  const byId = new Map<string, string[]>();
  for await (const { text, line } of readLines(file.path, file.encoding)) {
    const fields = file.split(text);
    if (fields.length < columns.length + 1) policy.report(file.path, line, `expected at least ${columns.length + 1} fields, got ${fields.length}`);
    else byId.set(fields[0], fields.slice(1));
  }
  const features = new Map<string, CatalogColumn>();
  columns.forEach(([name, kind], c) => {
    if (kind === 'continuous') {
      const builder = new ContinuousColumnBuilder();
      for (const id of userIds) builder.push(parseNumber(byId.get(id)?.[c] ?? '') ?? NaN);
      features.set(name, builder.build());
    } else {
      const builder = new CategoricalColumnBuilder();
      for (const id of userIds) builder.push(byId.get(id)?.[c]);
      features.set(name, builder.build());
    }
  });
  return { features };
}
