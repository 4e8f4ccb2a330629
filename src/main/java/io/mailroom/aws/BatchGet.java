package io.mailroom.aws;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One BatchGetItem (at most 100 keys over any tables) until DynamoDB has answered every key: what
 * it leaves unprocessed is asked again with a growing pause. Returns the items found, per table.
 */
public final class BatchGet {
  private static final int ROUNDS = 8;

  private BatchGet() {
  }

  public static Future<Map<String, List<Map<String, AttributeValue>>>> of(Vertx vertx, DynamoDbAsyncClient dynamo,
                                                                        Map<String, KeysAndAttributes> request) {
    return get(vertx, dynamo, request, new HashMap<>(), 0);
  }

  private static Future<Map<String, List<Map<String, AttributeValue>>>> get(Vertx vertx, DynamoDbAsyncClient dynamo,
      Map<String, KeysAndAttributes> request, Map<String, List<Map<String, AttributeValue>>> found, int round) {
    return Async.of(dynamo.batchGetItem(b -> b.requestItems(request))).compose(r -> {
      r.responses().forEach((table, items) -> found.computeIfAbsent(table, t -> new ArrayList<>()).addAll(items));
      if (!r.hasUnprocessedKeys() || r.unprocessedKeys().isEmpty()) {
        return Future.succeededFuture(found);
      }
      if (round >= ROUNDS) {
        return Future.failedFuture(new IllegalStateException("DynamoDB left keys unprocessed after " + ROUNDS
            + " retries"));
      }
      return vertx.timer(50L << round).compose(t -> get(vertx, dynamo, r.unprocessedKeys(), found, round + 1));
    });
  }
}
