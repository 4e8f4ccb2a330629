package io.mailroom;

import io.mailroom.api.WebhookSignature;
import io.mailroom.campaign.Template;
import io.mailroom.local.DemoData;
import io.mailroom.testing.TestNode;
import io.mailroom.testing.SignedClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every bad webhook request gets a 4xx with a JSON body naming the problem; nothing is started. */
@ExtendWith(VertxExtension.class)
class WebhookValidationTest {
  private static TestNode node;
  private static SignedClient client;
  private static String secret;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    // one consenting customer, so that a started campaign has someone to send to
    node = TestNode.named("webhook")
        .template(new Template("welcome", "Welcome", "Welcome {{ Name }}", "<p>Hi {{ Name }}</p>", null, List.of()))
        .customers(DemoData.customers(1))
        .start(vertx);
    secret = node.mailroom().config().webhook().secrets().get(0);
    client = node.client();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static void assertError(SignedClient.Reply reply, int status, String code, String field) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("field")).isEqualTo(field);
    assertThat(reply.json().getString("requestId")).matches("r_[0-9a-f]{16}");
    assertThat(reply.body()).doesNotContain("Exception").doesNotContain("at io.");
  }

  @Test
  void aValidRequestStartsACampaign() {
    SignedClient.Reply reply = client.post("/v1/campaigns", "{\"templateId\":\"welcome\",\"subject\":\"Hello {{ Name }}\"}");
    assertThat(reply.status()).isEqualTo(202);
    String id = reply.json().getString("campaignId");
    assertThat(id).startsWith("c_");
    assertThat(client.get("/v1/campaigns/" + id).json().getString("templateId")).isEqualTo("welcome");

    JsonObject done = node.awaitFinished(id);
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
    assertThat(done.getJsonObject("counts").getLong("sent")).as("the campaign ran: its one customer got the email")
        .isEqualTo(1);
  }

  @Test
  void aCallersRequestIdIsEchoedAndAnUnsafeOneReplaced() {
    java.net.http.HttpResponse<String> given = raw(client.unsigned("/health/live").header("X-Request-Id", "qa-run-7.42")
        .GET().build());
    assertThat(given.headers().firstValue("X-Request-Id")).contains("qa-run-7.42");
    java.net.http.HttpResponse<String> unsafe = raw(client.unsigned("/health/live")
        .header("X-Request-Id", "<script>").GET().build());
    assertThat(unsafe.headers().firstValue("X-Request-Id").orElseThrow()).matches("r_[0-9a-f]{16}");
  }

  private static java.net.http.HttpResponse<String> raw(HttpRequest request) {
    try {
      return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void missingSignatureIsRefused() {
    String body = "{\"templateId\":\"welcome\"}";
    assertError(client.send(client.unsigned("/v1/campaigns").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build()), 401, "unauthorized", null);
  }

  @Test
  void wrongSecretIsRefused() {
    SignedClient forger = new SignedClient(node.port(), "not-the-configured-secret");
    assertError(forger.post("/v1/campaigns", "{\"templateId\":\"welcome\"}"), 401, "bad_signature", null);
  }

  @Test
  void bodyChangedAfterSigningIsRefused() {
    byte[] signedBody = "{\"templateId\":\"welcome\"}".getBytes(StandardCharsets.UTF_8);
    HttpRequest request = client.signed("POST", "/v1/campaigns", signedBody).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"templateId\":\"other\"}")).build();
    assertError(client.send(request), 401, "bad_signature", null);
  }

  @Test
  void staleTimestampIsRefused() {
    long old = System.currentTimeMillis() / 1000 - 3600;
    byte[] body = "{\"templateId\":\"welcome\"}".getBytes(StandardCharsets.UTF_8);
    HttpRequest request = client.unsigned("/v1/campaigns").header("Content-Type", "application/json")
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(old))
        .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, old, "POST", "/v1/campaigns", body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    assertError(client.send(request), 401, "stale_signature", WebhookSignature.TIMESTAMP_HEADER);
  }

  @Test
  void wrongContentTypeIsRefused() {
    byte[] body = "templateId=welcome".getBytes(StandardCharsets.UTF_8);
    HttpRequest request = client.signed("POST", "/v1/campaigns", body)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    assertError(client.send(request), 415, "unsupported_media_type", null);
  }

  @Test
  void malformedJsonIsRefused() {
    assertError(client.post("/v1/campaigns", "{\"templateId\": "), 400, "invalid_json", null);
    assertError(client.post("/v1/campaigns", "[1,2]"), 400, "invalid_json", null);
    assertError(client.post("/v1/campaigns", ""), 400, "invalid_json", null);
  }

  @Test
  void missingOrWrongFieldsAreNamed() {
    assertError(client.post("/v1/campaigns", "{}"), 400, "missing_field", "templateId");
    assertError(client.post("/v1/campaigns", "{\"templateId\":42}"), 400, "invalid_field", "templateId");
    assertError(client.post("/v1/campaigns", "{\"templateId\":\"../etc\"}"), 400, "invalid_field", "templateId");
    assertError(client.post("/v1/campaigns", "{\"templateId\":\"welcome\",\"subjct\":\"x\"}"), 400, "unknown_field",
        "subjct");
    assertError(client.post("/v1/campaigns", "{\"templateId\":\"welcome\",\"subject\":\"Hi\\r\\nBcc: x@evil.test\"}"),
        400, "invalid_field", "subject");
    assertError(client.post("/v1/campaigns", "{\"templateId\":\"welcome\",\"idempotencyKey\":\"has space\"}"),
        400, "invalid_field", "idempotencyKey");
  }

  @Test
  void unknownTemplateIsRefused() {
    assertError(client.post("/v1/campaigns", "{\"templateId\":\"nope\"}"), 422, "template_not_found", "templateId");
  }

  @Test
  void oversizedBodyIsRefused() {
    String padding = "x".repeat(node.mailroom().config().http().maxBodyBytes() + 1);
    assertError(client.post("/v1/campaigns", "{\"templateId\":\"welcome\",\"subject\":\"" + padding + "\"}"),
        413, "body_too_large", null);
  }

  @Test
  void unknownCampaignAndRouteAreNotFound() {
    assertError(client.get("/v1/campaigns/c_missing"), 404, "campaign_not_found", "id");
    assertError(client.get("/v1/nothing-here"), 404, "not_found", null);
  }

  @Test
  void statusNeedsASignatureToo() {
    assertError(client.send(client.unsigned("/v1/campaigns/c_missing").GET().build()), 401, "unauthorized", null);
  }

  @Test
  void theSameIdempotencyKeyStartsOneCampaign() {
    String body = "{\"templateId\":\"welcome\",\"idempotencyKey\":\"order-2026-11-25\"}";
    long now = now();
    SignedClient.Reply first = client.send(signedPost("/v1/campaigns", body, now, Long.toString(now)));
    // a retry is signed anew (the same signature twice is a replay)
    SignedClient.Reply second = client.send(signedPost("/v1/campaigns", body, now - 1, Long.toString(now - 1)));
    assertThat(first.status()).isEqualTo(202);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().getString("campaignId")).isEqualTo(first.json().getString("campaignId"));
  }

  private static HttpRequest signedPost(String path, String body, long timestamp, String timestampHeader) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return client.unsigned(path).header("Content-Type", "application/json")
        .header(WebhookSignature.TIMESTAMP_HEADER, timestampHeader)
        .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, timestamp, "POST", path, bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  @Test
  void aReplayedCampaignRequestIsRefused() {
    long now = now();
    HttpRequest request = signedPost("/v1/campaigns", "{\"templateId\":\"welcome\"}", now, Long.toString(now));
    assertThat(client.send(request).status()).isEqualTo(202);
    assertError(client.send(request), 409, "replayed_signature", WebhookSignature.SIGNATURE_HEADER);
  }

  @Test
  void aReplayedControlRequestIsRefused() {
    long now = now();
    HttpRequest resume = signedPost("/v1/campaigns/c_missing/resume", "", now, Long.toString(now));
    assertError(client.send(resume), 404, "campaign_not_found", "id");
    assertError(client.send(resume), 409, "replayed_signature", WebhookSignature.SIGNATURE_HEADER);
  }

  @Test
  void aSignedStatusRequestMayBeRepeated() {
    HttpRequest request = client.signed("GET", "/v1/campaigns/c_missing", new byte[0]).GET().build();
    assertError(client.send(request), 404, "campaign_not_found", "id");
    assertError(client.send(request), 404, "campaign_not_found", "id");
  }

  @Test
  void theUnsignedIdempotencyHeaderIsRefused() {
    byte[] body = "{\"templateId\":\"welcome\"}".getBytes(StandardCharsets.UTF_8);
    HttpRequest request = client.signed("POST", "/v1/campaigns", body).header("Content-Type", "application/json")
        .header("Idempotency-Key", "order-7").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    assertError(client.send(request), 400, "unsigned_header", "Idempotency-Key");
  }

  @Test
  void aTimestampMustBeTenDigits() {
    long now = now();
    assertError(client.send(signedPost("/v1/campaigns", "{\"templateId\":\"welcome\"}", now, "0" + now)), 401,
        "unauthorized", WebhookSignature.TIMESTAMP_HEADER);
    assertError(client.send(signedPost("/v1/campaigns", "{\"templateId\":\"welcome\"}", now, "+" + now)), 401,
        "unauthorized", WebhookSignature.TIMESTAMP_HEADER);
  }

  @Test
  void aTimestampMoreThanThirtySecondsAheadIsRefused() {
    long ahead = now() + 120;
    assertError(client.send(signedPost("/v1/campaigns", "{\"templateId\":\"welcome\"}", ahead, Long.toString(ahead))),
        401, "stale_signature", WebhookSignature.TIMESTAMP_HEADER);
  }

  @Test
  void aBadPathParameterIsRefusedAndNamed() {
    String longId = "c_" + "x".repeat(3000);
    assertError(client.get("/v1/campaigns/" + longId), 400, "invalid_path_parameter", "id");
    assertError(client.get("/v1/campaigns/" + longId + "/failures"), 400, "invalid_path_parameter", "id");
    assertError(client.get("/v1/campaigns/c%20x%3Cy"), 400, "invalid_path_parameter", "id");
    assertError(client.post("/v1/campaigns/" + longId + "/pause", ""), 400, "invalid_path_parameter", "id");
    assertError(client.post("/v1/campaigns/c_x/" + "p".repeat(3000), ""), 400, "invalid_path_parameter", "action");
  }

  @Test
  void aBadPageCursorIsRefusedAndNamed() {
    SignedClient.Reply started = client.post("/v1/campaigns", "{\"templateId\":\"welcome\"}");
    assertThat(started.status()).isEqualTo(202);
    String id = started.json().getString("campaignId");
    assertError(client.get("/v1/campaigns/" + id + "/failures?after="), 400, "invalid_field", "after");
    assertError(client.get("/v1/campaigns/" + id + "/failures?after=" + "a".repeat(3000)), 400, "invalid_field", "after");
    assertThat(client.get("/v1/campaigns/" + id + "/failures?after=someone%40example.com").status()).isEqualTo(200);
  }

  @Test
  void aBadUnsubscribeTokenIsRefusedAndNamed() {
    assertError(client.send(client.unsigned("/u/" + "t".repeat(3000)).GET().build()), 400, "invalid_path_parameter",
        "token");
    assertError(client.send(client.unsigned("/u/a%3Cb").POST(HttpRequest.BodyPublishers.noBody()).build()), 400,
        "invalid_path_parameter", "token");
  }
}
