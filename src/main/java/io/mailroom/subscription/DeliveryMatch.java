package io.mailroom.subscription;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.Optional;

/**
 * Tells whether an SES event tagged with one of Mailroom's deliveries is about the email Mailroom
 * sent: where the delivery's SES message id is recorded (a SENT delivery), the event's
 * {@code mail.messageId} must be it; where it is not yet (a call with no answer), the event's
 * {@code delivery} tag must be the delivery id of the call. An event of a test send or a consent
 * notice is ours when this service sent that email ({@link TestSends}). An event with no tags (an
 * identity notification) is matched by address alone, as before; a tagged one naming no delivery of
 * ours is not ours.
 */
final class DeliveryMatch {
  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final TestSends tests;

  DeliveryMatch(DynamoDbAsyncClient dynamo, String table, TestSends tests) {
    this.dynamo = dynamo;
    this.table = table;
    this.tests = tests;
  }

  Future<Boolean> ours(Optional<SesEvent.Origin> origin) {
    if (origin.isEmpty()) {
      return Future.succeededFuture(true);
    }
    SesEvent.Origin event = origin.get();
    if (event.email() == null || event.messageId() == null) {
      return Future.succeededFuture(false);
    }
    if (TestSends.keptHere(event.campaignId())) {
      return tests.madeBy(event.messageId(), event.email());
    }
    return Async.of(dynamo.getItem(b -> b.tableName(table).consistentRead(true)
            .key(Map.of("CampaignId", AttributeValue.fromS(event.campaignId()),
                "Email", AttributeValue.fromS(event.email())))
            .projectionExpression("MessageId, DeliveryId")))
        .map(answer -> {
          if (!answer.hasItem() || answer.item().isEmpty()) {
            return false;
          }
          AttributeValue recorded = answer.item().get("MessageId");
          if (recorded != null) {
            return event.messageId().equals(recorded.s());
          }
          AttributeValue delivery = answer.item().get("DeliveryId");
          return delivery != null && delivery.s().equals(event.deliveryId());
        });
  }
}
