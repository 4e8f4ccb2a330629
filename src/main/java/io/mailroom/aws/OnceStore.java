package io.mailroom.aws;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import java.util.Map;

/**
 * The Seen table (partition key {@code Key}): things that may happen only once within a time, such
 * as a webhook signature or an SNS MessageId, each with its expiry {@code ExpiresAt} (epoch
 * seconds, the table's TTL attribute). DynamoDB deletes an expired item up to about two days late,
 * so every read and condition compares {@code ExpiresAt} with now rather than trusting that an
 * expired item is gone. Keys are namespaced by their user ({@code "webhook:"}, {@code "sns:"}).
 */
public final class OnceStore {
  private static final Logger LOG = LoggerFactory.getLogger(OnceStore.class);
  private static final String TTL_ATTRIBUTE = "ExpiresAt";

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public OnceStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * Records {@code key} for {@code ttlSeconds} unless it is recorded and unexpired already: true the
   * first time, false for a repeat. One conditional put, so two racing callers get one true.
   */
  public Future<Boolean> claim(String key, long ttlSeconds) {
    long now = nowSeconds();
    return Async.conditional(dynamo.putItem(b -> b.tableName(table).item(item(key, now + ttlSeconds))
            .conditionExpression("attribute_not_exists(#k) OR #e < :now")
            .expressionAttributeNames(Map.of("#k", "Key", "#e", TTL_ATTRIBUTE))
            .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now))))));
  }

  /** True when {@code key} is recorded and has not expired (a consistent read). */
  public Future<Boolean> seen(String key) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(Map.of("Key", AttributeValue.fromS(key)))
            .consistentRead(true)))
        .map(answer -> answer.hasItem() && answer.item().containsKey(TTL_ATTRIBUTE)
            && Long.parseLong(answer.item().get(TTL_ATTRIBUTE).n()) >= nowSeconds());
  }

  /** Records {@code key} for {@code ttlSeconds}, whether or not it was recorded before. */
  public Future<Void> record(String key, long ttlSeconds) {
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(item(key, nowSeconds() + ttlSeconds)))).mapEmpty();
  }

  /** Forgets {@code key}, so that it can be claimed again (a claim whose work failed). */
  public Future<Void> release(String key) {
    return Async.of(dynamo.deleteItem(b -> b.tableName(table).key(Map.of("Key", AttributeValue.fromS(key)))))
        .mapEmpty();
  }

  /**
   * Turns on the table's TTL on {@code ExpiresAt} where it is off, so that DynamoDB deletes expired
   * items; a store that cannot (the embedded one) keeps them, which the expiry checks make harmless.
   */
  public static Future<Void> enableExpiry(DynamoDbAsyncClient dynamo, String table) {
    return Async.of(dynamo.describeTimeToLive(b -> b.tableName(table)))
        .compose(described -> {
          TimeToLiveStatus status = described.timeToLiveDescription() == null ? null
              : described.timeToLiveDescription().timeToLiveStatus();
          if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
            return Future.succeededFuture();
          }
          return Async.of(dynamo.updateTimeToLive(b -> b.tableName(table)
              .timeToLiveSpecification(t -> t.attributeName(TTL_ATTRIBUTE).enabled(true)))).mapEmpty();
        })
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.info("table {}: expired items are not deleted by the store ({}); they are ignored", table,
              e.getClass().getSimpleName());
          return Future.succeededFuture();
        });
  }

  private static Map<String, AttributeValue> item(String key, long expiresAt) {
    return Map.of("Key", AttributeValue.fromS(key), TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAt)));
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }
}
