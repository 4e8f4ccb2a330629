package io.mailroom.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.forAll;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The unsubscribe routes as customers and mail providers use them, at {@code -Drate} requests a
 * second (default 500) for {@code -Dduration} seconds: half open the preference page
 * ({@code GET /u/{token}}, Korean or English), half are RFC 8058 one-click POSTs. Tokens are real
 * links for the {@code -Dcustomers} demo customers the node is seeded with (default 10,000).
 * Fails when p99 exceeds {@code -Dp99Ms} (default 50) or any request fails. Before the measured
 * run the node is warmed, as a long-running service is, with {@code -Dwarmup} requests (default
 * 10,000) of the same kinds on another 2,000 customers, which the measured run never touches.
 */
public class UnsubscribeSimulation extends Simulation {
  private static final int RATE = Integer.getInteger("rate", 500);
  private static final int DURATION = Integer.getInteger("duration", 30);
  private static final int P99_MS = Integer.getInteger("p99Ms", 50);
  private static final int CUSTOMERS = Integer.getInteger("customers", 10_000);
  private static final int WARMUP = Integer.getInteger("warmup", 10_000);
  private static final int WARMUP_CUSTOMERS = 2_000;
  private static final UnsubscribeTokens TOKENS = new UnsubscribeTokens(
      System.getProperty("unsubscribeSecret", "local-unsubscribe-secret-change-me"));

  private final MailroomNode node = new MailroomNode();

  private final HttpProtocolBuilder protocol = http.baseUrl(node.baseUrl()).shareConnections();

  private final ScenarioBuilder page = scenario("preference page")
      .exec(session -> session.set("token", token())
          .set("language", ThreadLocalRandom.current().nextBoolean() ? "ko-KR,ko;q=0.9" : "en-US,en;q=0.9"))
      .exec(http("GET /u/{token}").get("/u/#{token}").header("Accept-Language", "#{language}")
          .check(status().is(200), substring("<form method=\"post\"")));

  private final ScenarioBuilder oneClick = scenario("one-click unsubscribe")
      .exec(session -> session.set("token", token()))
      .exec(http("POST /u/{token} one-click").post("/u/#{token}")
          .header("Content-Type", "application/x-www-form-urlencoded")
          .body(StringBody("List-Unsubscribe=One-Click"))
          .check(status().is(200)));

  private static String token() {
    return token(ThreadLocalRandom.current().nextInt(CUSTOMERS));
  }

  private static String token(int customer) {
    return TOKENS.seal(String.format("customer%04d@example.com", customer), "c_load", System.currentTimeMillis() / 1000);
  }

  {
    setUp(page.injectOpen(constantUsersPerSec(RATE / 2.0).during(Duration.ofSeconds(DURATION))),
        oneClick.injectOpen(constantUsersPerSec(RATE / 2.0).during(Duration.ofSeconds(DURATION))))
        .protocols(protocol)
        .assertions(global().failedRequests().percent().is(0.0),
            forAll().responseTime().percentile(99.0).lt(P99_MS));
  }

  @Override
  public void before() {
    node.start(CUSTOMERS + WARMUP_CUSTOMERS);
    node.warm(WARMUP, i -> {
      String path = "/u/" + token(CUSTOMERS + i % WARMUP_CUSTOMERS);
      return i % 2 == 0 ? HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).GET().build()
          : HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build();
    });
  }

  @Override
  public void after() {
    node.stop();
  }
}
