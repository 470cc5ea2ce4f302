import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogItem } from '../../../shared/features/index.js';
import { detectMovieLensFormat, readMovieLens } from './movielens.js';
import { releaseYear } from './movielens-catalog.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// Beside the repository root; a git worktree under wt/ sits one level deeper.
const LATEST_SMALL =
  ['..', '../..'].map((up) => resolve(REPO_ROOT, up, 'shared/data/movielens/ml-latest-small')).find((path) => existsSync(path)) ??
  resolve(REPO_ROOT, '../shared/data/movielens/ml-latest-small');

async function writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

describe('readMovieLens', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-movielens-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads the CSV layout (latest, 20M, 25M) with a quoted title, genres, year, decade and top tags', async () => {
    const dir = await writeFiles(join(root, 'csv'), {
      'movies.csv': 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n11,"American President, The (1995)",Comedy|Drama\n99,No Year,(no genres listed)\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,11,3.5,964982224\n2,1,5.0,964983815\n',
      'tags.csv': 'userId,movieId,tag,timestamp\n1,1,Pixar,1\n2,1,pixar ,2\n1,11,politics,3\n2,11,rare,4\n',
      'links.csv': 'movieId,imdbId,tmdbId\n',
    });
    assert.equal(detectMovieLensFormat(dir), 'csv');
    const dataset = await readMovieLens(dir, { maxTags: 2 });
    assert.equal(dataset.name, 'movielens:csv');
    assert.deepEqual(dataset.items.ids, ['1', '11', '99']);
    assert.deepEqual(catalogItem(dataset.items, 1), {
      id: '11',
      title: 'American President, The (1995)',
      features: { genres: ['Comedy', 'Drama'], year: 1995, decade: '1990s', tags: ['politics'] },
    });
    assert.deepEqual(catalogItem(dataset.items, 0).features.tags, ['pixar']);
    assert.deepEqual(catalogItem(dataset.items, 2).features, { genres: [], tags: [] });
    const { interactions } = dataset;
    assert.deepEqual(interactions.userIds, ['1', '2']);
    assert.deepEqual([...interactions.user], [0, 0, 1]);
    assert.deepEqual([...interactions.item], [0, 1, 0]);
    assert.deepEqual([...interactions.timestamp], [964982703000, 964982224000, 964983815000]);
    assert.deepEqual(interactions.eventTypes, ['rating']);
    assert.deepEqual([...(interactions.rating ?? [])], [4, 3.5, 5]);
    assert.ok(interactions.weight.every(Number.isNaN));
    assert.equal(dataset.users, undefined);
  });

  it('reads the 1M layout (:: separated, ISO-8859-1 titles, users.dat demographics)', async () => {
    const dir = await writeFiles(join(root, 'dat1m'), {
      'movies.dat': Buffer.from('1::Mis\xe9rables, Les (1995)::Drama|Musical\n2::Heat (1995)::Action\n', 'latin1'),
      'ratings.dat': '7::2::5::978300760\n5::1::3::978302109\n7::1::4::978301968\n',
      'users.dat': '5::F::1::10::48067\n7::M::56::16::70072\n',
    });
    assert.equal(detectMovieLensFormat(dir), 'dat');
    const dataset = await readMovieLens(dir);
    assert.equal(dataset.items.titles[0], 'Misérables, Les (1995)');
    assert.deepEqual(dataset.interactions.userIds, ['7', '5']);
    const gender = dataset.users?.features.get('gender');
    assert.ok(gender?.kind === 'categorical');
    assert.deepEqual([...gender.codes].map((c) => gender.levels[c]), ['M', 'F']);
    assert.equal(dataset.items.features.has('tags'), false);
  });

  it('reads the 10M layout with tags.dat', async () => {
    const dir = await writeFiles(join(root, 'dat10m'), {
      'movies.dat': '1::Heat (1995)::Action|Crime\n',
      'ratings.dat': '1::1::4.5::1000\n',
      'tags.dat': '1::1::heist::1000\n',
    });
    const dataset = await readMovieLens(dir);
    assert.deepEqual(catalogItem(dataset.items, 0).features.tags, ['heist']);
    assert.deepEqual([...(dataset.interactions.rating ?? [])], [4.5]);
  });

  it('reads the 100K layout (u.data, u.item with genre flags, u.user, u.genre)', async () => {
    const flags = (set: number[]): string => Array.from({ length: 19 }, (_, g) => (set.includes(g) ? '1' : '0')).join('|');
    const dir = await writeFiles(join(root, 'ml100k'), {
      'u.item': `1|Toy Story (1995)|01-Jan-1995||http://x|${flags([3, 4, 5])}\n2|GoldenEye (1995)|01-Jan-1995||http://y|${flags([1, 2, 16])}\n`,
      'u.data': '196\t2\t3\t881250949\n186\t1\t5\t891717742\n',
      'u.user': '186|39|F|executive|00000\n196|49|M|writer|55105\n',
      'u.genre': ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'].map((g, i) => `${g}|${i}`).join('\n') + '\n',
    });
    assert.equal(detectMovieLensFormat(dir), '100k');
    const dataset = await readMovieLens(dir);
    assert.deepEqual(catalogItem(dataset.items, 0).features, { genres: ['Animation', "Children's", 'Comedy'], year: 1995, decade: '1990s' });
    assert.deepEqual(catalogItem(dataset.items, 1).features.genres, ['Action', 'Adventure', 'Thriller']);
    assert.deepEqual(dataset.interactions.userIds, ['196', '186']);
    const age = dataset.users?.features.get('age');
    assert.ok(age?.kind === 'continuous');
    assert.deepEqual([...age.values], [49, 39]);
  });

  it('fails on a malformed row naming file, line and problem, or counts it with skipBadRows', async () => {
    const dir = await writeFiles(join(root, 'bad'), {
      'movies.csv': 'movieId,title,genres\n1,Heat (1995),Action\n2,"Broken (1999),Drama\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4.0,10\n1,3,4.0,11\n1,1,four,12\n1,1\n',
    });
    await assert.rejects(readMovieLens(dir), (error: Error) => {
      assert.match(error.message, /movies\.csv:3: unterminated quoted field/);
      return true;
    });
    const dataset = await readMovieLens(dir, { skipBadRows: true });
    assert.equal(dataset.skippedRows, 4);
    assert.equal(dataset.interactions.user.length, 1);
    assert.match(dataset.skippedRowMessages[1], /ratings\.csv:3: unknown movie id '3'/);
    assert.match(dataset.skippedRowMessages[2], /ratings\.csv:4: rating 'four' is not a number/);
    assert.match(dataset.skippedRowMessages[3], /ratings\.csv:5: expected 4 fields/);
  });

  it('rejects a CSV file whose header is not the MovieLens one', async () => {
    const dir = await writeFiles(join(root, 'header'), {
      'movies.csv': 'movieId,title,genres\n1,Heat (1995),Action\n',
      'ratings.csv': 'movieId,userId,rating,timestamp\n1,1,4.0,10\n',
    });
    await assert.rejects(readMovieLens(dir), /ratings\.csv:1: expected the header userId,movieId,rating,timestamp, got movieId,userId,rating,timestamp/);
  });

  it('names the directory when it holds no MovieLens layout', () => {
    assert.throws(() => detectMovieLensFormat(root), /not a MovieLens directory/);
  });

  it('parses release years from titles', () => {
    assert.equal(releaseYear('Heat (1995)'), 1995);
    assert.equal(releaseYear('Fawlty Towers (1975-1979)'), 1975);
    assert.equal(releaseYear('Babylon 5'), NaN);
  });

  it('reads the real ml-latest-small: 610 users, 9,742 movies, 100,836 ratings', async function () {
    if (!existsSync(LATEST_SMALL)) {
      console.log(`skipped: ${LATEST_SMALL} is absent`);
      this.skip();
    }
    const dataset = await readMovieLens(LATEST_SMALL);
    assert.equal(dataset.interactions.userIds.length, 610);
    assert.equal(dataset.items.ids.length, 9742);
    assert.equal(dataset.interactions.user.length, 100836);
    assert.equal(dataset.skippedRows, 0);
    const genres = dataset.items.features.get('genres');
    assert.ok(genres?.kind === 'multi' && genres.levels.includes('Sci-Fi'));
    const tags = dataset.items.features.get('tags');
    assert.ok(tags?.kind === 'multi' && tags.levels.length === 100);
  });
});
