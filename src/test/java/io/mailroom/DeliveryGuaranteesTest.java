package io.mailroom;

import io.mailroom.audience.Recipient;
import io.mailroom.campaign.Campaign;
import io.mailroom.queue.SendTask;
import io.mailroom.queue.SqsQueue;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SendEvents;
import io.mailroom.testing.SesFaultProxy;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SnsPublisher;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries, permanent failures, pause/resume and cancel, against a faulty SES in front of the real
 * emulator: every recipient ends with exactly one email or a recorded failure, never two.
 */
@ExtendWith(VertxExtension.class)
class DeliveryGuaranteesTest {
  private static final SnsPublisher sns = newSns();
  private final SesEmulator ses = LocalServices.ses();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private TestNode node;
  private SignedClient client;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  @AfterAll
  static void closeSns() {
    sns.close();
  }

  /** A node behind {@code proxy}, whose accepted emails come back as Send events (a call with no answer waits 3 s for one). */
  private void start(Vertx vertx, SesFaultProxy proxy, int recipients, int maxInFlight) throws Exception {
    cleanup.add(proxy);
    node = TestNode.named("guarantees")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", proxy.endpoint()).put("timeoutMillis", 1000);
          json.getJsonObject("sender").put("instances", 2).put("maxInFlight", maxInFlight).put("retryBaseMillis", 100);
        })
        .sesEvents(sns, 3)
        .customers(recipients, DeliveryGuaranteesTest::email)
        .start(vertx);
    SendEvents events = new SendEvents(sns, node.port());
    cleanup.add(events);
    proxy.onAccepted(events);
    client = node.client();
    ses.clear();
  }

  private static SnsPublisher newSns() {
    try {
      return new SnsPublisher();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String email(int i) {
    return String.format("user%04d@example.com", i);
  }

  private String startCampaign() {
    return node.startCampaign();
  }

  /** Emails the emulator received, per recipient. */
  private Map<String, Integer> received() {
    return ses.perRecipient();
  }

  private List<JsonObject> allFailures(String id) {
    List<JsonObject> all = new ArrayList<>();
    String next = "/v1/campaigns/" + id + "/failures?limit=2";
    while (next != null) {
      JsonObject page = client.get(next).json();
      page.getJsonArray("failures").forEach(f -> all.add((JsonObject) f));
      next = page.getString("next");
    }
    return all;
  }

  @Test
  void transientFaultsAreRetriedAndNothingIsSentTwice(Vertx vertx) throws Exception {
    int n = 300;
    SesFaultProxy proxy = new SesFaultProxy(ses.endpoint(), 0.2, Set.of(), 0);
    start(vertx, proxy, n, 20);
    String id = startCampaign();
    JsonObject done = node.awaitFinished(id);
    assertThat(done.getString("status")).isEqualTo("completed");

    Map<String, Integer> received = received();
    assertThat(received.values()).as("nobody got two").allMatch(c -> c == 1);
    List<JsonObject> failures = allFailures(id);
    Set<String> failed = new HashSet<>();
    failures.forEach(f -> failed.add(f.getString("email")));
    assertThat(failures).allSatisfy(f -> {
      assertThat(f.getInteger("attempts")).isEqualTo(3);
      assertThat(f.getString("errorCode")).isIn("TooManyRequestsException", "Throttling", "InternalFailure",
          "NoAnswer");
      assertThat(f.getString("reason")).isNotBlank();
    });
    Set<String> everyone = new HashSet<>(received.keySet());
    everyone.addAll(failed);
    assertThat(everyone).as("every recipient sent or failed").hasSize(n);
    assertThat(java.util.Collections.disjoint(received.keySet(), failed)).as("no failed recipient got an email").isTrue();
    JsonObject counts = done.getJsonObject("counts");
    assertThat(counts.getLong("sent")).isEqualTo(received.size());
    assertThat(counts.getLong("failed")).isEqualTo(failed.size());
    assertThat(proxy.throttled.get() + proxy.errors.get() + proxy.hung.get()).as("faults were injected").isGreaterThan(20);
    System.out.printf("faults: %d throttled, %d errors, %d timeouts; %d sent, %d failed after 3 attempts, 0 twice%n",
        proxy.throttled.get(), proxy.errors.get(), proxy.hung.get(), received.size(), failed.size());
  }

  @Test
  void permanentFailuresAreRecordedWithoutRetry(Vertx vertx) throws Exception {
    Set<String> rejected = Set.of(email(3), email(7), email(11));
    SesFaultProxy proxy = new SesFaultProxy(ses.endpoint(), 0, rejected, 0);
    start(vertx, proxy, 40, 20);
    String id = startCampaign();
    JsonObject done = node.awaitFinished(id);
    assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(37);
    assertThat(done.getJsonObject("counts").getLong("failed")).isEqualTo(3);
    List<JsonObject> failures = allFailures(id);
    assertThat(failures).extracting(f -> f.getString("email")).containsExactlyInAnyOrderElementsOf(rejected);
    assertThat(failures).allSatisfy(f -> {
      assertThat(f.getString("errorCode")).isEqualTo("MessageRejected");
      assertThat(f.getInteger("attempts")).isEqualTo(1);
    });
    rejected.forEach(r -> assertThat(proxy.callsPerRecipient.get(r).get()).as("calls for %s", r).isEqualTo(1));
    assertThat(received().keySet()).hasSize(37).doesNotContainAnyElementsOf(rejected);
  }

  @Test
  void pauseHoldsEverythingAndResumeFinishesTheCampaign(Vertx vertx) throws Exception {
    int n = 400;
    SesFaultProxy proxy = new SesFaultProxy(ses.endpoint(), 0, Set.of(), 100);
    start(vertx, proxy, n, 10);
    String id = startCampaign();
    awaitSent(id, 30);
    SignedClient.Reply paused = client.post("/v1/campaigns/" + id + "/pause", "");
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.json().getString("status")).isEqualTo("paused");
    // what was in flight at the pause lands; then nothing more while paused
    int atPause = (int) Eventually.settled("emails at SES after the pause", 2000, 60_000, () -> ses.emails().size());
    Thread.sleep(2500);
    assertThat(ses.emails().size()).as("nothing is sent while paused").isEqualTo(atPause);
    assertThat(atPause).isLessThan(n);
    assertThat(client.post("/v1/campaigns/" + id + "/pause", "").status()).as("pausing twice").isEqualTo(409);

    assertThat(client.post("/v1/campaigns/" + id + "/resume", "").json().getString("status")).isEqualTo("running");
    JsonObject done = node.awaitFinished(id);
    assertThat(done.getString("status")).isEqualTo("completed");
    Map<String, Integer> received = received();
    assertThat(received).hasSize(n);
    assertThat(received.values()).allMatch(c -> c == 1);
    assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(n);
  }

  @Test
  void cancelStopsTheCampaign(Vertx vertx) throws Exception {
    int n = 400;
    SesFaultProxy proxy = new SesFaultProxy(ses.endpoint(), 0, Set.of(), 100);
    start(vertx, proxy, n, 10);
    String id = startCampaign();
    awaitSent(id, 30);
    SignedClient.Reply cancelled = client.post("/v1/campaigns/" + id + "/cancel", "");
    assertThat(cancelled.status()).isEqualTo(200);
    int atCancel = ses.emails().size();
    int after = (int) Eventually.settled("emails at SES after the cancel", 2000, 60_000, () -> ses.emails().size());
    Thread.sleep(2000);
    assertThat(ses.emails().size()).as("nothing more once the in-flight calls ended").isEqualTo(after);
    assertThat(after).isLessThan(n);
    System.out.printf("cancel: %d emails accepted when cancel returned, %d were in flight then%n", atCancel,
        after - atCancel);
    assertThat(after - atCancel).as("at most the in-flight messages").isLessThanOrEqualTo(2 * 10);
    JsonObject status = client.get("/v1/campaigns/" + id).json();
    assertThat(status.getString("status")).isEqualTo("cancelled");
    assertThat(client.post("/v1/campaigns/" + id + "/resume", "").status()).isEqualTo(409);
    assertThat(client.post("/v1/campaigns/" + id + "/restart", "").status()).isEqualTo(404);
    assertThat(received().values()).allMatch(c -> c == 1);
  }

  @Test
  void deadLettersAreListedAndDrivenBack(Vertx vertx) throws Exception {
    start(vertx, new SesFaultProxy(ses.endpoint(), 0, Set.of(), 0), 0, 20);
    Mailroom mailroom = node.mailroom();
    Campaign campaign = Campaign.create("c_dead_letters", TestNode.TEMPLATE_ID, null, null, System.currentTimeMillis());
    mailroom.campaigns().create(campaign, null).await(10, TimeUnit.SECONDS);
    SqsQueue dlq = SqsQueue.existing(mailroom.aws().sqs(), mailroom.config().sqs().deadLetterQueueName())
        .await(10, TimeUnit.SECONDS);
    Recipient lost = new Recipient("lost@example.com", "Lost", "", 0, true);
    TestNode.users(mailroom).put(lost).await(10, TimeUnit.SECONDS);
    String task = new SendTask(campaign.id(), TestNode.TEMPLATE_ID, null, lost).encode();
    dlq.sendBatch(List.of(task, "{not json")).await(10, TimeUnit.SECONDS);

    JsonArray listed = client.get("/v1/dead-letters").json().getJsonArray("deadLetters");
    assertThat(listed).hasSize(2);
    assertThat(listed.stream().map(o -> ((JsonObject) o).getString("email"))).contains("lost@example.com");
    assertThat(listed.stream().map(o -> ((JsonObject) o).getString("problem"))).contains("not a send task");

    assertThat(client.post("/v1/dead-letters/redrive", "").json().getInteger("redriven")).isEqualTo(2);
    Eventually.until("the redriven email", 60_000, this::received, r -> r.containsKey("lost@example.com"));
    assertThat(received()).containsEntry("lost@example.com", 1);
  }

  private void awaitSent(String id, long atLeast) throws Exception {
    Eventually.until("campaign " + id + " sending " + atLeast, 120_000, () -> client.get("/v1/campaigns/" + id).json(),
        s -> s.getJsonObject("counts").getLong("sent") >= atLeast);
  }
}
