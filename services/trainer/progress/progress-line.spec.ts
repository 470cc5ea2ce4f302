import assert from 'node:assert/strict';
import { ProgressLine } from './progress-line.js';

/** A ProgressLine over an in-memory sink and a clock the test moves by hand. */
function harness(isTTY: boolean, columns?: number): { line: ProgressLine; out: string[]; advance: (ms: number) => void } {
  const out: string[] = [];
  let nowMs = 0;
  const line = new ProgressLine({
    write: (text) => void out.push(text),
    isTTY,
    now: () => nowMs,
    ttyIntervalMs: 100,
    plainIntervalMs: 10_000,
    ...(columns === undefined ? {} : { columns }),
  });
  return { line, out, advance: (ms) => void (nowMs += ms) };
}

describe('ProgressLine', () => {
  describe('on a TTY', () => {
    it('redraws one line in place, at most once per interval', () => {
      const { line, out, advance } = harness(true);
      line.status('a');
      line.status('b');
      advance(99);
      line.status('c');
      advance(1);
      line.status('d');
      assert.deepEqual(out, ['\ra\x1b[K', '\rd\x1b[K']);
    });

    it('erases the status before a permanent line and redraws at the next status at once', () => {
      const { line, out } = harness(true);
      line.status('epoch 1/2  50%');
      line.line('epoch 1/2  loss 1.0');
      line.status('epoch 2/2  0%');
      assert.deepEqual(out, ['\repoch 1/2  50%\x1b[K', '\r\x1b[K', 'epoch 1/2  loss 1.0\n', '\repoch 2/2  0%\x1b[K']);
    });

    it('cuts a status wider than the terminal, which could not be redrawn once wrapped', () => {
      const { line, out } = harness(true, 6);
      line.status('0123456789');
      assert.deepEqual(out, ['\r01234\x1b[K']);
      const unknown = harness(true, 0);
      unknown.line.status('0123456789');
      assert.deepEqual(unknown.out, ['\r0123456789\x1b[K'], 'a terminal of unknown size (0 columns) cuts nothing');
    });

    it('clear() erases a shown status only', () => {
      const { line, out } = harness(true);
      line.clear();
      line.status('x');
      line.clear();
      line.clear();
      assert.deepEqual(out, ['\rx\x1b[K', '\r\x1b[K']);
    });
  });

  describe('without a TTY', () => {
    it('prints a plain status line once per interval counted from the first status, and lines as they come', () => {
      const { line, out, advance } = harness(false);
      line.status('s0');
      advance(9_999);
      line.status('s1');
      line.line('permanent');
      advance(1);
      line.status('s2');
      advance(5_000);
      line.status('s3');
      advance(5_000);
      line.status('s4');
      assert.deepEqual(out, ['permanent\n', 's2\n', 's4\n']);
    });

    it('never writes control characters', () => {
      const { line, out, advance } = harness(false);
      for (let i = 0; i < 5; i++) {
        line.status(`s${i}`);
        advance(10_000);
      }
      line.clear();
      assert.ok(out.length > 0);
      for (const text of out) assert.ok(!text.includes('\r') && !text.includes('\x1b'), JSON.stringify(text));
    });
  });
});
