import { rawContinuous, rawMulti } from '../../../shared/features/index.js';
import type { Item } from '../../../shared/features/index.js';
import type { AttributeFilter__Output } from '../../../shared/generated/dlrs/v1/AttributeFilter.js';

/**
 * Whether raw item features satisfy an attribute filter (every clause; dlrs.v1.FilterClause
 * semantics: `equals` / `any_of` on the value or, for a multi-valued feature, on any of its
 * values; `range` inclusive with open absent bounds). A missing feature fails its clause.
 * Used where the gateway filters by itself: the popular fallback.
 */
export function matchesFilter(features: Item['features'], filter: AttributeFilter__Output): boolean {
  return filter.clauses.every((clause) => {
    const raw = Object.hasOwn(features, clause.field) ? features[clause.field] : undefined;
    switch (clause.condition) {
      case 'equals':
        return rawMulti(raw).includes(clause.equals ?? '');
      case 'anyOf': {
        const wanted = new Set(clause.anyOf?.values ?? []);
        return rawMulti(raw).some((value) => wanted.has(value));
      }
      case 'range': {
        const x = rawContinuous(raw);
        const min = clause.range?.min;
        const max = clause.range?.max;
        return !Number.isNaN(x) && (min === undefined || min === null || x >= min) && (max === undefined || max === null || x <= max);
      }
      default:
        return true;
    }
  });
}
