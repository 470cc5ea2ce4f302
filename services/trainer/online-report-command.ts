import { onlineMetrics, readInteractionLog } from '../../shared/interaction-log/index.js';
import type { LoggedImpression, LoggedInteraction } from '../../shared/interaction-log/index.js';
import { parseCommandFlags } from './command-flags.js';

const USAGE = `Usage: dlrs report online --log DIR [options]

Per model version, the share of impressed items the user acted on within a window after the
impression: click-through (click event types) and any-event.
  --window-ms N         how long after an impression an event counts (default 600000 = 10 min)
  --click-types A,B     event types that are clicks (default click)
  --from ISO --to ISO   only impressions served in [from, to)
  --versions A,B        only these model versions (compare two versions over the same period)`;

/** Records read at most: the report holds them in memory. */
const MAX_RECORDS = 5_000_000;

/** `dlrs report online`: returns the process exit code. */
export async function runOnlineReport(argv: string[]): Promise<number> {
  const values = parseCommandFlags('report online', USAGE, argv, {
    log: { type: 'string' },
    'window-ms': { type: 'string' },
    'click-types': { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    versions: { type: 'string' },
  });
  if (typeof values === 'number') return values;
  if (values.log === undefined) {
    console.error(`dlrs report online: --log is required\n\n${USAGE}`);
    return 2;
  }
  const windowMs = Number(values['window-ms'] ?? 600_000);
  const time = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new Error(`--${flag} ${v}: expected an ISO time`);
    return t;
  };
  let from: number | undefined;
  let to: number | undefined;
  try {
    if (!Number.isFinite(windowMs) || windowMs < 0) throw new Error(`--window-ms ${values['window-ms']}: expected a non-negative number`);
    from = time(values.from, 'from');
    to = time(values.to, 'to');
  } catch (err) {
    console.error(`dlrs report online: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const wanted = values.versions === undefined ? undefined : new Set(values.versions.split(','));
  const impressions: LoggedImpression[] = [];
  const interactions: LoggedInteraction[] = [];
  try {
    for await (const record of readInteractionLog(values.log)) {
      if (impressions.length + interactions.length >= MAX_RECORDS) throw new Error(`the log holds more than ${MAX_RECORDS} records; narrow it with --from/--to`);
      if (record.type === 'interaction') interactions.push(record);
      else if (record.type === 'impression' && (wanted === undefined || wanted.has(record.modelVersion))) impressions.push(record);
    }
  } catch (err) {
    console.error(`dlrs report online: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const rows = onlineMetrics(impressions, interactions, { windowMs, clickTypes: new Set((values['click-types'] ?? 'click').split(',')), from, to });
  console.log(`model_version       impressions  items  click-through  any-event   (window ${windowMs} ms)`);
  for (const r of rows) {
    console.log(`${r.modelVersion.padEnd(18)}  ${String(r.impressions).padStart(11)}  ${String(r.impressedItems).padStart(5)}  ${(r.clickThrough * 100).toFixed(2).padStart(12)} %  ${(r.anyEvent * 100).toFixed(2).padStart(8)} %`);
  }
  return 0;
}
