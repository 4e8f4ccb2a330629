package io.mailroom.console.auth;

/**
 * How long a sign-in waits after failures: the first {@link #FREE} failures cost nothing, then
 * each further one doubles the wait (1 s, 2 s, 4 s …) up to {@link #MAX_SECONDS}. Never a lock-out:
 * after the wait one more attempt is always allowed. Failures are forgotten {@link #FORGET_SECONDS}
 * after the last one.
 */
public final class SignInDelay {
  public static final int FREE = 3;
  public static final long MAX_SECONDS = 60;
  public static final long FORGET_SECONDS = 15 * 60;

  private SignInDelay() {
  }

  /** The wait after {@code failures} failed attempts, in seconds. */
  public static long afterFailures(long failures) {
    if (failures < FREE) {
      return 0;
    }
    long doublings = failures - FREE;
    return doublings >= 6 ? MAX_SECONDS : Math.min(MAX_SECONDS, 1L << doublings);
  }

  /** Seconds still to wait at {@code now} after {@code failures} failures, the last at {@code lastFailure}; 0: go. */
  public static long remaining(long failures, long lastFailure, long now) {
    return Math.max(0, lastFailure + afterFailures(failures) - now);
  }
}
