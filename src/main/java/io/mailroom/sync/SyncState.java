package io.mailroom.sync;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * The SyncState table: the lease that lets one node sync at a time, the watermark
 * {@code (updated_at, id)} of the last row written, and the status of the last run.
 */
final class SyncState {
  static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  SyncState(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  record Watermark(LocalDateTime updatedAt, long id) {
    boolean before(Watermark other) {
      int byTime = updatedAt.compareTo(other.updatedAt);
      return byTime < 0 || (byTime == 0 && id < other.id);
    }
  }

  /** Takes or renews the lease for {@code owner}; false while another node holds it. */
  Future<Boolean> lease(String owner, long leaseMillis) {
    long now = System.currentTimeMillis();
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(key("lease"))
            .updateExpression("SET #o = :me, LeaseUntil = :until")
            .conditionExpression("attribute_not_exists(#o) OR #o = :me OR LeaseUntil < :now")
            .expressionAttributeNames(Map.of("#o", "Owner"))
            .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(owner),
                ":until", AttributeValue.fromN(Long.toString(now + leaseMillis)),
                ":now", AttributeValue.fromN(Long.toString(now))))))
        .map(true)
        .recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture(false)
            : Future.failedFuture(e));
  }

  Future<Watermark> watermark() {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key("watermark")).consistentRead(true)))
        .map(r -> r.hasItem() && r.item().containsKey("UpdatedAt")
            ? new Watermark(LocalDateTime.parse(r.item().get("UpdatedAt").s()), Long.parseLong(r.item().get("Id").n()))
            : new Watermark(EPOCH, 0));
  }

  /** Saved only after the chunk up to it was written. */
  Future<Void> saveWatermark(Watermark watermark) {
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(Map.of(
        "Name", AttributeValue.fromS("watermark"),
        "UpdatedAt", AttributeValue.fromS(watermark.updatedAt().toString()),
        "Id", AttributeValue.fromN(Long.toString(watermark.id())))))).mapEmpty();
  }

  Future<Void> saveStatus(JsonObject status) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("Name", AttributeValue.fromS("status"));
    item.put("Json", AttributeValue.fromS(status.encode()));
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(item))).mapEmpty();
  }

  Future<JsonObject> status() {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key("status")).consistentRead(true)))
        .map(r -> r.hasItem() && r.item().containsKey("Json") ? new JsonObject(r.item().get("Json").s())
            : new JsonObject().put("state", "never_run"));
  }

  private static Map<String, AttributeValue> key(String name) {
    return Map.of("Name", AttributeValue.fromS(name));
  }
}
