package io.mailroom.results;

import io.mailroom.testing.DynamoFaultProxy;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesFaultProxy;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resends that DynamoDB errors (ones that outlive the SDK's retries) interrupt. One whose parked
 * deliveries cannot be put back on the queue at first: the read of the parked deliveries fails
 * once, then the write that marks them queued fails once; the campaign keeps running and the
 * recovery sweep queues them again. One that stops after it parked the deliveries, before the
 * campaign runs again; the sweep runs it. Either way every customer gets the campaign's email once.
 */
@ExtendWith(VertxExtension.class)
class ResendRequeueFaultTest {
  private static final int CUSTOMERS = 6;
  private static SesFaultProxy ses;
  private static DynamoFaultProxy dynamo;
  private static TestNode test;
  /** Emails SES accepted, per campaign and recipient. */
  private static final Map<String, AtomicInteger> ACCEPTED = new ConcurrentHashMap<>();

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    ses = new SesFaultProxy(LocalServices.ses().endpoint(), 0, Set.of(), 0)
        .onAccepted(a -> ACCEPTED.computeIfAbsent(a.tags().get("campaign") + " " + a.to(), k -> new AtomicInteger())
            .incrementAndGet());
    dynamo = new DynamoFaultProxy(LocalServices.dynamo().endpoint());
    test = TestNode.named("resendfault")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", ses.endpoint());
          json.getJsonObject("dynamodb").put("endpoint", dynamo.endpoint());
          json.getJsonObject("sender").put("retryBaseMillis", 10).put("maxAttempts", 2);
          json.getJsonObject("fetcher").put("leaseSeconds", 2).put("resumeSeconds", 1).put("staleSeconds", 3);
        })
        .customers(CUSTOMERS, ResendRequeueFaultTest::email)
        .start(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
    dynamo.close();
    ses.close();
  }

  static String email(int i) {
    return String.format("x%03d@resendfault.test", i);
  }

  @Test
  void parkedDeliveriesThatCouldNotBeQueuedAreQueuedByTheSweep() {
    String id = completedWithFailures();
    int faults = dynamo.failed.get();
    dynamo.fail("Query", query -> query.encode().contains("\"PARKED\""), 1);
    dynamo.fail("UpdateItem", update -> update.getString("UpdateExpression", "").startsWith("REMOVE ParkedWaiting"), 1);
    SignedClient.Reply resent = resend(id);
    assertThat(resent.status()).as(resent.body()).isEqualTo(202);
    assertThat(resent.json().getLong("queued")).isEqualTo(3);

    JsonObject done = test.awaitFinished(id);
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
    assertThat(dynamo.failed.get() - faults).as("both faults were met").isEqualTo(2);
    assertEveryoneGotOne(id, done);
  }

  @Test
  void aResendThatStoppedBeforeTheCampaignRanIsRunByTheSweep() throws Exception {
    String id = completedWithFailures();
    int faults = dynamo.failed.get();
    dynamo.fail("UpdateItem", update -> update.getString("UpdateExpression", "").contains("ParkedWaiting = :true")
        && update.encode().contains("\"COMPLETED\""), 1);
    SignedClient.Reply resent = resend(id);
    assertThat(resent.status()).as(resent.body()).isEqualTo(500);
    assertThat(dynamo.failed.get() - faults).as("the switch to running failed").isEqualTo(1);

    JsonObject done = Eventually.until("the parked deliveries sent", 120_000, () -> status(id),
        c -> c.getJsonObject("counts").getLong("sent") == CUSTOMERS && c.getString("status").equals("completed"));
    assertEveryoneGotOne(id, done);
  }

  /** A campaign to every customer that completed with three transient failures, which SES then stops giving. */
  private static String completedWithFailures() {
    ses.failing.addAll(List.of(email(0), email(2), email(4)));
    String id = test.startCampaign();
    JsonObject first = test.awaitFinished(id);
    assertThat(first.getString("status")).isEqualTo("completed");
    assertThat(first.getJsonObject("counts").getLong("failed")).isEqualTo(3);
    ses.failing.clear();
    return id;
  }

  private static void assertEveryoneGotOne(String id, JsonObject done) {
    JsonObject counts = done.getJsonObject("counts");
    assertThat(counts.getLong("sent")).as(done.encode()).isEqualTo(CUSTOMERS);
    assertThat(counts.getLong("failed")).isZero();
    assertThat(counts.getLong("pending")).isZero();
    for (int i = 0; i < CUSTOMERS; i++) {
      assertThat(ACCEPTED.get(id + " " + email(i))).as("emails to " + email(i)).hasValue(1);
    }
  }

  private static JsonObject status(String id) {
    SignedClient.Reply reply = test.client().get("/v1/campaigns/" + id);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static SignedClient.Reply resend(String id) {
    return test.client().post("/v1/campaigns/" + id + "/resend", "{\"status\": [\"failed\"]}");
  }
}
