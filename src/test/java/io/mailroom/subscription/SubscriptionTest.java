package io.mailroom.subscription;

import io.mailroom.Mailroom;
import io.mailroom.campaign.Template;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SnsPublisher;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unsubscribing end to end on real components (dynalite, ElasticMQ, the SES emulator, SNS
 * messages signed with a real key): the links and headers every email carries, the pages in both
 * languages, one-click, topics, bounces and complaints, and what each refuses.
 */
@ExtendWith(VertxExtension.class)
class SubscriptionTest {
  private static final int CUSTOMERS = 30;
  private static TestNode test;
  private static Mailroom node;
  private static SignedClient client;
  private static SesEmulator ses;
  private static SnsPublisher sns;
  private static UnsubscribeToken tokens;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    sns = new SnsPublisher();
    test = TestNode.named("subscription")
        .publicPort()
        .config(json -> json.getJsonObject("subscription").put("mailto", "unsubscribe@shop.example.com")
            .getJsonObject("sns").put("localEndpoint", sns.endpoint()))
        .template(new Template(TestNode.TEMPLATE_ID, "test", "Hello {{ Name }}",
            "<html><body><p>Hello {{ Name }}</p></body></html>", null, List.of()))
        .customers(CUSTOMERS, SubscriptionTest::email)
        .start(vertx);
    node = test.mailroom();
    client = test.client();
    tokens = test.tokens();
    ses = LocalServices.ses();
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
    sns.close();
  }

  static String email(int i) {
    return String.format("sub%03d@subscription.test", i);
  }

  private static String token(int i) {
    return tokens.seal(email(i), "c_test", Instant.now());
  }

  @Test
  void everyEmailCarriesAWorkingOneClickUnsubscribe() throws Exception {
    ses.clear();
    JsonObject done = runCampaign("{\"templateId\":\"t\",\"topic\":\"newsletter\"}");
    assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(CUSTOMERS);

    JsonObject email = received().get(email(0));
    MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
        new ByteArrayInputStream(ses.rawEmail(email.getString("messageId"))));
    String listUnsubscribe = jakarta.mail.internet.MimeUtility.unfold(mime.getHeader("List-Unsubscribe", null));
    Matcher link = Pattern.compile("^<(http://127\\.0\\.0\\.1:\\d+/u/([A-Za-z0-9_-]+))>,"
        + " <mailto:unsubscribe@shop\\.example\\.com\\?subject=unsubscribe%20\\2>$").matcher(listUnsubscribe);
    assertThat(link.matches()).as("List-Unsubscribe: %s", listUnsubscribe).isTrue();
    assertThat(mime.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
    assertThat(listUnsubscribe).doesNotContain(email(0)).doesNotContain("sub000");
    assertThat(email.getJsonObject("body").getString("html")).contains("href=\"" + link.group(1) + "\"");
    assertThat(email.getJsonObject("body").getString("text")).contains(link.group(1));

    // a mail provider's one-click POST, exactly as RFC 8058 describes it
    SignedClient.Reply reply = client.send(HttpRequest.newBuilder(URI.create(link.group(1)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
    assertThat(reply.status()).isEqualTo(200);
    // answered once the suppression is written; the customer's consent follows from it
    Map<String, AttributeValue> user = Eventually.until("the one-click withdrawing consent", 30_000, () -> user(0),
        u -> Boolean.FALSE.equals(u.get("SubscriptionStatus").bool()) && u.containsKey("UnsubscribedAt"));
    String unsubscribedAt = user.get("UnsubscribedAt").n();
    assertThat(suppression(0).get("Reason").s()).isEqualTo("UNSUBSCRIBE");

    // a replay changes nothing and still answers as done
    assertThat(client.send(HttpRequest.newBuilder(URI.create(link.group(1)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build()).status()).isEqualTo(200);
    assertThat(user(0).get("UnsubscribedAt").n()).isEqualTo(unsubscribedAt);

    ses.clear();
    JsonObject next = runCampaign("{\"templateId\":\"t\",\"topic\":\"newsletter\"}");
    assertThat(received()).doesNotContainKey(email(0)).hasSize(CUSTOMERS - 1);
    assertThat(next.getJsonObject("counts").getLong("skipped")).isEqualTo(1);
  }

  @Test
  void thePreferencePageSpeaksKoreanAndEnglish() {
    String token = token(1);
    SignedClient.Reply korean = page(token, "ko-KR,ko;q=0.9,en;q=0.8");
    assertThat(korean.status()).isEqualTo(200);
    assertThat(korean.body()).contains("<html lang=\"ko\">", "이메일 수신 설정", "광고성 이메일 모두 수신 거부",
        "s****1@subscription.test", "할인 및 프로모션", "action=\"/u/" + token + "?lang=ko\"")
        .doesNotContain(email(1)).doesNotContain("<script");
    SignedClient.Reply english = page(token, "en-US,en;q=0.9");
    assertThat(english.body()).contains("<html lang=\"en\">", "Your email preferences",
        "Unsubscribe from all marketing email", "Newsletter", "<label><input type=\"checkbox\" name=\"topic\"");
    assertThat(page(token, "fr-FR, ko;q=0.5").body()).contains("<html lang=\"ko\">");
    SignedClient.Reply headers = client.send(client.unsigned("/u/" + token).GET().build());
    assertThat(headers.body()).contains("<html lang=\"en\">");
    assertThat(user(1).get("SubscriptionStatus").bool()).as("a GET changes nothing").isTrue();
  }

  @Test
  void leavingOneTopicKeepsTheOthers() {
    String token = token(2);
    SignedClient.Reply saved = form(token, "action=preferences&topic=newsletter&topic=new-arrivals", "en");
    assertThat(saved.status()).isEqualTo(200);
    assertThat(saved.body()).contains("Your preferences are saved.");
    assertThat(user(2).get("OptedOutTopics").ss()).containsExactly("promotions");
    assertThat(user(2).get("SubscriptionStatus").bool()).isTrue();

    ses.clear();
    JsonObject promotions = runCampaign("{\"templateId\":\"t\",\"topic\":\"promotions\"}");
    assertThat(received()).doesNotContainKey(email(2));
    assertThat(promotions.getString("topic")).isEqualTo("promotions");
    ses.clear();
    runCampaign("{\"templateId\":\"t\",\"topic\":\"new-arrivals\"}");
    assertThat(received()).containsKey(email(2));
  }

  @Test
  void badTokensAndTopicsAreRefusedAndChangeNothing() {
    String token = token(3);
    String tampered = token.substring(0, 10) + (token.charAt(10) == 'x' ? 'y' : 'x') + token.substring(11);
    String foreign = new UnsubscribeToken(List.of("some-other-secret-of-another-shop"))
        .seal(email(3), "c_test", Instant.ofEpochSecond(1));
    for (String bad : List.of(tampered, foreign, "nonsense")) {
      SignedClient.Reply page = form(bad, "List-Unsubscribe=One-Click", "en");
      assertThat(page.status()).isEqualTo(400);
      assertThat(page.body()).contains("This unsubscribe link is not valid", "Nothing was changed");
      SignedClient.Reply json = client.send(client.unsigned("/u/" + bad).header("Accept", "application/json")
          .GET().build());
      assertThat(json.status()).isEqualTo(400);
      assertThat(json.json().getJsonObject("error").getMap()).containsEntry("code", "invalid_token")
          .containsEntry("field", "token");
    }
    SignedClient.Reply topic = client.send(client.unsigned("/u/" + token).header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("action=preferences&topic=weather")).build());
    assertThat(topic.status()).isEqualTo(400);
    assertThat(topic.json().getJsonObject("error").getMap()).containsEntry("code", "unknown_topic")
        .containsEntry("field", "topic");
    assertThat(form(token, "List-Unsubscribe=Two-Clicks", "en").status()).isEqualTo(400);
    assertThat(user(3).get("SubscriptionStatus").bool()).isTrue();
    assertThat(user(3)).doesNotContainKey("OptedOutTopics");
    assertThat(suppression(3)).isEmpty();

    SignedClient.Reply campaign = client.post("/v1/campaigns", "{\"templateId\":\"t\",\"topic\":\"weather\"}");
    assertThat(campaign.status()).isEqualTo(400);
    assertThat(campaign.json().getJsonObject("error").getString("field")).isEqualTo("topic");
  }

  @Test
  void anUnsubscribeIsUndoneOnlyWithALinkIssuedAfterIt() {
    String token = token(4);
    assertThat(form(token, "action=unsubscribe", "ko").body()).contains("수신 거부가 완료되었습니다")
        .doesNotContain("value=\"preferences\"");
    assertThat(user(4).get("SubscriptionStatus").bool()).isFalse();
    assertThat(form(token, "action=preferences&topic=newsletter", "en").status()).isEqualTo(409);
    assertThat(user(4).get("SubscriptionStatus").bool()).isFalse();
    String later = tokens.seal(email(4), "c_test", Instant.now().plusSeconds(1));
    SignedClient.Reply again = form(later, "action=preferences&topic=newsletter", "en");
    assertThat(again.body()).contains("Your preferences are saved.");
    assertThat(user(4).get("SubscriptionStatus").bool()).isTrue();
    assertThat(suppression(4)).isEmpty();
    assertThat(user(4).get("OptedOutTopics").ss()).containsExactlyInAnyOrder("promotions", "new-arrivals");
  }

  @Test
  void snsBouncesAndComplaintsSuppressSoftBouncesOnlyCount() {
    SignedClient.Reply confirmed = sns(sns.subscriptionConfirmation());
    assertThat(confirmed.status()).isEqualTo(200);
    assertThat(sns.confirmations.get()).isEqualTo(1);

    assertThat(sns(sns.notification(SnsPublisher.bounce("Permanent", email(5)))).status()).isEqualTo(200);
    assertThat(sns(sns.notification(SnsPublisher.bounce("Transient", email(6)))).status()).isEqualTo(200);
    assertThat(sns(sns.notification(SnsPublisher.complaint(email(7)))).status()).isEqualTo(200);
    assertThat(suppression(5).get("Reason").s()).isEqualTo("BOUNCE");
    assertThat(suppression(6)).isEmpty();
    assertThat(user(6).get("SoftBounces").n()).isEqualTo("1");
    assertThat(suppression(7).get("Reason").s()).isEqualTo("COMPLAINT");

    JsonObject forged = sns.notification(SnsPublisher.bounce("Permanent", email(8)));
    forged.put("Message", SnsPublisher.bounce("Permanent", email(9)).encode());
    SignedClient.Reply refused = sns(forged);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().getJsonObject("error").getMap()).containsEntry("code", "invalid_signature");
    JsonObject elsewhere = sns.notification(SnsPublisher.bounce("Permanent", email(8)))
        .put("SigningCertURL", "https://evil.example.com/cert.pem");
    assertThat(sns(elsewhere).status()).isEqualTo(401);
    JsonObject unsigned = sns.notification(SnsPublisher.bounce("Permanent", email(8)));
    unsigned.remove("Signature");
    SignedClient.Reply missing = sns(unsigned);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().getJsonObject("error").getString("field")).isEqualTo("Signature");
    SignedClient.Reply unknown = sns(sns.notification(SnsPublisher.bounce("Permanent", "nobody@subscription.test")));
    assertThat(unknown.status()).as("no answer tells who is a customer").isEqualTo(200);
    assertThat(suppression(8)).isEmpty();
    assertThat(suppression(9)).isEmpty();

    ses.clear();
    runCampaign("{\"templateId\":\"t\",\"topic\":\"newsletter\"}");
    assertThat(received()).doesNotContainKeys(email(5), email(7)).containsKeys(email(6), email(8), email(9));
  }

  private JsonObject runCampaign(String body) {
    SignedClient.Reply accepted = client.post("/v1/campaigns", body);
    assertThat(accepted.status()).isEqualTo(202);
    JsonObject done = test.awaitFinished(accepted.json().getString("campaignId"));
    assertThat(done.getString("status")).isEqualTo("completed");
    return done;
  }

  private SignedClient.Reply page(String token, String acceptLanguage) {
    return client.send(client.unsigned("/u/" + token).header("Accept-Language", acceptLanguage).GET().build());
  }

  private SignedClient.Reply form(String token, String body, String lang) {
    return client.send(client.unsigned("/u/" + token + "?lang=" + lang)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private SignedClient.Reply sns(JsonObject message) {
    return client.send(client.unsigned("/v1/ses/events").header("Content-Type", "text/plain; charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(message.encode())).build());
  }

  private static Map<String, JsonObject> received() {
    Map<String, JsonObject> byRecipient = new HashMap<>();
    JsonArray emails = ses.emails();
    for (int i = 0; i < emails.size(); i++) {
      JsonObject email = emails.getJsonObject(i);
      String to = email.getJsonObject("destination").getJsonArray("to").getString(0);
      assertThat(byRecipient.put(to, email)).as("a second email to %s", to).isNull();
    }
    return byRecipient;
  }

  private static Map<String, AttributeValue> user(int i) {
    return test.user(email(i));
  }

  private static Map<String, AttributeValue> suppression(int i) {
    return test.suppression(email(i));
  }

}
