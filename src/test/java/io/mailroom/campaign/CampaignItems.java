package io.mailroom.campaign;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Map;

/** Campaign items written straight into the Campaigns table, as a node leaves them at a given point. */
final class CampaignItems {
  private CampaignItems() {
  }

  /**
   * A running campaign whose scan is done: {@code queued} deliveries queued and all still pending,
   * last written long ago.
   */
  static void running(DynamoDbAsyncClient dynamo, String table, String id, long queued) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("CampaignId", AttributeValue.fromS(id));
    item.put("TemplateId", AttributeValue.fromS("t"));
    item.put("Status", AttributeValue.fromS("RUNNING"));
    item.put("FetchDone", AttributeValue.fromBool(true));
    item.put("Queued", AttributeValue.fromN(Long.toString(queued)));
    item.put("Pending", AttributeValue.fromN(Long.toString(queued)));
    item.put("UpdatedAt", AttributeValue.fromN("1"));
    item.put("CreatedAt", AttributeValue.fromN("1"));
    dynamo.putItem(b -> b.tableName(table).item(item)).join();
  }
}
