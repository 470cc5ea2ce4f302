import type { FeatureKind } from '../../../shared/features/index.js';

/** One item feature column of a generic CSV items file. */
export interface CsvFeatureColumn {
  name: string;
  column: string;
  kind: FeatureKind;
  /** Separator of a multi-valued cell (DEFAULT_MULTI_SEPARATOR). */
  separator?: string;
}

/** The schema file of the generic CSV layout. */
export interface CsvSchema {
  /** Column of the item id. */
  id: string;
  /** Column of the display title. */
  title?: string;
  features: CsvFeatureColumn[];
  /** Unit of numeric timestamps in the interactions file (default 'ms'); ISO 8601 text is always accepted. */
  timestampUnit?: 'ms' | 's';
}

/** Why '|': MovieLens and most exports list genres and tags that way; commas would clash with CSV. */
export const DEFAULT_MULTI_SEPARATOR = '|';

/** Validates a parsed schema file; errors name the file and the field. */
export function parseCsvSchema(value: unknown, file: string): CsvSchema {
  const fail = (field: string, message: string): never => {
    throw new Error(`${file}: ${field}: ${message}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('(root)', 'expected a JSON object');
  const schema = value as Record<string, unknown>;
  if (typeof schema.id !== 'string' || schema.id === '') fail('id', 'expected the name of the item id column');
  if (schema.title !== undefined && typeof schema.title !== 'string') fail('title', 'expected a column name');
  if (schema.timestampUnit !== undefined && schema.timestampUnit !== 'ms' && schema.timestampUnit !== 's') fail('timestampUnit', "expected 'ms' or 's'");
  if (!Array.isArray(schema.features)) return fail('features', 'expected an array');
  const names = new Set<string>();
  const features = schema.features.map((raw: unknown, i): CsvFeatureColumn => {
    const where = `features[${i}]`;
    if (typeof raw !== 'object' || raw === null) return fail(where, 'expected an object');
    const f = raw as Record<string, unknown>;
    if (typeof f.name !== 'string' || f.name === '') fail(`${where}.name`, 'expected a non-empty string');
    if (names.has(f.name as string)) fail(`${where}.name`, `duplicate feature '${String(f.name)}'`);
    names.add(f.name as string);
    if (typeof f.column !== 'string' || f.column === '') fail(`${where}.column`, 'expected a column name');
    if (f.kind !== 'categorical' && f.kind !== 'multi' && f.kind !== 'continuous') {
      fail(`${where}.kind`, `expected 'categorical', 'multi' or 'continuous', got ${JSON.stringify(f.kind)}`);
    }
    if (f.separator !== undefined && (typeof f.separator !== 'string' || f.separator === '')) fail(`${where}.separator`, 'expected a non-empty string');
    const column: CsvFeatureColumn = { name: f.name as string, column: f.column as string, kind: f.kind as FeatureKind };
    if (typeof f.separator === 'string') column.separator = f.separator;
    return column;
  });
  const result: CsvSchema = { id: schema.id as string, features };
  if (typeof schema.title === 'string') result.title = schema.title;
  if (schema.timestampUnit === 'ms' || schema.timestampUnit === 's') result.timestampUnit = schema.timestampUnit;
  return result;
}
