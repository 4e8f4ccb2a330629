package io.mailroom.results;

import io.mailroom.testing.DynamoFaultProxy;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resend whose parked deliveries cannot be put back on the queue at first: the read of the
 * parked deliveries fails once, then the write that marks them queued fails once (DynamoDB errors
 * that outlive the SDK's retries). The campaign keeps running, the recovery sweep queues them
 * again, and it completes with every customer's email sent once.
 */
@ExtendWith(VertxExtension.class)
class ResendRequeueFaultTest {
  private static final int CUSTOMERS = 6;
  private static SesFaultProxy ses;
  private static DynamoFaultProxy dynamo;
  private static TestNode test;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    ses = new SesFaultProxy(LocalServices.ses().endpoint(), 0, Set.of(), 0);
    ses.failing.addAll(List.of(email(0), email(2), email(4)));
    dynamo = new DynamoFaultProxy(LocalServices.dynamo().endpoint());
    test = TestNode.named("resendfault")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", ses.endpoint());
          json.getJsonObject("dynamodb").put("endpoint", dynamo.endpoint());
          json.getJsonObject("sender").put("retryBaseMillis", 10).put("maxAttempts", 2);
          json.getJsonObject("fetcher").put("leaseSeconds", 2).put("resumeSeconds", 1).put("staleSeconds", 1);
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
    String id = test.startCampaign();
    JsonObject first = test.awaitFinished(id);
    assertThat(first.getString("status")).isEqualTo("completed");
    assertThat(first.getJsonObject("counts").getLong("failed")).isEqualTo(3);

    ses.failing.clear();
    dynamo.fail("Query", query -> query.encode().contains("\"PARKED\""), 1);
    dynamo.fail("UpdateItem", update -> update.getString("UpdateExpression", "").startsWith("REMOVE ParkedWaiting"), 1);
    SignedClient.Reply resent = test.client().post("/v1/campaigns/" + id + "/resend", "{\"status\": [\"failed\"]}");
    assertThat(resent.status()).as(resent.body()).isEqualTo(202);
    assertThat(resent.json().getLong("queued")).isEqualTo(3);

    JsonObject done = test.awaitFinished(id);
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
    assertThat(dynamo.failed.get()).as("both faults were met").isEqualTo(2);
    JsonObject counts = done.getJsonObject("counts");
    assertThat(counts.getLong("sent")).isEqualTo(CUSTOMERS);
    assertThat(counts.getLong("failed")).isZero();
    assertThat(counts.getLong("pending")).isZero();
    Map<String, Integer> received = LocalServices.ses().perRecipient();
    for (int i = 0; i < CUSTOMERS; i++) {
      assertThat(received.get(email(i))).as("emails to " + email(i)).isEqualTo(1);
    }
  }
}
