package io.mailroom.delivery;

import io.mailroom.aws.Async;
import io.mailroom.aws.Transactions;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts a completed campaign's transiently failed deliveries back in line, for a resend: each
 * {@code FAILED} delivery that kept its {@code RetryTask} becomes {@code PARKED} with that task
 * (the campaign's resume queues parked deliveries), its attempts start again from zero and
 * {@code Resends} counts one more, and the campaign's counts move it from failed to pending, in
 * the same transaction, conditioned on the campaign still being completed. A delivery moves once:
 * a second resend, on this node or another, finds it parked, or finished again.
 */
public final class Redeliveries {
  /** Deliveries per transaction (with the campaign's item: 25 items, within every DynamoDB's limit). */
  static final int CHUNK = 24;

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final String campaignTable;

  public Redeliveries(DynamoDbAsyncClient dynamo, String table, String campaignTable) {
    this.dynamo = dynamo;
    this.table = table;
    this.campaignTable = campaignTable;
  }

  /** One delivery to move: its address and the task it failed with. */
  private record Failed(String email, String task) { }

  /** How many deliveries this call moved; it stops early if the campaign left {@code completed}. */
  public Future<Integer> requeueFailed(String campaignId) {
    AtomicInteger moved = new AtomicInteger();
    return page(campaignId, null, moved).map(v -> moved.get());
  }

  /** Whether any delivery of the campaign is parked (a resend that stopped before the campaign ran again leaves some). */
  public Future<Boolean> anyParked(String campaignId) {
    return new DeliveryQueries(dynamo, table).anyParked(campaignId);
  }

  private Future<Void> page(String campaignId, Map<String, AttributeValue> start, AtomicInteger moved) {
    QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("CampaignId = :c").filterExpression("#s = :failed AND attribute_exists(RetryTask)")
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(Map.of(":c", s(campaignId), ":failed", s(DeliveryStore.Status.FAILED.name())))
        .projectionExpression("Email, RetryTask").limit(100);
    if (start != null) {
      query.exclusiveStartKey(start);
    }
    return Async.of(dynamo.query(query.build())).compose(r -> {
      List<Failed> found = r.items().stream().map(i -> new Failed(i.get("Email").s(), i.get("RetryTask").s())).toList();
      boolean more = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty();
      return chunks(campaignId, found, 0, moved)
          .compose(open -> open && more ? page(campaignId, r.lastEvaluatedKey(), moved) : Future.succeededFuture());
    });
  }

  /** Moves {@code found} from {@code from} on, chunk after chunk; false once the campaign is no longer completed. */
  private Future<Boolean> chunks(String campaignId, List<Failed> found, int from, AtomicInteger moved) {
    if (from >= found.size()) {
      return Future.succeededFuture(true);
    }
    List<Failed> chunk = found.subList(from, Math.min(found.size(), from + CHUNK));
    return move(campaignId, chunk, moved)
        .compose(open -> open ? chunks(campaignId, found, from + CHUNK, moved) : Future.succeededFuture(false));
  }

  /**
   * One transaction for the chunk. If a delivery of it changed meanwhile (another resend took it),
   * each is moved on its own instead, so that the others still move.
   */
  private Future<Boolean> move(String campaignId, List<Failed> chunk, AtomicInteger moved) {
    List<TransactWriteItem> items = new ArrayList<>();
    chunk.forEach(failed -> items.add(TransactWriteItem.builder().update(parked(campaignId, failed)).build()));
    items.add(TransactWriteItem.builder().update(campaignCounts(campaignId, chunk.size())).build());
    return Transactions.write(() -> dynamo.transactWriteItems(b -> b.transactItems(items)))
        .map(done -> {
          moved.addAndGet(chunk.size());
          return true;
        })
        .recover(e -> {
          if (Transactions.conditionFailed(e, chunk.size())) {
            return Future.succeededFuture(false);
          }
          boolean deliveryChanged = Transactions.reasons(e).contains(Transactions.CONDITION_FAILED);
          return deliveryChanged && chunk.size() > 1 ? oneByOne(campaignId, chunk, 0, moved) : deliveryChanged
              ? Future.succeededFuture(true) : Future.failedFuture(e);
        });
  }

  private Future<Boolean> oneByOne(String campaignId, List<Failed> chunk, int at, AtomicInteger moved) {
    if (at >= chunk.size()) {
      return Future.succeededFuture(true);
    }
    return move(campaignId, chunk.subList(at, at + 1), moved)
        .compose(open -> open ? oneByOne(campaignId, chunk, at + 1, moved) : Future.succeededFuture(false));
  }

  private Update parked(String campaignId, Failed failed) {
    UpdateItemRequest request = DeliveryUpdate.of(table, Map.of("CampaignId", s(campaignId), "Email", s(failed.email())),
        "SET #s = :parked, Task = :task, Attempts = :zero, UpdatedAt = :now ADD Resends :one"
            + " REMOVE RetryTask, LeaseUntil, DeliveryId, CalledAt",
        "#s = :failed AND attribute_exists(RetryTask)", Map.of(":task", s(failed.task()))).build();
    return Update.builder().tableName(table).key(request.key()).updateExpression(request.updateExpression())
        .conditionExpression(request.conditionExpression()).expressionAttributeNames(request.expressionAttributeNames())
        .expressionAttributeValues(request.expressionAttributeValues()).build();
  }

  private Update campaignCounts(String campaignId, int count) {
    return Update.builder().tableName(campaignTable).key(Map.of("CampaignId", s(campaignId)))
        .updateExpression("SET UpdatedAt = :now ADD Failed :less, Pending :more")
        .conditionExpression("#s = :completed")
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(System.currentTimeMillis())),
            ":less", AttributeValue.fromN(Integer.toString(-count)), ":more", AttributeValue.fromN(Integer.toString(count)),
            ":completed", s("COMPLETED"))).build();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }
}
