package io.mailroom.api;

import io.mailroom.Mailroom;
import io.mailroom.campaign.Template;
import io.mailroom.subscription.Suppression;
import io.mailroom.subscription.SuppressionStore;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/templates/{id}/test} on a real node sending through the SES emulator: a test send
 * reaches the emulator at once with {@code [TEST] } in its subject and a preview token, counts in no
 * campaign, and goes only to configured test recipients and consenting, unsuppressed customers; a
 * request with any address refused sends nothing.
 */
@ExtendWith(VertxExtension.class)
class TestSendTest {
  private static final String TEAM = "qa@team.test";
  private static final String UNSUBSCRIBED = "gone@testsend.test";
  private static final String SUPPRESSED = "bounced@testsend.test";
  private static TestNode test;
  private static SignedClient client;
  private static SesEmulator ses;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    test = TestNode.named("testsend")
        .config(json -> json.put("authoring", new JsonObject().put("testRecipients", "QA@team.test, lead@team.test")))
        .template(new Template(TestNode.TEMPLATE_ID, "test", "Hello {{ Name }}",
            "<html><body><p>Hello {{ Name }}</p></body></html>", null, List.of()))
        .customers(3, TestSendTest::email)
        .customers(List.of(Map.of("Email", AttributeValue.fromS(UNSUBSCRIBED), "Name", AttributeValue.fromS("Gone"),
            "SubscriptionStatus", AttributeValue.fromBool(false)),
            Map.of("Email", AttributeValue.fromS(SUPPRESSED), "Name", AttributeValue.fromS("Bounced"),
                "SubscriptionStatus", AttributeValue.fromBool(true))))
        .seed(node -> new SuppressionStore(node.aws().dynamo(), node.tables().suppressions())
            .suppress(SUPPRESSED, Suppression.BOUNCE, "test", System.currentTimeMillis()))
        .start(vertx);
    client = test.client();
    ses = LocalServices.ses();
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
  }

  static String email(int i) {
    return String.format("ts%03d@testsend.test", i);
  }

  @Test
  void aTestSendReachesTheEmulatorMarkedTestAndCountsInNoCampaign() throws Exception {
    SignedClient.Reply reply = client.post("/v1/templates/t/test",
        "{\"to\": [\"" + email(0) + "\", \"" + TEAM + "\"], \"sample\": {\"Name\": \"Mina\"}}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    JsonArray messages = reply.json().getJsonArray("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.getJsonObject(0).getString("to")).isEqualTo(email(0));
    assertThat(messages.getJsonObject(1).getString("to")).isEqualTo(TEAM);

    ReceivedEmail customer = ReceivedEmail.parse(ses.rawEmail(messages.getJsonObject(0).getString("messageId")));
    assertThat(customer.subject()).as("a customer's own fields").isEqualTo("[TEST] Hello Customer 0");
    assertThat(customer.headers()).containsEntry("to", email(0));
    ReceivedEmail team = ReceivedEmail.parse(ses.rawEmail(messages.getJsonObject(1).getString("messageId")));
    assertThat(team.subject()).as("the sample's fields").isEqualTo("[TEST] Hello Mina");
    assertThat(team.html()).contains("Hello Mina");
    Matcher token = Pattern.compile("/u/([A-Za-z0-9_-]+)").matcher(customer.headers().get("list-unsubscribe"));
    assertThat(token.find()).isTrue();
    assertThat(test.tokens().open(token.group(1)).orElseThrow().kind()).isEqualTo(UnsubscribeToken.Kind.PREVIEW);

    Mailroom node = test.mailroom();
    assertThat(count(node, node.tables().campaigns())).as("Campaigns rows").isZero();
    assertThat(count(node, node.tables().deliveries())).as("Deliveries rows").isZero();
  }

  @Test
  void aSubjectOverrideKeepsTheMarkerInFront() throws Exception {
    SignedClient.Reply reply = client.post("/v1/templates/t/test",
        "{\"to\": [\"" + email(2) + "\"], \"subject\": \"{{ Name }}, 20% off\"}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    String id = reply.json().getJsonArray("messages").getJsonObject(0).getString("messageId");
    assertThat(ReceivedEmail.parse(ses.rawEmail(id)).subject()).isEqualTo("[TEST] Customer 2, 20% off");
  }

  @Test
  void aRefusedRequestSendsNothing() {
    String allowed = "\"" + email(1) + "\"";
    String eleven = IntStream.range(0, 11).mapToObj(i -> "\"" + email(i) + "\"")
        .collect(java.util.stream.Collectors.joining(", "));
    refused("t", "{\"to\": []}", 400, "invalid_field", "to");
    refused("t", "{\"to\": [" + eleven + "]}", 400, "invalid_field", "to");
    refused("t", "{\"to\": [" + allowed + ", \"not an address\"]}", 400, "invalid_field", "to[1]");
    refused("t", "{\"to\": [" + allowed + ", " + allowed + "]}", 400, "invalid_field", "to[1]");
    refused("t", "{\"to\": [" + allowed + ", \"stranger@elsewhere.test\"]}", 422, "recipient_not_allowed", "to[1]");
    refused("t", "{\"to\": [" + allowed + ", \"" + SUPPRESSED + "\"]}", 422, "recipient_not_allowed", "to[1]");
    refused("t", "{\"to\": [" + allowed + ", \"" + UNSUBSCRIBED + "\"]}", 422, "recipient_not_allowed", "to[1]");
    refused("t", "{\"to\": [" + allowed + "], \"subject\": \"Hi {{ Name \"}", 400, "template_syntax", "subject");
    refused("no-such-template", "{\"to\": [" + allowed + "]}", 404, "template_not_found", "id");
    assertThat(ses.recipients()).doesNotContain(email(1), SUPPRESSED, UNSUBSCRIBED, "stranger@elsewhere.test");
  }

  private static void refused(String template, String body, int status, String code, String field) {
    SignedClient.Reply reply = client.post("/v1/templates/" + template + "/test", body);
    assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(status);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("code")).as(body).isEqualTo(code);
    assertThat(error.getString("field")).as(body).isEqualTo(field);
  }

  private static int count(Mailroom node, String table) throws Exception {
    return node.aws().dynamo().scan(b -> b.tableName(table).consistentRead(true)).get(10, TimeUnit.SECONDS).count();
  }
}
