package io.mailroom.results;

import io.mailroom.campaign.CampaignStatus;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SesIdentityProxy;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SES's EnforcementStatus, answered by a loopback wrapper of the SES emulator, as a node whose quota
 * watch reads GetAccount every second sees it: PROBATION pauses the running campaign once (a campaign
 * the operator resumes stays running through the polls that follow), SHUTDOWN pauses it again and
 * makes the node not ready, HEALTHY makes it ready again.
 */
@ExtendWith(VertxExtension.class)
class EnforcementTest {
  private static SesIdentityProxy ses;
  private static TestNode test;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    ses = new SesIdentityProxy(LocalServices.ses().endpoint());
    ses.account(account("HEALTHY"));
    test = TestNode.named("enforcement")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", ses.endpoint());
          json.getJsonObject("limiter").put("refreshSeconds", 1);
          // no recovery sweep completes the campaign this test sets running again
          json.getJsonObject("fetcher").put("resumeSeconds", 3600);
        })
        .customers(2, i -> "e" + i + "@enforcement.test")
        .start(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
    ses.close();
  }

  @Test
  void aStatusOtherThanHealthyPausesOncePerChangeAndShutdownIsNotReady() throws Exception {
    Eventually.until("readiness showing HEALTHY", 30_000, EnforcementTest::ready,
        r -> "HEALTHY".equals(r.getJsonObject("checks").getString("sesEnforcement")));
    String id = running();

    ses.account(account("PROBATION"));
    JsonObject paused = pausedWith(id, "ses_probation");
    assertThat(paused.containsKey("error")).isFalse();
    // readiness answers from its last round of checks for a second: wait for a round after the change
    JsonObject probation = Eventually.until("readiness showing PROBATION", 30_000, EnforcementTest::ready,
        r -> "PROBATION".equals(r.getJsonObject("checks").getString("sesEnforcement")));
    assertThat(probation.getString("status")).isEqualTo("ready");

    assertThat(test.client().post("/v1/campaigns/" + id + "/resume", "{}").status()).isEqualTo(200);
    int seen = ses.accountCalls.get();
    Eventually.until("two more polls of GetAccount", 30_000, ses.accountCalls::get, calls -> calls >= seen + 2);
    assertThat(campaign(id).getString("status")).as("the same status pauses no campaign again").isEqualTo("running");

    ses.account(account("SHUTDOWN"));
    pausedWith(id, "ses_shutdown");
    JsonObject shutdown = Eventually.until("not ready", 30_000, EnforcementTest::ready,
        r -> "not_ready".equals(r.getString("status")));
    assertThat(shutdown.getJsonObject("checks").getString("sesEnforcement")).isEqualTo("SHUTDOWN");

    ses.account(account("HEALTHY"));
    Eventually.until("ready again", 30_000, EnforcementTest::ready, r -> "ready".equals(r.getString("status")));
  }

  private static JsonObject account(String status) {
    return new JsonObject(SesEmulator.ACCOUNT).put("EnforcementStatus", status);
  }

  private static JsonObject ready() {
    SignedClient.Reply reply = test.management().get("/health/ready");
    assertThat(reply.status()).isIn(200, 503);
    return reply.json();
  }

  private static JsonObject pausedWith(String id, String reason) throws Exception {
    JsonObject campaign = Eventually.until("the campaign paused for " + reason, 30_000, () -> campaign(id),
        c -> "paused".equals(c.getString("status")));
    assertThat(campaign.getString("pauseReason")).isEqualTo(reason);
    return campaign;
  }

  private static JsonObject campaign(String id) {
    return test.client().get("/v1/campaigns/" + id).json();
  }

  /** A campaign sent to both customers, set running again (as a long one would still be). */
  private static String running() throws Exception {
    String id = test.startCampaign();
    assertThat(test.awaitFinished(id).getString("status")).isEqualTo("completed");
    assertThat(test.mailroom().campaigns().transition(id, List.of(CampaignStatus.COMPLETED), CampaignStatus.RUNNING,
        null, System.currentTimeMillis()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isPresent();
    return id;
  }
}
