package io.mailroom.results;

import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SnsPublisher;
import io.mailroom.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SES configuration-set events of one campaign's deliveries, tagged and addressed as SES would send
 * them (the emulator produces none of these), published through signed SNS messages.
 */
final class TaggedEvents {
  private final TestNode test;
  private final SnsPublisher sns;
  private final String campaignId;
  private final IntFunction<String> email;

  TaggedEvents(TestNode test, SnsPublisher sns, String campaignId, IntFunction<String> email) {
    this.test = test;
    this.sns = sns;
    this.campaignId = campaignId;
    this.email = email;
  }

  String campaignId() {
    return campaignId;
  }

  Map<String, AttributeValue> delivery(int i) {
    try {
      return test.mailroom().aws().dynamo().getItem(b -> b.tableName(test.mailroom().tables().deliveries())
          .consistentRead(true).key(Map.of("CampaignId", AttributeValue.fromS(campaignId),
              "Email", AttributeValue.fromS(email.apply(i))))).get(30, TimeUnit.SECONDS).item();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  JsonObject mail(int i) {
    Map<String, AttributeValue> item = delivery(i);
    JsonObject tags = new JsonObject().put("campaign", new JsonArray().add(campaignId))
        .put("delivery", new JsonArray().add(item.get("DeliveryId").s()));
    return new JsonObject().put("messageId", item.get("MessageId").s())
        .put("destination", new JsonArray().add(email.apply(i))).put("tags", tags);
  }

  JsonObject event(int i, String type) {
    return new JsonObject().put("eventType", type).put("mail", mail(i));
  }

  JsonObject click(int i, String link) {
    return event(i, "Click").put("click", new JsonObject().put("link", link));
  }

  JsonObject bounce(int i, String type) {
    return event(i, "Bounce").put("bounce", new JsonObject().put("bounceType", type).put("bounceSubType", "General")
        .put("bouncedRecipients", new JsonArray().add(new JsonObject().put("emailAddress", email.apply(i)))));
  }

  JsonObject complaint(int i) {
    return event(i, "Complaint").put("complaint", new JsonObject().put("complaintFeedbackType", "abuse")
        .put("complainedRecipients", new JsonArray().add(new JsonObject().put("emailAddress", email.apply(i)))));
  }

  /** Each call is a new SNS message (its own MessageId), so a repeat tests the per-event idempotence. */
  void publish(JsonObject sesEvent) {
    SignedClient client = test.client();
    SignedClient.Reply reply = client.send(client.unsigned("/v1/ses/events")
        .header("Content-Type", "text/plain; charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(sns.notification(sesEvent).encode())).build());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
  }
}
