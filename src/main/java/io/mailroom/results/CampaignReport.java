package io.mailroom.results;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A campaign's results: the counters {@link EventRecorder} keeps on the campaign item, their rates
 * over the emails sent, and clicks per link, counted over the campaign's deliveries.
 */
public final class CampaignReport {
  private static final String[] COUNTERS = {"Delivered", "BouncedHard", "BouncedSoft", "Complained", "Opened",
      "Clicked", "Rejected", "Delayed", "RenderingFailed"};

  private final DynamoDbAsyncClient dynamo;
  private final String deliveries;
  private final String campaigns;

  public CampaignReport(DynamoDbAsyncClient dynamo, String deliveries, String campaigns) {
    this.dynamo = dynamo;
    this.deliveries = deliveries;
    this.campaigns = campaigns;
  }

  /** The report, or empty when there is no such campaign. */
  public Future<Optional<JsonObject>> of(String campaignId) {
    return Async.of(dynamo.getItem(b -> b.tableName(campaigns).consistentRead(true)
            .key(Map.of("CampaignId", AttributeValue.fromS(campaignId)))))
        .compose(found -> !found.hasItem() || found.item().isEmpty() ? Future.succeededFuture(Optional.empty())
            : links(campaignId, null, new TreeMap<>()).map(links -> Optional.of(report(campaignId, found.item(), links))));
  }

  /** Whether the campaign exists. */
  public Future<Boolean> exists(String campaignId) {
    return Async.of(dynamo.getItem(b -> b.tableName(campaigns).consistentRead(true)
            .key(Map.of("CampaignId", AttributeValue.fromS(campaignId))).projectionExpression("CampaignId")))
        .map(found -> found.hasItem() && !found.item().isEmpty());
  }

  private static JsonObject report(String campaignId, Map<String, AttributeValue> item, Map<String, Long> links) {
    long sent = number(item, "Sent");
    JsonObject counts = new JsonObject().put("sent", sent);
    for (String counter : COUNTERS) {
      counts.put(Character.toLowerCase(counter.charAt(0)) + counter.substring(1), number(item, counter));
    }
    long bounced = number(item, "BouncedHard") + number(item, "BouncedSoft");
    JsonObject rates = new JsonObject()
        .put("delivered", rate(number(item, "Delivered"), sent))
        .put("bounced", rate(bounced, sent))
        .put("hardBounced", rate(number(item, "BouncedHard"), sent))
        .put("complained", rate(number(item, "Complained"), sent))
        .put("uniqueOpens", rate(number(item, "Opened"), sent))
        .put("uniqueClicks", rate(number(item, "Clicked"), sent));
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
