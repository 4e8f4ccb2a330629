package io.mailroom;

import io.mailroom.campaign.Template;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static io.mailroom.TemplateRoutesTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Korean advertising rules ({@code compliance.profile: kr}) on what reaches the SES emulator:
 * the {@code (광고)} subject prefix once, the sender's footer at the end of both bodies, nothing of
 * either on a notice, and every variant of the mark refused when submitted.
 */
@ExtendWith(VertxExtension.class)
class KoreanAdvertisingEmailTest {
  private static final int CUSTOMERS = 3;
  private static TestNode node;
  private static SignedClient client;
  private static SesEmulator ses;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    node = TestNode.named("kr-ads")
        .config(json -> json.getJsonObject("compliance").put("profile", "kr"))
        .template(new Template(TestNode.TEMPLATE_ID, "test", "Hello {{ Name }}",
            "<html><body><p>Hello {{ Name }}</p></body></html>", "Hello {{ Name }}", List.of()))
        .customers(CUSTOMERS, i -> "kr" + i + "@example.com")
        .start(vertx);
    client = node.client();
    ses = LocalServices.ses();
  }

  @BeforeEach
  void clear() {
    ses.clear();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static List<JsonObject> sentBy(String campaignBody) {
    String id = node.startCampaign(campaignBody);
    assertThat(node.awaitFinished(id).getJsonObject("counts").getLong("sent")).isEqualTo(CUSTOMERS);
    JsonArray emails = ses.emails();
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < emails.size(); i++) {
      out.add(emails.getJsonObject(i));
    }
    assertThat(out).hasSize(CUSTOMERS);
    return out;
  }

  @Test
  void anAdvertisingEmailStartsWithTheMarkAndEndsWithTheSendersFooter() {
    for (JsonObject email : sentBy("{\"templateId\":\"" + TestNode.TEMPLATE_ID + "\"}")) {
      assertThat(email.getString("subject")).matches("\\(광고\\) Hello Customer \\d");
      String html = email.getJsonObject("body").getString("html");
      String text = email.getJsonObject("body").getString("text");
      assertThat(html).startsWith("<html><body><p>Hello Customer ").endsWith("</div>\n</body></html>")
          .contains("Mailroom Fashion", "help@shop.example.com", "02-1234-5678", "서울특별시 중구 세종대로 110")
          .contains(">수신거부</a>", ">unsubscribe</a>", "href=\"http://127.0.0.1:");
      assertThat(html.indexOf("lang=\"ko\"")).isLessThan(html.indexOf("lang=\"en\""));
      // one opt-out, the footer's (Korean and English): no second one of the template's footer
      assertThat(html).doesNotContain("수신거부 및 수신 설정").doesNotContain("change your preferences");
      assertThat(html.split("href=\"http://127\\.0\\.0\\.1:\\d+/u/", -1)).hasSize(3);
      assertThat(text).doesNotContain("change your preferences");
      assertThat(text).startsWith("Hello Customer ").contains("발신자: Mailroom Fashion | help@shop.example.com")
          .containsPattern("수신거부\\(무료, 한 번에 처리\\): http://127\\.0\\.0\\.1:\\d+/u/")
          .containsPattern("Unsubscribe \\(free, one step\\): http://127\\.0\\.0\\.1:\\d+/u/\\S+\n$");
    }
  }

  @Test
  void aSubjectThatAlreadyCarriesTheMarkIsNotMarkedTwice() {
    for (JsonObject email : sentBy("{\"templateId\":\"" + TestNode.TEMPLATE_ID + "\",\"subject\":\"(광고) 가을 세일\"}")) {
      assertThat(email.getString("subject")).isEqualTo("(광고) 가을 세일");
    }
  }

  @Test
  void aNoticeCarriesNeitherTheMarkNorTheFooter() {
    String body = "{\"templateId\":\"" + TestNode.TEMPLATE_ID + "\",\"kind\":\"notice\"}";
    for (JsonObject email : sentBy(body)) {
      assertThat(email.getString("subject")).matches("Hello Customer \\d");
      assertThat(email.getJsonObject("body").getString("html")).doesNotContain("발신자")
          .doesNotContain("legal-footer").doesNotContain("광고")
          .contains(">Unsubscribe or change your preferences</a>", ">수신거부 및 수신 설정</a>");
      assertThat(email.getJsonObject("body").getString("text")).startsWith("Hello Customer ")
          .doesNotContain("발신자").doesNotContain("Sender:").doesNotContain("광고")
          .contains("Unsubscribe or change your preferences (수신거부): http://127.0.0.1:");
    }
  }

  @Test
  void theKindIsStoredAndShown() {
    String notice = node.startCampaign("{\"templateId\":\"" + TestNode.TEMPLATE_ID + "\",\"kind\":\"notice\"}");
    String ad = node.startCampaign("{\"templateId\":\"" + TestNode.TEMPLATE_ID + "\"}");
    node.awaitFinished(notice);
    node.awaitFinished(ad);
    assertThat(client.get("/v1/campaigns/" + notice).json().getString("kind")).isEqualTo("notice");
    assertThat(client.get("/v1/campaigns/" + ad).json().getString("kind")).isEqualTo("advertising");
  }

  @Test
  void aCampaignWithAVariantOfTheMarkOrAnUnknownKindIsRefused() {
    for (String subject : new String[] {"[광고] 세일", "(광 고) 세일", "（광고） 세일", "< 광고 > 세일", "세일 (광고)"}) {
      JsonObject error = assertRefused(client.post("/v1/campaigns", new JsonObject()
          .put("templateId", TestNode.TEMPLATE_ID).put("subject", subject).encode()), 400, "advertising_mark", "subject");
      assertThat(error.getString("message")).as(subject).contains("(광고)");
    }
    assertRefused(client.post("/v1/campaigns", "{\"templateId\":\"t\",\"kind\":\"promo\"}"), 400, "invalid_field",
        "kind");
    assertThat(ses.emails()).isEmpty();
  }

  @Test
  void aPreviewOrTestSendSubjectWithAVariantIsRefused() {
    assertRefused(client.post("/v1/templates/" + TestNode.TEMPLATE_ID + "/preview",
        "{\"sample\": {\"Name\": \"Mina\"}, \"subject\": \"[광고] Hi\"}"), 400, "advertising_mark", "subject");
    JsonObject preview = client.post("/v1/templates/" + TestNode.TEMPLATE_ID + "/preview",
        "{\"sample\": {\"Name\": \"Mina\"}}").json();
    assertThat(preview.getString("subject")).isEqualTo("(광고) Hello Mina");
    assertThat(preview.getString("html")).contains("class=\"legal-footer\"");
  }

  @Test
  void aNoticePreviewsAndTestSendsAsANotice() {
    String path = "/v1/templates/" + TestNode.TEMPLATE_ID;
    JsonObject preview = client.post(path + "/preview", "{\"sample\": {\"Name\": \"Mina\"}, \"kind\": \"notice\"}")
        .json();
    assertThat(preview.getString("subject")).isEqualTo("Hello Mina");
    assertThat(preview.getString("html")).doesNotContain("legal-footer").doesNotContain("광고")
        .contains(">Unsubscribe or change your preferences</a>");
    assertThat(preview.getString("text")).doesNotContain("발신자");
    JsonObject advertising = client.post(path + "/preview", "{\"sample\": {\"Name\": \"Mina\"}, \"kind\": \"advertising\"}")
        .json();
    assertThat(advertising.getString("subject")).isEqualTo("(광고) Hello Mina");

    SignedClient.Reply sent = client.post(path + "/test", "{\"to\": [\"kr0@example.com\"], \"kind\": \"notice\"}");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    JsonArray received = ses.emails();
    assertThat(received).hasSize(1);
    assertThat(received.getJsonObject(0).getString("subject")).isEqualTo("[TEST] Hello Customer 0");
    assertThat(received.getJsonObject(0).getJsonObject("body").getString("html")).doesNotContain("legal-footer");

    assertRefused(client.post(path + "/preview", "{\"sample\": {}, \"kind\": \"promo\"}"), 400, "invalid_field",
        "kind");
    assertRefused(client.post(path + "/test", "{\"to\": [\"kr0@example.com\"], \"kind\": true}"), 400,
        "invalid_field", "kind");
    assertThat(ses.emails()).hasSize(1);
  }

  @Test
  void aTemplateWithAVariantOfTheMarkIsRefusedAndNotSaved() {
    assertRefused(TemplateRoutesTest.put(client, "kr-bad", TemplateRoutesTest.template("[광고] 세일", "<p>x</p>")
        .encode()), 400, "advertising_mark", "subject");
    assertRefused(TemplateRoutesTest.put(client, "kr-bad", TemplateRoutesTest.template("세일", "<p>【광고】 x</p>")
        .encode()), 400, "advertising_mark", "html");
    assertRefused(TemplateRoutesTest.put(client, "kr-bad", TemplateRoutesTest.template("세일", "<p>x</p>")
        .put("text", "(광고 ) x").encode()), 400, "advertising_mark", "text");
    assertRefused(client.get("/v1/templates/kr-bad"), 404, "template_not_found", "id");
    assertThat(TemplateRoutesTest.put(client, "kr-good", TemplateRoutesTest.template("(광고) 세일", "<p>(광고) x</p>")
        .encode()).status()).isEqualTo(201);
  }
}
