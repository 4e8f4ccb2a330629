package io.mailroom;

import io.mailroom.campaign.CampaignStatus;
import io.mailroom.campaign.Template;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.mailroom.TemplateRoutesTest.assertRefused;
import static io.mailroom.TemplateRoutesTest.template;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every refusal of {@code PUT /v1/templates/{id}} and of a campaign's subject override, on a real
 * node: the status, the code, the field (and the line), and that nothing was saved or created.
 */
@ExtendWith(VertxExtension.class)
class TemplateRefusalsTest {
  private static TestNode node;
  private static SignedClient client;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    node = TestNode.named("template-refusals").customers(3, i -> "trapped-" + i + "@refusals.example.com").start(vertx);
    client = node.client();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /** Refused with {@code status}, {@code code} and {@code field}, and the template was not saved. */
  private static JsonObject refused(JsonObject body, int status, String code, String field) {
    return refused(body.encode(), status, code, field);
  }

  private static JsonObject refused(String body, int status, String code, String field) {
    JsonObject error = assertRefused(TemplateRoutesTest.put(client, "refused", body), status, code, field);
    assertRefused(client.get("/v1/templates/refused"), 404, "template_not_found", "id");
    return error;
  }

  @Test
  void aSyntaxErrorNamesThePartAndItsLine() {
    JsonObject subject = refused(template("Hi {{ Name ", "<p>x</p>"), 400, "template_syntax", "subject");
    assertThat(subject.getInteger("line")).isEqualTo(1);
    assertThat(subject.getInteger("column")).as("the '{{' left open").isEqualTo(4);
    assertThat(subject.getString("message")).as("the end of the template in words").contains("end of template")
        .doesNotContain("\u0000");
    JsonObject html = refused(template("Hi", "<p>one</p>\n<p>two</p>\n{% if %}<p>three</p>"), 400,
        "template_syntax", "html");
    assertThat(html.getInteger("line")).isEqualTo(3);
    assertThat(html.containsKey("column")).as("present, null when it cannot be told").isTrue();
    refused(template("Hi", "<p>x</p>").put("text", "Hello\n{{ Name | }}"), 400, "template_syntax", "text");
  }

  @Test
  void noTemplateMayReachAnother() {
    for (String tag : List.of("include", "import", "extends")) {
      JsonObject error = refused(template("Hi", "<p>x</p>\n<p>{% " + tag + " \"secret\" %}"), 400,
          "template_forbidden", "html");
      assertThat(error.getString("tag")).isEqualTo(tag);
      assertThat(error.getInteger("line")).isEqualTo(2);
      assertThat(error.getInteger("column")).isEqualTo(4);
    }
  }

  @Test
  void whatFailsWhenRenderedIsA422() {
    refused(template("Hi", "<p>{{ Name.getClass() }}</p>"), 422, "template_render", "html");
    refused(template("Hi", "{% for i in range(1, 300000) %}0123456789{% endfor %}"), 422, "template_render", "html");
  }

  @Test
  void aHugeLoopIsRefusedAndTheNodeStillAnswers() {
    JsonObject error = refused(template("{% for i in range(1, 2000000000) %}{% endfor %}", "<p>x</p>"), 422,
        "template_render", "subject");
    assertThat(error.getString("message")).containsAnyOf("loop steps", "ms to render");
    refused(template("Hi", "{% for i in range(1, 2000000000) %}{% for j in range(1, 2000000000) %}{% endfor %}"
        + "{% endfor %}"), 422, "template_render", "html");
    SignedClient.Reply live = client.send(client.unsigned("/health/live").GET().build());
    assertThat(live.status()).isEqualTo(200);
    assertThat(TemplateRoutesTest.put(client, "after-loop", template("Hi {{ Name }}", "<p>ok</p>").encode()).status())
        .isEqualTo(201);
  }

