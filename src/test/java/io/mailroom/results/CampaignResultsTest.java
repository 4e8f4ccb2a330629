package io.mailroom.results;

import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SnsPublisher;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SES events of a finished campaign, published through signed SNS messages to the node's real
 * endpoint, recorded once each on their deliveries and counted in the campaign's report.
 */
@ExtendWith(VertxExtension.class)
class CampaignResultsTest {
  private static TestNode test;
  private static SignedClient client;
  private static SnsPublisher sns;
  private static String campaignId;
  private static TaggedEvents events;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    sns = new SnsPublisher();
    test = TestNode.named("results")
        .config(json -> sns.configure(json.getJsonObject("subscription").getJsonObject("sns")))
        .customers(5, CampaignResultsTest::email)
        .start(vertx);
    client = test.client();
    campaignId = test.startCampaign();
    assertThat(test.awaitFinished(campaignId).getString("status")).isEqualTo("completed");
    events = new TaggedEvents(test, sns, campaignId, CampaignResultsTest::email);
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
    sns.close();
  }

  static String email(int i) {
    return String.format("r%03d@results.test", i);
  }

  @Test
  void eachEventCountsOnceAndTheReportShowsIt() {
    publish(event(0, "Delivery"));
    publish(event(0, "Delivery"));
    publish(event(0, "Open"));
    publish(event(0, "Open"));
    publish(click(0, "https://shop.example/a"));
    publish(click(0, "https://shop.example/a"));
    publish(click(0, "https://shop.example/b"));
    publish(click(1, "https://shop.example/a"));
    publish(bounce(2, "Permanent"));
    publish(event(2, "Delivery"));
    publish(bounce(3, "Transient"));
    publish(complaint(4));
    publish(complaint(4));
    publish(event(1, "Delivery").put("mail", mail(1).put("messageId", "not-ours")));

    JsonObject report = ok("/v1/campaigns/" + campaignId + "/report");
    System.out.println("campaign report: " + report.encodePrettily());
    JsonObject counts = report.getJsonObject("counts");
    assertThat(counts.getLong("sent")).isEqualTo(5);
    assertThat(counts.getLong("delivered")).isEqualTo(2);
    assertThat(counts.getLong("bouncedHard")).isEqualTo(1);
    assertThat(counts.getLong("bouncedSoft")).isEqualTo(1);
    assertThat(counts.getLong("complained")).isEqualTo(1);
    assertThat(counts.getLong("opened")).isEqualTo(1);
    assertThat(counts.getLong("clicked")).isEqualTo(2);
    assertThat(report.getJsonObject("rates").getDouble("hardBounced")).isEqualTo(0.2);
    assertThat(report.getJsonObject("clicksPerLink").getMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("https://shop.example/a", 2, "https://shop.example/b", 1));

    assertThat(delivery(2).get("Result").s()).isEqualTo("BOUNCED");
    assertThat(delivery(0).get("Result").s()).isEqualTo("DELIVERED");
    JsonArray bounced = ok("/v1/campaigns/" + campaignId + "/deliveries?status=bounced").getJsonArray("deliveries");
    assertThat(bounced).hasSize(1);
    assertThat(bounced.getJsonObject(0).getString("email")).isEqualTo(email(2));
    assertThat(ok("/v1/campaigns/" + campaignId + "/deliveries?status=complained").getJsonArray("deliveries")
        .getJsonObject(0).getString("email")).isEqualTo(email(4));
  }

  @Test
  void unsubscribesThroughTheCampaignsEmailsCountOncePerRecipient() throws Exception {
    String token0 = test.tokens().seal(email(0), campaignId, java.time.Instant.now());
    assertThat(unsubscribe(token0, "List-Unsubscribe=One-Click").status()).isEqualTo(200);
    assertThat(unsubscribe(token0, "List-Unsubscribe=One-Click").status()).isEqualTo(200);
    String token1 = test.tokens().seal(email(1), campaignId, java.time.Instant.now());
    assertThat(unsubscribe(token1, "action=unsubscribe").status()).isEqualTo(200);
    assertThat(unsubscribe(token1, "List-Unsubscribe=One-Click").status()).isEqualTo(200);

    JsonObject report = io.mailroom.testing.Eventually.until("both unsubscribes counted", 30_000,
        () -> ok("/v1/campaigns/" + campaignId + "/report"),
        r -> r.getJsonObject("counts").getLong("unsubscribed") >= 2);
    assertThat(report.getJsonObject("counts").getLong("unsubscribed")).isEqualTo(2);
    assertThat(report.getJsonObject("rates").getDouble("unsubscribed")).isEqualTo(0.4);
    assertThat(delivery(0)).containsKey("UnsubscribedAt");
  }

  private static SignedClient.Reply unsubscribe(String token, String form) {
    return client.send(client.unsigned("/u/" + token).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build());
  }

  @Test
  void deliveriesArePagedAndBadInputIsRefused() {
    JsonObject first = ok("/v1/campaigns/" + campaignId + "/deliveries?status=sent&limit=2");
    assertThat(first.getJsonArray("deliveries")).hasSize(2);
    JsonObject second = ok("/v1/campaigns/" + campaignId + "/deliveries?status=sent&limit=10&after="
        + first.getString("next"));
    assertThat(second.getJsonArray("deliveries")).hasSize(3);
    assertThat(second.containsKey("next")).isFalse();

    SignedClient.Reply bad = client.get("/v1/campaigns/" + campaignId + "/deliveries?status=lost");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getJsonObject("error").getString("field")).isEqualTo("status");
    assertThat(client.get("/v1/campaigns/c_none/report").status()).isEqualTo(404);
    assertThat(client.get("/v1/campaigns/c_none/deliveries").status()).isEqualTo(404);
  }

  private static JsonObject ok(String path) {
    SignedClient.Reply reply = client.get(path);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static Map<String, AttributeValue> delivery(int i) {
    return events.delivery(i);
  }

  private static JsonObject mail(int i) {
    return events.mail(i);
  }

  private static JsonObject event(int i, String type) {
    return events.event(i, type);
  }

  private static JsonObject click(int i, String link) {
    return events.click(i, link);
  }

  private static JsonObject bounce(int i, String type) {
    return events.bounce(i, type);
  }

  private static JsonObject complaint(int i) {
    return events.complaint(i);
  }

  private static void publish(JsonObject sesEvent) {
    events.publish(sesEvent);
  }
}
