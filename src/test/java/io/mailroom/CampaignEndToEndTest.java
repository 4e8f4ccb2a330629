package io.mailroom;

import io.mailroom.local.DemoData;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
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

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One campaign through every real component: dynalite (DynamoDB), ElasticMQ, the SES emulator and the
 * node's own HTTP API. 200 demo customers in, exactly the consenting ones out, once each.
 */
@ExtendWith(VertxExtension.class)
class CampaignEndToEndTest {
  private static final int CUSTOMERS = 200;
  private static TestNode node;
  private static SignedClient client;
  private static SesEmulator ses;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    node = TestNode.named("e2e")
        .seed(mailroom -> DemoData.seed(TestNode.users(mailroom), mailroom.templates(), CUSTOMERS))
        .start(vertx);
    client = node.client();
    ses = LocalServices.ses();
    ses.clear();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void theNodeIsReadyWhenDynamoSqsAndSesAnswer() {
    SignedClient management = node.management();
    SignedClient.Reply ready = management.send(management.unsigned("/health/ready").GET().build());
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getJsonObject("checks").getMap())
        .containsEntry("dynamodb", "up").containsEntry("sqs", "up").containsEntry("ses", "up");
  }

  @Test
  void everyConsentingCustomerGetsExactlyOnePersonalisedEmail() {
    String id = node.startCampaign("{\"templateId\":\"" + DemoData.TEMPLATE_ID + "\"}");

    JsonObject finished = node.awaitFinished(id);
    assertThat(finished.getString("status")).isEqualTo("completed");
    JsonObject counts = finished.getJsonObject("counts");
    int consenting = DemoData.consenting(CUSTOMERS);
    assertThat(counts.getLong("sent")).isEqualTo(consenting);
    assertThat(counts.getLong("failed")).isZero();
    assertThat(counts.getLong("skipped")).isEqualTo(CUSTOMERS - consenting);

    JsonArray emails = ses.emails();
    Map<String, JsonObject> byRecipient = new HashMap<>();
    for (int i = 0; i < emails.size(); i++) {
      JsonObject email = emails.getJsonObject(i);
      List<Object> to = email.getJsonObject("destination").getJsonArray("to").getList();
      assertThat(to).hasSize(1);
      assertThat(byRecipient.put((String) to.get(0), email)).as("a second email to %s", to.get(0)).isNull();
    }
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      if (DemoData.consents(i)) {
        expected.add(DemoData.email(i));
      }
    }
    assertThat(byRecipient.keySet()).isEqualTo(expected);

    List<String> images = DemoData.template().imageUrls();
    Map<String, String> names = new HashMap<>();
    DemoData.customers(CUSTOMERS).forEach(item -> names.put(item.get("Email").s(), item.get("Name").s()));
    for (Map.Entry<String, JsonObject> entry : byRecipient.entrySet()) {
      JsonObject email = entry.getValue();
      String name = names.get(entry.getKey());
      assertThat(email.getString("from")).isEqualTo(node.mailroom().config().ses().fromAddress());
      assertThat(email.getString("subject")).isEqualTo(name + ", our autumn collection is here: 20% off until Sunday");
      String html = email.getJsonObject("body").getString("html");
      assertThat(html).hasSizeGreaterThan(90_000);
      assertThat(html).contains("You receive this email because you subscribed to news from Mailroom Fashion with "
          + entry.getKey());
      assertThat(html).contains(images.toArray(String[]::new));
      assertThat(email.getJsonObject("body").getString("text")).contains("Hello");
      if (name.equals(DemoData.SCRIPT_NAME)) {
        assertThat(html).contains("Hello &lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;,")
            .doesNotContain("<script>");
      } else {
        assertThat(html).contains("Hello " + name + ",");
      }
    }
  }
}
