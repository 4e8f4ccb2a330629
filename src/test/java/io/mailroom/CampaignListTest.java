package io.mailroom;

import io.mailroom.testing.Eventually;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

import static io.mailroom.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/campaigns}: newest first, filtered by status, paged with {@code next}; a cursor
 * that was altered and a status that does not exist are 400s; idempotency records never show.
 */
@ExtendWith(VertxExtension.class)
class CampaignListTest {
  private static final int DONE = 4;
  private static final int SCHEDULED = 3;
  private static TestNode node;
  private static SignedClient client;
  /** Every campaign made, newest first (creation time, then id). */
  private static List<JsonObject> made;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    node = TestNode.named("campaignlist").start(vertx);
    client = node.client();
    List<JsonObject> campaigns = new ArrayList<>();
    for (int i = 0; i < DONE + SCHEDULED; i++) {
      JsonObject body = new JsonObject().put("templateId", TestNode.TEMPLATE_ID).put("idempotencyKey", "list-" + i);
      if (i % 2 == 1 && i / 2 < SCHEDULED) {
        body.put("sendAt", Instant.now().plus(Duration.ofDays(1 + i)).toString());
      }
      SignedClient.Reply reply = client.post("/v1/campaigns", body.encode());
      assertThat(reply.status()).as(reply.body()).isEqualTo(202);
      campaigns.add(reply.json());
    }
    for (JsonObject campaign : campaigns) {
      if (!campaign.containsKey("sendAt")) {
        // no customers: an immediate campaign completes at once
        node.awaitFinished(campaign.getString("campaignId"));
      }
    }
    campaigns.sort(Comparator.comparing((JsonObject c) -> Instant.parse(c.getString("createdAt")))
        .thenComparing(c -> c.getString("campaignId")).reversed());
    made = campaigns;
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("campaigns").stream().map(c -> ((JsonObject) c).getString("campaignId")).toList();
  }

  private static List<String> ids(List<JsonObject> campaigns) {
    return campaigns.stream().map(c -> c.getString("campaignId")).toList();
  }

  @Test
  void everyCampaignNewestFirstAndNoIdempotencyRecords() {
    SignedClient.Reply reply = client.get("/v1/campaigns");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(ids(reply.json())).containsExactlyElementsOf(ids(made));
    assertThat(reply.json().containsKey("next")).isFalse();
    JsonObject newest = reply.json().getJsonArray("campaigns").getJsonObject(0);
    assertThat(newest.getString("templateId")).isEqualTo(TestNode.TEMPLATE_ID);
    assertThat(newest.getJsonObject("counts")).isNotNull();
  }

  @Test
  void theStatusFilterKeepsOneStatus() {
    JsonObject scheduled = client.get("/v1/campaigns?status=scheduled").json();
    assertThat(ids(scheduled)).hasSize(SCHEDULED)
        .containsExactlyElementsOf(ids(made.stream().filter(c -> c.containsKey("sendAt")).toList()));
    JsonObject completed = client.get("/v1/campaigns?status=completed").json();
    assertThat(ids(completed)).containsExactlyElementsOf(ids(made.stream().filter(c -> !c.containsKey("sendAt")).toList()));
    assertThat(ids(client.get("/v1/campaigns?status=paused").json())).isEmpty();
  }

  @Test
  void pagesFollowNextToTheEnd() throws Exception {
    List<String> seen = new ArrayList<>();
    String path = "/v1/campaigns?limit=2";
    int pages = 0;
    while (path != null) {
      JsonObject page = client.get(path).json();
      assertThat(page.getJsonArray("campaigns").size()).isBetween(1, 2);
      seen.addAll(ids(page));
      path = page.getString("next");
      pages++;
    }
    assertThat(pages).isEqualTo((DONE + SCHEDULED + 1) / 2);
    assertThat(seen).containsExactlyElementsOf(ids(made));

    JsonObject first = client.get("/v1/campaigns?status=scheduled&limit=2").json();
    assertThat(first.getString("next")).startsWith("/v1/campaigns?status=scheduled&limit=2&after=");
    JsonObject second = client.get(first.getString("next")).json();
    assertThat(ids(second)).hasSize(SCHEDULED - 2).doesNotContainAnyElementsOf(ids(first));
    assertThat(second.containsKey("next")).isFalse();
  }

  @Test
  void badQueriesAreRefused() {
    String next = client.get("/v1/campaigns?limit=1").json().getString("next");
    String cursor = next.substring(next.indexOf("after=") + "after=".length());
    String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    String altered = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(decoded.replace("#", "#x'}{").getBytes(StandardCharsets.UTF_8));
    for (String after : List.of(altered, cursor.substring(1), "%00", "not-a-cursor", "")) {
      assertRefused(client.get("/v1/campaigns?after=" + after), 400, "invalid_field", "after");
    }
    assertRefused(client.get("/v1/campaigns?status=sent"), 400, "invalid_field", "status");
    assertRefused(client.get("/v1/campaigns?status=SCHEDULED"), 400, "invalid_field", "status");
    assertRefused(client.get("/v1/campaigns?limit=0"), 400, "invalid_field", "limit");
    assertRefused(client.get("/v1/campaigns?limit=101"), 400, "invalid_field", "limit");
  }

  @Test
  void theListIsSigned() {
    SignedClient.Reply unsigned = client.send(client.unsigned("/v1/campaigns").GET().build());
    assertThat(unsigned.status()).isEqualTo(401);
  }
}
