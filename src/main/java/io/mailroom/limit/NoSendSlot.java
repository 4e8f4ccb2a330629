package io.mailroom.limit;

/**
 * No send slot for this email now: the 24-hour quota is used up, none came within the wait, or
 * campaign sending is held (quiet hours).
 */
public final class NoSendSlot extends RuntimeException {
  public enum Reason { QUOTA_EXHAUSTED, TIMED_OUT, HELD }

  private final Reason reason;

  public NoSendSlot(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
