/** A TTY status line is redrawn at most this often: smooth to the eye, negligible work. */
export const TTY_REDRAW_INTERVAL_MS = 100;
/** Without a TTY (CI logs, files) a status goes out as a plain line at most this often. */
export const PLAIN_STATUS_INTERVAL_MS = 10_000;

/** Where a ProgressLine writes and how. */
export interface ProgressLineOptions {
  readonly write: (text: string) => void;
  /** true: one status line updated in place; false: plain lines, throttled. */
  readonly isTTY: boolean;
  /** Terminal width: a longer status is cut, since a wrapped line cannot be redrawn in place (0 = unknown). */
  readonly columns?: number;
  /** Clock in milliseconds (tests pass a fake one). */
  readonly now?: () => number;
  readonly ttyIntervalMs?: number;
  readonly plainIntervalMs?: number;
}

/**
 * Interleaves permanent lines with a transient status (training progress) on one stream.
 * On a TTY the status is a single line redrawn in place (`\r`, erase to end of line) and a
 * permanent line first erases it; elsewhere the status is printed as an ordinary line at most
 * every `plainIntervalMs`, counted from the first status, so logs stay short.
 */
export class ProgressLine {
  private readonly now: () => number;
  private readonly ttyIntervalMs: number;
  private readonly plainIntervalMs: number;
  /** When the status was last written (TTY: drawn; plain: printed or first seen). */
  private lastMs: number | null = null;
  private shown = false;

  constructor(private readonly options: ProgressLineOptions) {
    this.now = options.now ?? (() => performance.now());
    this.ttyIntervalMs = options.ttyIntervalMs ?? TTY_REDRAW_INTERVAL_MS;
    this.plainIntervalMs = options.plainIntervalMs ?? PLAIN_STATUS_INTERVAL_MS;
  }

  /** Shows `text` as the current status, unless the last one went out too recently. */
  status(text: string): void {
    const now = this.now();
    if (!this.options.isTTY) {
      if (this.lastMs === null) this.lastMs = now;
      else if (now - this.lastMs >= this.plainIntervalMs) {
        this.options.write(`${text}\n`);
        this.lastMs = now;
      }
      return;
    }
    if (this.shown && this.lastMs !== null && now - this.lastMs < this.ttyIntervalMs) return;
    // A terminal without a known size reports 0 columns: then nothing is cut.
    const columns = this.options.columns !== undefined && this.options.columns > 0 ? this.options.columns : Infinity;
    const fitted = text.length >= columns ? text.slice(0, columns - 1) : text;
    this.options.write(`\r${fitted}\x1b[K`);
    this.shown = true;
    this.lastMs = now;
  }

  /** Writes a permanent line (erasing a shown status first; the next status redraws at once). */
  line(text: string): void {
    this.clear();
    this.options.write(`${text}\n`);
  }

  /** Erases the status line, if one is shown. */
  clear(): void {
    if (!this.shown) return;
    this.options.write('\r\x1b[K');
    this.shown = false;
  }
}
