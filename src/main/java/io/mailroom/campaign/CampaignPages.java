package io.mailroom.campaign;

import io.mailroom.aws.Async;
import io.mailroom.aws.GlobalIndex;
import io.mailroom.aws.Tables;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pages of the campaign list, newest first: a Query of the {@code Listed} index (every campaign)
 * or of {@code ByStatus} (one status), both sorted by {@code ListKey}, so a page costs what it
 * returns whatever the size of the table. A page ends at a list key; the next starts after it.
 */
public final class CampaignPages {
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  CampaignPages(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** Up to {@code limit} campaigns, and the list key to continue after (null on the last page). */
  public record Page(List<Campaign> campaigns, String nextKey) { }

  /**
   * The campaigns after {@code afterKey} (null: from the newest), in {@code status} (null: any).
   * One more than asked is read, so that a page that ends the list says so.
   */
  public Future<Page> page(CampaignStatus status, int limit, String afterKey) {
    GlobalIndex index = status == null ? Tables.CAMPAIGNS_LISTED : Tables.CAMPAIGNS_BY_STATUS;
    AttributeValue partition = AttributeValue.fromS(status == null ? CampaignIndex.LISTED : status.name());
    QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(index.name())
        .keyConditionExpression("#p = :p")
        .expressionAttributeNames(Map.of("#p", index.hashKey()))
        .expressionAttributeValues(Map.of(":p", partition))
        .scanIndexForward(false)
        .limit(limit + 1);
    if (afterKey != null) {
      Map<String, AttributeValue> start = new HashMap<>();
      start.put("CampaignId", AttributeValue.fromS(CampaignIndex.idOf(afterKey)));
      start.put(index.hashKey(), partition);
      start.put(index.rangeKey(), AttributeValue.fromS(afterKey));
      query.exclusiveStartKey(start);
    }
    return Async.of(dynamo.query(query.build())).map(r -> {
      List<Campaign> found = r.items().stream().map(Campaign::fromItem).toList();
      if (found.size() <= limit) {
        return new Page(found, null);
      }
      List<Campaign> page = found.subList(0, limit);
      Campaign last = page.get(limit - 1);
      return new Page(page, CampaignIndex.listKey(last.createdAt(), last.id()));
    });
  }
}
