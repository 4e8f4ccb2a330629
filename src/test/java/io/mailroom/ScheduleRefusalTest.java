package io.mailroom;

import io.mailroom.bus.CampaignRef;
import io.mailroom.bus.Channels;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static io.mailroom.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sendAt} refusals, each a 400 naming the field, with nothing created; and a scheduled
 * campaign cannot be paused or resumed (it has not started), only cancelled.
 */
@ExtendWith(VertxExtension.class)
class ScheduleRefusalTest {
  private static TestNode node;
  private static SignedClient client;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx given) throws Exception {
    vertx = given;
    node = TestNode.named("schedulerefusal")
        .config(json -> json.getJsonObject("fetcher").put("resumeSeconds", 1))
        .customers(1, i -> "only@refusal.schedule.example.com")
        .start(vertx);
    client = node.client();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static SignedClient.Reply create(Object sendAt) {
    return client.post("/v1/campaigns",
        new JsonObject().put("templateId", TestNode.TEMPLATE_ID).put("sendAt", sendAt).encode());
  }

  @Test
  void badTimesAreRefusedAndCreateNothing() {
    int before = client.get("/v1/campaigns").json().getJsonArray("campaigns").size();
    Instant now = Instant.now();
    String[] refused = {
        now.minusSeconds(60).toString(),
        now.plus(Duration.ofDays(366)).toString(),
        "2026-12-31T10:00:00",
        "tomorrow at ten",
        "2026-13-03T10:00:00+09:00",
        "",
    };
    for (String sendAt : refused) {
      String message = assertRefused(create(sendAt), 400, "invalid_field", "sendAt").getString("message");
      assertThat(message).as(sendAt).contains("sendAt");
    }
    assertThat(assertRefused(create("2026-12-31T10:00:00"), 400, "invalid_field", "sendAt").getString("message"))
        .contains("offset");
    assertThat(assertRefused(create(now.minusSeconds(60).toString()), 400, "invalid_field", "sendAt")
        .getString("message")).contains("future");
    assertThat(assertRefused(create(now.plus(Duration.ofDays(366)).toString()), 400, "invalid_field", "sendAt")
        .getString("message")).contains("365 days");
    assertRefused(create(1_800_000_000_000L), 400, "invalid_field", "sendAt");
    assertThat(client.get("/v1/campaigns").json().getJsonArray("campaigns")).as("nothing was created").hasSize(before);
  }

  @Test
  void aScheduledCampaignCannotBePausedOrResumedButCanBeCancelled() {
    String at = Instant.now().plus(Duration.ofDays(364)).atOffset(java.time.ZoneOffset.ofHours(-5)).toString();
    SignedClient.Reply accepted = create(at);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String id = accepted.json().getString("campaignId");
    assertThat(accepted.json().getString("status")).isEqualTo("scheduled");

    assertRefused(client.post("/v1/campaigns/" + id + "/pause", "{}"), 409, "invalid_state", null);
    assertRefused(client.post("/v1/campaigns/" + id + "/resume", "{}"), 409, "invalid_state", null);
    assertThat(client.get("/v1/campaigns/" + id).json().getString("status")).isEqualTo("scheduled");
    SignedClient.Reply cancelled = client.post("/v1/campaigns/" + id + "/cancel", "{}");
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
    assertRefused(client.post("/v1/campaigns/" + id + "/cancel", "{}"), 409, "invalid_state", null);
  }

  /** A start request and the Fetcher's recovery sweeps pass over a campaign that waits for its time. */
  @Test
  void theFetcherLeavesAScheduledCampaignAlone() throws Exception {
    String id = create(Instant.now().plus(Duration.ofDays(1)).toString()).json().getString("campaignId");
    assertThat(Channels.CAMPAIGN_START.request(vertx.eventBus(), new CampaignRef(id)).await(10, TimeUnit.SECONDS))
        .isTrue();
    long twoSweeps = System.currentTimeMillis() + 2_500;
    Eventually.until("two recovery sweeps passing", 10_000, System::currentTimeMillis, now -> now > twoSweeps);
    String witness = node.startCampaign();
    assertThat(node.awaitFinished(witness).getString("status")).isEqualTo("completed");

    JsonObject waiting = client.get("/v1/campaigns/" + id).json();
    assertThat(waiting.getString("status")).isEqualTo("scheduled");
    assertThat(waiting.getBoolean("audienceScanned")).isFalse();
    assertThat(waiting.getJsonObject("counts").getLong("queued")).isZero();
  }

  @Test
  void theSameIdempotencyKeyGivesTheSameScheduledCampaign() {
    String at = Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    String body = new JsonObject().put("templateId", TestNode.TEMPLATE_ID).put("sendAt", at)
        .put("idempotencyKey", "schedule-once").encode();
    SignedClient.Reply first = client.post("/v1/campaigns", body);
    SignedClient.Reply again = client.post("/v1/campaigns", body);
    assertThat(first.status()).isEqualTo(202);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("campaignId")).isEqualTo(first.json().getString("campaignId"));
    assertThat(again.json().getString("status")).isEqualTo("scheduled");
    assertThat(Instant.parse(again.json().getString("sendAt"))).isEqualTo(Instant.parse(at));
  }
}
