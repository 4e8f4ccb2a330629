package io.mailroom.limit;

import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;

import java.util.function.Function;

/**
 * The SES account's {@code EnforcementStatus} (HEALTHY, PROBATION, SHUTDOWN) as the
 * {@link QuotaWatch}'s GetAccount last read it, shown in readiness and the
 * {@code mailroom_ses_enforcement} gauge; and the status last acted on, kept apart from it. A
 * reading that differs from the status acted on is handed to the action, and handed again at each
 * reading until the action says it is settled: an action that failed (a pause that could not be
 * carried out) is tried again at the next poll rather than forgotten.
 */
public final class SesEnforcement {
  public static final String HEALTHY = "HEALTHY";
  public static final String SHUTDOWN = "SHUTDOWN";
  /** Before the first reading, and with a transport that has no GetAccount. */
  public static final String UNKNOWN = "unknown";

  private final MailroomMetrics metrics;
  private volatile Function<String, Future<Boolean>> action = status -> Future.succeededFuture(true);
  private volatile String status = UNKNOWN;
  private volatile String actedOn = UNKNOWN;
  private volatile boolean acting;

  public SesEnforcement(MailroomMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * What to do about a status not acted on yet (on the quota watch's context): true when it is
   * settled; false, or a failure, to be handed the status again at the next reading.
   */
  public void onChange(Function<String, Future<Boolean>> action) {
    this.action = action;
  }

  public String status() {
    return status;
  }

  /** Whether the account may send: anything but SHUTDOWN (an unread status does not hold a node back). */
  public static boolean maySend(String status) {
    return !SHUTDOWN.equals(status);
  }

  /** What GetAccount answered; an absent status (an older SES, the emulator) counts as healthy. */
  void seen(String answered) {
    String now = answered == null || answered.isBlank() ? HEALTHY : answered;
    if (!now.equals(status)) {
      status = now;
      metrics.sesEnforcement(now);
    }
    if (acting || now.equals(actedOn)) {
      return;
    }
    acting = true;
    Future<Boolean> settled;
    try {
      settled = action.apply(now);
    } catch (RuntimeException e) {
      settled = Future.failedFuture(e);
    }
    settled.onComplete(done -> {
      if (done.succeeded() && Boolean.TRUE.equals(done.result())) {
        actedOn = now;
      }
      acting = false;
    });
  }
}
