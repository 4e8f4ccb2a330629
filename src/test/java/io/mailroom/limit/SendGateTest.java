package io.mailroom.limit;

import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The node's door to the limiter, on the real in-process {@link LocalRateLimiter}: how much a node
 * may hold, slots handed out one each, the 24-hour quota refusing the rest, a wait that ends with
 * no slot, SES's throttling holding the whole node back, and a closed door (quiet hours) refusing
 * a waiter without using its slot.
 */
class SendGateTest {
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private SendGate gate(RateLimiter.Quota quota, long maxWaitMillis) throws Exception {
    SendGate gate = new SendGate(new LocalRateLimiter(), MailroomMetrics.forVertx(), maxWaitMillis);
    vertx.deployVerticle(gate).await(10, TimeUnit.SECONDS);
    if (quota != null) {
      gate.limits(quota);
    }
    return gate;
  }

  private static NoSendSlot.Reason refusal(Future<Void> slot) {
    try {
      slot.await(30, TimeUnit.SECONDS);
    } catch (NoSendSlot refused) {
      return refused.reason();
    } catch (Exception e) {
      throw new AssertionError("not a refusal: " + e, e);
    }
    throw new AssertionError("the slot was granted");
  }

  @Test
  void aNodeHoldsAboutFourSecondsOfSlotsAndAtLeastTen() throws Exception {
    SendGate unknown = gate(null, 1000);
    assertThat(unknown.reserve(10)).as("before the limits are known: ten").isTrue();
    assertThat(unknown.reserve(1)).isFalse();
    unknown.unreserve(4);
    assertThat(unknown.reserve(4)).isTrue();
    assertThat(unknown.reserve(1)).isFalse();

    SendGate fast = gate(new RateLimiter.Quota(25, 1_000_000, 0), 1000);
    assertThat(fast.reserve(100)).as("4 s at 25/s").isTrue();
    assertThat(fast.reserve(1)).isFalse();
  }

  @Test
  void everyWaiterGetsItsOwnSlotInTurn() throws Exception {
    SendGate gate = gate(new RateLimiter.Quota(200, 1_000_000, 0), 10_000);
    List<Future<Void>> slots = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      slots.add(gate.acquire());
    }
    Future.all(slots).await(60, TimeUnit.SECONDS);
    assertThat(slots).allMatch(Future::succeeded);
  }

  @Test
  void aUsedUpDailyQuotaRefusesTheRestAndNewLimitsLetThemGo() throws Exception {
    SendGate gate = gate(new RateLimiter.Quota(100, 3, 0), 30_000);
    List<Future<Void>> slots = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      slots.add(gate.acquire());
    }
    Future.join(slots).otherwiseEmpty().await(60, TimeUnit.SECONDS);
    assertThat(slots.stream().filter(Future::succeeded)).as("exactly the quota").hasSize(3);
    assertThat(slots.stream().filter(Future::failed).map(f -> ((NoSendSlot) f.cause()).reason()))
        .containsOnly(NoSendSlot.Reason.QUOTA_EXHAUSTED).hasSize(2);

    gate.limits(new RateLimiter.Quota(100, 4, 0));
    gate.acquire().await(30, TimeUnit.SECONDS);
    assertThat(refusal(gate.acquire())).isEqualTo(NoSendSlot.Reason.QUOTA_EXHAUSTED);
  }

  @Test
  void aWaitLongerThanTheLimitEndsWithNoSlot() throws Exception {
    SendGate gate = gate(new RateLimiter.Quota(0.5, 1_000_000, 0), 300);
    gate.acquire().await(30, TimeUnit.SECONDS);
    assertThat(refusal(gate.acquire())).as("the next slot is 2 s away").isEqualTo(NoSendSlot.Reason.TIMED_OUT);
  }

  @Test
  void aSlotThatWouldComeAfterTheCallersLimitIsGivenBackUnused() throws Exception {
    SendGate gate = gate(new RateLimiter.Quota(5, 2, 0), 30_000);
    gate.acquire().await(30, TimeUnit.SECONDS);
    assertThat(refusal(gate.acquire(20))).as("the next slot is 200 ms away, the caller waits 20 ms")
        .isEqualTo(NoSendSlot.Reason.TIMED_OUT);
    gate.acquire().await(30, TimeUnit.SECONDS);
    assertThat(refusal(gate.acquire())).as("the day's quota of 2: the refused wait used none of it")
        .isEqualTo(NoSendSlot.Reason.QUOTA_EXHAUSTED);
  }

  @Test
  void throttlingHoldsTheWholeNodeBack() throws Exception {
    SendGate gate = gate(new RateLimiter.Quota(1000, 1_000_000, 0), 30_000);
    gate.acquire().await(30, TimeUnit.SECONDS);
    long throttledAt = System.nanoTime();
    gate.throttled();
    gate.acquire().await(30, TimeUnit.SECONDS);
    assertThat((System.nanoTime() - throttledAt) / 1_000_000).as("ms until the next slot after throttling")
        .isGreaterThanOrEqualTo(250);
  }

  @Test
  void aWaiterWhoseDoorIsClosedIsRefusedHeldAndItsSlotIsGivenBack() throws Exception {
    SendGate gate = gate(new RateLimiter.Quota(100, 2, 0), 30_000);
    assertThat(refusal(gate.acquire(30_000, () -> false))).isEqualTo(NoSendSlot.Reason.HELD);
    assertThat(refusal(gate.acquire(30_000, () -> false))).isEqualTo(NoSendSlot.Reason.HELD);
    // the day's quota of 2 is still whole: the held waits used none of it
    Future.all(gate.acquire(30_000, () -> true), gate.acquire()).await(30, TimeUnit.SECONDS);
  }
}
