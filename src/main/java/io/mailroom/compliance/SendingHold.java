package io.mailroom.compliance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this node holds campaign sending now: the {@link QuietHours} read on the node's clock
 * (the system clock; a test sets its own). The Scheduler starts no scheduled campaign and the
 * Senders take no message from the send queue while it holds. It logs one line when a hold begins
 * and one when it ends, whichever part of the node asks first; test sends and previews never ask.
 */
public final class SendingHold {
  private static final Logger LOG = LoggerFactory.getLogger(SendingHold.class);

  private final QuietHours hours;
  private final Clock clock;
  /** The end of the hold last seen, or null while not held: only its changes are logged. */
  private final AtomicReference<Instant> logged = new AtomicReference<>();

  public SendingHold(QuietHours hours, Clock clock) {
    this.hours = hours;
    this.clock = clock;
  }

  /** Never held (quiet hours off), on the system clock. */
  public static SendingHold never() {
    return new SendingHold(QuietHours.off(), Clock.systemUTC());
  }

  /** Whether campaign sending is held now. */
  public boolean held() {
    Optional<Instant> until = hours.heldUntil(clock.instant());
    Instant before = logged.getAndSet(until.orElse(null));
    if (until.isPresent() && before == null) {
      LOG.info("quiet hours: campaign sending is held until {}", until.get());
    } else if (until.isEmpty() && before != null) {
      LOG.info("quiet hours are over: campaign sending resumes");
    }
    return until.isPresent();
  }

  /** The opposite of {@link #held()}: whether a campaign email may go out now. */
  public boolean open() {
    return !held();
  }

  /**
   * When a campaign due at {@code dueMillis} (epoch milliseconds) will start: empty when it may
   * start then (or now, if that passed), else the end of the window that holds it.
   */
  public Optional<Instant> startDelayedUntil(long dueMillis) {
    return hours.heldUntil(Instant.ofEpochMilli(Math.max(dueMillis, clock.millis())));
  }

  /**
   * Whether campaign sending is held now or was {@code millis} ago: a campaign that stood still
   * then had a reason to, so a hold that ended within the last {@code millis} makes none look
   * stale. (Windows last hours; one shorter than {@code millis} that began and ended in between
   * is not seen.)
   */
  public boolean heldWithin(long millis) {
    Instant now = clock.instant();
    return hours.holds(now) || hours.holds(now.minusMillis(millis));
  }

  /** The end of the hold now, if campaign sending is held. */
  public Optional<Instant> heldUntilNow() {
    return hours.heldUntil(clock.instant());
  }
}
