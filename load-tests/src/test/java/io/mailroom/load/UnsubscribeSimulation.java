package io.mailroom.load;

import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * The unsubscribe routes as customers and mail providers use them, at {@code -Drate} requests a
 * second (default 500) for {@code -Dduration} seconds: half open the preference page
 * ({@code GET /u/{token}}, Korean or English), half are RFC 8058 one-click POSTs. Tokens are real
 * links for the {@code -Dcustomers} demo customers the node is seeded with (default 10,000).
 * Fails when p99 exceeds {@code -Dp99Ms} (default 50) or any request fails. Before the measured
 * run the node is warmed, as a long-running service is, with {@code -Dwarmup} requests (default
 * 10,000) of the same kinds on another 2,000 customers, which the measured run never touches,
 * then by Gatling itself at the run's rate for {@code -DwarmSeconds} (default 10; requests named
 * "warm-up ...", left out of the assertions and the figures).
 * After the run it prints the rate achieved and the share refused, and checks that every
 * customer whose one-click was answered 200 is unsubscribed, and that no other consenting
 * customer is (a one-click refused with 503 whose write still landed is counted apart).
 */
public class UnsubscribeSimulation extends Simulation {
  private static final int RATE = Integer.getInteger("rate", 500);
  private static final int DURATION = Integer.getInteger("duration", 30);
  private static final int WARM_SECONDS = Integer.getInteger("warmSeconds", 10);

  private static final int P99_MS = UnsubscribeRequests.P99_MS;

  private final MailroomNode node = new MailroomNode();
  private final Tally tally = new Tally();
  private final UnsubscribeRequests requests = new UnsubscribeRequests(tally);

  private final HttpProtocolBuilder protocol = http.baseUrl(node.baseUrl()).shareConnections();

  {
    UnsubscribeRequests warm = UnsubscribeRequests.warmUp();
    setUp(scenario("warm-up pages").exec(warm.page()).injectOpen(atRate())
            .andThen(scenario("preference page").exec(requests.page()).injectOpen(atRate(DURATION))),
        scenario("warm-up one-clicks").exec(warm.oneClick()).injectOpen(atRate())
            .andThen(scenario("one-click unsubscribe").exec(requests.oneClick()).injectOpen(atRate(DURATION))))
        .protocols(protocol)
        .assertions(details(UnsubscribeRequests.PAGE_REQUEST).failedRequests().percent().is(0.0),
            details(UnsubscribeRequests.ONE_CLICK_REQUEST).failedRequests().percent().is(0.0),
            details(UnsubscribeRequests.PAGE_REQUEST).responseTime().percentile(99.0).lt(P99_MS),
            details(UnsubscribeRequests.ONE_CLICK_REQUEST).responseTime().percentile(99.0).lt(P99_MS));
  }

  /** Half the rate (the other kind sends the other half), for the warm-up's seconds. */
  private static io.gatling.javaapi.core.OpenInjectionStep atRate() {
    return atRate(WARM_SECONDS);
  }

  private static io.gatling.javaapi.core.OpenInjectionStep atRate(int seconds) {
    return constantUsersPerSec(RATE / 2.0).during(Duration.ofSeconds(seconds));
  }

  @Override
  public void before() {
    UnsubscribeRequests.startWarmed(node);
    tally.begin();
  }

  @Override
  public void after() {
    try {
      System.out.printf("%nunsubscribe run at %d req/s for %d s: %s%n", RATE, DURATION,
          Tally.summary(tally.sentBetween(0, Long.MAX_VALUE), DURATION));
      for (int from = 0; from < DURATION; from += 5) {
        System.out.printf("  seconds %2d-%2d: %s%n", from, from + 5,
            Tally.summary(tally.sentBetween(from * 1000L, (from + 5) * 1000L), 5));
      }
      try {
        checkEveryOneClickCounted();
      } catch (RuntimeException e) {
        e.printStackTrace(System.out);
        throw e;
      }
      UnsubscribeRequests.printNodeCounts();
    } finally {
      node.stop();
    }
  }

  /** Customers unsubscribed after the run == distinct one-clicks answered 200 (consenting customers). */
  private void checkEveryOneClickCounted() {
    Set<Integer> answered = new HashSet<>();
    for (int customer : tally.unsubscribed()) {
      if (Unsubscribed.consentedAtStart(customer)) {
        answered.add(customer);
      }
    }
    Set<Integer> unsubscribed = Unsubscribed.among(node.baseUrl(), UnsubscribeRequests.CUSTOMERS,
        UnsubscribeRequests::token, answered);
    Set<Integer> missing = new HashSet<>(answered);
    missing.removeAll(unsubscribed);
    Set<Integer> unanswered = new HashSet<>(unsubscribed);
    unanswered.removeAll(answered);
    System.out.printf("customers unsubscribed: %d; distinct one-clicks answered 200: %d; answered but not applied: %d;"
            + " applied though refused or unanswered: %d -> %s%n", unsubscribed.size(), answered.size(), missing.size(),
        unanswered.size(), missing.isEmpty() && unanswered.isEmpty() ? "equal" : "NOT EQUAL");
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missing.size() + " one-clicks answered 200 were not applied");
    }
  }
}
