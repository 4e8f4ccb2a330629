package io.mailroom;

import io.mailroom.local.DemoData;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The template routes on a real node (dynalite, ElasticMQ, the SES emulator): versions, paging,
 * deletion refused while a campaign uses the template, a campaign that keeps the version it started
 * with while the template changes, and every refusal with its status, code and field.
 */
@ExtendWith(VertxExtension.class)
class TemplateRoutesTest {
  private static final int AUDIENCE = 24;
  private static TestNode node;
  private static SignedClient client;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    node = TestNode.named("templates")
        .config(json -> {
          // the newest version is read again at every render, so only the pinned version keeps v2 out
          json.getJsonObject("templates").put("cacheSeconds", 0);
          json.getJsonObject("limiter").put("maxRate", 3);
        })
        .customers(AUDIENCE, i -> "keeper-" + i + "@templates.example.com")
        .start(vertx);
    client = node.client();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static SignedClient.Reply put(String id, JsonObject body) {
    return put(client, id, body.encode());
  }

  private static SignedClient.Reply put(JsonObject body) {
    return put("race", body);
  }

  static SignedClient.Reply put(SignedClient client, String id, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return client.send(client.signed("PUT", "/v1/templates/" + id, bytes).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }

  private static SignedClient.Reply delete(String id) {
    return client.send(client.signed("DELETE", "/v1/templates/" + id, new byte[0]).DELETE().build());
  }

  static JsonObject template(String subject, String html) {
    return new JsonObject().put("name", "Autumn sale").put("subject", subject).put("html", html);
  }

  @Test
  void eachSaveIsANewVersionAndEveryVersionStaysReadable() {
    SignedClient.Reply first = put("life.a", template("Hi {{ Name }}", "<p>first {{ Name }}</p>")
        .put("imageUrls", new JsonArray().add("https://cdn.example.com/a.png")).put("topic", "newsletter")
        .put("fromAddress", "News@Shop.example.com"));
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.json().getLong("version")).isEqualTo(1);
    assertThat(first.json().getString("fromAddress")).isEqualTo("news@shop.example.com");
    assertThat(first.json().getString("topic")).isEqualTo("newsletter");
    assertThat(first.json().getString("createdAt")).isNotNull();

    SignedClient.Reply second = put("life.a", template("Hello {{ Name }}", "<p>second {{ Name }}</p>"));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json().getLong("version")).isEqualTo(2);
    assertThat(second.json().getString("createdAt")).isEqualTo(first.json().getString("createdAt"));

