package io.mailroom.subscription;

import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SlowDynamoProxy;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unsubscribe routes when the store is slow or the node is over its bound, on a node whose
 * DynamoDB is the real one behind a proxy that slows chosen operations. A one-click is answered
 * once its one write is made, or refused with 503 and {@code Retry-After} when that write cannot
 * be made in time; every one answered 200 is applied. A preference page whose topics are slow is
 * shown from the token alone. Past the bound, pages are refused at once while one-clicks keep
 * their reserved share, and the node answers normally again as soon as the load falls.
 */
@ExtendWith(VertxExtension.class)
class AdmissionTest {
  private static final int CUSTOMERS = 40;
  private static final String RETRY_AFTER = "7";
  private static SlowDynamoProxy store;
  private static TestNode test;
  private static SignedClient client;
  private static UnsubscribeToken tokens;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    store = new SlowDynamoProxy(LocalServices.dynamo().endpoint());
    test = TestNode.named("admission")
        .config(json -> {
          json.getJsonObject("dynamodb").put("endpoint", store.endpoint());
          json.put("admission", new JsonObject().put("maxInFlight", 6).put("oneClickReserved", 3)
              .put("pageDeadlineMillis", 3000).put("oneClickDeadlineMillis", 1000).put("topicsBudgetMillis", 2000)
              .put("retryAfterSeconds", Integer.parseInt(RETRY_AFTER)).put("sweepSeconds", 1));
        })
        .customers(CUSTOMERS, AdmissionTest::email)
        .start(vertx);
    client = test.client();
    tokens = test.tokens();
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
    store.close();
  }

  @AfterEach
  void fastAgain() {
    store.fast();
  }

  static String email(int i) {
    return String.format("adm%03d@admission.test", i);
  }

  private static String token(int i) {
    return tokens.seal(email(i), "c_admission", Instant.now());
  }

  @Test
  void aOneClickWhoseWriteCannotBeMadeInTimeIsRefusedWithRetryAfter() throws Exception {
    store.delay("PutItem", 5000);
    SignedClient.Reply refused = oneClick(token(0), true);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("overloaded");
    assertThat(retryAfter(token(0), true)).as("the refusal says when to retry").isEqualTo(RETRY_AFTER);
  }

  @Test
  void everyOneClickAnsweredWhileTheStoreIsSlowIsApplied() throws Exception {
    store.delay("PutItem", 150).delay("UpdateItem", 300).delay("GetItem", 100);
    List<Integer> answered = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      SignedClient.Reply reply = oneClick(token(i), false);
      assertThat(reply.status()).as("answered in time, or refused").isIn(200, 503);
      if (reply.status() == 200) {
        answered.add(i);
      }
    }
    assertThat(answered).as("one-clicks answered while the store was slow").isNotEmpty();
    store.fast();
    for (int i : answered) {
      Map<String, AttributeValue> user = Eventually.until("the one-click of customer " + i + " applied", 30_000,
          () -> test.user(email(i)), u -> Boolean.FALSE.equals(u.get("SubscriptionStatus").bool()));
      assertThat(user).containsKey("LastUnsubscribeAt");
      Map<String, AttributeValue> suppression = test.suppression(email(i));
      assertThat(suppression.get("Reason").s()).isEqualTo("UNSUBSCRIBE");
      Eventually.until("the follow-up of customer " + i + " settled", 30_000, () -> test.suppression(email(i)),
          s -> !s.containsKey("Pending"));
    }
  }

  @Test
  void aPageWhoseTopicsAreSlowIsShownFromTheTokenAlone() throws Exception {
    store.delay("GetItem", 2500);
    SignedClient.Reply quick = page(token(10));
    assertThat(quick.status()).isEqualTo(200);
    assertThat(quick.body()).contains("a****0@admission.test", "We cannot show your topics just now",
        "value=\"unsubscribe\"").doesNotContain("name=\"topic\"").doesNotContain(email(10));
    store.fast();
    SignedClient.Reply left = form(token(10), "action=unsubscribe");
    assertThat(left.status()).isEqualTo(200);
    assertThat(left.body()).contains("You are unsubscribed");
    assertThat(test.user(email(10)).get("SubscriptionStatus").bool()).isFalse();
    assertThat(page(token(11)).body()).as("in time, the topics are shown").contains("name=\"topic\"")
        .doesNotContain("We cannot show your topics just now");
  }

  @Test
  void pagesAreShedFirstAndTheNodeRecoversAtOnce() throws Exception {
    store.delay("GetItem", 2500);
    HttpClient http = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      burst.add(http.sendAsync(client.unsigned("/u/" + token(20 + i)).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    // three take the pages' share (their topics are slow); the three over it are refused at once
    Eventually.until("the pages over the share refused", 10_000,
        () -> burst.stream().filter(CompletableFuture::isDone).count(), done -> done >= 3);
    List<HttpResponse<String>> refused = burst.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join)
        .filter(r -> r.statusCode() == 503).toList();
    assertThat(refused).isNotEmpty().allMatch(r -> RETRY_AFTER.equals(r.headers().firstValue("Retry-After").orElse(null)));
    SignedClient.Reply shed = client.send(client.unsigned("/u/" + token(26)).header("Accept", "application/json")
        .GET().build());
    assertThat(shed.status()).isEqualTo(503);
    assertThat(shed.json().getJsonObject("error").getString("code")).isEqualTo("overloaded");
    SignedClient.Reply oneClick = oneClick(token(27), false);
    assertThat(oneClick.status()).as("a one-click has its reserved share while pages are shed").isEqualTo(200);
    assertThat(burst.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList())
        .containsOnly(200, 503).contains(200);
    store.fast();
    SignedClient.Reply after = page(token(28));
    assertThat(after.status()).as("the first page once the load fell").isEqualTo(200);
    assertThat(after.body()).contains("name=\"topic\"");
    Eventually.until("the reserved one-click applied", 30_000, () -> test.user(email(27)),
        u -> Boolean.FALSE.equals(u.get("SubscriptionStatus").bool()));
  }

  @Test
  void aCampaignSendsToEveryoneOnceWhileThePagesAreOverloaded() throws Exception {
    // customers 0 to 10 and 27 unsubscribe in the other tests here (customer 0's late write may land at any
    // moment): they get at most one email; every other customer consents throughout and gets exactly one
    store.delay("GetItem", 2500);
    HttpClient http = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> pages = new ArrayList<>();
    String id = test.startCampaign();
    JsonObject status;
    do {
      // keep the pages' share taken (and over-asked) for as long as the campaign sends
      for (int i = 0; i < 6; i++) {
        pages.add(http.sendAsync(client.unsigned("/u/" + token(30 + i)).GET().build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      Thread.sleep(100);
      status = client.get("/v1/campaigns/" + id).json();
    } while (isGoing(status) && pages.size() < 10_000);
    status = test.awaitFinished(id);
    store.fast();
    assertThat(pages.stream().map(CompletableFuture::join).map(HttpResponse::statusCode))
        .as("the routes were overloaded while the campaign sent").contains(503);
    assertThat(status.getString("status")).as(status.encode()).isEqualTo("completed");
    assertThat(status.getJsonObject("counts").getLong("failed")).isZero();
    Map<String, Integer> received = LocalServices.ses().perRecipient();
    int emails = 0;
    for (int i = 0; i < CUSTOMERS; i++) {
      int got = received.getOrDefault(email(i), 0);
      emails += got;
      if (i <= 10 || i == 27) {
        assertThat(got).as(email(i)).isLessThanOrEqualTo(1);
      } else {
        assertThat(got).as(email(i)).isEqualTo(1);
      }
    }
    assertThat(status.getJsonObject("counts").getLong("sent")).as(status.encode()).isEqualTo(emails);
  }

  private static boolean isGoing(JsonObject status) {
    return "queued".equals(status.getString("status")) || "running".equals(status.getString("status"));
  }

  private static SignedClient.Reply oneClick(String token, boolean json) {
    HttpRequest.Builder request = client.unsigned("/u/" + token)
        .header("Content-Type", "application/x-www-form-urlencoded");
    if (json) {
      request.header("Accept", "application/json");
    }
    return client.send(request.POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
  }

  /** The {@code Retry-After} of a one-click ({@code post}) or page refused now. */
  private static String retryAfter(String token, boolean post) throws Exception {
    HttpRequest.Builder request = client.unsigned("/u/" + token);
    if (post) {
      request.header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"));
    }
    HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(503);
    return response.headers().firstValue("Retry-After").orElse(null);
  }

  private static SignedClient.Reply page(String token) {
    return client.send(client.unsigned("/u/" + token + "?lang=en").GET().build());
  }

  private static SignedClient.Reply form(String token, String body) {
    return client.send(client.unsigned("/u/" + token + "?lang=en")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }
}
