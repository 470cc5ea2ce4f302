// registry.jsonl: one line per retrain decision, append-only, the history `dlrs rollback` walks.
import { appendFile, readFile } from 'node:fs/promises';
import { DlrsError } from '../../../shared/errors/index.js';

/** One registry line. */
export interface RegistryEntry {
  readonly version: string;
  /** The serving model the candidate was compared with (null for the first entry). */
  readonly parent: string | null;
  readonly bundle: string;
  readonly decidedAt: string;
  /** The log's time span: trained on [from, trainUntil], compared on the later events up to `to`; ISO times. */
  readonly dataWindow: { readonly from: string; readonly trainUntil: string; readonly to: string };
  /** The compared events: organic ones kept, those following an impression of the item to the user within the window left out. */
  readonly holdout?: { readonly exposureWindowMs: number; readonly organic: number; readonly exposed: number };
  /** Trained from the parent's weights (false: a fresh initialisation). */
  readonly warmStart?: boolean;
  readonly metrics: Readonly<Record<string, { readonly candidate: number; readonly serving: number; readonly relative: number; readonly low: number; readonly high: number }>>;
  readonly decision: 'promote' | 'refuse';
  readonly reasons: readonly string[];
}

/** Registry files larger than this are refused rather than read whole (a day's retrain adds one line). */
const MAX_REGISTRY_BYTES = 64 << 20;

/** Appends one entry as a single line (one write, so a reader never sees half a line from us). */
export async function appendRegistryEntry(path: string, entry: RegistryEntry): Promise<void> {
  await appendFile(path, `${JSON.stringify(entry)}\n`, 'utf8');
}

/** Every entry, oldest first; a missing file is an empty registry. */
export async function readRegistry(path: string): Promise<RegistryEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  if (text.length > MAX_REGISTRY_BYTES) throw new DlrsError('FAILED_PRECONDITION', `registry ${path}: larger than ${MAX_REGISTRY_BYTES} bytes`);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as RegistryEntry;
      } catch (err) {
        throw new DlrsError('FAILED_PRECONDITION', `registry ${path}: line ${i + 1} is not JSON`, { cause: err });
      }
    });
}

/** The promoted entries, oldest first: what served, in order. */
export function promotedEntries(entries: readonly RegistryEntry[]): RegistryEntry[] {
  return entries.filter((e) => e.decision === 'promote');
}

/** The promoted entry before the newest promoted one: where `dlrs rollback` returns to. */
export function rollbackTarget(entries: readonly RegistryEntry[]): RegistryEntry | undefined {
  const promoted = promotedEntries(entries);
  return promoted.length < 2 ? undefined : promoted[promoted.length - 2];
}
