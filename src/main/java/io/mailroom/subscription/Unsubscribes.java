package io.mailroom.subscription;

import io.mailroom.bus.Channels;
import io.mailroom.bus.ConsentChange;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.subscription.SuppressionStore.PendingUnsubscribe;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Leaving all marketing, in two steps. First the suppression, in one write: the Sender's
 * send-time check reads it, so the click stops the next email as soon as it is written, and the
 * customer is answered then. Then the rest, from that record: consent withdrawn in the Users table
 * ({@code LastUnsubscribeAt} set to the click's time), the count (and the campaign's, once per
 * recipient, when the unsubscribe changed something), and the write-back to MySQL. The
 * follow-up is idempotent, and a periodic sweep, on every node, finishes those a node did not (it
 * was killed right after answering, or the store failed): a record stays pending until its
 * follow-up is done. A swept follow-up publishes its write-back again (at least once). Confined
 * to the event loop of the verticle that made it.
 */
final class Unsubscribes {
  private static final Logger LOG = LoggerFactory.getLogger(Unsubscribes.class);
  /** Follow-ups in flight at once, so that they never crowd out the writes customers wait for. */
  private static final int MAX_RUNNING = 16;
  /** Follow-ups waiting; beyond this many, they are left to the sweep (their record is written). */
  private static final int MAX_QUEUED = 20_000;
  /** A record pending for less than this is most likely still in its own node's hands. */
  static final long SWEEP_GRACE_MILLIS = 30_000;
  /** The pause between two pages of the sweep, so that it never takes the store from the requests. */
  private static final long SWEEP_PAUSE_MILLIS = 200;

  private final Vertx vertx;
  private final ConsentStore consent;
  private final SuppressionStore suppressions;
  private final MailroomMetrics metrics;
  private final BiFunction<String, String, Future<Boolean>> campaignResults;
  private final ConsentChanges changes;
  private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
  /** The addresses whose follow-ups this node holds (queued or running), and how many: the sweep leaves them alone. */
  private final Map<String, Integer> held = new HashMap<>();
  private int running;
  private long sweepTimer = -1;
  private boolean sweeping;

  /**
   * {@code campaignResults} counts an unsubscribe on the campaign whose email it came through (once per
   * recipient); {@code changes} records the change for its confirmation email.
   */
  Unsubscribes(Vertx vertx, ConsentStore consent, SuppressionStore suppressions, MailroomMetrics metrics,
               BiFunction<String, String, Future<Boolean>> campaignResults, ConsentChanges changes) {
    this.vertx = vertx;
    this.campaignResults = campaignResults;
    this.changes = changes;
    this.consent = consent;
    this.suppressions = suppressions;
    this.metrics = metrics;
  }

  /**
   * Records the unsubscribe; the future completes once its one write is made, with whether the
   * address had no suppression before. With {@code awaitFollowUp} it completes after the follow-up
   * instead, with whether anything changed (the preference page's form, which shows the result).
   */
  Future<Boolean> leave(String email, String campaignId, String via, boolean awaitFollowUp) {
    PendingUnsubscribe unsubscribe = new PendingUnsubscribe(email, campaignId, via, System.currentTimeMillis());
    return suppressions.recordUnsubscribe(unsubscribe).compose(fresh -> {
      Future<Boolean> followed = followUp(unsubscribe, fresh, "applied");
      return awaitFollowUp ? followed : Future.succeededFuture(fresh);
    });
  }

  /** Finishes the address's pending unsubscribe now, if it has one (before consent is given again). */
  Future<Void> settlePending(String email) {
    return suppressions.pending(email)
        .compose(found -> found.isEmpty() ? Future.succeededFuture() : apply(found.get(), false).mapEmpty());
  }

  /** Starts the sweep, every {@code seconds}. */
  void sweepEvery(int seconds) {
    sweepTimer = vertx.setPeriodic(seconds * 1000L, t -> sweep());
  }

  void stop() {
    vertx.cancelTimer(sweepTimer);
  }

  private Future<Boolean> followUp(PendingUnsubscribe unsubscribe, boolean fresh, String how) {
    if (queued.size() >= MAX_QUEUED) {
      return Future.succeededFuture(fresh); // written and pending: the sweep finishes it
    }
    Promise<Boolean> done = Promise.promise();
    held.merge(unsubscribe.email(), 1, Integer::sum);
    queued.add(() -> apply(unsubscribe, fresh).onComplete(result -> {
      running--;
      held.computeIfPresent(unsubscribe.email(), (email, count) -> count > 1 ? count - 1 : null);
      metrics.unsubscribeFollowUp(result.succeeded() ? how : "failed");
      if (result.failed()) {
        LOG.warn("unsubscribe follow-up failed, left to the sweep: {}", result.cause().toString());
      }
      done.handle(result);
      next();
    }));
    next();
    return done.future();
  }

  private void next() {
    while (running < MAX_RUNNING && !queued.isEmpty()) {
      running++;
      queued.poll().run();
    }
  }

  /**
   * The rest of an unsubscribe: consent withdrawn as of the click, then counted and written back
   * when it changed something (and recorded for its confirmation), then the record settled. Each
   * step is idempotent.
   */
  private Future<Boolean> apply(PendingUnsubscribe unsubscribe, boolean fresh) {
    String email = unsubscribe.email();
    return consent.unsubscribe(email, unsubscribe.at()).compose(withdrawn -> {
      boolean changed = withdrawn || fresh;
      ConsentChange change = new ConsentChange(email, false, unsubscribe.at());
      Future<Void> recorded = changed ? changes.record(change, unsubscribe.via()) : Future.succeededFuture();
      return recorded.compose(v -> {
        if (changed) {
          LOG.info("unsubscribe via {} (campaign {})", unsubscribe.via(), unsubscribe.campaignId());
          metrics.unsubscribed(unsubscribe.via());
          Channels.CONSENT_CHANGED.publish(vertx.eventBus(), change);
        }
        Future<?> counted = changed && unsubscribe.campaignId() != null
            ? campaignResults.apply(unsubscribe.campaignId(), email) : Future.succeededFuture();
        return counted.compose(c -> suppressions.settle(email, unsubscribe.at())).map(changed);
      });
    });
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    sweepFrom(System.currentTimeMillis() - SWEEP_GRACE_MILLIS, null)
        .onComplete(done -> sweeping = false)
        .onFailure(e -> LOG.warn("the sweep of pending unsubscribes stopped: {}", e.toString()));
  }

  private Future<Void> sweepFrom(long before, Map<String, AttributeValue> start) {
    return suppressions.pendingBefore(before, start).compose(page -> {
      for (PendingUnsubscribe unsubscribe : page.pending()) {
        if (!held.containsKey(unsubscribe.email())) {
          followUp(unsubscribe, true, "swept");
        }
      }
      if (page.next() == null) {
        return Future.succeededFuture();
      }
      Promise<Void> rest = Promise.promise();
      vertx.setTimer(SWEEP_PAUSE_MILLIS, t -> sweepFrom(before, page.next()).onComplete(rest));
      return rest.future();
    });
  }
}
