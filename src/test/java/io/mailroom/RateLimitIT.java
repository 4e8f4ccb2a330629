package io.mailroom;

import io.mailroom.audience.UserStore;
import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.config.MailroomConfig;
import io.mailroom.local.FreePort;
import io.mailroom.testing.Audience;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.NodeProcess;
import io.mailroom.testing.RateWindows;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes, each its own JVM, share one Redis limiter and one SES emulator whose account allows
 * 14 (then 30) emails a second: rates a loaded one-core machine carries. From the emulator's
 * arrival times: every customer got one email, and no 1-second window holds more than the limit
 * plus the limiter's documented tolerance ({@link RateWindows#tolerance}). So that the window check
 * cannot pass by the nodes simply being slow, the nodes' wait metric must show that the limiter
 * held emails back. How close to the limit the nodes ran is printed here and measured by
 * {@code RateBenchmark}, never asserted.
 */
class RateLimitIT {
  private static final int NODES = 3;
  private static final int SECONDS = Integer.getInteger("rate.seconds", 30);

  @Test
  void threeNodesTogetherStayUnder14PerSecond(@TempDir Path dir) throws Exception {
    campaignAcrossNodes(dir, 14, 14 * SECONDS);
  }

  @Test
  void threeNodesTogetherStayUnder30PerSecond(@TempDir Path dir) throws Exception {
    campaignAcrossNodes(dir, 30, 30 * SECONDS);
  }

  /** The value of a metric without labels in Prometheus text. */
  private static double metric(String text, String name) {
    return text.lines().filter(l -> l.startsWith(name + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  private static void campaignAcrossNodes(Path dir, int rate, int recipients) throws Exception {
    String prefix = LocalServices.uniquePrefix("rate" + rate);
    try (SesEmulator ses = SesEmulator.start(SesEmulator.account(rate, 1_000_000), FreePort.pick())) {
      JsonObject json = LocalServices.configJson(prefix);
      json.getJsonObject("ses").put("endpoint", ses.endpoint());
      json.getJsonObject("sender").put("instances", 4);
      json.getJsonObject("limiter").put("kind", "redis").put("redisUrl", TestRedis.url())
          .put("keyPrefix", TestRedis.prefix("rate" + rate)).put("refreshSeconds", 5);
      MailroomConfig config = MailroomConfig.from(json);
      Tables tables = Tables.withPrefix(prefix);
      try (AwsClients aws = new AwsClients(config.aws(), config.dynamodb().endpoint(), config.sqs().endpoint(), "",
          "us-east-1", 5000)) {
        tables.create(aws.dynamo()).await(60, TimeUnit.SECONDS);
        Audience.seed(new UserStore(aws.dynamo(), tables.users()), new TemplateStore(aws.dynamo(), tables.templates()),
            recipients).await(60, TimeUnit.SECONDS);
      }
      List<NodeProcess> nodes = new ArrayList<>();
      List<SignedClient> clients = new ArrayList<>();
      List<SignedClient> managers = new ArrayList<>();
      try {
        for (int i = 0; i < NODES; i++) {
          int port = FreePort.pick();
          json.getJsonObject("http").put("port", port);
          int managementPort = FreePort.pick();
          json.getJsonObject("management").put("port", managementPort);
          Path file = dir.resolve("node" + i + ".json");
          Files.writeString(file, json.encodePrettily());
          SignedClient client = new SignedClient(port, config.webhook().secrets().get(0));
          nodes.add(NodeProcess.start(file, dir.resolve("node" + i + ".log"), "384m"));
          clients.add(client);
          managers.add(new SignedClient(managementPort, "management-needs-no-secret"));
        }
        for (int i = 0; i < NODES; i++) {
          nodes.get(i).awaitLive(clients.get(i));
        }
        String id = clients.get(0).post("/v1/campaigns", "{\"templateId\":\"" + Audience.TEMPLATE_ID + "\"}").json()
            .getString("campaignId");
        JsonObject done = clients.get(1).awaitFinished(id, recipients * 1000L / rate + 120_000);
        assertThat(done.getString("status")).isEqualTo("completed");
        assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(recipients);

        long[] arrivals = ses.arrivals();
        RateWindows windows = RateWindows.of(arrivals);
        System.out.println("busiest window's gaps (ms): " + RateWindows.busiestGaps(arrivals));
        System.out.println("sends per second: " + RateWindows.perSecond(arrivals));
        System.out.printf("RateLimitIT %d nodes at %d/s: %s (tolerance %d)%n", NODES, rate, windows,
            RateWindows.tolerance(rate));
        assertThat(arrivals).hasSize(recipients);
        assertThat(ses.recipients()).as("one email each").hasSize(recipients).doesNotHaveDuplicates();
        assertThat(windows.worstWindow()).as(windows.toString())
            .isLessThanOrEqualTo(rate + RateWindows.tolerance(rate));
        assertThat(windows.averagePerSecond()).as("the pace over the whole run: " + windows)
            .isLessThanOrEqualTo(rate * (1 + RateWindows.paceTolerance()));
        System.out.printf("RateLimitIT %d nodes at %d/s: achieved ÷ configured %.3f (measured, not asserted)%n", NODES,
            rate, windows.averagePerSecond() / rate);

        double waited = 0;
        long waits = 0;
        for (int i = 0; i < NODES; i++) {
          String metrics = managers.get(i).send(managers.get(i).unsigned("/metrics").GET().build()).body();
          assertThat(metrics).contains("mailroom_limiter_rate_per_second " + rate + ".0")
              .contains("mailroom_limiter_daily_quota_left");
          waited += metric(metrics, "mailroom_limiter_wait_seconds_sum");
          waits += (long) metric(metrics, "mailroom_limiter_wait_seconds_count");
        }
        double meanWait = waited / waits;
        System.out.printf("RateLimitIT at %d/s: %d sends waited %.1f s for their slots in all, %.0f ms each on average%n",
            rate, waits, waited, meanWait * 1000);
        assertThat(waits).as("every send took a slot").isGreaterThanOrEqualTo(recipients);
        assertThat(meanWait).as("the limiter held the sends back: on average more than one interval (%d ms) each",
            1000 / rate).isGreaterThan(1.0 / rate);
        for (int i = 0; i < NODES; i++) {
          assertThat(Files.readString(dir.resolve("node" + i + ".log"))).as("node %d logs no address", i)
              .doesNotContain("@example.com");
        }
      } finally {
        for (NodeProcess node : nodes) {
          node.close();
        }
      }
    }
  }
}
