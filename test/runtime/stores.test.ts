import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gatewayError, internalError, quotaExceeded, rateLimitExceeded, timeSpanC } from '../../src/runtime/gateway-errors.ts';
import { FixedWindowCounters } from '../../src/runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../../src/runtime/stores/sliding-window.ts';

describe('sliding-window rate limits', () => {
  it('allows calls up to the limit, refuses the next with the seconds until one fits, and recovers as time passes', () => {
    const c = new SlidingWindowCounters();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      const r = c.check('k', 3, 60_000, t0 + i * 10_000);
      assert.equal(r.allowed, true);
      assert.equal(r.remaining, 2 - i);
      c.add('k', 1, t0 + i * 10_000);
    }
    const refused = c.check('k', 3, 60_000, t0 + 30_000);
    assert.deepEqual(refused, { allowed: false, remaining: 0, retryAfterSeconds: 30 }, 'the first call leaves the window at t0+60s');
    assert.equal(c.check('k', 3, 60_000, t0 + 59_999).allowed, false);
    assert.equal(c.check('k', 3, 60_000, t0 + 60_000).allowed, true, 'sliding: one slot frees exactly one period after the first call');
    assert.equal(c.check('other', 3, 60_000, t0 + 30_000).allowed, true, 'one counter per key');
  });

  it('honours increments larger than one', () => {
    const c = new SlidingWindowCounters();
    c.add('k', 5, 0);
    assert.equal(c.check('k', 10, 1000, 1, 5).allowed, true);
    assert.equal(c.check('k', 10, 1000, 1, 6).allowed, false);
    assert.equal(c.used('k', 1000, 999), 5);
    assert.equal(c.used('k', 1000, 1000), 0);
  });
  it('agrees with a plain event list on random traffic, counts arriving out of order and through a check of the same request included', () => {
    // the reference: every event kept, the window recomputed by filtering on every check
    let seed = 20261207;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 50; round++) {
      const c = new SlidingWindowCounters();
      const events = new Map<string, { at: number; count: number }[]>();
      let now = 1_000_000;
      // requests still running: their count goes in through their own check when they end
      const running: { key: string; at: number; check: ReturnType<SlidingWindowCounters['check']> }[] = [];
      for (let step = 0; step < 400; step++) {
        const key = `k${random(3)}`;
        const period = [1000, 5000][random(2)]!;
        now += random(700);
        if (running.length > 0 && random(4) === 0) {
          // one ends (its window may have emptied and been removed meanwhile)
          const ended = running.splice(random(running.length), 1)[0]!;
          c.add(ended.key, 1, ended.at, ended.check);
          events.set(ended.key, [...(events.get(ended.key) ?? []), { at: ended.at, count: 1 }]);
          continue;
        }
        if (random(3) === 0) {
          // a deferred count from a request that started a little earlier
          const at = now - random(300);
          const count = random(3);
          c.add(key, count, at);
          if (count > 0) events.set(key, [...(events.get(key) ?? []), { at, count }]);
          continue;
        }
        const calls = 1 + random(8);
        const live = (events.get(key) ?? []).filter((e) => e.at > now - period).sort((a, b) => a.at - b.at);
        events.set(key, live);
        const used = live.reduce((sum, e) => sum + e.count, 0);
        const got = c.check(key, calls, period, now);
        if (got.allowed && random(2) === 0) running.push({ key, at: now, check: got });
        assert.equal(got.allowed, used + 1 <= calls, `round ${round} step ${step}`);
        if (got.allowed) assert.equal(got.remaining, calls - used - 1);
        else {
          let excess = used + 1 - calls;
          let until = now + period;
          for (const e of live) {
            excess -= e.count;
            if (excess <= 0) {
              until = e.at + period;
              break;
            }
          }
          assert.deepEqual({ ...got }, { allowed: false, remaining: Math.max(0, calls - used), retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) }, `round ${round} step ${step}`);
        }
        assert.equal(c.used(key, period, now), used);
      }
    }
  });
});

describe('fixed-window quotas', () => {
  it('counts in aligned windows, once per request, and tells the seconds to the window end', () => {
    const q = new FixedWindowCounters();
    const hour = 3_600_000;
    q.add('k', 1, hour, 0, 10_000, 'r1');
    q.add('k', 1, hour, 0, 10_000, 'r1');
    assert.equal(q.check('k', 2, hour, 0, 20_000).remaining, 0, 'the same request counts once');
    q.add('k', 1, hour, 0, 20_000, 'r2');
    assert.deepEqual(q.check('k', 2, hour, 0, 3_000_000), { allowed: false, remaining: 0, retryAfterSeconds: 600 });
    assert.equal(q.check('k', 2, hour, 0, hour).allowed, true, 'a new window starts on the hour');
  });
});

describe('gateway error bodies', () => {
  it('match APIM byte for byte', () => {
    const r = rateLimitExceeded(57);
    assert.equal(r.body, '{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds." }');
    assert.equal(Buffer.byteLength(r.body), 84, 'the Content-Length of a real capture');
    assert.deepEqual(r.headers, { 'content-type': 'application/json', 'retry-after': '57' });
    assert.equal(quotaExceeded(406).body, '{ "statusCode": 403, "message": "Out of call volume quota. Quota will be replenished in 00:06:46." }');
    assert.equal(gatewayError(401, 'JWT not present.').body, '{ "statusCode": 401, "message": "JWT not present." }');
    assert.equal(internalError('a1').body, '{ "statusCode": 500, "message": "Internal server error", "activityId": "a1" }');
  });

  it('formats TimeSpan the .NET "c" way', () => {
    assert.equal(timeSpanC(406), '00:06:46');
    assert.equal(timeSpanC(22 * 86400 + 14 * 3600 + 18 * 60 + 12), '22.14:18:12');
  });
});
