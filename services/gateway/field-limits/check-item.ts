import { DlrsError } from '../../../shared/errors/index.js';
import type { Item__Output } from '../../../shared/generated/dlrs/v1/Item.js';
import { checkBytes, checkCount, requireId } from './check-fields.js';
import { MAX_FEATURE_NAME_BYTES, MAX_ID_BYTES, MAX_FEATURE_TEXTS, MAX_FEATURE_TEXT_BYTES, MAX_ITEM_FEATURES, MAX_TITLE_BYTES } from './field-limits.js';

/**
 * Checks the lengths of a catalog item of UpsertItems (`field` is e.g. `items[3]`): id, title,
 * the number of features, their names and text values, and that numbers are finite. Which
 * features and values the model knows is retrieval's check, against its feature spec.
 */
export function checkItem(item: Item__Output, field: string): void {
  requireId(item.id, `${field}.id`);
  checkItemBody(item, field);
}

/** checkItem without the id, which a SimilarItems query item may leave empty (at most MAX_ID_BYTES when given). */
export function checkItemBody(item: Item__Output, field: string): void {
  checkBytes(item.id, MAX_ID_BYTES, `${field}.id`);
  checkBytes(item.title, MAX_TITLE_BYTES, `${field}.title`);
  const names = Object.keys(item.features);
  checkCount(names.length, MAX_ITEM_FEATURES, `${field}.features`);
  for (const name of names) {
    const nameBytes = Buffer.byteLength(name);
    if (nameBytes > MAX_FEATURE_NAME_BYTES) throw new DlrsError('INVALID_ARGUMENT', `names are at most ${MAX_FEATURE_NAME_BYTES} bytes, got one of ${nameBytes}`, { field: `${field}.features` });
    const value = item.features[name];
    const valueField = `${field}.features[${JSON.stringify(name)}]`;
    if (value.value === 'text') checkBytes(value.text ?? '', MAX_FEATURE_TEXT_BYTES, `${valueField}.text`);
    else if (value.value === 'texts') {
      const texts = value.texts?.values ?? [];
      checkCount(texts.length, MAX_FEATURE_TEXTS, `${valueField}.texts`);
      texts.forEach((text, i) => checkBytes(text, MAX_FEATURE_TEXT_BYTES, `${valueField}.texts[${i}]`));
    } else if (value.value === 'number' && !Number.isFinite(value.number)) {
      throw new DlrsError('INVALID_ARGUMENT', `must be finite, got ${value.number}`, { field: `${valueField}.number` });
    }
  }
}
