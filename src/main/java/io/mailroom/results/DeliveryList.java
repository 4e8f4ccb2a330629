package io.mailroom.results;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One campaign's deliveries in a status, paged by address. A status is either how the send ended
 * (sent, failed, cancelled, suppressed...) or what SES reported after (delivered, bounced,
 * complained, rejected, rendering_failed).
 */
public final class DeliveryList {
  /** The results an SES event gives a delivery. */
  public static final Set<String> RESULTS = Set.of("delivered", "bounced", "complained", "rejected", "rendering_failed");
  /** How a send may end, or stand. */
  public static final Set<String> STATUSES = Set.of("sending", "calling", "unconfirmed", "retrying", "parked", "sent",
      "failed", "cancelled", "suppressed");

  /** One page, and the address to ask {@code after} for the next (null on the last). */
  public record Page(List<JsonObject> deliveries, String next) { }

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public DeliveryList(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** {@code status} is one of {@link #RESULTS} or {@link #STATUSES}, or null for every delivery. */
  public Future<Page> page(String campaignId, String status, int limit, String after) {
    List<JsonObject> found = new ArrayList<>();
    Map<String, AttributeValue> start = after == null ? null
        : Map.of("CampaignId", AttributeValue.fromS(campaignId), "Email", AttributeValue.fromS(after));
    return page(campaignId, status, limit, start, found).map(next -> new Page(found, next));
  }

  private Future<String> page(String campaignId, String status, int limit, Map<String, AttributeValue> start,
                              List<JsonObject> found) {
    return Async.of(dynamo.query(query(campaignId, status, start, limit - found.size()))).compose(r -> {
      r.items().forEach(item -> found.add(json(item)));
      boolean more = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty();
      if (!more) {
        return Future.succeededFuture(null);
      }
      return found.size() >= limit ? Future.succeededFuture(found.get(found.size() - 1).getString("email"))
          : page(campaignId, status, limit, r.lastEvaluatedKey(), found);
    });
  }

  private QueryRequest query(String campaignId, String status, Map<String, AttributeValue> start, int limit) {
    QueryRequest.Builder request = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("CampaignId = :c").limit(Math.max(1, limit));
    if (status == null) {
      request.expressionAttributeValues(Map.of(":c", AttributeValue.fromS(campaignId)));
    } else {
      request.filterExpression("#s = :status")
          .expressionAttributeNames(Map.of("#s", RESULTS.contains(status) ? "Result" : "Status"))
          .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(campaignId),
              ":status", AttributeValue.fromS(status.toUpperCase(Locale.ROOT))));
    }
    if (start != null) {
      request.exclusiveStartKey(start);
    }
    return request.build();
  }

  private static JsonObject json(Map<String, AttributeValue> item) {
    JsonObject json = new JsonObject().put("email", item.get("Email").s())
        .put("status", lower(item, "Status")).put("result", lower(item, "Result"));
    for (String stamp : new String[] {"DeliveredAt", "BouncedAt", "ComplainedAt", "FirstOpenedAt", "FirstClickedAt"}) {
      if (item.containsKey(stamp)) {
        json.put(Character.toLowerCase(stamp.charAt(0)) + stamp.substring(1), CampaignReport.number(item, stamp));
      }
    }
    if (item.containsKey("ErrorCode")) {
      json.put("errorCode", item.get("ErrorCode").s());
    }
    return json;
  }

  private static String lower(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? null : value.s().toLowerCase(Locale.ROOT);
  }
}
