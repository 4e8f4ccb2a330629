package io.mailroom.limit;

import io.mailroom.metrics.MailroomMetrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The SES account's {@code EnforcementStatus} (HEALTHY, PROBATION, SHUTDOWN) as the
 * {@link QuotaWatch}'s GetAccount last read it: shown in readiness and the
 * {@code mailroom_ses_enforcement} gauge, and told to listeners once per change (the first
 * reading is a change), never on every poll.
 */
public final class SesEnforcement {
  public static final String HEALTHY = "HEALTHY";
  public static final String SHUTDOWN = "SHUTDOWN";
  /** Before the first reading, and with a transport that has no GetAccount. */
  public static final String UNKNOWN = "unknown";

  private final MailroomMetrics metrics;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private volatile String status = UNKNOWN;

  public SesEnforcement(MailroomMetrics metrics) {
    this.metrics = metrics;
  }

  /** Tells {@code listener} each new status (on the quota watch's context). */
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
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
    if (now.equals(status)) {
      return;
    }
    status = now;
    metrics.sesEnforcement(now);
    listeners.forEach(listener -> listener.accept(now));
  }
}