  @Test
  void fieldsOutsideTheirLimitsAreRefusedByName() {
    refused(template("Hi", "<p>" + "x".repeat(512 * 1024) + "</p>"), 400, "invalid_field", "html");
    refused(template("Hi", "<p>x</p>").put("imageUrls", new JsonArray().add("http://cdn.example.com/a.png")), 400,
        "invalid_field", "imageUrls");
    refused(template("Hi", "<p>x</p>").put("imageUrls", new JsonArray().add("https://cdn.example.com/a b.png")), 400,
        "invalid_field", "imageUrls");
    refused(template("Hi", "<p>x</p>").put("fromAddress", "Shop <news@shop.example.com>"), 400, "invalid_field",
        "fromAddress");
    refused(template("Hi", "<p>x</p>").put("topic", "gossip"), 400, "unknown_topic", "topic");
    refused(template("Hi", "<p>x</p>").put("colour", "red"), 400, "unknown_field", "colour");
    refused(template("Hi", "<p>x</p>").put("name", 7), 400, "invalid_field", "name");
    refused(template("Hi", "<p>x</p>").put("name", "n".repeat(201)), 400, "invalid_field", "name");
    refused(new JsonObject().put("name", "n").put("subject", "Hi"), 400, "missing_field", "html");
    refused(template("Hi\r\nBcc: x@example.com", "<p>x</p>"), 400, "invalid_field", "subject");
    refused("[1, 2]", 400, "invalid_json", null);
    assertRefused(TemplateRoutesTest.put(client, "a%20b", template("Hi", "<p>x</p>").encode()), 400,
        "invalid_path_parameter", "id");
  }

  @Test
  void aBrokenSubjectOverrideCreatesNoCampaign() throws Exception {
    long before = campaigns();
    JsonObject error = assertRefused(client.post("/v1/campaigns", new JsonObject().put("templateId", TestNode.TEMPLATE_ID)
        .put("subject", "Hi {{ Name ").encode()), 400, "template_syntax", "subject");
    assertThat(error.getInteger("line")).isEqualTo(1);
    assertRefused(client.post("/v1/campaigns", new JsonObject().put("templateId", TestNode.TEMPLATE_ID)
        .put("subject", "{% for i in range(1, 2000000000) %}{% endfor %}").encode()), 422, "template_render", "subject");
    assertRefused(client.post("/v1/campaigns", new JsonObject().put("templateId", TestNode.TEMPLATE_ID)
        .put("subject", "Hi {% include \"x\" %}").encode()), 400, "template_forbidden", "subject");
    assertThat(campaigns()).as("campaigns created").isEqualTo(before);
    SignedClient.Reply good = client.post("/v1/campaigns", new JsonObject().put("templateId", TestNode.TEMPLATE_ID)
        .put("subject", "Sale for {{ Name }}").encode());
    assertThat(good.status()).as(good.body()).isEqualTo(202);
    assertThat(campaigns()).isEqualTo(before + 1);
  }

  /**
   * A template that got into the table without the check (as before this check existed) fails each
   * of its deliveries, once, with the reason recorded; the campaign finishes and the node goes on.
   */
  @Test
  void aTemplateThatFailsWhenSentFailsItsDeliveriesNotTheNode() throws Exception {
    node.mailroom().templates().put(new Template("trap", "trap", "Hi {{ Name }}",
        "{% for i in range(1, 2000000000) %}{% endfor %}", null, List.of())).await(30, TimeUnit.SECONDS);
    String id = node.startCampaign("{\"templateId\": \"trap\"}");
    JsonObject finished = node.awaitFinished(id);
    assertThat(finished.getJsonObject("counts").getLong("failed")).isEqualTo(3);
    assertThat(finished.getJsonObject("counts").getLong("sent")).isZero();
    JsonArray failures = client.get("/v1/campaigns/" + id + "/failures").json().getJsonArray("failures");
    assertThat(failures).hasSize(3).allSatisfy(f -> {
      assertThat(((JsonObject) f).getString("reason")).containsAnyOf("loop steps", "ms to render");
      assertThat(((JsonObject) f).getInteger("attempts")).as("a template error is not retried").isEqualTo(1);
    });
    assertThat(client.send(client.unsigned("/health/live").GET().build()).status()).isEqualTo(200);
  }

  private static long campaigns() throws Exception {
    return node.mailroom().campaigns().inStatus(List.of(CampaignStatus.values())).await(30, TimeUnit.SECONDS).size();
  }
}
