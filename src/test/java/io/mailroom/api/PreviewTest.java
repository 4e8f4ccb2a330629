package io.mailroom.api;

import io.mailroom.campaign.Template;
import io.mailroom.subscription.UnsubscribeToken;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.ReceivedEmail;
import io.mailroom.testing.SesEmulator;
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

import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/templates/{id}/preview} on a real node sending through the SES emulator: the
 * preview of a customer is, line for line, the email a campaign sent them (Message-ID aside; the
 * unsubscribe token differs, and the preview's is a preview token), and each refusal names its field.
 */
@ExtendWith(VertxExtension.class)
class PreviewTest {
  private static final Pattern TOKEN = Pattern.compile("/u/([A-Za-z0-9_-]+)");
  private static TestNode test;
  private static SignedClient client;
  private static SesEmulator ses;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    test = TestNode.named("preview")
        .config(json -> json.getJsonObject("subscription").put("mailto", "unsubscribe@shop.example.com"))
        .template(new Template(TestNode.TEMPLATE_ID, "preview", "Hello {{ Name }}, 안녕하세요",
            "<html><head><title>{{ Subject }}</title></head><body>\n<p>Hello {{ Name }} ({{ Email }}, {{ Gender }})</p>"
                + "\n<p>" + "Long line of our autumn collection. ".repeat(20) + "</p>\n</body></html>", null, List.of()))
        .customers(3, PreviewTest::email)
        .start(vertx);
    client = test.client();
    ses = LocalServices.ses();
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
  }

  static String email(int i) {
    return String.format("pre%03d@preview.test", i);
  }

  @Test
  void aPreviewShowsTheVersionJustSaved() {
    for (String word : List.of("First", "Second")) {
      String body = new JsonObject().put("name", "fresh").put("subject", word + " for {{ Name }}")
          .put("html", "<p>" + word + " body</p>").encode();
      byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      SignedClient.Reply saved = client.send(client.signed("PUT", "/v1/templates/fresh", bytes)
          .header("Content-Type", "application/json")
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
      assertThat(saved.status()).as(saved.body()).isIn(200, 201);
      SignedClient.Reply preview = client.post("/v1/templates/fresh/preview", "{\"sample\": {\"Name\": \"Mina\"}}");
      assertThat(preview.json().getString("subject")).as("not a cached copy of the version before")
          .isEqualTo(word + " for Mina");
      assertThat(preview.json().getString("html")).contains(word + " body");
    }
  }

  @Test
  void aPreviewIsWhatTheSesEmulatorReceivedFromTheCampaign() throws Exception {
    String campaign = test.startCampaign();
    assertThat(test.awaitFinished(campaign).getJsonObject("counts").getLong("sent")).isEqualTo(3);
    ReceivedEmail sent = ReceivedEmail.parse(ses.rawEmail(messageIdTo(email(0))));

    SignedClient.Reply reply = client.post("/v1/templates/t/preview", "{\"email\": \"" + email(0) + "\"}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonObject preview = reply.json();
    assertThat(preview.getString("subject")).isEqualTo(sent.subject()).isEqualTo("Hello Customer 0, 안녕하세요");
    assertThat(normal(preview.getString("html"))).isEqualTo(normal(sent.html()));
    assertThat(normal(preview.getString("text"))).isEqualTo(normal(sent.text()));
    Map<String, String> headers = headers(preview.getJsonArray("headers"));
    Map<String, String> received = new LinkedHashMap<>();
    sent.headers().forEach((name, value) -> received.put(name, normal(value)));
    assertThat(headers).isEqualTo(received);
    assertThat(headers).containsKeys("from", "to", "subject", "list-unsubscribe", "list-unsubscribe-post");

    UnsubscribeToken tokens = test.tokens();
    assertThat(tokens.open(token(preview.getString("html"))).orElseThrow().kind()).isEqualTo(UnsubscribeToken.Kind.PREVIEW);
    assertThat(tokens.open(token(sent.html())).orElseThrow().kind()).isEqualTo(UnsubscribeToken.Kind.CAMPAIGN);
    Matcher header = TOKEN.matcher(preview.getJsonArray("headers").getJsonObject(3).getString("value"));
    assertThat(header.find()).isTrue();
    assertThat(tokens.open(header.group(1)).orElseThrow().kind()).isEqualTo(UnsubscribeToken.Kind.PREVIEW);
  }

  @Test
  void aPreviewTokenUnsubscribesNoOne() {
    JsonObject preview = client.post("/v1/templates/t/preview", "{\"email\": \"" + email(1) + "\"}").json();
    SignedClient.Reply click = client.send(client.unsigned("/u/" + token(preview.getString("html")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
    assertThat(click.status()).isEqualTo(403);
    assertThat(test.user(email(1)).get("SubscriptionStatus").bool()).isTrue();
  }

  @Test
  void aSamplePreviewRendersTheGivenFieldsAndASubjectOverride() {
    SignedClient.Reply reply = client.post("/v1/templates/t/preview",
        "{\"sample\": {\"Name\": \"Mina\", \"Gender\": \"Female\", \"CreateTime\": 1700000000},"
            + " \"subject\": \"{{ Name }}, 20% off\", \"topic\": \"newsletter\"}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonObject preview = reply.json();
    assertThat(preview.getString("subject")).isEqualTo("Mina, 20% off");
    assertThat(preview.getString("html")).contains("Hello Mina (customer@example.com, Female)",
        "<title>Mina, 20% off</title>");
    assertThat(headers(preview.getJsonArray("headers"))).containsEntry("to", "customer@example.com")
        .containsEntry("subject", "Mina, 20% off");
  }

  @Test
  void eachRefusalNamesItsField() {
    refused("{}", 400, "invalid_field", "email");
    refused("{\"email\": \"" + email(0) + "\", \"sample\": {\"Name\": \"Mina\"}}", 400, "invalid_field", "sample");
    refused("{\"email\": \"not an address\"}", 400, "invalid_field", "email");
    refused("{\"email\": \"nobody@preview.test\"}", 404, "customer_not_found", "email");
    refused("{\"sample\": {\"Age\": 3}}", 400, "invalid_field", "sample.Age");
    refused("{\"sample\": {}, \"subject\": \"Hi {{ Name \"}", 400, "template_syntax", "subject");
    refused("{\"sample\": {}, \"topic\": \"nope\"}", 400, "unknown_topic", "topic");
    refused("{\"sample\": {}, \"from\": \"x@y.z\"}", 400, "unknown_field", "from");
    SignedClient.Reply missing = client.post("/v1/templates/no-such-template/preview", "{\"sample\": {}}");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getJsonObject("error").getString("code")).isEqualTo("template_not_found");
  }

  private static void refused(String body, int status, String code, String field) {
    SignedClient.Reply reply = client.post("/v1/templates/t/preview", body);
    assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(status);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("code")).as(body).isEqualTo(code);
    assertThat(error.getString("field")).as(body).isEqualTo(field);
  }

  private static String messageIdTo(String address) {
    JsonArray emails = ses.emails();
    for (int i = emails.size() - 1; i >= 0; i--) {
      JsonObject email = emails.getJsonObject(i);
      if (email.getJsonObject("destination").getJsonArray("to").contains(address)) {
        return email.getString("messageId");
      }
    }
    throw new AssertionError("the SES emulator received nothing for " + address);
  }

  private static Map<String, String> headers(JsonArray list) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonObject header = list.getJsonObject(i);
      try {
        headers.put(header.getString("name").toLowerCase(java.util.Locale.ROOT),
            normal(ReceivedEmail.value(header.getString("name"), header.getString("value"))));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    return headers;
  }

  /** The unsubscribe token of every link in the same place: two seals of one address differ. */
  private static String normal(String text) {
    return TOKEN.matcher(text).replaceAll("/u/TOKEN").replaceAll("unsubscribe%20[A-Za-z0-9_-]+", "unsubscribe%20TOKEN");
  }

  private static String token(String html) {
    Matcher link = TOKEN.matcher(html);
    assertThat(link.find()).as("an unsubscribe link in %s", html).isTrue();
    return link.group(1);
  }
}
