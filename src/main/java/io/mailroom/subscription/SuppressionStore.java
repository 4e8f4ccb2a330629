package io.mailroom.subscription;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.util.HashMap;
import java.util.Map;

/**
 * The Suppressions table (partition key {@code Email}): addresses no campaign may reach, with the
 * reason and the time. An address holds one suppression; a stronger reason (bounce, complaint,
 * manual) replaces an unsubscribe, never the other way round.
 */
public final class SuppressionStore {
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public SuppressionStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  public String table() {
    return table;
  }

  /**
   * Records a suppression; {@code detail} is a short, address-free note (an SES bounce subtype, a
   * campaign id). False when the address held a suppression already that this one does not replace.
   */
  public Future<Boolean> suppress(String email, Suppression reason, String detail, long now) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("Email", AttributeValue.fromS(email));
    item.put("Reason", AttributeValue.fromS(reason.name()));
    item.put("At", AttributeValue.fromN(Long.toString(now)));
    if (detail != null && !detail.isEmpty()) {
      item.put("Detail", AttributeValue.fromS(detail.length() > 200 ? detail.substring(0, 200) : detail));
    }
    String condition = reason == Suppression.UNSUBSCRIBE
        ? "attribute_not_exists(Email)"
        : "attribute_not_exists(Email) OR Reason = :unsubscribe";
    Map<String, AttributeValue> values = reason == Suppression.UNSUBSCRIBE ? null
        : Map.of(":unsubscribe", AttributeValue.fromS(Suppression.UNSUBSCRIBE.name()));
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression(condition)
            .expressionAttributeValues(values)))
        .map(true)
        .recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture(false)
            : Future.failedFuture(e));
  }

  /** Lifts an unsubscribe suppression (the customer consented again); other reasons stay. */
  public Future<Void> liftUnsubscribe(String email) {
    return Async.of(dynamo.deleteItem(b -> b.tableName(table).key(key(email))
            .conditionExpression("Reason = :unsubscribe")
            .expressionAttributeValues(Map.of(":unsubscribe", AttributeValue.fromS(Suppression.UNSUBSCRIBE.name())))))
        .<Void>mapEmpty()
        .recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture() : Future.failedFuture(e));
  }

  static Map<String, AttributeValue> key(String email) {
    return Map.of("Email", AttributeValue.fromS(email));
  }
}
