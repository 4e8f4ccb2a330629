package io.mailroom;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.campaign.Scheduler;
import io.mailroom.config.MailroomConfig;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scheduled campaigns on real nodes sharing one set of tables and one queue: a campaign set 5 s
 * ahead starts once, on one of two nodes, not before its time; one whose time passed while no node
 * ran starts once when a node comes up; one cancelled before its time never starts. Each test
 * prints how late the campaign started (measured, not asserted beyond a bound for a stuck system).
 */
@ExtendWith(VertxExtension.class)
class ScheduleTest {
  private static final int CUSTOMERS = 12;
  /** Far beyond any normal lateness (about a second): only a stuck scheduler takes this long. */
  private static final long STUCK_MILLIS = 60_000;
  private final ListAppender<ILoggingEvent> starts = new ListAppender<>();
  private final List<TestNode> nodes = new ArrayList<>();
  private final List<Vertx> ownVertx = new ArrayList<>();
  private SesEmulator ses;

  @BeforeEach
  void capture() {
    starts.start();
    ((Logger) LoggerFactory.getLogger(Scheduler.class)).addAppender(starts);
    ses = LocalServices.ses();
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(Scheduler.class)).detachAppender(starts);
    for (TestNode node : nodes) {
      node.close();
    }
    for (Vertx vertx : ownVertx) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCampaignScheduled5sAheadStartsOnceOnOneOfTwoNodesNotBeforeItsTime(Vertx vertx) throws Exception {
    String prefix = LocalServices.uniquePrefix("schedule2");
    TestNode first = node(vertx, prefix, "two", true);
    TestNode second = node(otherVertx(), prefix, "two", false);
    long sendAt = System.currentTimeMillis() + 5_000;
    JsonObject accepted = schedule(first, sendAt);
    String id = accepted.getString("campaignId");
    assertThat(accepted.getString("status")).isEqualTo("scheduled");
    assertThat(Instant.parse(accepted.getString("sendAt")).toEpochMilli()).isEqualTo(sendAt);

    JsonObject early = second.client().get("/v1/campaigns/" + id).json();
    assertThat(System.currentTimeMillis() < sendAt && !"scheduled".equals(early.getString("status")))
        .as("started before its time: %s", early).isFalse();
    JsonObject done = awaitCompleted(second, id);
    assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(CUSTOMERS);
    assertOneEmailEachNotBefore("two", sendAt);
    assertStartedOnce(first, id, sendAt, "on one of two nodes");
  }

  @Test
  void aCampaignWhoseTimePassedWhileNoNodeRanStartsOnceWhenANodeComesUp(Vertx vertx) throws Exception {
    String prefix = LocalServices.uniquePrefix("scheduledown");
    TestNode before = node(vertx, prefix, "down", true);
    long sendAt = System.currentTimeMillis() + 2_000;
    String id = schedule(before, sendAt).getString("campaignId");
    nodes.remove(before);
    before.close();
    Eventually.until("the campaign's time passing with no node up", 10_000, System::currentTimeMillis,
        now -> now > sendAt + 1_000);

    assertThat(storedItem(prefix, id)).as("nobody started it while every node was down")
        .containsEntry("Status", AttributeValue.fromS("SCHEDULED")).doesNotContainKey("StartedAt");

    TestNode after = node(otherVertx(), prefix, "down", false);
    JsonObject done = awaitCompleted(after, id);
    assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(CUSTOMERS);
    assertOneEmailEachNotBefore("down", sendAt);
    assertStartedOnce(after, id, sendAt, "by the node that came up");
  }

  @Test
  void aCampaignCancelledBeforeItsTimeNeverStarts(Vertx vertx) throws Exception {
    TestNode node = node(vertx, LocalServices.uniquePrefix("schedulecancel"), "cancel", true);
    long sendAt = System.currentTimeMillis() + 3_000;
    String cancelled = schedule(node, sendAt).getString("campaignId");
    JsonObject reply = node.client().post("/v1/campaigns/" + cancelled + "/cancel", "{}").json();
    assertThat(reply.getString("status")).isEqualTo("cancelled");
    // A witness due just after the cancelled one: once it has sent, the scheduler has passed the cancelled one's time.
    String witness = schedule(node, sendAt + 500).getString("campaignId");
    awaitCompleted(node, witness);

    assertOneEmailEachNotBefore("cancel", sendAt);
    JsonObject after = node.client().get("/v1/campaigns/" + cancelled).json();
    assertThat(after.getString("status")).isEqualTo("cancelled");
    assertThat(after.getJsonObject("counts").getLong("queued")).isZero();
    assertThat(startLines(cancelled)).as("the scheduler never started the cancelled campaign").isZero();
    assertThat(item(node, cancelled)).doesNotContainKeys("StartedAt", "ScheduledShard");
  }

