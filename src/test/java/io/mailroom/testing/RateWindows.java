package io.mailroom.testing;

/**
 * What a list of send times says about pacing: how many, the most in any 1-second window
 * (sliding, half-open: {@code [t, t + 1000 ms)}), and the average rate from the first send to
 * the last.
 */
public record RateWindows(int count, int worstWindow, double averagePerSecond) {

  /** {@code millis} sorted ascending. */
  public static RateWindows of(long[] millis) {
    int worst = 0;
    int j = 0;
    for (int i = 0; i < millis.length; i++) {
      while (j < millis.length && millis[j] < millis[i] + 1000) {
        j++;
      }
      worst = Math.max(worst, j - i);
    }
    double seconds = millis.length < 2 ? 0 : (millis[millis.length - 1] - millis[0]) / 1000.0;
    return new RateWindows(millis.length, worst, seconds == 0 ? 0 : (millis.length - 1) / seconds);
  }

  /** Sends in each whole second from the first send, for diagnosis. */
  public static java.util.List<Integer> perSecond(long[] millis) {
    java.util.List<Integer> counts = new java.util.ArrayList<>();
    for (long t : millis) {
      int second = (int) ((t - millis[0]) / 1000);
      while (counts.size() <= second) {
        counts.add(0);
      }
      counts.set(second, counts.get(second) + 1);
    }
    return counts;
  }

  /** The gaps between the sends of the busiest 1-second window, for diagnosis. */
  public static java.util.List<Long> busiestGaps(long[] millis) {
    int best = 0;
    int bestCount = 0;
    int j = 0;
    for (int i = 0; i < millis.length; i++) {
      while (j < millis.length && millis[j] < millis[i] + 1000) {
        j++;
      }
      if (j - i > bestCount) {
        bestCount = j - i;
        best = i;
      }
    }
    java.util.List<Long> gaps = new java.util.ArrayList<>();
    for (int k = best + 1; k < best + bestCount; k++) {
      gaps.add(millis[k] - millis[k - 1]);
    }
    return gaps;
  }

  /**
   * The documented tolerance of the limiter as SES sees it (README, "Rate limiting"): the limiter
   * grants at most one slot per 1/rate, so never more than the limit in a 1-second window, and a
   * send starts at most 50 ms after its slot or not at all. Between that start and SES's arrival
   * lie the SDK, the network and the receiver, whose delays vary: on a loaded 2-core machine by up
   * to ~400 ms. A window at SES may therefore hold one email plus 40 % of the rate more than the
   * limit: 7 at 14/s, 13 at 30/s. The pace over the whole run, which such delays barely move, is
   * held to the rate by {@link #paceTolerance}.
   */
  public static int tolerance(double rate) {
    return 1 + (int) Math.ceil(rate * 0.40);
  }

  /**
   * How far the average rate from the first arrival to the last may exceed the limit: a delay of
   * the first call moves it by delay / duration, under 2 % for a 30-second run; 5 % allows that
   * and still catches a limiter that sends steadily faster than its rate.
   */
  public static double paceTolerance() {
    return 0.05;
  }

  @Override
  public String toString() {
    return String.format("%d sends, worst 1-s window %d, average %.2f/s", count, worstWindow, averagePerSecond);
  }
}
