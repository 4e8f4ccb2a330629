package io.mailroom.testing;

import java.util.function.Predicate;

/**
 * Waits that hold on any machine: a test waits for a state, never for a guessed number of
 * seconds. Deadlines are generous bounds for a stuck system, not speed requirements.
 */
public final class Eventually {
  private static final long POLL_MILLIS = 100;

  private Eventually() {
  }

  /** Something read from the system under test. */
  @FunctionalInterface
  public interface Probe<T> {
    T read() throws Exception;
  }

  /** Reads {@code probe} until {@code done} holds of what it read (then returns that), for at most {@code millis}. */
  public static <T> T until(String what, long millis, Probe<T> probe, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000;
    T last = null;
    while (System.nanoTime() < deadline) {
      last = probe.read();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw new AssertionError(what + ": not within " + millis + " ms; last seen " + last);
  }

  /**
   * Reads a count until it has stayed the same for {@code quietMillis} (what was in flight has
   * landed), and returns it; fails if it is still moving after {@code millis}.
   */
  public static long settled(String what, long quietMillis, long millis, Probe<? extends Number> count) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000;
    long value = count.read().longValue();
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(POLL_MILLIS);
      long now = count.read().longValue();
      if (now != value) {
        value = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since >= quietMillis * 1_000_000) {
        return value;
      }
    }
    throw new AssertionError(what + ": still changing after " + millis + " ms (at " + value + ")");
  }
}
