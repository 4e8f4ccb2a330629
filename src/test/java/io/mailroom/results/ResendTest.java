package io.mailroom.results;

import io.mailroom.subscription.Suppression;
import io.mailroom.subscription.SuppressionStore;
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

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A campaign sent through a wrapper of the SES emulator that fails some recipients: four with 500s
 * (transient: their attempts run out), one with MessageRejected (permanent). Then SES recovers, one of
 * the four hard-bounces elsewhere and another unsubscribes, and the campaign is resent twice at once:
 * the other two get their email once, nobody else gets one, and the counts add up.
 */
@ExtendWith(VertxExtension.class)
class ResendTest {
  private static final Set<String> REJECTED = ConcurrentHashMap.newKeySet();
  private static SesFaultProxy ses;
  private static TestNode test;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    REJECTED.add(email(2));
    ses = new SesFaultProxy(LocalServices.ses().endpoint(), 0, REJECTED, 0);
    ses.failing.addAll(List.of(email(0), email(1), email(3), email(4)));
    test = TestNode.named("resend")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", ses.endpoint());
          json.getJsonObject("sender").put("retryBaseMillis", 10).put("maxAttempts", 2);
        })
        .customers(7, ResendTest::email)
        .start(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
    ses.close();
  }

  static String email(int i) {
    return String.format("x%03d@resend.test", i);
  }

  @Test
  void transientFailuresAreSentOnceMoreAndNobodyElseIs() throws Exception {
    String id = test.startCampaign();
    JsonObject first = test.awaitFinished(id);
    assertThat(first.getString("status")).isEqualTo("completed");
    assertThat(first.getJsonObject("counts").getLong("sent")).isEqualTo(2);
    assertThat(first.getJsonObject("counts").getLong("failed")).isEqualTo(5);

    ses.failing.clear();
    new SuppressionStore(test.mailroom().aws().dynamo(), test.mailroom().tables().suppressions())
        .suppress(email(3), Suppression.BOUNCE, "General", System.currentTimeMillis()).await(30, TimeUnit.SECONDS);
    String otherCampaign = test.tokens().seal(email(4), "c_another", Instant.now());
    SignedClient.Reply left = test.client().send(test.client().unsigned("/u/" + otherCampaign)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
    assertThat(left.status()).isEqualTo(200);

    CompletableFuture<SignedClient.Reply> one = CompletableFuture.supplyAsync(() -> resend(id));
    CompletableFuture<SignedClient.Reply> two = CompletableFuture.supplyAsync(() -> resend(id));
    long queued = 0;
    for (SignedClient.Reply reply : List.of(one.get(60, TimeUnit.SECONDS), two.get(60, TimeUnit.SECONDS))) {
      assertThat(reply.status()).as(reply.body()).isIn(202, 409);
      queued += reply.status() == 202 ? reply.json().getLong("queued") : 0;
    }
    assertThat(queued).as("the permanently rejected address is not queued again").isEqualTo(4);

    JsonObject done = test.awaitFinished(id);
    assertThat(done.getString("status")).isEqualTo("completed");
    JsonObject counts = done.getJsonObject("counts");
    assertThat(counts.getLong("sent")).isEqualTo(4);
    assertThat(counts.getLong("failed")).isEqualTo(1);
    assertThat(counts.getLong("suppressed")).isEqualTo(2);
    assertThat(counts.getLong("pending")).isZero();
    assertThat(counts.getLong("sent") + counts.getLong("failed") + counts.getLong("suppressed"))
        .isEqualTo(counts.getLong("queued"));

    Map<String, Integer> received = LocalServices.ses().perRecipient();
    for (int i : new int[] {0, 1, 5, 6}) {
      assertThat(received.get(email(i))).as("emails to " + email(i)).isEqualTo(1);
    }
    for (int i : new int[] {2, 3, 4}) {
      assertThat(received).as("emails to " + email(i)).doesNotContainKey(email(i));
    }

    SignedClient.Reply again = resend(id);
    assertThat(again.status()).as(again.body()).isEqualTo(202);
    assertThat(again.json().getLong("queued")).as("a delivery re-sent successfully is not picked up again").isZero();
    assertThat(again.json().getJsonObject("campaign").getString("status")).isEqualTo("completed");
  }

  @Test
  void badRequestsAreRefused() {
    SignedClient.Reply wrong = test.client().post("/v1/campaigns/c_none/resend", "{\"status\": [\"bounced\"]}");
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.json().getJsonObject("error").getString("field")).isEqualTo("status");
    SignedClient.Reply missing = test.client().post("/v1/campaigns/c_none/resend", "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().getJsonObject("error").getString("field")).isEqualTo("status");
    assertThat(test.client().post("/v1/campaigns/c_none/resend", "{\"status\": [\"failed\"]}").status())
        .isEqualTo(404);
    String scheduled = test.startCampaign("{\"templateId\": \"t\", \"sendAt\": \""
        + Instant.now().plusSeconds(30 * 86_400).toString().replace("Z", "+00:00") + "\"}");
    SignedClient.Reply early = resend(scheduled);
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.json().getJsonObject("error").getString("code")).isEqualTo("invalid_state");
  }

  private static SignedClient.Reply resend(String id) {
    return test.client().post("/v1/campaigns/" + id + "/resend", "{\"status\": [\"failed\"]}");
  }
}
