package io.mailroom.results;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * The SES enforcement status every node acts on, shared through one item of the Seen table (key
 * {@code ses:enforcement}, no {@code ExpiresAt}, so it never expires): {@code Status}, the last
 * status a node took on, and {@code Done}, whether what it called for (pausing campaigns) has been
 * carried out. It outlives every node, so a node that starts while the status is unchanged does
 * not act on it again; and it is taken on by a conditional write, so one node acts on a change.
 */
public final class EnforcementRecord {
  private static final String KEY = "ses:enforcement";

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  /** The stored status ({@code null} when none was ever stored) and whether it was carried out. */
  record Stored(String status, boolean done) { }

  public EnforcementRecord(DynamoDbAsyncClient dynamo, String seenTable) {
    this.dynamo = dynamo;
    this.table = seenTable;
  }

  /** The item as stored now (a consistent read). */
  Future<Stored> read() {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key()).consistentRead(true)))
        .map(answer -> !answer.hasItem() || !answer.item().containsKey("Status") ? new Stored(null, false)
            : new Stored(answer.item().get("Status").s(),
                Boolean.TRUE.equals(answer.item().getOrDefault("Done", AttributeValue.fromBool(false)).bool())));
  }

  /**
   * Takes on {@code status} if it is not the stored one (so of two nodes that saw the same change,
   * one gets true); {@code done} false when something is still to be carried out for it.
   */
  Future<Boolean> takeOn(String status, boolean done) {
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(key())
            .updateExpression("SET #s = :s, Done = :done")
            .conditionExpression("attribute_not_exists(#s) OR #s <> :s")
            .expressionAttributeNames(Map.of("#s", "Status"))
            .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(status),
                ":done", AttributeValue.fromBool(done)))));
  }

  /** What {@code status} called for is carried out; nothing when the stored status has moved on since. */
  Future<Void> done(String status) {
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(key())
            .updateExpression("SET Done = :done")
            .conditionExpression("#s = :s")
            .expressionAttributeNames(Map.of("#s", "Status"))
            .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(status),
                ":done", AttributeValue.fromBool(true))))).mapEmpty();
  }

  private static Map<String, AttributeValue> key() {
    return Map.of("Key", AttributeValue.fromS(KEY));
  }
}
