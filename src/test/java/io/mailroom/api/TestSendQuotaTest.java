package io.mailroom.api;

import io.mailroom.local.FreePort;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test sends take their slots from the node's send gate: against an SES emulator whose 24-hour
 * quota is 2, a test to three addresses sends two and reports the third unsent, and the next test
 * is refused with 429 and {@code Retry-After}, sending nothing.
 */
class TestSendQuotaTest {
  @Test
  void aTestSendIsKeptWithinTheSesQuota() throws Exception {
    Vertx vertx = Vertx.vertx();
    SesEmulator ses = SesEmulator.start(SesEmulator.account(14, 2), FreePort.pick());
    try (TestNode test = TestNode.named("testquota")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", ses.endpoint());
          json.put("authoring", new JsonObject().put("testRecipients", "a@team.test,b@team.test,c@team.test"));
        })
        .start(vertx)) {
      SignedClient client = test.client();
      SignedClient.Reply first = client.post("/v1/templates/t/test",
          "{\"to\": [\"a@team.test\", \"b@team.test\", \"c@team.test\"]}");
      assertThat(first.status()).as(first.body()).isEqualTo(202);
      assertThat(first.json().getJsonArray("messages")).hasSize(2);
      assertThat(first.json().getJsonArray("unsent")).isEqualTo(new JsonArray()
          .add(new JsonObject().put("to", "c@team.test").put("reason", "no_send_slot")));

      String body = "{\"to\": [\"c@team.test\"]}";
      HttpRequest request = client.signed("POST", "/v1/templates/t/test", body.getBytes(StandardCharsets.UTF_8))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
      java.net.http.HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient()
          .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
      assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("quota_exhausted");
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(ses.recipients()).containsExactlyInAnyOrder("a@team.test", "b@team.test");
    } finally {
      ses.close();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
