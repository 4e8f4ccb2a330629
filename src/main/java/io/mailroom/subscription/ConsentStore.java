package io.mailroom.subscription;

import io.mailroom.audience.Recipient;
import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The consent attributes of the Users table, as the UnsubscribeHandler changes them:
 * {@code SubscriptionStatus}, {@code UnsubscribedAt} (which the Syncer never undoes with an older
 * MySQL row), {@code OptedOutTopics} and {@code ConsentAt}. Each write is conditioned on the state
 * it was decided from, so two clicks at once cannot interleave.
 */
public final class ConsentStore {
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public ConsentStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** A customer's consent as stored; empty when the address is not in the Users table. */
  public Future<Optional<Recipient>> read(String email) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key(email)).consistentRead(true)))
        .map(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(Recipient.fromItem(r.item())) : Optional.empty());
  }

  /**
   * Withdraws consent to all marketing in one conditional write. True when this call withdrew it;
   * false when Mailroom had recorded an unsubscribe already and no consent came after it (the
   * first unsubscribe's time is kept), or when the address is not in the table.
   */
  public Future<Boolean> unsubscribe(String email, long now) {
    return conditional(email, "SET SubscriptionStatus = :false, UnsubscribedAt = :now",
        "(SubscriptionStatus <> :false OR attribute_not_exists(UnsubscribedAt) OR UnsubscribedAt < ConsentAt)",
        Map.of(":false", AttributeValue.fromBool(false), ":now", AttributeValue.fromN(Long.toString(now))));
  }

  /**
   * Sets the topics a customer left; with {@code consent}, the customer also consents (again) to
   * marketing now, which lifts an earlier unsubscribe. False when the customer is not in the table.
   */
  public Future<Boolean> preferences(String email, Set<String> optedOut, boolean consent, long now) {
    Map<String, AttributeValue> values = new HashMap<>();
    StringBuilder set = new StringBuilder("SET PreferencesAt = :now");
    values.put(":now", AttributeValue.fromN(Long.toString(now)));
    if (consent) {
      set.append(", SubscriptionStatus = :true, ConsentAt = :now");
      values.put(":true", AttributeValue.fromBool(true));
    }
    String expression;
    if (optedOut.isEmpty()) {
      expression = set + " REMOVE OptedOutTopics";
    } else {
      set.append(", OptedOutTopics = :topics");
      values.put(":topics", AttributeValue.fromSs(optedOut.stream().sorted().toList()));
      expression = set.toString();
    }
    return conditional(email, expression, null, values);
  }

  /** Counts a soft bounce on the customer; false when the address is not in the table. */
  public Future<Boolean> softBounce(String email, long now) {
    return conditional(email, "SET LastSoftBounceAt = :now ADD SoftBounces :one", null,
        Map.of(":now", AttributeValue.fromN(Long.toString(now)), ":one", AttributeValue.fromN("1")));
  }

  private Future<Boolean> conditional(String email, String expression, String condition,
                                      Map<String, AttributeValue> values) {
    String guard = "attribute_exists(Email)" + (condition == null ? "" : " AND " + condition);
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(key(email)).updateExpression(expression)
            .conditionExpression(guard).expressionAttributeValues(values)))
        .map(true)
        .recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture(false)
            : Future.failedFuture(e));
  }

  private static Map<String, AttributeValue> key(String email) {
    return Map.of("Email", AttributeValue.fromS(email));
  }
}
