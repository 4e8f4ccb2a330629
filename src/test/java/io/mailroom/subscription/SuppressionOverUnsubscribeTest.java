package io.mailroom.subscription;

import io.mailroom.aws.Async;
import io.mailroom.subscription.SuppressionStore.PendingUnsubscribe;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stronger suppression over an unsubscribe, on a real node over dynalite whose sweep runs every
 * second. An unsubscribe whose follow-up is still pending (its node stopped right after writing it)
 * is still finished by the sweep once a manual suppression or a bounce has taken its place; and the
 * removal of a manual suppression that holds an unsubscribe, made before it or after it, leaves that
 * unsubscribe at its own time instead of freeing the address.
 */
@ExtendWith(VertxExtension.class)
class SuppressionOverUnsubscribeTest {
  private static final String DOMAIN = "@overunsubscribe.test";
  private static final long T = 120_000;
  private static TestNode test;
  private static SignedClient client;
  private static SuppressionStore store;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    test = TestNode.named("overunsubscribe")
        .config(json -> json.getJsonObject("admission").put("sweepSeconds", 1))
        .customers(4, i -> "customer" + i + DOMAIN)
        .start(vertx);
    client = test.client();
    store = new SuppressionStore(test.mailroom().aws().dynamo(), test.mailroom().tables().suppressions());
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
  }

  /** An unsubscribe written as a node writes it before it answers, whose follow-up that node never made. */
  private static long pendingUnsubscribe(String email) throws Exception {
    long at = System.currentTimeMillis();
    store.recordUnsubscribe(new PendingUnsubscribe(email, "c_over", "one-click", at)).await(30, TimeUnit.SECONDS);
    return at;
  }

  /**
   * What 30 s of waiting would do, at once: the pending record now reads as made just over the
   * sweep's grace ago (the sweep leaves younger records to the node that wrote them), so the
   * sweep takes it at its next round. Only a record still pending is aged.
   */
  private static void passTheSweepsGrace(String email, long at) throws Exception {
    long aged = at - Unsubscribes.SWEEP_GRACE_MILLIS - 1000;
    Async.of(test.mailroom().aws().dynamo().updateItem(b -> b.tableName(store.table()).key(SuppressionStore.key(email))
            .updateExpression("SET UnsubscribeAt = :aged").conditionExpression("attribute_exists(Pending)")
            .expressionAttributeValues(Map.of(":aged", AttributeValue.fromN(Long.toString(aged))))))
        .await(30, TimeUnit.SECONDS);
  }

  private static void awaitConsentWithdrawn(String email) throws Exception {
    Map<String, AttributeValue> user = Eventually.until("the pending unsubscribe of " + email + " finished", T,
        () -> test.user(email), u -> Boolean.FALSE.equals(u.get("SubscriptionStatus").bool()));
    assertThat(user).containsKey("LastUnsubscribeAt");
    Eventually.until("the pending mark of " + email + " removed", T, () -> test.suppression(email),
        s -> !s.containsKey("Pending"));
  }

  @Test
  void aManualSuppressionOverAPendingUnsubscribeLeavesItsFollowUpToTheSweep() throws Exception {
    String email = "customer0" + DOMAIN;
    long at = pendingUnsubscribe(email);
    assertThat(client.put("/v1/suppressions/" + email, "{\"note\": \"asked by phone\"}").status()).isEqualTo(201);

    assertThat(test.suppression(email)).containsEntry("Pending", AttributeValue.fromBool(true))
        .containsEntry("UnsubscribeAt", AttributeValue.fromN(Long.toString(at)));
    passTheSweepsGrace(email, at);
    awaitConsentWithdrawn(email);
    assertThat(test.suppression(email).get("Reason").s()).isEqualTo("MANUAL");
  }

  @Test
  void aBounceOverAPendingUnsubscribeKeepsThePendingMark() throws Exception {
    String email = "customer1" + DOMAIN;
    long at = pendingUnsubscribe(email);
    assertThat(store.suppress(email, Suppression.BOUNCE, "General", System.currentTimeMillis())
        .await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(test.suppression(email)).containsEntry("Reason", AttributeValue.fromS("BOUNCE"))
        .containsEntry("Pending", AttributeValue.fromBool(true)).containsKey("PendingShard")
        .containsEntry("UnsubscribeAt", AttributeValue.fromN(Long.toString(at)));
    passTheSweepsGrace(email, at);
    awaitConsentWithdrawn(email);
    assertThat(test.suppression(email).get("Reason").s()).isEqualTo("BOUNCE");
  }

  @Test
  void removingAManualSuppressionMadeAfterAnUnsubscribeLeavesTheUnsubscribe() throws Exception {
    String email = "customer2" + DOMAIN;
    assertThat(oneClick(email).status()).isEqualTo(200);
    awaitConsentWithdrawn(email);
    JsonObject unsubscribed = exact(email);

    assertThat(client.put("/v1/suppressions/" + email, "{}").status()).isEqualTo(201);
    assertThat(exact(email).getString("reason")).isEqualTo("manual");
    assertThat(exact(email).getString("source")).isEqualTo("manual");
    assertThat(client.delete("/v1/suppressions/" + email).status()).isEqualTo(204);

    JsonObject after = exact(email);
    assertThat(after.getString("reason")).isEqualTo("unsubscribe");
    assertThat(after.getString("since")).isEqualTo(unsubscribed.getString("since"));
    assertThat(after.getString("source")).isEqualTo(unsubscribed.getString("source"));
    assertThat(client.delete("/v1/suppressions/" + email).status()).as("the unsubscribe is not removed here").isEqualTo(409);
  }

  @Test
  void removingAManualSuppressionMadeBeforeAnUnsubscribeLeavesTheUnsubscribe() throws Exception {
    String email = "customer3" + DOMAIN;
    assertThat(client.put("/v1/suppressions/" + email, "{}").status()).isEqualTo(201);
    assertThat(oneClick(email).status()).isEqualTo(200);
    awaitConsentWithdrawn(email);
    assertThat(client.delete("/v1/suppressions/" + email).status()).isEqualTo(204);

    Map<String, AttributeValue> item = test.suppression(email);
    assertThat(item).containsEntry("Reason", AttributeValue.fromS("UNSUBSCRIBE")).containsKey("UnsubscribeAt");
    assertThat(item.get("At")).as("the unsubscribe's own time").isEqualTo(item.get("UnsubscribeAt"));
  }

  private static JsonObject exact(String email) {
    JsonArray found = client.get("/v1/suppressions?q=" + email + "&match=exact").json().getJsonArray("suppressions");
    assertThat(found).hasSize(1);
    return found.getJsonObject(0);
  }

  private static SignedClient.Reply oneClick(String email) {
    String token = test.tokens().seal(email, "c_over", Instant.now());
    return client.send(client.unsigned("/u/" + token).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
  }

}
