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

  /** One page of customers, as DynamoDB's Scan returns it. */
  public record Page(List<Recipient> recipients, Map<String, AttributeValue> lastKey) {
    public boolean last() {
      return lastKey == null || lastKey.isEmpty();
    }
  }

  public Future<Page> scan(Map<String, AttributeValue> startKey, int limit) {
    ScanRequest.Builder request = ScanRequest.builder().tableName(table).limit(limit).consistentRead(true);
    if (startKey != null && !startKey.isEmpty()) {
      request.exclusiveStartKey(startKey);
    }
    return Async.of(dynamo.scan(request.build())).map(response -> new Page(
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
