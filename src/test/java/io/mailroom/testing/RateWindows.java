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

  /**
   * The documented tolerance of the limiter as SES sees it: slots are spaced 1/rate apart, a slot
   * is used at most 25 ms late (else given up), and the HTTP call adds its own jitter (allowed:
   * 10 ms), so a window may catch the sends of slots up to 35 ms before it: at 14/s one email more
   * than the limit, at 100/s four.
   */
  public static int tolerance(double rate) {
    return (int) Math.ceil(rate * 0.035);
  }

  @Override
  public String toString() {
    return String.format("%d sends, worst 1-s window %d, average %.2f/s", count, worstWindow, averagePerSecond);
  }
}
