package io.mailroom;

import io.mailroom.local.FreePort;
import io.mailroom.testing.Audience;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.RateWindows;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.mailroom.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node on the Redis limiter against an SES emulator with its own quota: the 24-hour quota stops
 * a campaign ({@code quota_exhausted}) and it finishes once SES reports a larger quota; Redis
 * stopped mid-campaign stops the sending (and says so) and the campaign completes once Redis is
 * back, never over the rate.
 */
class SendQuotaTest {
  private Vertx vertx;
  private TestNode node;
  private SignedClient client;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (node != null) {
      node.close();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private void startNode(SesEmulator ses, String redisUrl, int recipients) throws Exception {
    node = TestNode.named("quota")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", ses.endpoint());
          json.getJsonObject("sender").put("instances", 2);
          json.getJsonObject("limiter").put("kind", "redis").put("redisUrl", redisUrl)
              .put("keyPrefix", TestRedis.prefix("quota")).put("refreshSeconds", 1);
        })
        .seed(mailroom -> Audience.seed(TestNode.users(mailroom), mailroom.templates(), recipients))
        .start(vertx);
    client = node.client();
  }

  private String startCampaign() {
    return node.startCampaign("{\"templateId\":\"" + Audience.TEMPLATE_ID + "\"}");
  }

  private JsonObject await(String id, Predicate<JsonObject> until, long millis) throws Exception {
    return Eventually.until("campaign " + id, millis, () -> client.get("/v1/campaigns/" + id).json(), until);
  }

  private static long sent(JsonObject status) {
    return status.getJsonObject("counts").getLong("sent");
  }

  @Test
  void theDailyQuotaStopsTheCampaignUntilSesRaisesIt() throws Exception {
    int port = FreePort.pick();
    SesEmulator ses = SesEmulator.start(SesEmulator.account(14, 50), port);
    try {
      startNode(ses, TestRedis.url(), 80);
      String id = startCampaign();
      // the quota is used to its last email, however late a starved node gives back a slot it could not use
      JsonObject stopped = await(id, s -> "quota_exhausted".equals(s.getString("status")) && sent(s) == 50, 120_000);
      assertThat(stopped.getJsonObject("counts").getLong("failed")).isZero();
      SesEmulator first = ses;
      long atSes = Eventually.settled("emails at SES", 2000, 30_000, () -> first.emails().size());
      assertThat(atSes).as("exactly the quota went out").isEqualTo(50);
      stopped = client.get("/v1/campaigns/" + id).json();
      assertThat(stopped.getString("status")).isEqualTo("quota_exhausted");
      assertThat(sent(stopped)).isEqualTo(50);

      ses.close();
      ses = SesEmulator.start(SesEmulator.account(14, 200), port);
      JsonObject done = await(id, s -> !"quota_exhausted".equals(s.getString("status"))
          && !"running".equals(s.getString("status")), 180_000);
      assertThat(done.getString("status")).isEqualTo("completed");
      assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(80);
      assertThat(done.getJsonObject("counts").getLong("failed")).isZero();
      assertThat(ses.emails().size()).as("the rest, once each, after the quota was raised").isEqualTo(30);
    } finally {
      ses.close();
    }
  }

  @Test
  void redisStoppedMidCampaignStopsSendingAndTheCampaignCompletesWhenItIsBack() throws Exception {
    int recipients = 150;
    try (TestRedis redis = TestRedis.own();
         SesEmulator ses = SesEmulator.start(SesEmulator.account(14, 50_000), FreePort.pick())) {
      startNode(ses, redis.ownUrl(), recipients);
      String id = startCampaign();
      await(id, s -> sent(s) >= 40, 180_000);
      redis.stop();
      // what had its slot before the stop lands; then nothing more while Redis is down
      long atStop = Eventually.settled("emails at SES after the stop", 1500, 30_000, () -> ses.emails().size());
      Thread.sleep(3000);
      assertThat(ses.emails().size()).as("nothing goes out while Redis is down").isEqualTo((int) atStop);
      assertThat(atStop).as("the outage came mid-campaign").isLessThan(recipients);
      SignedClient management = node.management();
      SignedClient.Reply ready = management.send(management.unsigned("/health/ready").GET().build());
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().getJsonObject("checks").getString("redis")).startsWith("down");
      assertThat(client.get("/v1/campaigns/" + id).json().getString("status")).isEqualTo("running");

      redis.start();
      JsonObject done = node.awaitFinished(id);
      assertThat(done.getString("status")).isEqualTo("completed");
      assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(recipients);
      assertThat(done.getJsonObject("counts").getLong("failed")).isZero();
      RateWindows windows = RateWindows.of(ses.arrivals());
      System.out.println("SendQuotaTest Redis outage at 14/s: " + windows);
      assertThat(windows.count()).isEqualTo(recipients);
      assertThat(windows.worstWindow()).as(windows.toString()).isLessThanOrEqualTo(14 + RateWindows.tolerance(14));
      assertThat(windows.averagePerSecond()).as(windows.toString())
          .isLessThanOrEqualTo(14 * (1 + RateWindows.paceTolerance()));
      assertThat(management.send(management.unsigned("/health/ready").GET().build()).status()).isEqualTo(200);
    }
  }
}