  /** A node on the tables and queue named by {@code prefix}; the first one also loads the customers. */
  private TestNode node(Vertx vertx, String prefix, String domain, boolean seed) throws Exception {
    TestNode.Builder builder = TestNode.named("schedule").config(json -> {
      json.getJsonObject("dynamodb").put("tablePrefix", prefix);
      json.getJsonObject("sqs").put("queueName", prefix + "send").put("deadLetterQueueName", prefix + "send-dlq");
    });
    if (seed) {
      builder.customers(CUSTOMERS, i -> "c" + i + "@" + domain + ".schedule.example.com");
    }
    TestNode node = builder.start(vertx);
    nodes.add(node);
    return node;
  }

  private Vertx otherVertx() {
    Vertx vertx = Vertx.vertx();
    ownVertx.add(vertx);
    return vertx;
  }

  /** Schedules a campaign of the test template for {@code sendAt}, written in Tokyo time. */
  static JsonObject schedule(TestNode node, long sendAt) {
    String at = Instant.ofEpochMilli(sendAt).atOffset(ZoneOffset.ofHours(9)).toString();
    var reply = node.client().post("/v1/campaigns",
        new JsonObject().put("templateId", TestNode.TEMPLATE_ID).put("sendAt", at).encode());
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    return reply.json();
  }

  private static JsonObject awaitCompleted(TestNode node, String id) throws Exception {
    return Eventually.until("campaign " + id + " completing", 180_000,
        () -> node.client().get("/v1/campaigns/" + id).json(), status -> "completed".equals(status.getString("status")));
  }

  /** Every customer of {@code domain} got exactly one email, none of them before {@code sendAt}. */
  private void assertOneEmailEachNotBefore(String domain, long sendAt) {
    JsonArray emails = ses.emails();
    Map<String, Integer> perCustomer = new HashMap<>();
    long first = Long.MAX_VALUE;
    for (int i = 0; i < emails.size(); i++) {
      JsonObject email = emails.getJsonObject(i);
      String to = email.getJsonObject("destination").getJsonArray("to").getString(0);
      if (to.endsWith("@" + domain + ".schedule.example.com")) {
        perCustomer.merge(to, 1, Integer::sum);
        first = Math.min(first, email.getLong("atMillis"));
      }
    }
    assertThat(perCustomer).hasSize(CUSTOMERS).allSatisfy((to, count) -> assertThat(count).as(to).isEqualTo(1));
    assertThat(first).as("the first email's arrival, against sendAt %d", sendAt).isGreaterThanOrEqualTo(sendAt);
    System.out.printf("ScheduleTest [%s]: first email %d ms after sendAt%n", domain, first - sendAt);
  }

  /** One start logged by one scheduler, at or after {@code sendAt}, recorded on the campaign with its node. */
  private void assertStartedOnce(TestNode node, String id, long sendAt, String where) {
    assertThat(startLines(id)).as("start lines for %s %s", id, where).isEqualTo(1);
    Map<String, AttributeValue> item = item(node, id);
    long startedAt = Long.parseLong(item.get("StartedAt").n());
    assertThat(startedAt).isGreaterThanOrEqualTo(sendAt).isLessThan(sendAt + STUCK_MILLIS);
    assertThat(item.get("StartedBy").s()).isNotEmpty();
    assertThat(item).doesNotContainKey("ScheduledShard");
    System.out.printf("ScheduleTest: campaign started %d ms after its sendAt (%s)%n", startedAt - sendAt, where);
  }

  private long startLines(String id) {
    return starts.list.stream().filter(e -> e.getFormattedMessage().startsWith("scheduled campaign " + id + " started"))
        .count();
  }

  private static Map<String, AttributeValue> item(TestNode node, String id) {
    return item(node.mailroom().aws().dynamo(), node.mailroom().tables().campaigns(), id);
  }

  /** The campaign's item read with a client of its own, while no node runs. */
  private static Map<String, AttributeValue> storedItem(String prefix, String id) throws Exception {
    MailroomConfig config = LocalServices.config(prefix);
    try (AwsClients aws = new AwsClients(config.aws(), config.dynamodb().endpoint(), config.sqs().endpoint(), "",
        "us-east-1", 5000)) {
      return item(aws.dynamo(), Tables.withPrefix(prefix).campaigns(), id);
    }
  }

  private static Map<String, AttributeValue> item(DynamoDbAsyncClient dynamo, String table, String id) {
    try {
      return dynamo.getItem(b -> b.tableName(table).consistentRead(true)
          .key(Map.of("CampaignId", AttributeValue.fromS(id)))).get(10, TimeUnit.SECONDS).item();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