    JsonObject latest = client.get("/v1/templates/life.a").json();
    assertThat(latest.getLong("version")).isEqualTo(2);
    assertThat(latest.getString("html")).isEqualTo("<p>second {{ Name }}</p>");
    assertThat(latest.getJsonArray("versions").stream().map(v -> ((JsonObject) v).getLong("version")))
        .containsExactly(1L, 2L);
    JsonObject v1 = client.get("/v1/templates/life.a?version=1").json();
    assertThat(v1.getString("html")).isEqualTo("<p>first {{ Name }}</p>");
    assertThat(v1.getJsonArray("imageUrls").getList()).containsExactly("https://cdn.example.com/a.png");
    assertRefused(client.get("/v1/templates/life.a?version=3"), 404, "template_not_found", "version");
    assertRefused(client.get("/v1/templates/life.a?version=zero"), 400, "invalid_field", "version");
    assertRefused(client.get("/v1/templates/no-such-one"), 404, "template_not_found", "id");
  }

  @Test
  void savesAtTheSameTimeNeverMakeTheSameVersion() {
    List<CompletableFuture<SignedClient.Reply>> saves = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      JsonObject body = template("Race " + i, "<p>race " + i + "</p>");
      saves.add(CompletableFuture.supplyAsync(() -> put(body)));
    }
    List<Long> versions = new ArrayList<>();
    for (CompletableFuture<SignedClient.Reply> save : saves) {
      SignedClient.Reply reply = save.join();
      if (reply.status() == 409) {
        assertRefused(reply, 409, "concurrent_update", null);
      } else {
        assertThat(reply.status()).as(reply.body()).isIn(200, 201);
        versions.add(reply.json().getLong("version"));
      }
    }
    assertThat(versions).doesNotHaveDuplicates().isNotEmpty();
    JsonObject head = client.get("/v1/templates/race").json();
    assertThat(head.getLong("version")).isEqualTo(versions.size());
    assertThat(head.getJsonArray("versions")).hasSize(versions.size());
  }

  /** A head written before versions (no Version attribute) is version 1, and stays readable as such. */
  @Test
  void aTemplateFromBeforeVersionsIsVersionOne() throws Exception {
    Map<String, AttributeValue> legacy = Map.of("TemplateID", AttributeValue.fromS("legacy"),
        "TemplateName", AttributeValue.fromS("old"), "Subject", AttributeValue.fromS("Old {{ Name }}"),
        "Html", AttributeValue.fromS("<p>old</p>"));
    node.mailroom().aws().dynamo().putItem(b -> b.tableName(node.mailroom().tables().templates()).item(legacy))
        .get(30, TimeUnit.SECONDS);
    assertThat(client.get("/v1/templates/legacy").json().getLong("version")).isEqualTo(1);
    SignedClient.Reply saved = put("legacy", template("New", "<p>new</p>"));
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    assertThat(saved.json().getLong("version")).isEqualTo(2);
    assertThat(client.get("/v1/templates/legacy?version=1").json().getString("html")).isEqualTo("<p>old</p>");
    assertThat(client.get("/v1/templates/legacy").json().getString("html")).isEqualTo("<p>new</p>");
  }

  @Test
  void aBodyOfHalfAMegabyteIsStoredAndReadBack() {
    String html = "<p>{{ Name }}</p>" + "<div class=\"row\">autumn collection</div>\n".repeat(12_000);
    assertThat(html.length()).isBetween(480_000, 512 * 1024);
    SignedClient.Reply saved = put("big", template("Hi", html));
    assertThat(saved.status()).as(saved.body()).isEqualTo(201);
    assertThat(client.get("/v1/templates/big").json().getString("html")).isEqualTo(html);
  }

  /** The demo's template (96 KB of HTML, over {@code http.maxBodyBytes}) goes in through the route, as the demo does. */
  @Test
  void aCampaignTakesItsTemplatesTopicUnlessItNamesOne() {
    assertThat(put("topical", template("Hi {{ Name }}", "<p>news</p>").put("topic", "newsletter")).status())
        .isEqualTo(201);
    JsonObject plain = client.post("/v1/campaigns", new JsonObject().put("templateId", "topical")
        .put("sendAt", java.time.Instant.now().plusSeconds(86_400).toString()).encode()).json();
    JsonObject named = client.post("/v1/campaigns", new JsonObject().put("templateId", "topical")
        .put("topic", "promotions").put("sendAt", java.time.Instant.now().plusSeconds(86_400).toString()).encode())
        .json();
    assertThat(plain.getString("topic")).as(plain.encode()).isEqualTo("newsletter");
    assertThat(named.getString("topic")).as(named.encode()).isEqualTo("promotions");
    for (JsonObject campaign : List.of(plain, named)) {
      assertThat(client.post("/v1/campaigns/" + campaign.getString("campaignId") + "/cancel", "").status())
          .isEqualTo(200);
    }
  }

  @Test
  void theDemoTemplateGoesInThroughTheRoute() {
    SignedClient.Reply saved = put("demo-autumn", DemoData.templateJson());
    assertThat(saved.status()).as(saved.body()).isEqualTo(201);
    assertThat(saved.json().getString("html")).isEqualTo(DemoData.template().html());
  }

  @Test
  void theListIsPagedWithoutBodies() {
    for (String id : List.of("page-1", "page-2", "page-3")) {
      assertThat(put(id, template("Hi", "<p>" + id + "</p>")).status()).isEqualTo(201);
    }
    List<String> seen = new ArrayList<>();
    String next = "/v1/templates?limit=2";
    int pages = 0;
    while (next != null) {
      SignedClient.Reply page = client.get(next);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      JsonArray templates = page.json().getJsonArray("templates");
      assertThat(templates.size()).isLessThanOrEqualTo(2);
      for (Object item : templates) {
        JsonObject head = (JsonObject) item;
        assertThat(head.containsKey("html")).isFalse();
        assertThat(head.getString("subject")).isNotNull();
        seen.add(head.getString("templateId"));
      }
      next = page.json().getString("next");
      pages++;
    }
    assertThat(seen).doesNotHaveDuplicates().contains("page-1", "page-2", "page-3", TestNode.TEMPLATE_ID);
    assertThat(pages).isGreaterThanOrEqualTo(2);
    assertRefused(client.get("/v1/templates?limit=0"), 400, "invalid_field", "limit");
    assertRefused(client.get("/v1/templates?limit=101"), 400, "invalid_field", "limit");
    assertRefused(client.get("/v1/templates?after=%21"), 400, "invalid_field", "after");
  }

  /**
   * A campaign on version 1 to {@value #AUDIENCE} customers at 3 emails a second; version 2 is saved
   * while it sends. Every customer gets version 1, once; the template cannot be deleted meanwhile.
   */
  @Test
  void aCampaignKeepsItsVersionWhenTheTemplateChangesWhileItSends() throws Exception {
    assertThat(put("keep", template("V1 subject for {{ Name }}", "<p>V1 body for {{ Name }}</p>")).status())
        .isEqualTo(201);
    SignedClient.Reply started = client.post("/v1/campaigns", "{\"templateId\": \"keep\"}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(started.json().getLong("templateVersion")).isEqualTo(1);
    String id = started.json().getString("campaignId");

    Eventually.until("a few emails of " + id, 60_000, () -> client.get("/v1/campaigns/" + id).json(),
        c -> c.getJsonObject("counts").getLong("sent") >= 3);
    SignedClient.Reply second = put("keep", template("V2 subject for {{ Name }}", "<p>V2 body for {{ Name }}</p>"));
    assertThat(second.json().getLong("version")).isEqualTo(2);
    JsonObject midway = client.get("/v1/campaigns/" + id).json();
    assertThat(midway.getJsonObject("counts").getLong("sent")).as("still sending").isLessThan(AUDIENCE);

    SignedClient.Reply inUse = delete("keep");
    assertRefused(inUse, 409, "template_in_use", "id");
    assertThat(inUse.json().getJsonObject("error").getJsonArray("campaignIds").getList()).containsExactly(id);

    JsonObject finished = node.awaitFinished(id);
    assertThat(finished.getString("status")).isEqualTo("completed");
    assertThat(finished.getJsonObject("counts").getLong("sent")).isEqualTo(AUDIENCE);
    List<JsonObject> emails = emailsTo("@templates.example.com");
    assertThat(emails).hasSize(AUDIENCE);
    for (JsonObject email : emails) {
      assertThat(email.getString("subject")).startsWith("V1 subject for Customer ");
      assertThat(email.getJsonObject("body").getString("html")).contains("V1 body for Customer ")
          .doesNotContain("V2 body");
    }

    assertThat(delete("keep").status()).isEqualTo(204);
    assertRefused(client.get("/v1/templates/keep"), 404, "template_not_found", "id");
    assertRefused(delete("keep"), 404, "template_not_found", "id");
    assertThat(client.get("/v1/templates?limit=100").json().getJsonArray("templates").stream()
        .map(t -> ((JsonObject) t).getString("templateId"))).doesNotContain("keep");
    SignedClient.Reply again = put("keep", template("Back", "<p>back</p>"));
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().getLong("version")).as("numbering goes on after a deletion").isEqualTo(3);
  }

  private static List<JsonObject> emailsTo(String domain) {
    List<JsonObject> found = new ArrayList<>();
    JsonArray emails = LocalServices.ses().emails();
    for (int i = 0; i < emails.size(); i++) {
      JsonObject email = emails.getJsonObject(i);
      if (email.getJsonObject("destination").getJsonArray("to").getString(0).endsWith(domain)) {
        found.add(email);
      }
    }
    return found;
  }

  static JsonObject assertRefused(SignedClient.Reply reply, int status, String code, String field) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("code")).as(reply.body()).isEqualTo(code);
    assertThat(error.getString("field")).as(reply.body()).isEqualTo(field);
    return error;
  }
}
