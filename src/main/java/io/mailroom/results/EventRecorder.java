package io.mailroom.results;

import io.mailroom.aws.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.HashMap;
import java.util.Map;

/**
 * Records an SES event of one of Mailroom's deliveries on that delivery and counts it on its
 * campaign. Each kind of event is recorded once per delivery: the delivery write is conditioned on
 * the event's timestamp attribute being absent, and the campaign counter is added in the same
 * transaction, so a count is kept exactly when the delivery changed, crash or no crash. A
 * delivery's result only moves forward: delivered, then bounced or complained. An unsubscribe
 * through the campaign's email is recorded the same way ({@link #unsubscribed}).
 */
public final class EventRecorder {
  private final DynamoDbAsyncClient dynamo;
  private final String deliveries;
  private final String campaigns;
  private final LinkClicks links;
  private final ResultListener listener;

  public EventRecorder(DynamoDbAsyncClient dynamo, String deliveries, String campaigns, ResultListener listener) {
    this.dynamo = dynamo;
    this.deliveries = deliveries;
    this.campaigns = campaigns;
    this.links = new LinkClicks(dynamo, deliveries);
    this.listener = listener;
  }

  /** True when the event changed the delivery (false for a repeat or an event that records nothing). */
  public Future<Boolean> record(String campaignId, String email, String event) {
    JsonObject json = new JsonObject(event);
    ResultEvent result = ResultEvent.of(json);
    if (result == null) {
      return Future.succeededFuture(false);
    }
    Future<Boolean> counted = once(campaignId, email, result);
    if (result.link() == null) {
      return counted;
    }
    return counted.compose(first -> links.add(campaignId, email, result.link()).map(added -> first || added));
  }

  /**
   * The recipient unsubscribed through the campaign's email (its link, its page or its one-click
   * header): recorded on the delivery and counted on the campaign once, however often they leave.
   * False for a repeat, or when the campaign has no delivery to the address (a preview's token).
   */
  public Future<Boolean> unsubscribed(String campaignId, String email) {
    return once(campaignId, email, ResultEvent.UNSUBSCRIBED);
  }

  private Future<Boolean> once(String campaignId, String email, ResultEvent event) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":at", AttributeValue.fromN(Long.toString(System.currentTimeMillis())));
    String set = "SET " + event.stamp() + " = :at";
    if (event.result() != null) {
      values.put(":result", AttributeValue.fromS(event.result()));
      set += event.forward() ? ", #r = :result" : ", #r = if_not_exists(#r, :result)";
    }
    Update delivery = Update.builder().tableName(deliveries)
        .key(Map.of("CampaignId", AttributeValue.fromS(campaignId), "Email", AttributeValue.fromS(email)))
        .updateExpression(set)
        .conditionExpression("attribute_exists(CampaignId) AND attribute_not_exists(" + event.stamp() + ")")
        .expressionAttributeNames(event.result() == null ? null : Map.of("#r", "Result"))
        .expressionAttributeValues(values).build();
    Update counter = Update.builder().tableName(campaigns)
        .key(Map.of("CampaignId", AttributeValue.fromS(campaignId)))
        .updateExpression("ADD " + event.counter() + " :one")
        .conditionExpression("attribute_exists(CampaignId)")
        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build();
    return Transactions.write(() -> dynamo.transactWriteItems(b -> b.transactItems(
            TransactWriteItem.builder().update(delivery).build(), TransactWriteItem.builder().update(counter).build())))
        .map(done -> {
          listener.counted(campaignId, event.counter());
          return true;
        })
        .recover(e -> Transactions.conditionFailed(e, 0) || Transactions.conditionFailed(e, 1)
            ? Future.succeededFuture(false) : Future.failedFuture(e));
  }
}
