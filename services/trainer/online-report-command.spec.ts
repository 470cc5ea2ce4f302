import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InteractionLogWriter } from '../../shared/interaction-log/index.js';
import { runOnlineReport } from './online-report-command.js';

describe('dlrs report online', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-online-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('prints click-through and any-event per model version, and filters versions', async () => {
    const w = await InteractionLogWriter.open({ dir: root, writerId: 'gw-a' });
    assert.ok(w.append({ type: 'impression', userId: 'u', items: ['a', 'b'], scores: [2, 1], modelVersion: 'old', timestamp: 1000 }));
    assert.ok(w.append({ type: 'impression', userId: 'u', items: ['c', 'd'], scores: [2, 1], modelVersion: 'new', timestamp: 2000 }));
    assert.ok(w.append({ type: 'interaction', userId: 'u', itemId: 'c', eventType: 'click', timestamp: 2500 }));
    assert.ok(w.append({ type: 'interaction', userId: 'u', itemId: 'd', eventType: 'view', timestamp: 2600 }));
    await w.close();
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string): void => void lines.push(line);
    try {
      assert.equal(await runOnlineReport(['--log', root, '--window-ms', '1000']), 0);
      assert.equal(await runOnlineReport(['--log', root, '--versions', 'new']), 0);
    } finally {
      console.log = log;
    }
    assert.match(lines[1], /^new\s+1\s+2\s+50\.00 %\s+100\.00 %$/);
    assert.match(lines[2], /^old\s+1\s+2\s+0\.00 %\s+0\.00 %$/);
    assert.equal(lines.length, 5, 'the second run prints the header and only the new version');
    assert.match(lines[4], /^new /);
  });

  it('rejects a bad window', async () => {
    assert.equal(await runOnlineReport(['--log', root, '--window-ms', 'soon']), 2);
  });
});
