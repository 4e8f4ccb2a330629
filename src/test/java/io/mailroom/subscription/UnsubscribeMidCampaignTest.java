package io.mailroom.subscription;

import io.mailroom.Mailroom;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SesFaultProxy;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race the Sender's send-time check closes: customers click one-click unsubscribe while their
 * campaign is sending (SES slowed to 400 ms a call, one Sender). Nobody gets an email after their
 * click returned; those not sent yet are recorded as suppressed, and counted.
 */
@ExtendWith(VertxExtension.class)
class UnsubscribeMidCampaignTest {
  private static final int CUSTOMERS = 150;
  private static final int CLICKERS = 50;
  private static final long SES_DELAY_MILLIS = 400;

  @Test
  void nobodyGetsAnEmailAfterTheirClick(Vertx vertx) throws Exception {
    SesEmulator ses = LocalServices.ses();
    try (SesFaultProxy slowSes = new SesFaultProxy(ses.endpoint(), 0.0, Set.of(), SES_DELAY_MILLIS)) {
      try (TestNode test = TestNode.named("midcampaign")
          .publicPort()
          .config(json -> {
            json.getJsonObject("ses").put("endpoint", slowSes.endpoint());
            json.getJsonObject("sender").put("instances", 1).put("maxInFlight", 10);
          })
          .customers(CUSTOMERS, UnsubscribeMidCampaignTest::email)
          .start(vertx)) {
        Mailroom node = test.mailroom();
        int port = test.port();
        SignedClient client = test.client();
        UnsubscribeToken tokens = test.tokens();
        ses.clear();

        String campaignId = test.startCampaign();
        Map<String, Long> clickedAt = new HashMap<>();
        for (int i = CUSTOMERS - CLICKERS; i < CUSTOMERS; i++) {
          String url = "http://127.0.0.1:" + port + "/u/" + tokens.seal(email(i), campaignId, Instant.now());
          SignedClient.Reply click = client.send(HttpRequest.newBuilder(URI.create(url))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
          assertThat(click.status()).isEqualTo(200);
          clickedAt.put(email(i), System.currentTimeMillis());
        }
        JsonObject done = test.awaitFinished(campaignId);
        assertThat(done.getString("status")).isEqualTo("completed");

        Map<String, Long> receivedAt = new HashMap<>();
        JsonArray emails = ses.emails();
        for (int i = 0; i < emails.size(); i++) {
          JsonObject email = emails.getJsonObject(i);
          String to = email.getJsonObject("destination").getJsonArray("to").getString(0);
          assertThat(receivedAt.put(to, email.getLong("at") * 1000)).as("a second email to %s", to).isNull();
        }
        int suppressed = 0;
        int skipped = 0;
        for (Map.Entry<String, Long> click : clickedAt.entrySet()) {
          Long at = receivedAt.get(click.getKey());
          Map<String, AttributeValue> delivery = delivery(node, campaignId, click.getKey());
          if (delivery.isEmpty()) { // clicked before the audience scan reached them: never queued
            assertThat(at).isNull();
            skipped++;
          } else if (at == null) {
            assertThat(delivery.get("Status").s()).isEqualTo("SUPPRESSED");
            assertThat(delivery.get("ErrorCode").s()).isEqualTo("Unsubscribed");
            suppressed++;
          } else {
            assertThat(delivery.get("Status").s()).isEqualTo("SENT");
            // the attempt's consent check comes after its claim: an attempt claimed after the click
            // returned saw the suppression, so an email that went out was claimed before it
            assertThat(Long.parseLong(delivery.get("ClaimedAt").n())).as("claim of the email to %s", click.getKey())
                .isLessThan(click.getValue());
          }
        }
        JsonObject counts = done.getJsonObject("counts");
        System.out.printf("mid-campaign unsubscribes: %d clicked, %d suppressed at send time, %d skipped by the scan,"
            + " %d sent before the click%n", CLICKERS, suppressed, skipped, CLICKERS - suppressed - skipped);
        // how many clicks came mid-campaign depends on the machine's speed; that some did keeps the test from being vacuous
        assertThat(suppressed).as("clicks made while the campaign was sending, stopped at send time").isPositive();
        assertThat(counts.getLong("suppressed")).isEqualTo(suppressed);
        assertThat(counts.getLong("skipped")).isEqualTo(skipped);
        assertThat(counts.getLong("sent")).isEqualTo(CUSTOMERS - suppressed - skipped).isEqualTo(receivedAt.size());
      }
    }
  }

  private static String email(int i) {
    return String.format("mid%03d@midcampaign.test", i);
  }

  private static Map<String, AttributeValue> delivery(Mailroom node, String campaignId, String email) throws Exception {
    return node.aws().dynamo().getItem(b -> b.tableName(node.tables().deliveries()).consistentRead(true)
        .key(Map.of("CampaignId", AttributeValue.fromS(campaignId), "Email", AttributeValue.fromS(email))))
        .get(10, TimeUnit.SECONDS).item();
  }
}
