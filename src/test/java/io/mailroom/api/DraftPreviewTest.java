package io.mailroom.api;

import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/templates/{id}/preview} with a {@code draft}: the template as it is being edited
 * is composed as the saved one would be (the same email once saved), and refused with its line as a
 * save would refuse it; nothing is saved.
 */
@ExtendWith(VertxExtension.class)
class DraftPreviewTest {
  private static final String HTML = "<html><body>\n<p>Hi {{ Name }}</p>\n</body></html>";
  private static TestNode test;
  private static SignedClient client;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    test = TestNode.named("draftpreview").start(vertx);
    client = test.client();
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
  }

  private static JsonObject draft(String html) {
    return new JsonObject().put("subject", "Hello {{ Name }}").put("html", html);
  }

  /** The email without its preview tokens, which differ between two previews. */
  private static String untokened(String part) {
    return part.replaceAll("/u/[A-Za-z0-9_-]+", "/u/TOKEN");
  }

  @Test
  void aDraftIsTheEmailItsSaveWouldPreview() {
    JsonObject sample = new JsonObject().put("Name", "Mina");
    SignedClient.Reply drafted = client.post("/v1/templates/draft-one/preview",
        new JsonObject().put("sample", sample).put("draft", draft(HTML)).encode());
    assertThat(drafted.status()).isEqualTo(200);
    assertThat(drafted.json().getString("subject")).isEqualTo("Hello Mina");
    assertThat(drafted.json().getString("html")).contains("<p>Hi Mina</p>").contains("/u/");
    assertThat(client.get("/v1/templates/draft-one").status()).isEqualTo(404);

    assertThat(client.send(client.signed("PUT", "/v1/templates/draft-one", draft(HTML).put("name", "n").toBuffer()
            .getBytes()).header("Content-Type", "application/json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(draft(HTML).put("name", "n").encode())).build())
        .status()).isEqualTo(201);
    SignedClient.Reply saved = client.post("/v1/templates/draft-one/preview",
        new JsonObject().put("sample", sample).encode());
    assertThat(untokened(saved.json().getString("html"))).isEqualTo(untokened(drafted.json().getString("html")));
    assertThat(untokened(saved.json().getString("text"))).isEqualTo(untokened(drafted.json().getString("text")));
  }

  @Test
  void aDraftThatDoesNotCompileIsRefusedAtItsLine() {
    SignedClient.Reply refused = client.post("/v1/templates/draft-two/preview", new JsonObject()
        .put("sample", new JsonObject()).put("draft", draft("<p>\n{{ Name | }}</p>")).encode());
    assertThat(refused.status()).isEqualTo(400);
    JsonObject error = refused.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("template_syntax");
    assertThat(error.getString("field")).isEqualTo("html");
    assertThat(error.getInteger("line")).isEqualTo(2);
  }
}
