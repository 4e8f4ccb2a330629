package io.mailroom.send;

import io.mailroom.Mailroom;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SendEvents;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SesFaultProxy;
import io.mailroom.testing.SnsPublisher;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slow SES: the emulator accepts every email, but for a share of them its answer comes after
 * the client's 1-second deadline, so the node cannot know whether SES has the email. Sending it
 * again would send it twice; writing it off would lose it. With a configuration set, SES's Send
 * events settle each one: nobody gets two, nobody is left without. Without one, the email is
 * recorded failed ({@code AmbiguousSend}) with its reason, never sent again.
 */
@ExtendWith(VertxExtension.class)
class UnansweredSendTest {
  private static final int CUSTOMERS = 120;
  private static SnsPublisher sns;
  private final SesEmulator ses = LocalServices.ses();

  @BeforeAll
  static void startSns() throws Exception {
    sns = new SnsPublisher();
  }

  @AfterAll
  static void stopSns() {
    sns.close();
  }

  private static String email(int i) {
    return String.format("slow%03d@unanswered.test", i);
  }

  private TestNode.Builder node(SesFaultProxy slowSes) {
    return TestNode.named("unanswered")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", slowSes.endpoint()).put("timeoutMillis", 1000);
          json.getJsonObject("sender").put("instances", 2).put("retryBaseMillis", 100);
        })
        .customers(CUSTOMERS, UnansweredSendTest::email);
  }

  @Test
  void sendEventsSettleTheCallsThatGotNoAnswer(Vertx vertx) throws Exception {
    try (SesFaultProxy slowSes = new SesFaultProxy(ses.endpoint(), 0, Set.of(), 0).holdAnswers(0.25, 2500);
         TestNode node = node(slowSes).sesEvents(sns, 3).start(vertx);
         SendEvents events = new SendEvents(sns, node.port())) {
      slowSes.onAccepted(events);
      ses.clear();
      String id = node.startCampaign();
      JsonObject done = node.awaitFinished(id);

      Map<String, Integer> received = ses.perRecipient();
      System.out.printf("slow SES: %d answers held past the deadline, %d Send events, %d of them recorded a delivery%n",
          slowSes.held.get(), events.delivered.get(), events.recorded.get());
      assertThat(slowSes.held.get()).as("calls whose answer came too late").isPositive();
      assertThat(received.values()).as("nobody gets two").allMatch(n -> n == 1);
      assertThat(received).as("nobody is left without").hasSize(CUSTOMERS);
      assertThat(done.getString("status")).isEqualTo("completed");
      assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(CUSTOMERS);
      assertThat(done.getJsonObject("counts").getLong("failed")).isZero();
      List<Map<String, AttributeValue>> confirmed = deliveries(node.mailroom(), id, "ConfirmedBySendEvent");
      assertThat(confirmed).as("the held calls were settled by their Send events").hasSize(events.recorded.get())
          .isNotEmpty()
          .allSatisfy(d -> assertThat(d.get("Status").s()).isEqualTo("SENT"));
    }
  }

  @Test
  void withoutAConfigurationSetAnUnansweredSendIsRecordedFailedNotSentAgain(Vertx vertx) throws Exception {
    try (SesFaultProxy slowSes = new SesFaultProxy(ses.endpoint(), 0, Set.of(), 0).holdAnswers(0.25, 2500);
         TestNode node = node(slowSes).start(vertx)) {
      ses.clear();
      String id = node.startCampaign();
      JsonObject done = node.awaitFinished(id);

      Map<String, Integer> received = ses.perRecipient();
      assertThat(received.values()).as("nobody gets two").allMatch(n -> n == 1);
      assertThat(received).as("the emulator accepted every email").hasSize(CUSTOMERS);
      JsonObject counts = done.getJsonObject("counts");
      assertThat(counts.getLong("failed")).as("the calls with no answer").isEqualTo(slowSes.held.get()).isPositive();
      assertThat(counts.getLong("sent") + counts.getLong("failed")).isEqualTo(CUSTOMERS);
      JsonObject failures = node.client().get("/v1/campaigns/" + id + "/failures?limit=100").json();
      assertThat(failures.getJsonArray("failures")).allSatisfy(f -> {
        assertThat(((JsonObject) f).getString("errorCode")).isEqualTo("AmbiguousSend");
        assertThat(((JsonObject) f).getString("reason")).contains("no answer from SES");
      });
    }
  }

  private static List<Map<String, AttributeValue>> deliveries(Mailroom node, String campaignId, String having)
      throws Exception {
    List<Map<String, AttributeValue>> found = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page = node.aws().dynamo().query(b -> b.tableName(node.tables().deliveries())
          .keyConditionExpression("CampaignId = :c").filterExpression("attribute_exists(" + having + ")")
          .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(campaignId))).exclusiveStartKey(from)
          .consistentRead(true)).get(30, TimeUnit.SECONDS);
      found.addAll(page.items());
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return found;
  }
}
