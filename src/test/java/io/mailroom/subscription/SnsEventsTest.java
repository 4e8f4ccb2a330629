package io.mailroom.subscription;

import io.mailroom.aws.OnceStore;
import io.mailroom.Mailroom;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SnsPublisher;
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

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which signed SNS messages {@code POST /v1/ses/events} applies, through the real endpoint of a node
 * that takes one topic: fresh ones, once each, for our own emails, answering alike whoever they name.
 */
@ExtendWith(VertxExtension.class)
class SnsEventsTest {
  private static TestNode test;
  private static Mailroom node;
  private static SignedClient client;
  private static SnsPublisher sns;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    sns = new SnsPublisher();
    test = TestNode.named("snsevents")
        .config(json -> sns.configure(json.getJsonObject("subscription").getJsonObject("sns")))
        .customers(20, SnsEventsTest::email)
        .start(vertx);
    node = test.mailroom();
    client = test.client();
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
    sns.close();
  }

  static String email(int i) {
    return String.format("sns%03d@snsevents.test", i);
  }

  @Test
  void aConfirmationForAnotherTopicIsRefusedAndNotCalled() {
    int before = sns.confirmations.get();
    SignedClient.Reply refused = post(sns.subscriptionConfirmation("arn:aws:sns:us-east-1:999999999999:attacker"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getJsonObject("error").getString("field")).isEqualTo("TopicArn");
    assertThat(sns.confirmations.get()).isEqualTo(before);
    assertThat(post(sns.subscriptionConfirmation()).status()).isEqualTo(200);
    assertThat(sns.confirmations.get()).isEqualTo(before + 1);
  }

  @Test
  void aMessageOlderThanAnHourIsRefused() {
    JsonObject old = sns.notification(SnsPublisher.complaint(email(1)), Instant.now().minus(Duration.ofMinutes(61)));
    SignedClient.Reply refused = post(old);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().getJsonObject("error").getString("field")).isEqualTo("Timestamp");
    assertThat(suppression(email(1))).isEmpty();

    JsonObject ancient = sns.notification(SnsPublisher.complaint(email(1)), Instant.parse("2015-01-01T00:00:00Z"));
    assertThat(post(ancient).status()).isEqualTo(400);
    assertThat(suppression(email(1))).isEmpty();
  }

  @Test
  void eachMessageIdIsAppliedOnce() {
    JsonObject soft = sns.notification(SnsPublisher.bounce("Transient", email(2)));
    assertThat(post(soft).status()).isEqualTo(200);
    assertThat(post(soft).status()).isEqualTo(200);
    assertThat(user(email(2)).get("SoftBounces").n()).isEqualTo("1");
    assertThat(post(sns.notification(SnsPublisher.bounce("Transient", email(2)))).status()).isEqualTo(200);
    assertThat(user(email(2)).get("SoftBounces").n()).isEqualTo("2");
  }

  @Test
  void aCopyArrivingWhileAnotherIsAppliedComesBackLaterAndIsAppliedOnce() throws Exception {
    JsonObject soft = sns.notification(SnsPublisher.bounce("Transient", email(8)));
    OnceStore seen = new OnceStore(node.aws().dynamo(), node.tables().seen());
    String applying = "sns-applying:" + soft.getString("MessageId");
    // the state a first copy leaves in the Seen table while it is being applied
    assertThat(seen.claim(applying, 120).await(10, TimeUnit.SECONDS)).isTrue();

    SignedClient.Reply second = post(soft);
    assertThat(second.status()).as("SNS delivers it again after a 5xx").isEqualTo(503);
    assertThat(user(email(8))).doesNotContainKey("SoftBounces");

    seen.release(applying).await(10, TimeUnit.SECONDS);
    assertThat(post(soft).status()).isEqualTo(200);
    assertThat(post(soft).json().getBoolean("duplicate")).isTrue();
    assertThat(user(email(8)).get("SoftBounces").n()).isEqualTo("1");
  }

  @Test
  void strangersAndCustomersGetTheSameAnswer() {
    SignedClient.Reply stranger = post(sns.notification(SnsPublisher.bounce("Permanent", "nobody@snsevents.test")));
    SignedClient.Reply customer = post(sns.notification(SnsPublisher.bounce("Permanent", email(4))));
    assertThat(stranger.status()).isEqualTo(200);
    assertThat(customer.status()).isEqualTo(200);
    assertThat(stranger.body()).isEqualTo(customer.body());
    assertThat(suppression(email(4)).get("Reason").s()).isEqualTo("BOUNCE");
  }

  @Test
  void aMixedCaseAddressMatchesItsCustomer() {
    assertThat(post(sns.notification(SnsPublisher.complaint(email(5).toUpperCase()))).status()).isEqualTo(200);
    assertThat(suppression(email(5)).get("Reason").s()).isEqualTo("COMPLAINT");
  }

  @Test
  void anEventForADeliveryWhoseSesIdDiffersIsIgnored() throws Exception {
    node.aws().dynamo().putItem(b -> b.tableName(node.tables().deliveries()).item(Map.of(
        "CampaignId", AttributeValue.fromS("c_sns"), "Email", AttributeValue.fromS(email(6)),
        "DeliveryId", AttributeValue.fromS("1-sns"), "Status", AttributeValue.fromS("SENT"),
        "MessageId", AttributeValue.fromS("0100-ours")))).get(10, TimeUnit.SECONDS);

    assertThat(post(sns.notification(taggedComplaint(email(6), "0100-theirs"))).status()).isEqualTo(200);
    assertThat(suppression(email(6))).isEmpty();
    assertThat(post(sns.notification(taggedComplaint(email(6), "0100-ours"))).status()).isEqualTo(200);
    assertThat(suppression(email(6)).get("Reason").s()).isEqualTo("COMPLAINT");
  }

  @Test
  void anEventForADeliveryWithNoSesIdYetMustNameItsCall() throws Exception {
    node.aws().dynamo().putItem(b -> b.tableName(node.tables().deliveries()).item(Map.of(
        "CampaignId", AttributeValue.fromS("c_sns"), "Email", AttributeValue.fromS(email(7)),
        "DeliveryId", AttributeValue.fromS("2-ours"), "Status", AttributeValue.fromS("UNCONFIRMED"))))
        .get(10, TimeUnit.SECONDS);

    assertThat(post(sns.notification(taggedComplaint(email(7), "0100-any", "1-sns"))).status()).isEqualTo(200);
    assertThat(suppression(email(7))).as("a delivery tag that is not the call's").isEmpty();
    assertThat(post(sns.notification(taggedComplaint(email(7), "0100-any", "2-ours"))).status()).isEqualTo(200);
    assertThat(suppression(email(7)).get("Reason").s()).isEqualTo("COMPLAINT");
  }

  @Test
  void aComplaintOfATestSendSuppressesItsAddress() {
    SignedClient.Reply sent = client.post("/v1/templates/t/test", "{\"to\": [\"" + email(12) + "\"]}");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    String messageId = sent.json().getJsonArray("messages").getJsonObject(0).getString("messageId");

    assertThat(post(sns.notification(testComplaint(email(13), messageId))).status()).isEqualTo(200);
    assertThat(suppression(email(13))).as("an address that test email did not go to").isEmpty();
    assertThat(post(sns.notification(testComplaint(email(12), "0100-not-a-test-of-ours"))).status()).isEqualTo(200);
    assertThat(suppression(email(12))).as("a message id no test send made").isEmpty();
    assertThat(post(sns.notification(testComplaint(email(12), messageId))).status()).isEqualTo(200);
    assertThat(suppression(email(12)).get("Reason").s()).isEqualTo("COMPLAINT");
  }

  /** A complaint tagged as test sends are tagged: campaign "test", a delivery id no Deliveries row holds. */
  private static JsonObject testComplaint(String email, String sesMessageId) {
    JsonObject tags = new JsonObject().put("campaign", new JsonArray().add("test"))
        .put("delivery", new JsonArray().add("test-0b1c"));
    return SnsPublisher.complaint(email).put("mail", new JsonObject().put("messageId", sesMessageId)
        .put("destination", new JsonArray().add(email)).put("tags", tags));
  }

  private static JsonObject taggedComplaint(String email, String sesMessageId) {
    return taggedComplaint(email, sesMessageId, "1-sns");
  }

  private static JsonObject taggedComplaint(String email, String sesMessageId, String delivery) {
    JsonObject tags = new JsonObject().put("campaign", new JsonArray().add("c_sns"))
        .put("delivery", new JsonArray().add(delivery));
    return SnsPublisher.complaint(email).put("mail", new JsonObject().put("messageId", sesMessageId)
        .put("destination", new JsonArray().add(email)).put("tags", tags));
  }

  private SignedClient.Reply post(JsonObject message) {
    return client.send(client.unsigned("/v1/ses/events").header("Content-Type", "text/plain; charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(message.encode())).build());
  }

  private static Map<String, AttributeValue> user(String email) {
    return test.user(email);
  }

  private static Map<String, AttributeValue> suppression(String email) {
    return test.suppression(email);
  }

}
