package io.mailroom;

import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SettableClock;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quiet hours (21:00 to 08:00 in Seoul) on a real node sending to the SES emulator, with the node's
 * clock moved in and out of the window: a scheduled campaign due inside it stays scheduled and
 * starts when the window ends, and a running campaign held mid-way sends nothing more until then
 * and finishes with every customer sent exactly one email.
 */
@ExtendWith(VertxExtension.class)
class QuietHoursSendingTest {
  private static final int CUSTOMERS = 16;
  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
  private static final long DEADLINE_MILLIS = 120_000;
  /** Tomorrow at 22:00 in Seoul: inside the window, which ends the morning after at 08:00. */
  private static final ZonedDateTime NIGHT = ZonedDateTime.of(LocalDate.now(SEOUL).plusDays(1), LocalTime.of(22, 0),
      SEOUL);
  private static final Instant NIGHT_ENDS = NIGHT.plusDays(1).with(LocalTime.of(8, 0)).toInstant();
  private static final SettableClock CLOCK = new SettableClock();
  private static TestNode node;
  private static SignedClient client;
  private static SesEmulator ses;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    node = TestNode.named("quiet")
        .config(json -> {
          json.getJsonObject("compliance").getJsonObject("quietHours").put("enabled", true)
              .put("start", "21:00").put("end", "08:00").put("zone", "Asia/Seoul");
          // slow enough that a campaign is still going when the window begins
          json.getJsonObject("limiter").put("maxRate", 4);
        })
        .clock(CLOCK)
        .customers(CUSTOMERS, i -> "quiet" + i + "@example.com")
        .start(vertx);
    client = node.client();
    ses = LocalServices.ses();
  }

  @BeforeEach
  void daytime() {
    CLOCK.set(NIGHT.with(LocalTime.NOON).toInstant());
    ses.clear();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aCampaignDueInsideTheWindowStaysScheduledAndStartsWhenItEnds() throws Exception {
    CLOCK.set(NIGHT.toInstant());
    long sendAt = System.currentTimeMillis() + 1_500;
    SignedClient.Reply accepted = client.post("/v1/campaigns", "{\"templateId\":\"" + TestNode.TEMPLATE_ID
        + "\",\"sendAt\":\"" + Instant.ofEpochMilli(sendAt) + "\"}");
    assertThat(accepted.status()).isEqualTo(202);
    String id = accepted.json().getString("campaignId");
    assertThat(accepted.json().getString("status")).isEqualTo("scheduled");
    assertThat(accepted.json().getString("heldUntil")).isEqualTo(NIGHT_ENDS.toString());

    // its time passes (and several of the scheduler's 1 s checks with it): still scheduled, nothing sent
    Eventually.until("the campaign's time has passed by 3 s", DEADLINE_MILLIS, () -> {
      JsonObject campaign = campaign(id);
      assertThat(campaign.getString("status")).isEqualTo("scheduled");
      assertThat(campaign.getString("heldUntil")).isEqualTo(NIGHT_ENDS.toString());
      return System.currentTimeMillis();
    }, now -> now > sendAt + 3_000);
    assertThat(ses.recipients()).isEmpty();

    CLOCK.set(NIGHT_ENDS);
    JsonObject done = Eventually.until("the campaign completed", DEADLINE_MILLIS, () -> campaign(id),
        c -> "completed".equals(c.getString("status")));
    assertThat(done.containsKey("heldUntil")).isFalse();
    assertEveryoneGotOne(done);
  }

  @Test
  void aRunningCampaignHeldMidwayFinishesWhenTheWindowEndsWithEveryoneSentOnce() throws Exception {
    String id = node.startCampaign();
    Eventually.until("the first emails went out", DEADLINE_MILLIS, () -> ses.recipients().size(), n -> n >= 2);
    CLOCK.set(NIGHT.toInstant());
    // what was already in flight lands; after that nothing goes out while the window lasts
    long sentBeforeTheWindow = Eventually.settled("emails sent as the window began", 2_000, DEADLINE_MILLIS,
        () -> ses.recipients().size());
    assertThat(sentBeforeTheWindow).isLessThan(CUSTOMERS);
    JsonObject held = campaign(id);
    assertThat(held.getString("status")).isEqualTo("running");
    assertThat(held.getString("heldUntil")).isEqualTo(NIGHT_ENDS.toString());

    CLOCK.set(NIGHT_ENDS.plusSeconds(60));
    JsonObject done = node.awaitFinished(id);
    assertThat(done.getString("status")).isEqualTo("completed");
    assertEveryoneGotOne(done);
  }

  private static JsonObject campaign(String id) {
    SignedClient.Reply reply = client.get("/v1/campaigns/" + id);
    assertThat(reply.status()).isEqualTo(200);
    return reply.json();
  }

  private static void assertEveryoneGotOne(JsonObject campaign) {
    JsonObject counts = campaign.getJsonObject("counts");
    assertThat(counts.getLong("sent")).isEqualTo(CUSTOMERS);
    assertThat(counts.getLong("failed")).isZero();
    Map<String, Integer> received = ses.perRecipient();
    assertThat(received).hasSize(CUSTOMERS);
    assertThat(received.values()).allMatch(n -> n == 1);
  }
}
