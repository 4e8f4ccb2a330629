package io.mailroom.results;

import io.mailroom.Mailroom;
import io.mailroom.campaign.CampaignStatus;
import io.mailroom.testing.DynamoFaultProxy;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SesIdentityProxy;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SES enforcement status as the nodes act on it together, over the SES emulator (GetAccount
 * answered by its loopback wrapper) and dynalite: a node that starts while the status is still
 * PROBATION leaves alone a campaign the operator resumed, and a pause that failed is carried out at
 * a later poll.
 */
@ExtendWith(VertxExtension.class)
class EnforcementActedTest {

  @Test
  void aNodeStartedDuringProbationLeavesAResumedCampaignRunning(Vertx vertx) throws Exception {
    try (SesIdentityProxy ses = new SesIdentityProxy(LocalServices.ses().endpoint());
         SesIdentityProxy laterSes = new SesIdentityProxy(LocalServices.ses().endpoint())) {
      ses.account(account("HEALTHY"));
      // one email a second to 300 customers: the campaign is still sending when the test ends
      try (TestNode first = node("acted-first", ses, json -> json.getJsonObject("limiter").put("maxRate", 1))
          .customers(300, i -> "a" + i + "@acted.test").start(vertx)) {
        String id = first.startCampaign();
        awaitRunning(first, id);
        ses.account(account("PROBATION"));
        pausedWith(first, id, "ses_probation");
        assertThat(first.client().post("/v1/campaigns/" + id + "/resume", "{}").status()).isEqualTo(200);
        awaitRunning(first, id);

        // the second node reads GetAccount through a wrapper of its own, which counts its polls alone
        laterSes.account(account("PROBATION"));
        Mailroom one = first.mailroom();
        try (TestNode second = node("acted-second", laterSes, json -> {
          json.getJsonObject("limiter").put("maxRate", 1);
          json.getJsonObject("dynamodb").put("tablePrefix", one.config().dynamodb().tablePrefix());
          json.getJsonObject("sqs").put("queueName", one.config().sqs().queueName())
              .put("deadLetterQueueName", one.config().sqs().deadLetterQueueName());
        }).start(vertx)) {
          Eventually.until("the second node's first reading and three polls after it", 30_000,
              laterSes.accountCalls::get, calls -> calls >= 4);
          assertThat(campaign(first, id).getString("status")).as("a resumed campaign stays running").isEqualTo("running");

          laterSes.account(account("SHUTDOWN"));
          ses.account(account("SHUTDOWN"));
          pausedWith(second, id, "ses_shutdown");
        }
      }
    }
  }

  @Test
  void aPauseThatFailedIsCarriedOutAtALaterPoll(Vertx vertx) throws Exception {
    try (SesIdentityProxy ses = new SesIdentityProxy(LocalServices.ses().endpoint());
         DynamoFaultProxy dynamo = new DynamoFaultProxy(LocalServices.dynamo().endpoint())) {
      ses.account(account("HEALTHY"));
      try (TestNode node = node("acted-retry", ses, json -> json.getJsonObject("dynamodb")
          .put("endpoint", dynamo.endpoint())).customers(2, i -> "r" + i + "@acted.test").start(vertx)) {
        String id = running(node);
        // the pause's own read of the campaigns to pause: the queued, running and quota_exhausted ones
        String table = node.mailroom().tables().campaigns();
        dynamo.fail("Scan", body -> body.getString("TableName", "").equals(table) && List.of("\"QUEUED\"",
            "\"RUNNING\"", "\"QUOTA_EXHAUSTED\"").stream().allMatch(body.encode()::contains), 1);
        ses.account(account("PROBATION"));
        pausedWith(node, id, "ses_probation");
        assertThat(dynamo.failed.get()).as("the first pause failed").isEqualTo(1);
      }
    }
  }

  /** A node that reads GetAccount through {@code ses} every second and sweeps for campaigns to resume only hourly. */
  private static TestNode.Builder node(String name, SesIdentityProxy ses, Consumer<JsonObject> more) {
    return TestNode.named(name).config(json -> {
      json.getJsonObject("ses").put("endpoint", ses.endpoint());
      json.getJsonObject("limiter").put("refreshSeconds", 1);
      // no recovery sweep completes the campaign this test sets running again
      json.getJsonObject("fetcher").put("resumeSeconds", 3600);
      more.accept(json);
    });
  }

  private static JsonObject account(String status) {
    return new JsonObject(SesEmulator.ACCOUNT).put("EnforcementStatus", status);
  }

  private static void pausedWith(TestNode node, String id, String reason) throws Exception {
    JsonObject campaign = Eventually.until("the campaign paused for " + reason, 30_000, () -> campaign(node, id),
        c -> "paused".equals(c.getString("status")));
    assertThat(campaign.getString("pauseReason")).isEqualTo(reason);
  }

  private static void awaitRunning(TestNode node, String id) throws Exception {
    Eventually.until("the campaign running", 30_000, () -> campaign(node, id), c -> "running".equals(c.getString("status")));
  }

  private static JsonObject campaign(TestNode node, String id) {
    return node.client().get("/v1/campaigns/" + id).json();
  }

  /** A campaign sent to both customers, set running again (as a long one would still be). */
  private static String running(TestNode node) throws Exception {
    String id = node.startCampaign();
    assertThat(node.awaitFinished(id).getString("status")).isEqualTo("completed");
    assertThat(node.mailroom().campaigns().transition(id, List.of(CampaignStatus.COMPLETED), CampaignStatus.RUNNING,
        null, System.currentTimeMillis()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isPresent();
    return id;
  }
}
