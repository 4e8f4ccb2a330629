package io.mailroom.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * Every answer a simulation got, as it came: which kind of request, when it was sent, the status
 * (0: no answer) and how long it took; and the customers whose one-click was answered 200. From
 * these come the rate achieved, the share refused (503) and the percentiles, overall or per step.
 */
final class Tally {
  static final String PAGE = "page";
  static final String ONE_CLICK = "one-click";

  record Answer(String kind, long sentAt, int status, int millis) { }

  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final Set<Integer> unsubscribed = ConcurrentHashMap.newKeySet();
  private volatile long start;

  /** Forgets what was recorded; the measured run begins with the next request recorded. */
  void begin() {
    answers.clear();
    unsubscribed.clear();
    start = 0;
  }

  void record(String kind, int status, int millis, int customer) {
    long sentAt = System.currentTimeMillis() - millis;
    synchronized (this) {
      if (start == 0 || sentAt < start) {
        start = sentAt;
      }
    }
    answers.add(new Answer(kind, sentAt, status, millis));
    if (kind.equals(ONE_CLICK) && status == 200) {
      unsubscribed.add(customer);
    }
  }

  /** The customers whose one-click was answered 200 at least once. */
  Set<Integer> unsubscribed() {
    return unsubscribed;
  }

  List<Answer> sentBetween(long fromMillis, long toMillis) {
    List<Answer> in = new ArrayList<>();
    for (Answer answer : answers) {
      long since = answer.sentAt() - start;
      if (since >= fromMillis && since < toMillis) {
        in.add(answer);
      }
    }
    return in;
  }

  /** One line: requests, achieved rate (answered 200 per second), share refused, p50 and p99 of each kind. */
  static String summary(List<Answer> answers, double seconds) {
    long ok = count(answers, a -> a.status() == 200);
    long refused = count(answers, a -> a.status() == 503);
    long other = answers.size() - ok - refused;
    long refusedClicks = count(answers, a -> a.status() == 503 && a.kind().equals(ONE_CLICK));
    return String.format(Locale.ROOT, "%6d requests, achieved %6.1f/s answered 200, refused (503) %5.1f %%"
            + " (%d pages, %d one-clicks), other %d | page 200 p50 %s p99 %s | one-click 200 p50 %s p99 %s | 503 p99 %s",
        answers.size(), ok / seconds, answers.isEmpty() ? 0.0 : 100.0 * refused / answers.size(),
        refused - refusedClicks, refusedClicks, other,
        percentile(answers, PAGE, 200, 50), percentile(answers, PAGE, 200, 99),
        percentile(answers, ONE_CLICK, 200, 50), percentile(answers, ONE_CLICK, 200, 99),
        percentile(answers, null, 503, 99));
  }

  static long count(List<Answer> answers, Predicate<Answer> which) {
    return answers.stream().filter(which).count();
  }

  /** The percentile of the response times of {@code kind} (null: any) answered {@code status}, as "123 ms" or "-". */
  static String percentile(List<Answer> answers, String kind, int status, int percent) {
    List<Integer> times = answers.stream().filter(a -> a.status() == status && (kind == null || a.kind().equals(kind)))
        .map(Answer::millis).sorted(Comparator.naturalOrder()).toList();
    if (times.isEmpty()) {
      return "-";
    }
    int index = (int) Math.ceil(percent / 100.0 * times.size()) - 1;
    return times.get(Math.max(0, index)) + " ms";
  }
}
