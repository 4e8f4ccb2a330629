package io.mailroom.delivery;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reads over one campaign's deliveries: its failures, its parked tasks, and a recount of outcomes. */
public final class DeliveryQueries {
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public DeliveryQueries(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** One page of failures, ordered by email, after {@code after} (exclusive). */
  public record FailurePage(List<JsonObject> failures, String next) { }

  public Future<FailurePage> failures(String campaignId, int limit, String after) {
    List<JsonObject> found = new ArrayList<>();
    return failures(campaignId, limit, after == null ? null : key(campaignId, after), found)
        .map(next -> new FailurePage(found, next));
  }

  private Future<String> failures(String campaignId, int limit, Map<String, AttributeValue> start,
                                  List<JsonObject> found) {
    return Async.of(dynamo.query(query(campaignId, DeliveryStore.Status.FAILED, start, limit - found.size())))
        .compose(r -> {
          for (Map<String, AttributeValue> item : r.items()) {
            found.add(new JsonObject()
                .put("email", item.get("Email").s())
                .put("errorCode", text(item, "ErrorCode"))
                .put("reason", text(item, "LastError"))
                .put("attempts", item.containsKey("Attempts") ? Integer.parseInt(item.get("Attempts").n()) : 0));
          }
          boolean more = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty();
          if (!more) {
            return Future.succeededFuture(null);
          }
          if (found.size() >= limit) {
            return Future.succeededFuture(found.get(found.size() - 1).getString("email"));
          }
          return failures(campaignId, limit, r.lastEvaluatedKey(), found);
        });
  }

  /** Every parked task of a campaign, handed to {@code each} page by page. */
  public Future<Integer> parked(String campaignId, Consumer<List<String>> each) {
    return parked(campaignId, null, each, 0);
  }

  private Future<Integer> parked(String campaignId, Map<String, AttributeValue> start, Consumer<List<String>> each,
                                 int total) {
    return Async.of(dynamo.query(query(campaignId, DeliveryStore.Status.PARKED, start, 100))).compose(r -> {
      List<String> tasks = r.items().stream().filter(i -> i.containsKey("Task")).map(i -> i.get("Task").s()).toList();
      if (!tasks.isEmpty()) {
        each.accept(tasks);
      }
      int sum = total + tasks.size();
      return r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
          ? parked(campaignId, r.lastEvaluatedKey(), each, sum) : Future.succeededFuture(sum);
    });
  }

  /** Whether any delivery of the campaign is parked; it reads no further than the first one. */
  public Future<Boolean> anyParked(String campaignId) {
    return anyParked(campaignId, null);
  }

  private Future<Boolean> anyParked(String campaignId, Map<String, AttributeValue> start) {
    return Async.of(dynamo.query(query(campaignId, DeliveryStore.Status.PARKED, start, 100))).compose(r ->
        !r.items().isEmpty() ? Future.succeededFuture(true)
            : r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? anyParked(campaignId, r.lastEvaluatedKey())
            : Future.succeededFuture(false));
  }

  /** How many deliveries of a campaign ended in each status. */
  public Future<Map<String, Long>> count(String campaignId) {
    return count(campaignId, null, new HashMap<>());
  }

  private Future<Map<String, Long>> count(String campaignId, Map<String, AttributeValue> start,
                                          Map<String, Long> counts) {
    QueryRequest.Builder request = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("CampaignId = :c")
        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(campaignId)))
        .projectionExpression("#s").expressionAttributeNames(Map.of("#s", "Status"));
    if (start != null) {
      request.exclusiveStartKey(start);
    }
    return Async.of(dynamo.query(request.build())).compose(r -> {
      r.items().forEach(item -> counts.merge(text(item, "Status"), 1L, Long::sum));
      return r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
          ? count(campaignId, r.lastEvaluatedKey(), counts) : Future.succeededFuture(counts);
    });
  }

  private QueryRequest query(String campaignId, DeliveryStore.Status status, Map<String, AttributeValue> start,
                             int limit) {
    QueryRequest.Builder request = QueryRequest.builder().tableName(table).consistentRead(true)
        .keyConditionExpression("CampaignId = :c")
        .filterExpression("#s = :status")
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(campaignId),
            ":status", AttributeValue.fromS(status.name())))
        .limit(Math.max(1, limit));
    if (start != null) {
      request.exclusiveStartKey(start);
    }
    return request.build();
  }

  private static Map<String, AttributeValue> key(String campaignId, String email) {
    return Map.of("CampaignId", AttributeValue.fromS(campaignId), "Email", AttributeValue.fromS(email));
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? "" : value.s();
  }
}
