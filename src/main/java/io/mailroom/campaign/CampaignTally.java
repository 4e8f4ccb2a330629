package io.mailroom.campaign;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

import static io.mailroom.campaign.CampaignStore.n;
import static io.mailroom.campaign.CampaignStore.s;

/**
 * The writes of a campaign's counters. Senders add what they finished in batches
 * ({@link #addOutcomes}), so a crash loses the batch a node held; a recovery then sets the counters
 * from the Deliveries table ({@link #recount}). A recount can overlap a live node's batch: the
 * deliveries it counted may be added once more when that batch arrives. So a recounted campaign
 * ({@code Recounted}) is never completed on its counters: {@link #completeCounted} completes it on
 * a fresh count of its deliveries, once all of them are finished, and sets the final counters then
 * ({@code CountsFinal}); a batch that arrives after that was in the count and is dropped.
 */
final class CampaignTally {
  private final CampaignStore store;
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  CampaignTally(CampaignStore store, DynamoDbAsyncClient dynamo, String table) {
    this.store = store;
    this.dynamo = dynamo;
    this.table = table;
  }

  /** Adds a batch; none to a campaign whose final counters are set (it was counted) or that is gone. */
  Future<Void> addOutcomes(String id, CampaignStore.Outcomes added, long now) {
    return Async.conditional(dynamo.updateItem(store.update(id, "SET UpdatedAt = :now ADD Sent :sent, Failed :failed,"
            + " Cancelled :cancelled, Suppressed :suppressed, Pending :done", "attribute_not_exists(CountsFinal)",
        Map.of(":now", n(now), ":sent", n(added.sent()), ":failed", n(added.failed()),
            ":cancelled", n(added.cancelled()), ":suppressed", n(added.suppressed()),
            ":done", n(-added.total()))))).mapEmpty();
  }

  /** Sets the counters to a count of the deliveries and marks the campaign recounted. */
  Future<Boolean> recount(String id, CampaignStore.Outcomes counted, long seenUpdatedAt, long now) {
    return store.conditional(store.update(id, "SET Sent = :sent, Failed = :failed, Cancelled = :cancelled,"
            + " Suppressed = :suppressed, Pending = Queued - :done, UpdatedAt = :now, Recounted = :true",
        "UpdatedAt = :seen", Map.of(":sent", n(counted.sent()), ":failed", n(counted.failed()),
            ":cancelled", n(counted.cancelled()), ":suppressed", n(counted.suppressed()),
            ":done", n(counted.total()), ":seen", n(seenUpdatedAt), ":now", n(now),
            ":true", AttributeValue.fromBool(true))));
  }

  /** Running → completed on its counters, once the scan is done and nothing is pending; never a recounted one. */
  Future<Boolean> complete(String id, long now) {
    return store.conditional(store.update(id, "SET #s = :completed, UpdatedAt = :now",
        "#s = :running AND FetchDone = :true AND Pending <= :zero AND attribute_not_exists(Recounted)",
        Map.of(":completed", s(CampaignStatus.COMPLETED.name()), ":running", s(CampaignStatus.RUNNING.name()),
            ":true", AttributeValue.fromBool(true), ":zero", n(0), ":now", n(now))));
  }

  /** Whether the campaign's counters were set by a recount (then only {@link #completeCounted} completes it). */
  Future<Boolean> recounted(String id) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).consistentRead(true)
            .key(CampaignStore.key(id)).projectionExpression("Recounted")))
        .map(r -> r.hasItem() && r.item().containsKey("Recounted") && Boolean.TRUE.equals(r.item().get("Recounted").bool()));
  }

  /**
   * A recounted campaign → completed, with {@code counted} (a count of its deliveries taken just
   * before) as its final counters, if that count finishes everything it queued.
   */
  Future<Boolean> completeCounted(String id, CampaignStore.Outcomes counted, long now) {
    return store.conditional(store.update(id, "SET #s = :completed, UpdatedAt = :now, Sent = :sent, Failed = :failed,"
            + " Cancelled = :cancelled, Suppressed = :suppressed, Pending = :zero, CountsFinal = :true",
        "#s = :running AND FetchDone = :true AND Recounted = :true AND Queued <= :done",
        Map.of(":completed", s(CampaignStatus.COMPLETED.name()), ":running", s(CampaignStatus.RUNNING.name()),
            ":true", AttributeValue.fromBool(true), ":zero", n(0), ":now", n(now), ":sent", n(counted.sent()),
            ":failed", n(counted.failed()), ":cancelled", n(counted.cancelled()),
            ":suppressed", n(counted.suppressed()), ":done", n(counted.total()))));
  }
}
