package io.mailroom.load;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.ThreadLocalRandom;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The two requests of the unsubscribe simulations, as customers and mail providers make them,
 * with real links for {@code customers} demo customers: the preference page (Korean or English)
 * and the RFC 8058 one-click POST. Each answer is recorded in a {@link Tally}; a request counts
 * as failed in Gatling's report unless answered 200 (a 503 is a refusal).
 */
final class UnsubscribeRequests {
  /** The demo customers the measured requests go to ({@code -Dcustomers}), and the warm-up's, beyond them. */
  static final int CUSTOMERS = Integer.getInteger("customers", 10_000);
  static final int WARMUP_CUSTOMERS = 2_000;
  /** Requests the node is warmed with before a run ({@code -Dwarmup}). */
  static final int WARMUP = Integer.getInteger("warmup", 10_000);
  /** The p99 a run is held to ({@code -Dp99Ms}). */
  static final int P99_MS = Integer.getInteger("p99Ms", 50);
  static final String PAGE_REQUEST = "GET /u/{token}";
  static final String ONE_CLICK_REQUEST = "POST /u/{token} one-click";
  static final UnsubscribeTokens TOKENS = new UnsubscribeTokens(
      System.getProperty("unsubscribeSecret", "local-unsubscribe-secret-change-me"));

  private final int first;
  private final int customers;
  private final Tally tally;
  private final String prefix;

  /** Requests for the measured customers ({@code 0..CUSTOMERS-1}), each answer recorded in {@code tally}. */
  UnsubscribeRequests(Tally tally) {
    this(0, CUSTOMERS, tally, "");
  }

  private UnsubscribeRequests(int first, int customers, Tally tally, String prefix) {
    this.first = first;
    this.customers = customers;
    this.tally = tally;
    this.prefix = prefix;
  }

  /**
   * The same requests for the warm-up's customers, named "warm-up ..." and recorded nowhere: they
   * bring the load generator and the node to their steady state.
   */
  static UnsubscribeRequests warmUp() {
    return new UnsubscribeRequests(CUSTOMERS, WARMUP_CUSTOMERS, null, "warm-up ");
  }

  static String token(int customer) {
    return TOKENS.seal(String.format("customer%04d@example.com", customer), "c_load", System.currentTimeMillis() / 1000);
  }

  ChainBuilder page() {
    return exec(session -> pick(session)
        .set("language", ThreadLocalRandom.current().nextBoolean() ? "ko-KR,ko;q=0.9" : "en-US,en;q=0.9"))
        .exec(http(prefix + PAGE_REQUEST).get("/u/#{token}").header("Accept-Language", "#{language}")
            .check(status().saveAs("status"), responseTimeInMillis().saveAs("millis"), status().is(200),
                substring("@example.com")))
        .exec(session -> recorded(session, Tally.PAGE));
  }

  ChainBuilder oneClick() {
    return exec(this::pick)
        .exec(http(prefix + ONE_CLICK_REQUEST).post("/u/#{token}")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(StringBody("List-Unsubscribe=One-Click"))
            .check(status().saveAs("status"), responseTimeInMillis().saveAs("millis"), status().is(200)))
        .exec(session -> recorded(session, Tally.ONE_CLICK));
  }

  private Session pick(Session session) {
    int customer = first + ThreadLocalRandom.current().nextInt(customers);
    return session.set("customer", customer).set("token", token(customer));
  }

  private Session recorded(Session session, String kind) {
    int status = session.contains("status") ? session.getInt("status") : 0;
    int millis = session.contains("millis") ? session.getInt("millis") : 0;
    if (tally != null) {
      tally.record(kind, status, millis, session.getInt("customer"));
    }
    return session;
  }

  /**
   * Starts the node with the measured and the warm-up's demo customers, warms it with
   * {@link #WARMUP} requests on the latter, and waits until their follow-ups are done.
   */
  static void startWarmed(MailroomNode node) {
    node.start(CUSTOMERS + WARMUP_CUSTOMERS);
    node.warm(WARMUP, i -> warmUp(node.baseUrl(), CUSTOMERS + i % WARMUP_CUSTOMERS, i % 2 == 0));
    node.awaitQuiet();
  }

  /** Prints the node's own counts of what it shed, showed without topics and followed up. */
  static void printNodeCounts() {
    MailroomNode.metrics("mailroom_requests_shed_total", "mailroom_preference_pages_without_topics_total",
        "mailroom_unsubscribe_follow_ups_total").forEach(line -> System.out.println("  node: " + line));
  }

  /** The warm-up's requests: pages and one-clicks alternately, on customers the measured run never touches. */
  static HttpRequest warmUp(String baseUrl, int customer, boolean page) {
    String path = "/u/" + token(customer);
    return page ? HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build()
        : HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build();
  }
}
