package io.mailroom.limit;

import io.mailroom.testing.RateWindows;
import io.mailroom.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two limiters' contract, on a real Redis (the one at 127.0.0.1:6379, or a private one):
 * slots spaced 1/rate apart with no burst, the 24-hour quota counted and enforced (to its last
 * email, even when a slot is given back late), and keys
 * namespaced so that two prefixes (two SES accounts) never share a budget.
 */
class RateLimiterTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static RateLimiter limiter(String kind, String prefix) {
    return kind.equals("redis") ? new RedisRateLimiter(vertx, TestRedis.url(), prefix, "us-east-1")
        : new LocalRateLimiter();
  }

  /** Takes {@code n} slots one after another, waiting as told; each slot's time on the limiter's clock, in µs. */
  private static long[] slots(RateLimiter limiter, RateLimiter.Quota quota, int n) throws Exception {
    long[] at = new long[n];
    int taken = 0;
    while (taken < n) {
      RateLimiter.Permit permit = limiter.acquire(quota).await(30, TimeUnit.SECONDS);
      switch (permit.outcome()) {
        case GRANTED -> at[taken++] = permit.slot();
        case WAIT -> Thread.sleep(Math.max(1, permit.micros() / 1000));
        case EXHAUSTED -> throw new AssertionError("quota exhausted after " + taken);
      }
    }
    return at;
  }

  private static RateLimiter.Permit granted(RateLimiter limiter, RateLimiter.Quota quota) throws Exception {
    while (true) {
      RateLimiter.Permit permit = limiter.acquire(quota).await(30, TimeUnit.SECONDS);
      if (permit.outcome() != RateLimiter.Permit.Outcome.WAIT) {
        return permit;
      }
      Thread.sleep(Math.max(1, permit.micros() / 1000));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "local"})
  void slotsAreSpacedEvenlyWithNoBurst(String kind) throws Exception {
    RateLimiter limiter = limiter(kind, TestRedis.prefix("spacing"));
    RateLimiter.Quota quota = new RateLimiter.Quota(50, 100_000, 0);
    long[] at = slots(limiter, quota, 100);
    for (int i = 1; i < at.length; i++) {
      // the slots' own times, on the limiter's clock: however late this test asked for them
      assertThat(at[i] - at[i - 1]).as("gap before slot %d", i).isGreaterThanOrEqualTo(quota.intervalMicros());
    }
    long[] millis = java.util.Arrays.stream(at).map(us -> us / 1000).toArray();
    RateWindows windows = RateWindows.of(millis);
    assertThat(windows.worstWindow()).as(windows.toString()).isLessThanOrEqualTo(50);
    limiter.close().await(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "local"})
  void theDailyQuotaIsCountedAndEnforced(String kind) throws Exception {
    RateLimiter limiter = limiter(kind, TestRedis.prefix("daily"));
    RateLimiter.Quota five = new RateLimiter.Quota(1000, 5, 0);
    slots(limiter, five, 5);
    assertThat(limiter.acquire(five).await(30, TimeUnit.SECONDS).outcome())
        .as("the last slots may still be given back").isEqualTo(RateLimiter.Permit.Outcome.WAIT);
    assertThat(granted(limiter, five).outcome()).as("once they are settled").isEqualTo(RateLimiter.Permit.Outcome.EXHAUSTED);
    assertThat(limiter.usedToday(five).await(30, TimeUnit.SECONDS)).isEqualTo(5);
    assertThat(granted(limiter, new RateLimiter.Quota(1000, 10, 7)).usedToday())
        .as("SES's own count is the floor").isEqualTo(8);
    slots(limiter, new RateLimiter.Quota(1000, 8, 0), 2);
    assertThat(limiter.usedToday(five).await(30, TimeUnit.SECONDS)).isEqualTo(8);
    limiter.close().await(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "local"})
  void aSlotGivenBackLateStillGoesToTheQuotasLastEmail(String kind) throws Exception {
    RateLimiter limiter = limiter(kind, TestRedis.prefix("late"));
    RateLimiter.Quota three = new RateLimiter.Quota(1000, 3, 0);
    long[] taken = slots(limiter, three, 3);
    assertThat(limiter.acquire(three).await(30, TimeUnit.SECONDS).outcome())
        .as("a full ledger whose slots may still come back waits").isEqualTo(RateLimiter.Permit.Outcome.WAIT);
    Thread.sleep(1000); // a starved node finds its slot stale a second late, and gives it back
    limiter.giveBack(three, taken[2]).await(30, TimeUnit.SECONDS);
    RateLimiter.Permit last = granted(limiter, three);
    assertThat(last.outcome()).isEqualTo(RateLimiter.Permit.Outcome.GRANTED);
    assertThat(last.usedToday()).isEqualTo(3);
    assertThat(granted(limiter, three).outcome()).isEqualTo(RateLimiter.Permit.Outcome.EXHAUSTED);
    assertThat(limiter.usedToday(three).await(30, TimeUnit.SECONDS)).isEqualTo(3);
    limiter.close().await(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis"})
  void twoPrefixesHaveTwoBudgetsAndOnePrefixIsShared(String kind) throws Exception {
    String prefix = TestRedis.prefix("shared");
    RateLimiter a = limiter(kind, prefix);
    RateLimiter b = limiter(kind, prefix);
    RateLimiter other = limiter(kind, TestRedis.prefix("other"));
    RateLimiter.Quota quota = new RateLimiter.Quota(20, 100_000, 0);
    List<Future<RateLimiter.Permit>> burst = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      burst.add(a.acquire(quota));
      burst.add(b.acquire(quota));
    }
    Future.join(burst).await(30, TimeUnit.SECONDS);
    long granted = burst.stream().filter(f -> f.result().outcome() == RateLimiter.Permit.Outcome.GRANTED).count();
    assertThat(granted).as("20 at once through one prefix: only the look-ahead's worth").isLessThanOrEqualTo(
        RateLimiter.AHEAD_MICROS / quota.intervalMicros() + 1);
    assertThat(other.acquire(quota).await(30, TimeUnit.SECONDS).outcome()).isEqualTo(RateLimiter.Permit.Outcome.GRANTED);
    a.close().await(30, TimeUnit.SECONDS);
    b.close().await(30, TimeUnit.SECONDS);
    other.close().await(30, TimeUnit.SECONDS);
  }
}
