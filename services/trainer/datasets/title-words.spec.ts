import assert from 'node:assert/strict';
import { columnValue } from '../../../shared/features/index.js';
import type { ItemCatalog } from '../../../shared/features/index.js';
import { TITLE_WORDS_FEATURE, titleWords, withTitleWords } from './title-words.js';

describe('titleWords', () => {
  it('lower-cases, splits on anything but letters and digits, drops the trailing year, stop words and repeats', () => {
    assert.deepEqual(titleWords('Star Wars: Episode IV - A New Hope (1977)'), ['star', 'wars', 'episode', 'iv', 'new', 'hope']);
    assert.deepEqual(titleWords('Toy Story 2 (1999)'), ['toy', 'story', '2']);
    assert.deepEqual(titleWords('Amélie (Fabuleux destin d\'Amélie Poulain, Le) (2001)'), ['amélie', 'fabuleux', 'destin', 'd', 'poulain']);
    assert.deepEqual(titleWords('Sherlock (2010-2017)'), ['sherlock']);
    assert.deepEqual(titleWords('1984 (1984)'), ['1984'], 'a year inside the title is a word');
  });
});

describe('withTitleWords', () => {
  it('adds a multi column of each title\'s words, none for an untitled item, and keeps the other columns', () => {
    const catalog: ItemCatalog = {
      ids: ['1', '2', '3'],
      titles: ['Heat (1995)', undefined, 'Heat Wave (2011)'],
      features: new Map([['year', { kind: 'continuous', values: Float64Array.of(1995, NaN, 2011) }]]),
    };
    const out = withTitleWords(catalog);
    assert.deepEqual([...out.features.keys()], ['year', TITLE_WORDS_FEATURE]);
    const column = out.features.get(TITLE_WORDS_FEATURE);
    assert.ok(column !== undefined);
    assert.deepEqual([0, 1, 2].map((r) => columnValue(column, r)), [['heat'], [], ['heat', 'wave']]);
    assert.equal(catalog.features.size, 1, 'the input catalog is not modified');
  });
});
