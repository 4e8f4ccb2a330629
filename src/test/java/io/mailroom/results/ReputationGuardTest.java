package io.mailroom.results;

import io.mailroom.campaign.CampaignStatus;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SnsPublisher;
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
 * The reputation guard on a node whose sample is five emails: a running campaign whose hard-bounce
 * or complaint rate passes its maximum is paused, with the reason on the campaign and in a metric;
 * one under the maximums runs on. (Each campaign is sent first, then set running again, so that the
 * events arrive while it runs, as they do for a large campaign.)
 */
@ExtendWith(VertxExtension.class)
class ReputationGuardTest {
  private static TestNode test;
  private static SnsPublisher sns;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    sns = new SnsPublisher();
    test = TestNode.named("reputation")
        .config(json -> {
          sns.configure(json.getJsonObject("subscription").getJsonObject("sns"));
          json.put("reputation", new JsonObject().put("minSample", 5).put("maxBounceRate", 0.3)
              .put("maxComplaintRate", 0.1).put("pauseOnProbation", true));
        })
        .customers(5, ReputationGuardTest::email)
        .start(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
    sns.close();
  }

  static String email(int i) {
    return String.format("g%03d@reputation.test", i);
  }

  @Test
  void aBounceRateOverTheMaximumPausesTheCampaignWithItsReason() throws Exception {
    TaggedEvents events = running();
    events.publish(events.bounce(0, "Permanent"));
    assertThat(status(events)).isEqualTo("running");
    events.publish(events.bounce(1, "Transient"));
    assertThat(status(events)).isEqualTo("running");
    events.publish(events.bounce(2, "Permanent"));
    JsonObject campaign = campaign(events);
    assertThat(campaign.getString("status")).isEqualTo("paused");
    assertThat(campaign.getString("error")).startsWith("bounce_rate:");
    SignedClient management = test.management();
    String metrics = management.send(management.unsigned("/metrics").GET().build()).body();
    assertThat(metrics).contains("mailroom_campaigns_paused_total{reason=\"bounce_rate\"");
  }

  @Test
  void oneComplaintInFiveIsOverTheComplaintMaximum() throws Exception {
    TaggedEvents events = running();
    events.publish(events.complaint(3));
    JsonObject campaign = campaign(events);
    assertThat(campaign.getString("status")).isEqualTo("paused");
    assertThat(campaign.getString("error")).startsWith("complaint_rate:");
  }

  private static String campaignOf(TaggedEvents events) {
    return events.campaignId();
  }

  private static String status(TaggedEvents events) {
    return campaign(events).getString("status");
  }

  private static JsonObject campaign(TaggedEvents events) {
    SignedClient.Reply reply = test.client().get("/v1/campaigns/" + campaignOf(events));
    assertThat(reply.status()).isEqualTo(200);
    return reply.json();
  }

  /** A campaign sent to all five, set running again. */
  private static TaggedEvents running() throws Exception {
    String id = test.startCampaign();
    assertThat(test.awaitFinished(id).getString("status")).isEqualTo("completed");
    assertThat(test.mailroom().campaigns().transition(id, List.of(CampaignStatus.COMPLETED), CampaignStatus.RUNNING,
        null, System.currentTimeMillis()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isPresent();
    return new TaggedEvents(test, sns, id, ReputationGuardTest::email);
  }
}
