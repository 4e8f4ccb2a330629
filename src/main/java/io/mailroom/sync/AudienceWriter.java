package io.mailroom.sync;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a chunk of customer rows into the Users table. New customers go in BatchWriteItems of 25
 * (unprocessed items retried with backoff); customers already there are updated one by one with a
 * condition, because only then can the consent rule hold: an unsubscribe made through Mailroom
 * ({@code UnsubscribedAt}) is never undone by a MySQL row, unless the row's consent changed after
 * it ({@code consentUpdatedAt} newer). Deleted rows leave the audience.
 */
final class AudienceWriter {
  private static final int BATCH = 25;
  private static final int GET_BATCH = 100;
  private static final int ROUNDS = 8;

  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  AudienceWriter(Vertx vertx, DynamoDbAsyncClient dynamo, String table) {
    this.vertx = vertx;
    this.dynamo = dynamo;
    this.table = table;
  }

  /** What a chunk did: rows written, deleted, and consent kept against a stale MySQL row. */
  record Outcome(int written, int deleted, int keptUnsubscribed) { }

  Future<Outcome> write(List<CustomerRow> rows) {
    Map<String, CustomerRow> upserts = new HashMap<>();
    Set<String> deletes = new HashSet<>();
    for (CustomerRow row : rows) { // later rows of the same email win: the chunk is in update order
      if (row.deleted()) {
        deletes.add(row.normalEmail());
        upserts.remove(row.normalEmail());
      } else {
        upserts.put(row.normalEmail(), row);
        deletes.remove(row.normalEmail());
      }
    }
    return existing(new ArrayList<>(upserts.keySet())).compose(present -> {
      List<Map<String, AttributeValue>> fresh = new ArrayList<>();
      List<CustomerRow> known = new ArrayList<>();
      upserts.forEach((email, row) -> {
        if (present.contains(email)) {
          known.add(row);
        } else {
          fresh.add(item(row));
        }
      });
      List<WriteRequest> writes = new ArrayList<>();
      fresh.forEach(item -> writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()));
      deletes.forEach(email -> writes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
          .key(Map.of("Email", AttributeValue.fromS(email))).build()).build()));
      return Future.all(batchWrite(writes), updateAll(known))
          .map(all -> new Outcome(upserts.size(), deletes.size(), all.<Integer>resultAt(1)));
    });
  }

  private Future<Set<String>> existing(List<String> emails) {
    List<Future<Set<String>>> gets = new ArrayList<>();
    for (int i = 0; i < emails.size(); i += GET_BATCH) {
      List<Map<String, AttributeValue>> keys = emails.subList(i, Math.min(emails.size(), i + GET_BATCH)).stream()
          .map(e -> Map.of("Email", AttributeValue.fromS(e))).toList();
      gets.add(get(Map.of(table, KeysAndAttributes.builder().keys(keys).projectionExpression("Email")
          .consistentRead(true).build()), new HashSet<>(), 0));
    }
    return Future.all(gets).map(all -> {
      Set<String> found = new HashSet<>();
      for (int i = 0; i < all.size(); i++) {
        found.addAll(all.<Set<String>>resultAt(i));
      }
      return found;
    });
  }

  private Future<Set<String>> get(Map<String, KeysAndAttributes> request, Set<String> found, int round) {
    return Async.of(dynamo.batchGetItem(b -> b.requestItems(request))).compose(r -> {
      r.responses().getOrDefault(table, List.of()).forEach(item -> found.add(item.get("Email").s()));
      if (!r.hasUnprocessedKeys() || r.unprocessedKeys().isEmpty()) {
        return Future.succeededFuture(found);
      }
      if (round >= ROUNDS) {
        return Future.failedFuture(new IllegalStateException("DynamoDB left keys unprocessed"));
      }
      return vertx.timer(50L << round).compose(t -> get(r.unprocessedKeys(), found, round + 1));
    });
  }

  private Future<Void> batchWrite(List<WriteRequest> writes) {
    List<Future<?>> batches = new ArrayList<>();
    for (int i = 0; i < writes.size(); i += BATCH) {
      batches.add(write(Map.of(table, writes.subList(i, Math.min(writes.size(), i + BATCH))), 0));
    }
    return Future.all(batches).mapEmpty();
  }

  private Future<Void> write(Map<String, List<WriteRequest>> writes, int round) {
    return Async.of(dynamo.batchWriteItem(b -> b.requestItems(writes))).compose(r -> {
      if (!r.hasUnprocessedItems() || r.unprocessedItems().isEmpty()) {
        return Future.succeededFuture();
      }
      if (round >= ROUNDS) {
        return Future.failedFuture(new IllegalStateException("DynamoDB left items unprocessed after " + ROUNDS + " retries"));
      }
      return vertx.timer(50L << round).compose(t -> write(r.unprocessedItems(), round + 1));
    });
  }

  /** Updates known customers; returns how many kept a Mailroom unsubscribe against their row. */
  private Future<Integer> updateAll(List<CustomerRow> rows) {
    List<Future<Boolean>> updates = rows.stream().map(this::update).toList();
    return Future.all(updates).map(all -> (int) updates.stream().filter(f -> Boolean.TRUE.equals(f.result())).count());
  }

  /** True when the row said subscribed but a newer Mailroom unsubscribe was kept. */
  private Future<Boolean> update(CustomerRow row) {
    Map<String, AttributeValue> values = fields(row);
    String set = "SET #n = :name, Gender = :gender, CreateTime = :created, SourceUpdatedAt = :updated, SourceId = :id";
    if (!row.subscribed()) {
      values.put(":false", AttributeValue.fromBool(false));
      return plain(row, set + ", SubscriptionStatus = :false", values).map(false);
    }
    Map<String, AttributeValue> withConsent = new HashMap<>(values);
    withConsent.put(":true", AttributeValue.fromBool(true));
    withConsent.put(":consent", AttributeValue.fromN(Long.toString(CustomerRow.millis(row.consentUpdatedAt()))));
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(Map.of("Email", AttributeValue.fromS(row.normalEmail())))
            .updateExpression(set + ", SubscriptionStatus = :true")
            .conditionExpression("attribute_not_exists(UnsubscribedAt) OR UnsubscribedAt < :consent")
            .expressionAttributeNames(Map.of("#n", "Name"))
            .expressionAttributeValues(withConsent)))
        .map(false)
        .recover(e -> e instanceof ConditionalCheckFailedException ? plain(row, set, values).map(true)
            : Future.failedFuture(e));
  }

  private Future<Void> plain(CustomerRow row, String set, Map<String, AttributeValue> values) {
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(Map.of("Email", AttributeValue.fromS(row.normalEmail())))
        .updateExpression(set).expressionAttributeNames(Map.of("#n", "Name")).expressionAttributeValues(values)))
        .mapEmpty();
  }

  private static Map<String, AttributeValue> fields(CustomerRow row) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":name", AttributeValue.fromS(row.name() == null ? "" : row.name()));
    values.put(":gender", AttributeValue.fromS(row.normalGender()));
    values.put(":created", AttributeValue.fromN(Long.toString(CustomerRow.millis(row.created()) / 1000)));
    values.put(":updated", AttributeValue.fromN(Long.toString(CustomerRow.millis(row.updatedAt()))));
    values.put(":id", AttributeValue.fromN(Long.toString(row.id())));
    return values;
  }

  private static Map<String, AttributeValue> item(CustomerRow row) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("Email", AttributeValue.fromS(row.normalEmail()));
    item.put("Name", AttributeValue.fromS(row.name() == null ? "" : row.name()));
    item.put("Gender", AttributeValue.fromS(row.normalGender()));
    item.put("CreateTime", AttributeValue.fromN(Long.toString(CustomerRow.millis(row.created()) / 1000)));
    item.put("SubscriptionStatus", AttributeValue.fromBool(row.subscribed()));
    item.put("SourceUpdatedAt", AttributeValue.fromN(Long.toString(CustomerRow.millis(row.updatedAt()))));
    item.put("SourceId", AttributeValue.fromN(Long.toString(row.id())));
    return item;
  }
}
