package io.mailroom.results;

import io.mailroom.aws.Async;
import io.mailroom.campaign.CampaignNumbers;
import io.mailroom.campaign.CampaignStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A campaign's results: the counters {@link EventRecorder} keeps on the campaign item (one for
 * each of {@link ResultEvent#KINDS}), their rates over the emails sent, and clicks per link,
 * counted over the campaign's deliveries.
 */
public final class CampaignReport {
  private final DynamoDbAsyncClient dynamo;
  private final String deliveries;
  private final CampaignStore campaigns;

  public CampaignReport(DynamoDbAsyncClient dynamo, String deliveries, CampaignStore campaigns) {
    this.dynamo = dynamo;
    this.deliveries = deliveries;
    this.campaigns = campaigns;
  }

  /** The report, or empty when there is no such campaign. */
  public Future<Optional<JsonObject>> of(String campaignId) {
    return campaigns.numbers().read(campaignId, ResultEvent.counters())
        .compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.empty())
            : links(campaignId, null, new TreeMap<>()).map(links -> Optional.of(report(campaignId, found.get(), links))));
  }

  /** Whether the campaign exists. */
  public Future<Boolean> exists(String campaignId) {
    return campaigns.get(campaignId).map(Optional::isPresent);
  }

  private static JsonObject report(String campaignId, CampaignNumbers.Counted counted, Map<String, Long> links) {
    long sent = counted.campaign().sent();
    JsonObject counts = new JsonObject().put("sent", sent);
    for (String counter : ResultEvent.counters()) {
      counts.put(Character.toLowerCase(counter.charAt(0)) + counter.substring(1), counted.number(counter));
    }
    long hard = counted.number(ResultEvent.BOUNCED_HARD.counter());
    JsonObject rates = new JsonObject()
        .put("delivered", rate(counted.number(ResultEvent.DELIVERED.counter()), sent))
        .put("bounced", rate(hard + counted.number(ResultEvent.BOUNCED_SOFT.counter()), sent))
        .put("hardBounced", rate(hard, sent))
        .put("complained", rate(counted.number(ResultEvent.COMPLAINED.counter()), sent))
        .put("uniqueOpens", rate(counted.number(ResultEvent.OPENED.counter()), sent))
        .put("uniqueClicks", rate(counted.number(ResultEvent.CLICKED.counter()), sent))
        .put("unsubscribed", rate(counted.number(ResultEvent.UNSUBSCRIBED.counter()), sent));
    JsonObject perLink = new JsonObject();
    links.forEach(perLink::put);
    return new JsonObject().put("campaignId", campaignId).put("counts", counts).put("rates", rates)
        .put("clicksPerLink", perLink);
  }

  /** Unique clicks per link: each delivery counts a link once. */
  private Future<Map<String, Long>> links(String campaignId, Map<String, AttributeValue> start, Map<String, Long> links) {
    QueryRequest.Builder request = QueryRequest.builder().tableName(deliveries).consistentRead(true)
        .keyConditionExpression("CampaignId = :c").filterExpression("attribute_exists(ClickedLinks)")
        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(campaignId)))
        .projectionExpression("ClickedLinks");
    if (start != null) {
      request.exclusiveStartKey(start);
    }
    return Async.of(dynamo.query(request.build())).compose(r -> {
      r.items().forEach(i -> i.get("ClickedLinks").ss().forEach(link -> links.merge(link, 1L, Long::sum)));
      return r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
          ? links(campaignId, r.lastEvaluatedKey(), links) : Future.succeededFuture(links);
    });
  }

  static double rate(long part, long whole) {
    return whole == 0 ? 0.0 : Math.round(part * 100_000.0 / whole) / 100_000.0;
  }

  static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }
}
