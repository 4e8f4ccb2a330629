package io.mailroom.campaign;

import io.mailroom.aws.Async;
import io.mailroom.aws.Transactions;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.ArrayList;
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
  static final String IDEMPOTENCY = "idempotency#";

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final CampaignTally tally;

  public CampaignStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
    this.tally = new CampaignTally(this, dynamo, table);
  }

  /** The writes of the campaign's counters and its completion: see {@link CampaignTally}. */
  CampaignTally tally() {
    return tally;
  }

  public String table() {
    return table;
  }

  /** The campaign that a create call stands for, and whether an earlier call had made it. */
  public record Created(Campaign campaign, boolean existed) { }

  public Future<Created> create(Campaign campaign, String idempotencyKey) {
    Map<String, AttributeValue> item = CampaignIndex.item(campaign);
    Put campaignPut = Put.builder().tableName(table).item(item)
        .conditionExpression("attribute_not_exists(CampaignId)").build();
    if (idempotencyKey == null) {
      return Async.of(dynamo.putItem(b -> b.tableName(table).item(item)
          .conditionExpression("attribute_not_exists(CampaignId)"))).map(r -> new Created(campaign, false));
    }
    Put keyPut = Put.builder().tableName(table)
        .item(Map.of("CampaignId", AttributeValue.fromS(IDEMPOTENCY + idempotencyKey),
            "Target", AttributeValue.fromS(campaign.id()),
            "CreatedAt", AttributeValue.fromN(Long.toString(campaign.createdAt()))))
        .conditionExpression("attribute_not_exists(CampaignId)").build();
    return Transactions.write(() -> dynamo.transactWriteItems(b -> b.transactItems(
            TransactWriteItem.builder().put(keyPut).build(),
            TransactWriteItem.builder().put(campaignPut).build())))
        .map(r -> new Created(campaign, false))
        .recover(e -> Transactions.conditionFailed(e, 0) ? existing(idempotencyKey) : Future.failedFuture(e));
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

  /**
   * Takes (or renews) the lease on a campaign's audience scan for {@code owner}: only one node
   * scans a campaign at a time, and a node that died is replaced once its lease runs out.
   * Queued becomes running. True if the caller now holds the lease.
   */
  public Future<Boolean> claimScan(String id, String owner, long leaseMillis, long now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":running", s(CampaignStatus.RUNNING.name()));
    values.put(":queued", s(CampaignStatus.QUEUED.name()));
    values.put(":me", s(owner));
    values.put(":until", n(now + leaseMillis));
    values.put(":now", n(now));
    values.put(":true", AttributeValue.fromBool(true));
    return conditional(update(id, "SET #s = :running, ScanOwner = :me, ScanLeaseUntil = :until, UpdatedAt = :now",
        "#s IN (:queued, :running) AND FetchDone <> :true"
            + " AND (attribute_not_exists(ScanOwner) OR ScanOwner = :me OR ScanLeaseUntil < :now)", values));
  }

  /**
   * Saves the scan's position together with what the page it passed queued and skipped: one
   * atomic write, so a page queued again after a crash is never counted twice. A null cursor
   * means the scan reached the end of the Users table. False when the caller no longer owns the
   * scan or the campaign is no longer running (paused, cancelled): the scan must stop.
   */
  public Future<Boolean> checkpoint(String id, String owner, long leaseMillis, String cursor, long queued,
                                    long skipped, long now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", n(now));
    values.put(":queued", n(queued));
    values.put(":skipped", n(skipped));
    values.put(":me", s(owner));
    values.put(":running", s(CampaignStatus.RUNNING.name()));
    String set;
    if (cursor == null) {
      values.put(":true", AttributeValue.fromBool(true));
      set = "SET FetchDone = :true, UpdatedAt = :now REMOVE #c, ScanOwner, ScanLeaseUntil";
    } else {
      values.put(":cursor", s(cursor));
      values.put(":until", n(now + leaseMillis));
      set = "SET #c = :cursor, UpdatedAt = :now, ScanLeaseUntil = :until";
    }
    return conditional(update(id, set + " ADD Queued :queued, Pending :queued, Skipped :skipped",
        "ScanOwner = :me AND #s = :running", values));
  }

  /**
   * After a resume, one node (the one this returns true to) queues the parked deliveries again,
   * for {@code leaseMillis}; the flag stays until {@link #parkedRequeued}, so that a node that stops
   * in between leaves them to the next one whose lease this is.
   */
  public Future<Boolean> takeParked(String id, String owner, long leaseMillis, long now) {
    return conditional(update(id, "SET ParkedOwner = :me, ParkedUntil = :until",
        "ParkedWaiting = :true AND #s = :running AND (attribute_not_exists(ParkedUntil) OR ParkedUntil < :now)",
        Map.of(":true", AttributeValue.fromBool(true), ":running", s(CampaignStatus.RUNNING.name()),
            ":me", s(owner), ":until", n(now + leaseMillis), ":now", n(now))));
  }

  /** The parked deliveries {@code owner} took are on the queue again. */
  public Future<Boolean> parkedRequeued(String id, String owner) {
    return conditional(update(id, "REMOVE ParkedWaiting, ParkedOwner, ParkedUntil", "ParkedOwner = :me",
        Map.of(":me", s(owner))));
  }

  /** Campaigns still to be worked on (queued or running), for resuming after a restart. */
  public Future<List<Campaign>> active() {
    return inStatus(List.of(CampaignStatus.QUEUED, CampaignStatus.RUNNING));
  }

  /** Completed campaigns that still count deliveries pending: a resend that stopped half-way leaves one. */
  public Future<List<Campaign>> completedWithPending() {
    return statusPage("#s = :completed AND Pending > :zero", Map.of(":completed", s(CampaignStatus.COMPLETED.name()),
        ":zero", n(0)), null, new ArrayList<>());
  }

  /** Every campaign in one of {@code statuses}. */
  public Future<List<Campaign>> inStatus(List<CampaignStatus> statuses) {
    Map<String, AttributeValue> values = new HashMap<>();
    for (int i = 0; i < statuses.size(); i++) {
      values.put(":s" + i, s(statuses.get(i).name()));
    }
    return statusPage("#s IN (" + String.join(", ", values.keySet().stream().sorted().toList()) + ")", values,
        null, new ArrayList<>());
  }

  private Future<List<Campaign>> statusPage(String filter, Map<String, AttributeValue> values,
                                            Map<String, AttributeValue> start, List<Campaign> found) {
    ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true)
        .filterExpression(filter)
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(values);
    if (start != null) {
      request.exclusiveStartKey(start);
    }
    return Async.of(dynamo.scan(request.build())).compose(r -> {
      r.items().forEach(item -> found.add(Campaign.fromItem(item)));
      return r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
          ? statusPage(filter, values, r.lastEvaluatedKey(), found) : Future.succeededFuture(found);
    });
  }

  /** Pages of campaigns, newest first (the list route). */
  public CampaignPages pages() {
    return new CampaignPages(dynamo, table);
  }

  /** The numbers other packages count on a campaign (its results), by name. */
  public CampaignNumbers numbers() {
    return new CampaignNumbers(dynamo, table);
  }

  /** The scheduled campaigns that are due, and their start (the scheduler). */
  public ScheduledCampaigns scheduled() {
    return new ScheduledCampaigns(dynamo, table);
  }

  /**
   * Moves a campaign from one of {@code from} to {@code to}; empty if it was in another state. A
   * campaign that leaves {@code scheduled} (cancelled before its time) leaves the due index too.
   * {@code reason} is the pause reason of a pause ({@code PauseReason}), else the campaign's
   * error; any other move clears the pause reason.
   */
  public Future<Optional<Campaign>> transition(String id, List<CampaignStatus> from, CampaignStatus to,
                                               String reason, long now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":to", s(to.name()));
    values.put(":now", n(now));
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < from.size(); i++) {
      values.put(":from" + i, s(from.get(i).name()));
      in.append(i == 0 ? "" : ", ").append(":from").append(i);
    }
    String set = "SET #s = :to, UpdatedAt = :now";
    if (reason != null) {
      values.put(":reason", s(reason));
      set += to == CampaignStatus.PAUSED ? ", PauseReason = :reason" : ", #e = :reason";
    }
    List<String> removed = new ArrayList<>();
    if (to != CampaignStatus.PAUSED) {
      removed.add("PauseReason");
    }
    if (to == CampaignStatus.RUNNING) {
      values.put(":true", AttributeValue.fromBool(true));
      set += ", ParkedWaiting = :true";
      removed.addAll(List.of("ScanOwner", "ScanLeaseUntil", "ParkedOwner", "ParkedUntil"));
    }
    if (from.contains(CampaignStatus.SCHEDULED)) {
      removed.add("ScheduledShard");
    }
    if (from.contains(CampaignStatus.COMPLETED)) {
      removed.addAll(List.of("Recounted", "CountsFinal")); // a re-send counts on its counters again
    }
    set += removed.isEmpty() ? "" : " REMOVE " + String.join(", ", removed);
    UpdateItemRequest request = update(id, set, "#s IN (" + in + ")", values).toBuilder()
        .returnValues(ReturnValue.ALL_NEW).build();
    return Async.of(dynamo.updateItem(request)).map(r -> Optional.of(Campaign.fromItem(r.attributes())))
        .recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture(Optional.empty())
            : Future.failedFuture(e));
  }

  /** How many deliveries ended each way. */
  public record Outcomes(long sent, long failed, long cancelled, long suppressed) {
    public long total() {
      return sent + failed + cancelled + suppressed;
    }
  }

  public Future<Void> fail(String id, String reason, long now) {
    return transition(id, List.of(CampaignStatus.QUEUED, CampaignStatus.RUNNING), CampaignStatus.FAILED, reason, now)
        .mapEmpty();
  }

  Future<Boolean> conditional(UpdateItemRequest request) {
    return Async.conditional(dynamo.updateItem(request));
  }

  UpdateItemRequest update(String id, String expression, String condition, Map<String, AttributeValue> values) {
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
