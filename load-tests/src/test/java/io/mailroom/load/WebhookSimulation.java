package io.mailroom.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.UUID;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.forAll;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The campaign webhook and status polling: signed {@code POST /v1/campaigns} at {@code -Drate}
 * requests a second for {@code -Dduration} seconds, each followed by two signed status reads.
 * The node runs with an empty audience (campaigns start and complete at once) so that the load
 * measures the API, not the sending. Fails when p99 exceeds {@code -Dp99Ms} or any request fails.
 */
public class WebhookSimulation extends Simulation {
  private static final int RATE = Integer.getInteger("rate", 10);
  private static final int DURATION = Integer.getInteger("duration", 30);
  private static final int P99_MS = Integer.getInteger("p99Ms", 250);

  private final MailroomNode node = new MailroomNode();

  private final HttpProtocolBuilder protocol = http.baseUrl(node.baseUrl())
      .contentTypeHeader("application/json").shareConnections();

  private final ScenarioBuilder webhook = scenario("campaign webhook")
      .exec(session -> {
        String body = "{\"templateId\":\"promo-autumn\",\"idempotencyKey\":\"" + UUID.randomUUID() + "\"}";
        long now = System.currentTimeMillis() / 1000;
        return session.set("body", body).set("ts", Long.toString(now))
            .set("sig", Signatures.sign(MailroomNode.SECRET, now, "POST", "/v1/campaigns", body));
      })
      .exec(http("POST /v1/campaigns").post("/v1/campaigns")
          .header("X-Mailroom-Timestamp", "#{ts}").header("X-Mailroom-Signature", "#{sig}")
          .body(StringBody("#{body}"))
          .check(status().is(202), jsonPath("$.campaignId").saveAs("id")))
      .repeat(2).on(exec(session -> {
        long now = System.currentTimeMillis() / 1000;
        String target = "/v1/campaigns/" + session.getString("id");
        return session.set("target", target).set("ts", Long.toString(now))
            .set("sig", Signatures.sign(MailroomNode.SECRET, now, "GET", target, ""));
      }).exec(http("GET /v1/campaigns/{id}").get("#{target}")
          .header("X-Mailroom-Timestamp", "#{ts}").header("X-Mailroom-Signature", "#{sig}")
          .check(status().is(200))));

  {
    setUp(webhook.injectOpen(constantUsersPerSec(RATE).during(Duration.ofSeconds(DURATION))))
        .protocols(protocol)
        .assertions(global().failedRequests().percent().is(0.0),
            forAll().responseTime().percentile(99.0).lt(P99_MS));
  }

  @Override
  public void before() {
    node.start(0);
  }

  @Override
  public void after() {
    node.stop();
  }
}
