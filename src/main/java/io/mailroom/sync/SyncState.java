package io.mailroom.sync;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * The SyncState table: the lease that lets one node sync at a time, the watermark
 * {@code (updated_at, id)} of the last row written with the MySQL time its run began reading, and
 * the status of the last run.
 */
final class SyncState {
  static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  SyncState(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * Every row up to {@code (updatedAt, id)} is written, except rows that were not yet committed
   * when the run that saved it began reading at {@code readAt} (MySQL's clock). Only such a row
   * can still turn up below the watermark, and its {@code updated_at} is no older than
   * {@code readAt} less the look-back.
   */
  record Watermark(LocalDateTime updatedAt, long id, LocalDateTime readAt) {
    /** Orders by {@code (updatedAt, id)}, the order rows are read in; {@code readAt} aside. */
    boolean before(Watermark other) {
      int byTime = updatedAt.compareTo(other.updatedAt);
      return byTime < 0 || (byTime == 0 && id < other.id);
    }

    /** The same position, read by a run that began at {@code readAt}. */
    Watermark readAt(LocalDateTime readAt) {
      return new Watermark(updatedAt, id, readAt);
    }
  }

  /** Takes or renews the lease for {@code owner}; false while another node holds it. */
  Future<Boolean> lease(String owner, long leaseMillis) {
    long now = System.currentTimeMillis();
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(key("lease"))
            .updateExpression("SET #o = :me, LeaseUntil = :until")
            .conditionExpression("attribute_not_exists(#o) OR #o = :me OR LeaseUntil < :now")
            .expressionAttributeNames(Map.of("#o", "Owner"))
            .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(owner),
                ":until", AttributeValue.fromN(Long.toString(now + leaseMillis)),
                ":now", AttributeValue.fromN(Long.toString(now))))));
  }

  Future<Watermark> watermark() {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key("watermark")).consistentRead(true)))
        .map(r -> r.hasItem() && r.item().containsKey("UpdatedAt") ? watermark(r.item()) : new Watermark(EPOCH, 0, EPOCH));
  }

  /** A watermark saved without {@code ReadAt} counts as read at its own {@code UpdatedAt}. */
  private static Watermark watermark(Map<String, AttributeValue> item) {
    LocalDateTime updatedAt = LocalDateTime.parse(item.get("UpdatedAt").s());
    return new Watermark(updatedAt, Long.parseLong(item.get("Id").n()),
        item.containsKey("ReadAt") ? LocalDateTime.parse(item.get("ReadAt").s()) : updatedAt);
  }

  /** Saved only after the chunk up to it was written. */
  Future<Void> saveWatermark(Watermark watermark) {
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(Map.of(
        "Name", AttributeValue.fromS("watermark"),
        "UpdatedAt", AttributeValue.fromS(watermark.updatedAt().toString()),
        "Id", AttributeValue.fromN(Long.toString(watermark.id())),
        "ReadAt", AttributeValue.fromS(watermark.readAt().toString()))))).mapEmpty();
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
