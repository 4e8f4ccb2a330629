package io.mailroom.audience;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Users table (partition key {@code Email}) in DynamoDB. */
public final class UserStore {
  private static final int BATCH = 25;
  private static final int MAX_UNPROCESSED_ROUNDS = 8;

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public UserStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** One page of customers, as DynamoDB's Scan returns it: the items, each as a Recipient, and where it ended. */
  public record Page(List<Map<String, AttributeValue>> items, List<Recipient> recipients,
                     Map<String, AttributeValue> lastKey) {
    public boolean last() {
      return lastKey == null || lastKey.isEmpty();
    }

    /** The customers of this page {@code audience} selects. */
    public List<Recipient> recipients(AudienceFilter audience) {
      if (audience.everyone()) {
        return recipients;
      }
      List<Recipient> selected = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        if (audience.matches(items.get(i))) {
          selected.add(recipients.get(i));
        }
      }
      return selected;
    }
  }

  /** A page read consistently, as a campaign's scan reads it. */
  public Future<Page> scan(Map<String, AttributeValue> startKey, int limit) {
    return scan(startKey, limit, true);
  }

  /** A page read consistently or, at half the read units, eventually consistently. */
  public Future<Page> scan(Map<String, AttributeValue> startKey, int limit, boolean consistent) {
    ScanRequest.Builder request = ScanRequest.builder().tableName(table).limit(limit).consistentRead(consistent);
    if (startKey != null && !startKey.isEmpty()) {
      request.exclusiveStartKey(startKey);
    }
    return Async.of(dynamo.scan(request.build())).map(response -> new Page(response.items(),
        response.items().stream().map(Recipient::fromItem).toList(),
        response.hasLastEvaluatedKey() ? response.lastEvaluatedKey() : null));
  }

  /** Writes items in BatchWriteItems of 25, retrying what DynamoDB leaves unprocessed. */
  public Future<Void> putAll(List<Map<String, AttributeValue>> items) {
    List<Future<?>> batches = new ArrayList<>();
    for (int i = 0; i < items.size(); i += BATCH) {
      List<WriteRequest> writes = items.subList(i, Math.min(items.size(), i + BATCH)).stream()
          .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
          .toList();
      batches.add(write(Map.of(table, writes), 0));
    }
    return Future.all(batches).mapEmpty();
  }

  private Future<Void> write(Map<String, List<WriteRequest>> writes, int round) {
    return Async.of(dynamo.batchWriteItem(b -> b.requestItems(writes))).compose((BatchWriteItemResponse r) -> {
      if (!r.hasUnprocessedItems() || r.unprocessedItems().isEmpty()) {
        return Future.succeededFuture();
      }
      if (round >= MAX_UNPROCESSED_ROUNDS) {
        return Future.failedFuture(new IllegalStateException("DynamoDB left items unprocessed after "
            + MAX_UNPROCESSED_ROUNDS + " retries"));
      }
      return write(r.unprocessedItems(), round + 1);
    });
  }

  public Future<Void> put(Recipient recipient) {
    return putAll(List.of(recipient.toItem()));
  }
}
