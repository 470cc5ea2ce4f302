import { DlrsError } from '../../../shared/errors/index.js';
import type { AttributeFilter__Output } from '../../../shared/generated/dlrs/v1/AttributeFilter.js';
import type { AttributeCondition, AttributeIndex } from '../store/attribute-index.js';

/**
 * Resolves a request's attribute filter against the shard's feature spec:
 * every clause names a known feature with a condition of the right kind
 * (equals / any_of for categorical and multi-valued features, range for
 * continuous ones), else INVALID_ARGUMENT naming the clause's field.
 * Values no item has are kept out of the codes, so they match nothing.
 */
export function compileFilter(filter: AttributeFilter__Output | null | undefined, attributes: AttributeIndex, maxClauses: number): AttributeCondition[] {
  const clauses = filter?.clauses ?? [];
  if (clauses.length > maxClauses) {
    throw new DlrsError('INVALID_ARGUMENT', `at most ${maxClauses} clauses, got ${clauses.length}`, { field: 'filter.clauses' });
  }
  return clauses.map((clause, i): AttributeCondition => {
    const where = `filter.clauses[${i}]`;
    if (!clause.field) throw new DlrsError('INVALID_ARGUMENT', 'is required', { field: `${where}.field` });
    const field = attributes.fieldIndex(clause.field);
    if (field === undefined) {
      const known = attributes.fields.map((f) => f.name).join(', ');
      throw new DlrsError('INVALID_ARGUMENT', `unknown feature '${clause.field}' (features: ${known})`, { field: `${where}.field` });
    }
    const kind = attributes.fields[field].kind;
    if (clause.condition === 'range') {
      if (kind !== 'continuous') throw new DlrsError('INVALID_ARGUMENT', `feature '${clause.field}' is ${kind}: use equals or any_of`, { field: `${where}.range` });
      const min = clause.range?.min ?? Number.NEGATIVE_INFINITY;
      const max = clause.range?.max ?? Number.POSITIVE_INFINITY;
      if (Number.isNaN(min) || Number.isNaN(max)) throw new DlrsError('INVALID_ARGUMENT', 'bounds must be numbers', { field: `${where}.range` });
      if (min > max) throw new DlrsError('INVALID_ARGUMENT', `min ${min} exceeds max ${max}`, { field: `${where}.range` });
      return { kind: 'range', field, min, max };
    }
    if (clause.condition !== 'equals' && clause.condition !== 'anyOf') {
      throw new DlrsError('INVALID_ARGUMENT', 'needs one of equals, any_of or range', { field: where });
    }
    const conditionField = clause.condition === 'equals' ? `${where}.equals` : `${where}.any_of`;
    if (kind === 'continuous') throw new DlrsError('INVALID_ARGUMENT', `feature '${clause.field}' is continuous: use range`, { field: conditionField });
    const values = clause.condition === 'equals' ? [clause.equals ?? ''] : (clause.anyOf?.values ?? []);
    if (values.length === 0) throw new DlrsError('INVALID_ARGUMENT', 'needs at least one value', { field: `${conditionField}.values` });
    const codes = values.map((value) => attributes.valueCode(field, value)).filter((code) => code !== undefined);
    return { kind: 'values', field, codes: Int32Array.from(new Set(codes)) };
  });
}
