package io.mailroom.campaign;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Campaigns table (partition key {@code CampaignId}). Counters change only through atomic
 * {@code ADD}s; an idempotency key is an item of its own, {@code idempotency#KEY}, written in the
 * same transaction as the campaign it names.
 */
public final class CampaignStore {
  private static final String IDEMPOTENCY = "idempotency#";

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public CampaignStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  public String table() {
    return table;
  }

  /** The campaign that a create call stands for, and whether an earlier call had made it. */
  public record Created(Campaign campaign, boolean existed) { }

  public Future<Created> create(Campaign campaign, String idempotencyKey) {
    Put campaignPut = Put.builder().tableName(table).item(campaign.toItem())
        .conditionExpression("attribute_not_exists(CampaignId)").build();
    if (idempotencyKey == null) {
      return Async.of(dynamo.putItem(b -> b.tableName(table).item(campaign.toItem())
          .conditionExpression("attribute_not_exists(CampaignId)"))).map(r -> new Created(campaign, false));
    }
    Put keyPut = Put.builder().tableName(table)
        .item(Map.of("CampaignId", AttributeValue.fromS(IDEMPOTENCY + idempotencyKey),
            "Target", AttributeValue.fromS(campaign.id()),
            "CreatedAt", AttributeValue.fromN(Long.toString(campaign.createdAt()))))
        .conditionExpression("attribute_not_exists(CampaignId)").build();
    return Async.of(dynamo.transactWriteItems(b -> b.transactItems(
            TransactWriteItem.builder().put(keyPut).build(),
            TransactWriteItem.builder().put(campaignPut).build())))
        .map(r -> new Created(campaign, false))
        .recover(e -> keyTaken(e) ? existing(idempotencyKey) : Future.failedFuture(e));
  }

  private static boolean keyTaken(Throwable e) {
    if (!(e instanceof TransactionCanceledException canceled) || !canceled.hasCancellationReasons()) {
      return false;
    }
    List<CancellationReason> reasons = canceled.cancellationReasons();
    return !reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code());
  }

  private Future<Created> existing(String idempotencyKey) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).consistentRead(true)
            .key(Map.of("CampaignId", AttributeValue.fromS(IDEMPOTENCY + idempotencyKey)))))
        .compose(r -> get(r.item().get("Target").s()))
        .map(found -> new Created(found.orElseThrow(), true));
  }

  public Future<Optional<Campaign>> get(String id) {
    if (id.startsWith(IDEMPOTENCY)) {
      return Future.succeededFuture(Optional.empty());
    }
    return Async.of(dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(key(id))))
        .map(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(Campaign.fromItem(r.item())) : Optional.empty());
  }

  /** Queued → running; true if the campaign may run (it was queued or already running). */
  public Future<Boolean> markRunning(String id, long now) {
    return conditional(update(id, "SET #s = :running, UpdatedAt = :now",
        "#s IN (:queued, :running)",
        Map.of(":running", s(CampaignStatus.RUNNING.name()), ":queued", s(CampaignStatus.QUEUED.name()),
            ":now", n(now))));
  }

  /**
   * Saves the scan's position together with what the page it passed queued and skipped: one
   * atomic write, so a page queued again after a crash is never counted twice. A null cursor
   * means the scan reached the end of the Users table.
   */
  public Future<Void> checkpoint(String id, String cursor, long queued, long skipped, long now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", n(now));
    values.put(":queued", n(queued));
    values.put(":skipped", n(skipped));
    String set;
    if (cursor == null) {
      values.put(":true", AttributeValue.fromBool(true));
      set = "SET FetchDone = :true, UpdatedAt = :now REMOVE #c";
    } else {
      values.put(":cursor", s(cursor));
      set = "SET #c = :cursor, UpdatedAt = :now";
    }
    return Async.of(dynamo.updateItem(update(id, set + " ADD Queued :queued, Pending :queued, Skipped :skipped",
        null, values))).mapEmpty();
  }

  /** Adds finished deliveries to the campaign's counters. */
  public Future<Void> addOutcomes(String id, long sent, long failed, long now) {
    return Async.of(dynamo.updateItem(update(id, "SET UpdatedAt = :now ADD Sent :sent, Failed :failed, Pending :done",
        null, Map.of(":now", n(now), ":sent", n(sent), ":failed", n(failed), ":done", n(-(sent + failed))))))
        .mapEmpty();
  }

  /** Running → completed once the scan is done and nothing is pending; true if this call did it. */
  public Future<Boolean> completeIfDone(String id, long now) {
    return conditional(update(id, "SET #s = :completed, UpdatedAt = :now",
        "#s = :running AND FetchDone = :true AND Pending <= :zero",
        Map.of(":completed", s(CampaignStatus.COMPLETED.name()), ":running", s(CampaignStatus.RUNNING.name()),
            ":true", AttributeValue.fromBool(true), ":zero", n(0), ":now", n(now))));
  }

  public Future<Void> fail(String id, String reason, long now) {
    return Async.of(dynamo.updateItem(update(id, "SET #s = :failed, #e = :error, UpdatedAt = :now", null,
        Map.of(":failed", s(CampaignStatus.FAILED.name()), ":error", s(reason), ":now", n(now))))).mapEmpty();
  }

  private Future<Boolean> conditional(UpdateItemRequest request) {
    return Async.of(dynamo.updateItem(request)).map(r -> true)
        .recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture(false)
            : Future.failedFuture(e));
  }

  private UpdateItemRequest update(String id, String expression, String condition, Map<String, AttributeValue> values) {
    Map<String, String> names = new HashMap<>();
    if (expression.contains("#s") || (condition != null && condition.contains("#s"))) {
      names.put("#s", "Status");
    }
    if (expression.contains("#c")) {
      names.put("#c", "Cursor");
    }
    if (expression.contains("#e")) {
      names.put("#e", "Error");
    }
    UpdateItemRequest.Builder builder = UpdateItemRequest.builder().tableName(table).key(key(id))
        .updateExpression(expression).expressionAttributeValues(values);
    if (!names.isEmpty()) {
      builder.expressionAttributeNames(names);
    }
    String guard = "attribute_exists(CampaignId)";
    builder.conditionExpression(condition == null ? guard : guard + " AND " + condition);
    return builder.build();
  }

  public static Map<String, AttributeValue> key(String id) {
    return Map.of("CampaignId", AttributeValue.fromS(id));
  }

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
