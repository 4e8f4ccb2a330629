package io.mailroom.results;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * The links a delivery's recipient clicked, a string set on the delivery, each link once. At most
 * {@link #MAX_LINKS} links are kept per delivery, so that the item stays small; clicks per link are
 * counted over the campaign's deliveries when its report is read.
 */
final class LinkClicks {
  static final int MAX_LINKS = 100;

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  LinkClicks(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** True when the link was not yet among the delivery's clicked links. */
  Future<Boolean> add(String campaignId, String email, String link) {
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table)
            .key(Map.of("CampaignId", AttributeValue.fromS(campaignId), "Email", AttributeValue.fromS(email)))
            .updateExpression("ADD ClickedLinks :links")
            .conditionExpression("attribute_exists(CampaignId) AND (attribute_not_exists(ClickedLinks)"
                + " OR (NOT contains(ClickedLinks, :link) AND size(ClickedLinks) < :cap))")
            .expressionAttributeValues(Map.of(":links", AttributeValue.fromSs(java.util.List.of(link)),
                ":link", AttributeValue.fromS(link), ":cap", AttributeValue.fromN(Integer.toString(MAX_LINKS))))));
  }
}
