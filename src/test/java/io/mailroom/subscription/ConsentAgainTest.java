package io.mailroom.subscription;

import io.mailroom.Mailroom;
import io.mailroom.bus.Channels;
import io.mailroom.bus.ConsentChange;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which unsubscribe tokens may change consent, through the real {@code /u/{token}} routes of a
 * node on dynalite: every token withdraws; only one issued after the customer's last unsubscribe
 * gives consent again; a preview or test-send token changes nothing.
 */
@ExtendWith(VertxExtension.class)
class ConsentAgainTest {
  private static TestNode test;
  private static Mailroom node;
  private static SignedClient client;
  private static UnsubscribeToken tokens;
  private static final List<ConsentChange> published = new CopyOnWriteArrayList<>();
  private static MessageConsumer<ConsentChange> listener;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    test = TestNode.named("consentagain").publicPort().customers(10, ConsentAgainTest::email).start(vertx);
    node = test.mailroom();
    client = test.client();
    tokens = test.tokens();
    listener = Channels.CONSENT_CHANGED.localConsumer(vertx.eventBus(), m -> published.add(m.body()));
  }

  @AfterAll
  static void stop() throws Exception {
    listener.unregister();
    test.close();
  }

  static String email(int i) {
    return String.format("again%03d@consent.test", i);
  }

  private static String issuedNow(int i) {
    return tokens.seal(email(i), "c_again", Instant.now());
  }

  @Test
  void aTokenIssuedBeforeTheLastUnsubscribeWithdrawsButCannotConsentAgain() {
    String old = tokens.seal(email(0), "c_again", Instant.now().minusSeconds(3600));
    assertThat(oneClick(old).status()).isEqualTo(200);
    assertThat(withdrawn(0).get("SubscriptionStatus").bool()).isFalse();
    assertThat(oneClick(old).status()).as("withdrawing again still works").isEqualTo(200);

    assertThat(page(old).body()).as("no control that would be refused")
        .doesNotContain("value=\"preferences\"").contains("a******0@consent.test");
    SignedClient.Reply refused = json(old, "action=preferences&topic=newsletter");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().getJsonObject("error").getMap()).containsEntry("code", "token_predates_unsubscribe")
        .containsEntry("field", "token");
    SignedClient.Reply page = form(old, "action=preferences&topic=newsletter");
    assertThat(page.status()).isEqualTo(409);
    assertThat(page.body()).contains("Nothing was changed");
    assertThat(user(0).get("SubscriptionStatus").bool()).isFalse();
    assertThat(suppression(0).get("Reason").s()).isEqualTo("UNSUBSCRIBE");
    assertThat(published).as("no write-back of a refused consent")
        .noneMatch(c -> c.email().equals(email(0)) && c.subscribed());
  }

  @Test
  void aTokenIssuedAfterTheLastUnsubscribeGivesConsentAgain() throws Exception {
    assertThat(oneClick(issuedNow(1)).status()).isEqualTo(200);
    assertThat(withdrawn(1).get("SubscriptionStatus").bool()).isFalse();
    String before = tokens.seal(email(1), "c_again", Instant.ofEpochMilli(Long.parseLong(
        user(1).get("UnsubscribedAt").n())));
    assertThat(json(before, "action=preferences&topic=newsletter").status()).as("issued at the unsubscribe's moment")
        .isEqualTo(409);
    String fresh = tokens.seal(email(1), "c_again", Instant.ofEpochMilli(Long.parseLong(
        user(1).get("UnsubscribedAt").n()) + 1));
    assertThat(page(fresh).body()).contains("value=\"preferences\"");
    SignedClient.Reply again = form(fresh, "action=preferences&topic=newsletter");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).contains("Your preferences are saved.");
    assertThat(user(1).get("SubscriptionStatus").bool()).isTrue();
    assertThat(suppression(1)).isEmpty();
    assertThat(published).anyMatch(c -> c.email().equals(email(1)) && c.subscribed());
  }

  @Test
  void aRepeatedUnsubscribeMovesTheLineForTokensIssuedBetween() {
    assertThat(oneClick(tokens.seal(email(2), "c_again", Instant.now().minusSeconds(7200))).status()).isEqualTo(200);
    String between = tokens.seal(email(2), "c_again", Instant.ofEpochMilli(Long.parseLong(
        withdrawn(2).get("UnsubscribedAt").n()) + 1));
    assertThat(json(between, "List-Unsubscribe=One-Click").status()).isEqualTo(200);
    assertThat(json(between, "action=preferences&topic=newsletter").status()).isEqualTo(409);
    assertThat(user(2).get("SubscriptionStatus").bool()).isFalse();
  }

  @Test
  void aTokenMailedInTheFirstFormatStillWithdraws() {
    List<String> secrets = node.config().subscription().tokenSecrets();
    String legacy = UnsubscribeTokenTest.legacy(secrets.get(0), email(3), "c_again", Instant.now().getEpochSecond() - 60);
    assertThat(page(legacy).body()).contains("a******3@consent.test", "value=\"unsubscribe\"");
    assertThat(oneClick(legacy).status()).isEqualTo(200);
    assertThat(withdrawn(3).get("SubscriptionStatus").bool()).isFalse();
    assertThat(suppression(3).get("Reason").s()).isEqualTo("UNSUBSCRIBE");
    assertThat(json(legacy, "action=preferences&topic=newsletter").status()).isEqualTo(409);
  }

  @Test
  void aPreviewOrTestSendTokenShowsThePageButChangesNothing() {
    String preview = tokens.sealPreview(email(4), "c_preview", Instant.now());
    SignedClient.Reply page = page(preview);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("a******4@consent.test", "preview or test email")
        .doesNotContain("value=\"unsubscribe\"").doesNotContain("value=\"preferences\"");
    for (String body : List.of("List-Unsubscribe=One-Click", "action=unsubscribe", "action=preferences&topic=newsletter")) {
      SignedClient.Reply refused = json(preview, body);
      assertThat(refused.status()).as(body).isEqualTo(403);
      assertThat(refused.json().getJsonObject("error").getMap()).containsEntry("code", "preview_token")
          .containsEntry("field", "token");
    }
    SignedClient.Reply form = form(preview, "action=unsubscribe");
    assertThat(form.status()).isEqualTo(403);
    assertThat(form.body()).contains("preview or test email", "Nothing was changed");
    assertThat(user(4).get("SubscriptionStatus").bool()).isTrue();
    assertThat(suppression(4)).isEmpty();
    assertThat(published).noneMatch(c -> c.email().equals(email(4)));
  }

  private static SignedClient.Reply oneClick(String token) {
    return client.send(client.unsigned("/u/" + token).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
  }

  private static SignedClient.Reply page(String token) {
    return client.send(client.unsigned("/u/" + token + "?lang=en").GET().build());
  }

  private static SignedClient.Reply form(String token, String body) {
    return client.send(client.unsigned("/u/" + token + "?lang=en")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static SignedClient.Reply json(String token, String body) {
    return client.send(client.unsigned("/u/" + token).header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static Map<String, AttributeValue> user(int i) {
    return test.user(email(i));
  }

  /** The customer's item once a one-click's follow-up withdrew consent (a one-click is answered before it). */
  private static Map<String, AttributeValue> withdrawn(int i) {
    try {
      return Eventually.until("the one-click withdrawing consent", 30_000, () -> user(i),
          u -> Boolean.FALSE.equals(u.get("SubscriptionStatus").bool()) && u.containsKey("UnsubscribedAt"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, AttributeValue> suppression(int i) {
    return test.suppression(email(i));
  }

}
