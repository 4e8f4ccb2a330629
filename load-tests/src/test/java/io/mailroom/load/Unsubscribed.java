package io.mailroom.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * After a run: which of the measured customers the node now holds unsubscribed, read from each
 * one's preference page (it shows whether the customer receives marketing email). Customers who
 * had not consented to begin with (demo customer {@code i % 10 == 3}) are left out. Pages shown
 * without topics (the node was busy) are read again.
 */
final class Unsubscribed {
  private static final String SUBSCRIBED = "sends marketing email to";
  private static final String UNSUBSCRIBED = "receives no marketing email from us";
  private static final String WITHOUT_TOPICS = "cannot show your topics";

  private Unsubscribed() {
  }

  static boolean consentedAtStart(int customer) {
    return customer % 10 != 3;
  }

  /**
   * The consenting customers among {@code 0..customers-1} whose page says they are unsubscribed;
   * one of {@code expected} whose page says otherwise is read again a few times (its follow-up may
   * still be running).
   */
  static Set<Integer> among(String baseUrl, int customers, IntFunction<String> token, Set<Integer> expected) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Set<Integer> unsubscribed = ConcurrentHashMap.newKeySet();
    List<Integer> unread = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      if (consentedAtStart(i)) {
        unread.add(i);
      }
    }
    for (int round = 0; round < 10 && !unread.isEmpty(); round++) {
      Set<Integer> again = ConcurrentHashMap.newKeySet();
      Semaphore slots = new Semaphore(16);
      for (int customer : unread) {
        slots.acquireUninterruptibly();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/u/" + token.apply(customer) + "?lang=en"))
            .timeout(Duration.ofSeconds(10)).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
          if (error != null || response.statusCode() != 200 || response.body().contains(WITHOUT_TOPICS)) {
            again.add(customer);
          } else if (response.body().contains(UNSUBSCRIBED)) {
            unsubscribed.add(customer);
          } else if (!response.body().contains(SUBSCRIBED) || expected.contains(customer)) {
            again.add(customer);
          }
          slots.release();
        });
      }
      slots.acquireUninterruptibly(16);
      unread = new ArrayList<>(again);
      if (!unread.isEmpty()) {
        pause();
      }
    }
    long notRead = unread.stream().filter(c -> !expected.contains(c)).count();
    if (notRead > 0) {
      System.out.printf("%d customers' pages could not be read after the run%n", notRead);
    }
    return unsubscribed;
  }

  private static void pause() {
    try {
      Thread.sleep(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
