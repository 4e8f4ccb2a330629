package io.mailroom.results;

import io.mailroom.bus.Channels;
import io.mailroom.campaign.CampaignStatus;
import io.mailroom.testing.Eventually;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reputation guard on a node whose sample is three emails (the bounced and complained addresses of one test are not sent to by the next): a running campaign whose hard-bounce
 * or complaint rate passes its maximum is paused, with the reason on the campaign and in a metric;
 * one under the maximums runs on (the metric is not asserted: test nodes export none). The reason is the
 * campaign's {@code pauseReason}, not its error, and a resume clears it. (Each campaign is sent first, then set running again, so that the
 * events arrive while it runs, as they do for a large campaign.)
 */
@ExtendWith(VertxExtension.class)
class ReputationGuardTest {
  private static TestNode test;
  private static SnsPublisher sns;
  private static final Set<String> announced = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    Channels.CAMPAIGN_CHANGED.localConsumer(vertx.eventBus(), m -> announced.add(m.body().campaignId()));
    sns = new SnsPublisher();
    test = TestNode.named("reputation")
        .config(json -> {
          sns.configure(json.getJsonObject("subscription").getJsonObject("sns"));
          json.put("reputation", new JsonObject().put("minSample", 3).put("maxBounceRate", 0.3)
              .put("maxComplaintRate", 0.1).put("pauseOnProbation", true));
          // no recovery sweep during a test: it would complete the campaign the test set running again
          json.getJsonObject("fetcher").put("resumeSeconds", 3600);
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
    assertThat(announced).as("nothing announced while it runs").doesNotContain(campaignOf(events));
    events.publish(events.bounce(2, "Permanent"));
    JsonObject campaign = paused(events);
    assertThat(campaign.getString("status")).isEqualTo("paused");
    assertThat(campaign.getString("pauseReason")).startsWith("bounce_rate:");
    assertThat(campaign.containsKey("error")).as("the pause reason is not an error").isFalse();
    assertThat(announced).as("the pause is announced to every node's Senders").contains(campaignOf(events));
  }

  @Test
  void oneComplaintInFiveIsOverTheComplaintMaximum() throws Exception {
    TaggedEvents events = running();
    events.publish(events.complaint(3));
    JsonObject campaign = paused(events);
    assertThat(campaign.getString("status")).isEqualTo("paused");
    assertThat(campaign.getString("pauseReason")).startsWith("complaint_rate:");
    JsonObject resumed = test.client().post("/v1/campaigns/" + campaignOf(events) + "/resume", "").json();
    assertThat(resumed.getString("status")).isEqualTo("running");
    assertThat(resumed.containsKey("pauseReason")).as("a resume clears the pause reason").isFalse();
  }

  private static String campaignOf(TaggedEvents events) {
    return events.campaignId();
  }

  private static String status(TaggedEvents events) {
    return campaign(events).getString("status");
  }

  /** The guard checks after the event was answered: its pause is awaited. */
  private static JsonObject paused(TaggedEvents events) throws Exception {
    return Eventually.until("the campaign is paused", 60_000, () -> campaign(events),
        c -> "paused".equals(c.getString("status")));
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
