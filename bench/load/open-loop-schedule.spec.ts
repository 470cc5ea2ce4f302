import assert from 'node:assert/strict';
import { OpenLoopSchedule, latencyFromScheduleMs } from './open-loop-schedule.js';

describe('OpenLoopSchedule', function () {
  it('places call n at start + n / rps', function () {
    const schedule = new OpenLoopSchedule(200, 1000);
    assert.equal(schedule.scheduledAtMs(0), 1000);
    assert.equal(schedule.scheduledAtMs(1), 1005);
    assert.equal(schedule.scheduledAtMs(200), 2000);
    assert.equal(schedule.offsetMs(40), 200);
  });

  it('counts the calls due at a time, and the calls of a duration', function () {
    const schedule = new OpenLoopSchedule(100, 0);
    assert.equal(schedule.dueCount(-1), 0);
    assert.equal(schedule.dueCount(0), 1);
    assert.equal(schedule.dueCount(9.99), 1);
    assert.equal(schedule.dueCount(10), 2);
    assert.equal(schedule.dueCount(1000), 101);
    assert.equal(schedule.callsWithin(1000), 100);
    assert.equal(schedule.callsWithin(1005), 101);
  });

  it('measures latency from the scheduled time: a stalled sender does not hide the wait', function () {
    // 1000 req/s; the client stalls for 50 ms, then sends the 50 calls that fell due at once and
    // each is answered 1 ms later. Measured from the send, every call looks like 1 ms.
    const schedule = new OpenLoopSchedule(1000, 0);
    const sentAtMs = 50;
    const latencies = Array.from({ length: 50 }, (_, n) => latencyFromScheduleMs(schedule.scheduledAtMs(n), sentAtMs + 1));
    assert.equal(latencies[0], 51);
    assert.equal(latencies[49], 2);
    assert.equal(latencies.reduce((a, b) => a + b) / latencies.length, 26.5);
  });

  it('refuses a rate that is not positive', function () {
    assert.throws(() => new OpenLoopSchedule(0, 0), /rps must be above 0/);
  });
});
