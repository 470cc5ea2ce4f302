import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ItemCatalog } from '../../../shared/features/index.js';
import { CategoricalColumnBuilder, ContinuousColumnBuilder, MultiColumnBuilder } from './column-builders.js';
import { DEFAULT_MULTI_SEPARATOR, parseCsvSchema } from './csv-schema.js';
import type { CsvSchema } from './csv-schema.js';
import type { Dataset, ReadOptions } from './dataset.js';
import { BadRowPolicy, parseCsvLine, parseNumber, readLines } from './delimited-text.js';
import { InteractionsBuilder } from './interactions-builder.js';

/** Event type of interaction rows without an `event` column or value. */
export const DEFAULT_EVENT_TYPE = 'interaction';

/** Paths of the generic CSV layout. */
export interface GenericCsvPaths {
  items: string;
  interactions: string;
  schema: string;
}

/**
 * Reads the generic CSV layout: an items file (header row; columns declared by the JSON schema
 * file) and an interactions file with the header columns user,item,timestamp[,event][,weight].
 */
export async function readGenericCsv(paths: GenericCsvPaths, options: ReadOptions = {}): Promise<Dataset> {
  const policy = new BadRowPolicy(options.skipBadRows === true);
  const schema = parseCsvSchema(JSON.parse(await readFile(paths.schema, 'utf8')) as unknown, paths.schema);
  const { catalog, rows } = await readCsvItems(paths.items, schema, policy);
  const interactions = new InteractionsBuilder();
  const secondsToMs = schema.timestampUnit === 's' ? 1000 : 1;
  let columns: { user: number; item: number; timestamp: number; event: number; weight: number; count: number } | undefined;
  for await (const { text, line } of readLines(paths.interactions)) {
    let fields: string[];
    try {
      fields = parseCsvLine(text);
    } catch (error) {
      if (columns === undefined) throw new Error(`${paths.interactions}:${line}: ${(error as Error).message}`, { cause: error });
      policy.report(paths.interactions, line, (error as Error).message);
      continue;
    }
    if (columns === undefined) {
      const index = (name: string): number => fields.findIndex((f) => f.trim() === name);
      columns = { user: index('user'), item: index('item'), timestamp: index('timestamp'), event: index('event'), weight: index('weight'), count: fields.length };
      const missing = (['user', 'item', 'timestamp'] as const).filter((name) => columns?.[name] === -1);
      if (missing.length > 0) throw new Error(`${paths.interactions}:${line}: the header lacks the column(s) ${missing.join(', ')} (expected user,item,timestamp[,event][,weight])`);
      continue;
    }
    if (fields.length !== columns.count) {
      policy.report(paths.interactions, line, `expected ${columns.count} fields, got ${fields.length}`);
      continue;
    }
    const user = fields[columns.user];
    const itemRow = rows.get(fields[columns.item]);
    const timestamp = parseTimestamp(fields[columns.timestamp], secondsToMs);
    const eventType = columns.event >= 0 && fields[columns.event] !== '' ? fields[columns.event] : DEFAULT_EVENT_TYPE;
    const weightText = columns.weight >= 0 ? fields[columns.weight] : '';
    const weight = weightText === '' ? NaN : parseNumber(weightText);
    if (user === '') policy.report(paths.interactions, line, 'empty user');
    else if (itemRow === undefined) policy.report(paths.interactions, line, `unknown item '${fields[columns.item]}' (not in ${paths.items})`);
    else if (timestamp === undefined) policy.report(paths.interactions, line, `timestamp '${fields[columns.timestamp]}' is neither a number nor an ISO 8601 date`);
    else if (weight === undefined || weight < 0) policy.report(paths.interactions, line, `weight '${weightText}' is not a non-negative number`);
    else interactions.push(interactions.users.code(user), itemRow, timestamp, interactions.eventTypeCode(eventType), weight);
  }
  if (columns === undefined) throw new Error(`${paths.interactions}: empty file (expected a header user,item,timestamp[,event][,weight])`);
  return {
    name: `csv:${basename(paths.interactions)}`,
    items: catalog,
    interactions: interactions.build(),
    skippedRows: policy.skipped,
    skippedRowMessages: policy.messages,
  };
}

function parseTimestamp(text: string, numberToMs: number): number | undefined {
  const number = parseNumber(text);
  if (number !== undefined) return number * numberToMs;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** A catalog and the row of every item id in it. */
export interface IndexedCatalog {
  readonly catalog: ItemCatalog;
  readonly rows: ReadonlyMap<string, number>;
}

/** Reads the generic layout's items file, its feature columns declared by `schema`. */
export async function readCsvItems(path: string, schema: CsvSchema, policy: BadRowPolicy): Promise<IndexedCatalog> {
  const rows = new Map<string, number>();
  const ids: string[] = [];
  const titles: (string | undefined)[] = [];
  const builders = schema.features.map((f) =>
    f.kind === 'categorical' ? new CategoricalColumnBuilder() : f.kind === 'multi' ? new MultiColumnBuilder() : new ContinuousColumnBuilder(),
  );
  let header: { id: number; title: number; features: number[]; count: number } | undefined;
  for await (const { text, line } of readLines(path)) {
    let fields: string[];
    try {
      fields = parseCsvLine(text);
    } catch (error) {
      if (header === undefined) throw new Error(`${path}:${line}: ${(error as Error).message}`, { cause: error });
      policy.report(path, line, (error as Error).message);
      continue;
    }
    if (header === undefined) {
      const index = (name: string, what: string): number => {
        const at = fields.findIndex((f) => f.trim() === name);
        if (at < 0) throw new Error(`${path}:${line}: the header has no column '${name}' (${what} in the schema)`);
        return at;
      };
      header = {
        id: index(schema.id, 'id'),
        title: schema.title === undefined ? -1 : index(schema.title, 'title'),
        features: schema.features.map((f, i) => index(f.column, `features[${i}].column`)),
        count: fields.length,
      };
      continue;
    }
    if (fields.length !== header.count) {
      policy.report(path, line, `expected ${header.count} fields, got ${fields.length}`);
      continue;
    }
    const id = fields[header.id];
    if (id === '') {
      policy.report(path, line, `empty item id (column '${schema.id}')`);
      continue;
    }
    if (rows.has(id)) {
      policy.report(path, line, `duplicate item id '${id}'`);
      continue;
    }
    const cells = header.features.map((column) => fields[column].trim());
    const bad = schema.features.findIndex((f, i) => f.kind === 'continuous' && cells[i] !== '' && parseNumber(cells[i]) === undefined);
    if (bad >= 0) {
      policy.report(path, line, `feature '${schema.features[bad].name}' (column '${schema.features[bad].column}'): '${cells[bad]}' is not a number`);
      continue;
    }
    rows.set(id, ids.length);
    ids.push(id);
    titles.push(header.title >= 0 ? fields[header.title] : undefined);
    schema.features.forEach((f, i) => {
      const cell = cells[i];
      const builder = builders[i];
      if (builder instanceof CategoricalColumnBuilder) builder.push(cell === '' ? undefined : cell);
      else if (builder instanceof MultiColumnBuilder) builder.push(cell === '' ? [] : cell.split(f.separator ?? DEFAULT_MULTI_SEPARATOR).map((v) => v.trim()));
      else builder.push(parseNumber(cell) ?? NaN);
    });
  }
  if (header === undefined) throw new Error(`${path}: empty file (expected a header row)`);
  const features = new Map(schema.features.map((f, i) => [f.name, builders[i].build()]));
  return { catalog: { ids, titles, features }, rows };
}
