package io.mailroom;

import io.mailroom.audience.UserStore;
import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.config.MailroomConfig;
import io.mailroom.local.DemoData;
import io.mailroom.local.FreePort;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.NodeProcess;
import io.mailroom.testing.SendEvents;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SesFaultProxy;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SnsPublisher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node stopped in the middle of a campaign, as its own JVM. SIGTERM: it finishes what it holds
 * and stops within its grace period; the next node completes the campaign with nothing lost and
 * nothing left ambiguous. The crash test: a node is killed with SIGKILL in the middle of a
 * 1,000-customer campaign, and a new node is started on the same tables and queue, with SES's
 * Send events flowing as a configuration set publishes them (retried while no node answers). The
 * deliveries the dead node was calling SES for are settled by their Send events, or sent again
 * when none came: every consenting customer gets exactly one email, nobody two, nobody none.
 * {@code -Dcrash.runs} (default 1) repeats the kill on a fresh campaign.
 */
class CrashIT {
  private static final int CUSTOMERS = 1000;
  private static final int RUNS = Integer.getInteger("crash.runs", 1);
  private static Vertx vertx;
  private static AwsClients aws;
  private static SnsPublisher sns;

  @BeforeAll
  static void startVertx() throws Exception {
    vertx = Vertx.vertx();
    sns = new SnsPublisher();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (aws != null) {
      aws.close();
    }
    sns.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A node's config file, tables seeded with the demo audience and template. */
  private record Setup(Path file, MailroomConfig config, Tables tables, SignedClient client) { }

  /**
   * {@code visibilitySeconds} is also each delivery's lease: a send that outlasts it (a starved
   * machine can stall one for seconds) is taken over as if its node had died.
   */
  private static Setup setUp(Path dir, int visibilitySeconds) throws Exception {
    return setUp(dir, visibilitySeconds, null);
  }

  /** With {@code ses} set, the nodes send through it and its accepted emails come back as Send events. */
  private static Setup setUp(Path dir, int visibilitySeconds, SesFaultProxy ses) throws Exception {
    String prefix = LocalServices.uniquePrefix("crash");
    int port = FreePort.pick();
    JsonObject json = LocalServices.configJson(prefix);
    json.getJsonObject("http").put("port", port);
    json.getJsonObject("management").put("port", FreePort.pick());
    if (ses != null) {
      json.getJsonObject("ses").put("endpoint", ses.endpoint()).put("configurationSet", "mailroom-test");
      // the reconcile window runs from the dead node's call: it must outlast the lease (10 s), the new
      // node's start and the Send events' retries to it, or an email SES took is sent again by design
      json.getJsonObject("sender").put("reconcileSeconds", 45);
      sns.configure(json.getJsonObject("subscription").getJsonObject("sns"));
    }
    json.getJsonObject("sqs").put("visibilityTimeoutSeconds", visibilitySeconds);
    json.getJsonObject("fetcher").put("leaseSeconds", 5).put("resumeSeconds", 1).put("staleSeconds", 5)
        .put("scanLimit", 50);
    json.getJsonObject("sender").put("instances", 4);
    MailroomConfig config = MailroomConfig.from(json);
    Path file = dir.resolve("crash.json");
    Files.writeString(file, json.encodePrettily());

    Tables tables = Tables.withPrefix(prefix);
    if (aws != null) {
      aws.close();
    }
    aws = new AwsClients(config.aws(), config.dynamodb().endpoint(), config.sqs().endpoint(), "", "us-east-1", 5000);
    tables.create(aws.dynamo()).await(60, TimeUnit.SECONDS);
    new TemplateStore(aws.dynamo(), tables.templates()).put(DemoData.template()).await(30, TimeUnit.SECONDS);
    new UserStore(aws.dynamo(), tables.users()).putAll(DemoData.customers(CUSTOMERS)).await(60, TimeUnit.SECONDS);
    LocalServices.ses().clear();
    return new Setup(file, config, tables, new SignedClient(port, config.webhook().secrets().get(0)));
  }

  @Test
  void aNodeStoppedWithSigtermFinishesWhatItHoldsAndLosesNothing(@TempDir Path dir) throws Exception {
    // no node dies here: a lease long enough for the slowest send on a loaded machine, so nothing is taken over
    Setup setup = setUp(dir, 60);
    SignedClient client = setup.client();
    Process first = startNode(setup.file(), dir.resolve("first.log"));
    awaitLive(client, first, dir.resolve("first.log"));
    String id = client.post("/v1/campaigns", "{\"templateId\":\"" + DemoData.TEMPLATE_ID + "\"}").json()
        .getString("campaignId");
    awaitSent(client, id, 250);
    SignedClient management = new SignedClient(setup.config().http().management().port(), "management-needs-no-secret");
    String metrics = management.send(management.unsigned("/metrics").GET().build()).body();
    assertThat(metrics).contains("mailroom_emails_sent_total").contains("mailroom_transport_latency_seconds_bucket")
        .contains("vertx_http_server_requests_total").contains("mailroom_campaign_emails_total{campaign=\"" + id + "\"")
        .contains("mailroom_sync_lag_seconds");
    assertThat(metrics.lines().filter(l -> l.startsWith("mailroom_emails_sent_total")).findFirst().orElseThrow())
        .doesNotEndWith(" 0.0");
    first.destroy();
    assertThat(first.waitFor(setup.config().shutdownGraceSeconds() + 10L, TimeUnit.SECONDS))
        .as("the node stops within its grace period").isTrue();
    assertThat(Files.readString(dir.resolve("first.log"))).contains("stopped cleanly");
    Process second = startNode(setup.file(), dir.resolve("second.log"));
    try {
      awaitLive(client, second, dir.resolve("second.log"));
      JsonObject done = client.awaitFinished(id, 240_000);
      assertThat(done.getString("status")).isEqualTo("completed");
      Map<String, Integer> received = received();
      assertThat(received.values()).as("nobody gets two").allMatch(c -> c == 1);
      assertThat(received).hasSize(DemoData.consenting(CUSTOMERS));
      assertThat(done.getJsonObject("counts").getLong("failed")).as("no delivery was left mid-send").isZero();
      assertThat(takenOver(setup.tables().deliveries(), id)).isZero();
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNodeKilledMidCampaignIsReplacedWithoutLossOrDuplicates(@TempDir Path dir) throws Exception {
    for (int run = 1; run <= RUNS; run++) {
      Path runDir = Files.createDirectories(dir.resolve("run" + run));
      try (SesFaultProxy ses = new SesFaultProxy(LocalServices.ses().endpoint(), 0, Set.of(), 0)) {
        killAndReplace(run, runDir, ses);
      }
    }
  }

  private void killAndReplace(int run, Path dir, SesFaultProxy proxy) throws Exception {
    // a short lease, so that the killed node's deliveries are taken over soon
    Setup setup = setUp(dir, 10, proxy);
    SignedClient client = setup.client();
    Path file = setup.file();
    SesEmulator ses = LocalServices.ses();
    try (SendEvents events = new SendEvents(sns, setup.config().http().port())) {
      proxy.onAccepted(events);
      Process first = startNode(file, dir.resolve("first.log"));
      awaitLive(client, first, dir.resolve("first.log"));
      String id = client.post("/v1/campaigns", "{\"templateId\":\"" + DemoData.TEMPLATE_ID + "\"}").json()
          .getString("campaignId");
      long sentAtKill = awaitSent(client, id, 250);
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      int receivedAtKill = ses.emails().size();

      Process second = startNode(file, dir.resolve("second.log"));
      try {
        awaitLive(client, second, dir.resolve("second.log"));
        JsonObject done = client.awaitFinished(id, 240_000);
        assertThat(done.getString("status")).as(Files.readString(dir.resolve("second.log"))).isEqualTo("completed");

        Map<String, Integer> received = received();
        long lost = 0;
        for (int i = 0; i < CUSTOMERS; i++) {
          if (DemoData.consents(i) && !received.containsKey(DemoData.email(i))) {
            lost++;
          }
        }
        long duplicates = received.values().stream().mapToLong(c -> c - 1).sum();
        long takenOver = takenOver(setup.tables().deliveries(), id);
        JsonObject counts = done.getJsonObject("counts");
        System.out.printf("crash run %d/%d: killed at %d recorded sent / %d accepted by SES; after restart: %d duplicates,"
            + " %d without an email; %d deliveries taken over mid-call, %d Send events recorded a delivery%n", run, RUNS,
            sentAtKill, receivedAtKill, duplicates, lost, takenOver, events.recorded.get());
        assertThat(duplicates).as("nobody gets two").isZero();
        assertThat(lost).as("nobody is left without an email").isZero();
        assertThat(received.keySet()).allMatch(email -> DemoData.consents(Integer.parseInt(email.substring(8, 12))));
        assertThat(counts.getLong("sent")).isEqualTo(DemoData.consenting(CUSTOMERS));
        assertThat(counts.getLong("failed")).isZero();
      } finally {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, Integer> received() {
    return LocalServices.ses().perRecipient();
  }

  private static Process startNode(Path config, Path log) throws Exception {
    return NodeProcess.start(config, log, "512m").process();
  }

  private static void awaitLive(SignedClient client, Process node, Path log) throws Exception {
    NodeProcess.of(node, log).awaitLive(client);
  }

  private static long awaitSent(SignedClient client, String id, long atLeast) throws Exception {
    return Eventually.until("campaign " + id + " sending " + atLeast, 120_000,
        () -> client.get("/v1/campaigns/" + id).json().getJsonObject("counts").getLong("sent"), sent -> sent >= atLeast);
  }

  private static long takenOver(String table, String campaignId) throws Exception {
    return aws.dynamo().query(b -> b.tableName(table).keyConditionExpression("CampaignId = :c")
            .filterExpression("TakenOver = :true")
            .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(campaignId),
                ":true", AttributeValue.fromBool(true))))
        .get(30, TimeUnit.SECONDS).count();
  }
}
