package io.mailroom.campaign;

import io.mailroom.aws.Async;
import io.mailroom.aws.Tables;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The campaigns waiting for their {@code sendAt}: the due ones, read from the sparse
 * {@code BySendAt} index (only scheduled campaigns are in it), and their start, a conditional
 * write that exactly one node wins.
 */
public final class ScheduledCampaigns {
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  ScheduledCampaigns(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** A scheduled campaign and its time (epoch milliseconds). */
  public record Due(String campaignId, long sendAt) { }

  /** Up to {@code limit} scheduled campaigns whose time is {@code now} or earlier, the longest-waiting first. */
  public Future<List<Due>> due(long now, int limit) {
    return Async.of(dynamo.query(b -> b.tableName(table).indexName(Tables.CAMPAIGNS_DUE.name())
            .keyConditionExpression("ScheduledShard = :shard AND SendAt <= :now")
            .expressionAttributeValues(Map.of(":shard", AttributeValue.fromS(CampaignIndex.SCHEDULED_SHARD),
                ":now", CampaignStore.n(now)))
            .limit(limit)))
        .map(r -> r.items().stream()
            .map(item -> new Due(item.get("CampaignId").s(), Long.parseLong(item.get("SendAt").n())))
            .toList());
  }

  /**
   * Scheduled becomes queued, if the campaign is still scheduled and its time has come (the index
   * may lag the table; the condition reads the item itself). It records which node started it.
   * Empty when another node started it first, or it was cancelled.
   */
  public Future<Optional<Campaign>> start(String id, String node, long now) {
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(CampaignStore.key(id))
            .updateExpression("SET #s = :queued, UpdatedAt = :now, StartedAt = :now, StartedBy = :node"
                + " REMOVE ScheduledShard")
            .conditionExpression("#s = :scheduled AND SendAt <= :now")
            .expressionAttributeNames(Map.of("#s", "Status"))
            .expressionAttributeValues(Map.of(":queued", CampaignStore.s(CampaignStatus.QUEUED.name()),
                ":scheduled", CampaignStore.s(CampaignStatus.SCHEDULED.name()), ":now", CampaignStore.n(now),
                ":node", CampaignStore.s(node)))
            .returnValues(ReturnValue.ALL_NEW)))
        .map(r -> Optional.of(Campaign.fromItem(r.attributes())))
        .recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture(Optional.empty())
            : Future.failedFuture(e));
  }
}
