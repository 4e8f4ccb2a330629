package io.mailroom.api;

import io.mailroom.testing.Eventually;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log of a real node over dynalite names each change after the route that made it, with
 * the path parameter's value as its target: an address sent percent-encoded, as the console sends
 * it, and an id that is also a word of the path.
 */
@ExtendWith(VertxExtension.class)
class AuditRoutesTest {
  private static TestNode test;
  private static SignedClient client;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    test = TestNode.named("auditroutes").start(vertx);
    client = test.client();
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
  }

  @Test
  void aSuppressionAddedAndRemovedIsAuditedWithItsAddress() throws Exception {
    String path = "/v1/suppressions/" + URLEncoder.encode("kim@audit.test", StandardCharsets.UTF_8);
    assertThat(path).contains("%40");
    assertThat(send("PUT", path, "{\"note\": \"asked by phone\"}").status()).isEqualTo(201);
    assertThat(send("DELETE", path, null).status()).isEqualTo(204);

    Eventually.until("both changes audited", 30_000, AuditRoutesTest::changes,
        changes -> changes.containsAll(List.of("suppression.save kim@audit.test", "suppression.delete kim@audit.test")));
  }

  @Test
  void aTemplateNamedAfterAPathSegmentIsAuditedUnderItsId() throws Exception {
    String body = new JsonObject().put("name", "v1").put("subject", "Hello {{ Name }}")
        .put("html", "<html><body>\n<p>Hi {{ Name }}</p>\n</body></html>").encode();
    SignedClient.Reply saved = send("PUT", "/v1/templates/v1", body);
    assertThat(saved.status()).as(saved.body()).isBetween(200, 201);

    Eventually.until("the save audited", 30_000, AuditRoutesTest::changes, changes -> changes.contains("template.save v1"));
  }

  /** The audit log's newest entries, as "action target". */
  private static List<String> changes() {
    return client.get("/v1/audit?limit=50").json().getJsonArray("entries").stream()
        .map(e -> ((JsonObject) e).getString("action") + " " + ((JsonObject) e).getString("target")).toList();
  }

  private static SignedClient.Reply send(String method, String path, String body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder request = client.signed(method, path, bytes);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return client.send(request.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }
}
