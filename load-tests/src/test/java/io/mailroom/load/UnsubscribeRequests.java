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
  static final String PAGE_REQUEST = "GET /u/{token}";
  static final String ONE_CLICK_REQUEST = "POST /u/{token} one-click";
  static final UnsubscribeTokens TOKENS = new UnsubscribeTokens(
      System.getProperty("unsubscribeSecret", "local-unsubscribe-secret-change-me"));

  private final int first;
  private final int customers;
  private final Tally tally;
  private final String prefix;

  /** Requests for customers {@code 0..customers-1}, each answer recorded in {@code tally}. */
  UnsubscribeRequests(int customers, Tally tally) {
    this(0, customers, tally, "");
  }

  private UnsubscribeRequests(int first, int customers, Tally tally, String prefix) {
    this.first = first;
    this.customers = customers;
    this.tally = tally;
    this.prefix = prefix;
  }

  /**
   * The same requests for customers {@code first..first+customers-1}, named "warm-up ..." and
   * recorded nowhere: they bring the load generator and the node to their steady state.
   */
  static UnsubscribeRequests warmUp(int first, int customers) {
    return new UnsubscribeRequests(first, customers, null, "warm-up ");
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

  /** The warm-up's requests: pages and one-clicks alternately, on customers the measured run never touches. */
  static HttpRequest warmUp(String baseUrl, int customer, boolean page) {
    String path = "/u/" + token(customer);
    return page ? HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build()
        : HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build();
  }
}
