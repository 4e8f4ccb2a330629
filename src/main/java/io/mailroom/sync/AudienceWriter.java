package io.mailroom.sync;

import io.mailroom.aws.Async;
import io.mailroom.aws.BatchGet;
import io.mailroom.audience.Recipient;
import io.mailroom.bus.ConsentChange;
import io.mailroom.subscription.ConsentChanges;
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
 * it ({@code consentUpdatedAt} newer, kept as {@code ConsentAt}, which also outranks an unsubscribe
 * suppression). Deleted rows leave the audience. Columns mapped by {@code sync.columns.attributes}
 * are written as their attributes, and removed when the column is NULL.
 */
final class AudienceWriter {
  private static final int BATCH = 25;
  private static final int GET_BATCH = 100;
  private static final int ROUNDS = 8;
  private static final int UPDATE_LANES = 32;

  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final ConsentChanges changes;

  AudienceWriter(Vertx vertx, DynamoDbAsyncClient dynamo, String table) {
    this(vertx, dynamo, table, ConsentChanges.NONE);
  }

  /**
   * As above; a known customer's consent that a row changes is recorded in {@code changes} before
   * it is written (a consent kept against a newer unsubscribe is then never confirmed: it did not take).
   */
  AudienceWriter(Vertx vertx, DynamoDbAsyncClient dynamo, String table, ConsentChanges changes) {
    this.vertx = vertx;
    this.dynamo = dynamo;
    this.table = table;
    this.changes = changes;
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
    return existing(new ArrayList<>(upserts.keySet()), mappedNames(rows)).compose(present -> {
      List<Map<String, AttributeValue>> fresh = new ArrayList<>();
      List<CustomerRow> known = new ArrayList<>();
      Set<String> flipped = new HashSet<>();
      upserts.forEach((email, row) -> {
        Map<String, AttributeValue> stored = present.get(email);
        if (stored == null) {
          fresh.add(item(row));
        } else if (!unchanged(stored, row)) {
          known.add(row);
          if (Recipient.consent(stored.get("SubscriptionStatus")) != row.subscribed() && !keptAgainst(stored, row)) {
            flipped.add(email);
          }
        }
      });
      List<WriteRequest> writes = new ArrayList<>();
      fresh.forEach(item -> writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()));
      deletes.forEach(email -> writes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
          .key(Map.of("Email", AttributeValue.fromS(email))).build()).build()));
      return Future.all(batchWrite(writes), updateAll(known, flipped))
          .map(all -> new Outcome(fresh.size() + known.size(), deletes.size(), all.<Integer>resultAt(1)));
    });
  }

  /**
   * A row already applied: the look-back reads recent rows again, and writing what is there
   * already would only cost writes.
   */
  private static boolean unchanged(Map<String, AttributeValue> stored, CustomerRow row) {
    AttributeValue consent = stored.get("SubscriptionStatus");
    return stored.containsKey("Name") && stored.get("Name").s().equals(row.name() == null ? "" : row.name())
        && stored.containsKey("Gender") && stored.get("Gender").s().equals(row.normalGender())
        && stored.containsKey("CreateTime")
        && stored.get("CreateTime").n().equals(Long.toString(CustomerRow.millis(row.created()) / 1000))
        && consent != null && Boolean.valueOf(row.subscribed()).equals(consent.bool())
        && row.attributes().entrySet().stream().allMatch(e -> MappedColumns.same(stored.get(e.getKey()), e.getValue()));
  }

  /** A row's consent that the stored Mailroom unsubscribe outranks: it will be kept, so it is no change. */
  private static boolean keptAgainst(Map<String, AttributeValue> stored, CustomerRow row) {
    AttributeValue left = stored.get("UnsubscribedAt");
    return row.subscribed() && left != null && left.n() != null
        && Long.parseLong(left.n()) >= CustomerRow.millis(row.consentUpdatedAt());
  }

  /** The attribute names the chunk's mapped columns are written as (every row maps the same ones). */
  private static List<String> mappedNames(List<CustomerRow> rows) {
    return rows.isEmpty() ? List.of() : new ArrayList<>(rows.get(0).attributes().keySet());
  }

  private Future<Map<String, Map<String, AttributeValue>>> existing(List<String> emails, List<String> mapped) {
    Map<String, String> names = new HashMap<>(Map.of("#n", "Name"));
    StringBuilder projection = new StringBuilder("Email, #n, Gender, CreateTime, SubscriptionStatus, UnsubscribedAt");
    for (int i = 0; i < mapped.size(); i++) {
      names.put("#m" + i, mapped.get(i));
      projection.append(", #m").append(i);
    }
    List<Future<Map<String, Map<String, AttributeValue>>>> gets = new ArrayList<>();
    for (int i = 0; i < emails.size(); i += GET_BATCH) {
      List<Map<String, AttributeValue>> keys = emails.subList(i, Math.min(emails.size(), i + GET_BATCH)).stream()
          .map(e -> Map.of("Email", AttributeValue.fromS(e))).toList();
      gets.add(BatchGet.of(vertx, dynamo, Map.of(table, KeysAndAttributes.builder().keys(keys)
          .projectionExpression(projection.toString())
          .expressionAttributeNames(names)
          .consistentRead(true).build())).map(found -> {
            Map<String, Map<String, AttributeValue>> byEmail = new HashMap<>();
            found.getOrDefault(table, List.of()).forEach(item -> byEmail.put(item.get("Email").s(), item));
            return byEmail;
          }));
    }
    return Future.all(gets).map(all -> {
      Map<String, Map<String, AttributeValue>> found = new HashMap<>();
      for (int i = 0; i < all.size(); i++) {
        found.putAll(all.<Map<String, Map<String, AttributeValue>>>resultAt(i));
      }
      return found;
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

  /**
   * Updates known customers, {@code UPDATE_LANES} at a time; returns how many kept a Mailroom
   * unsubscribe against their row.
   */
  private Future<Integer> updateAll(List<CustomerRow> rows, Set<String> flipped) {
    int[] kept = new int[1];
    List<Future<?>> lanes = new ArrayList<>();
    for (int lane = 0; lane < UPDATE_LANES; lane++) {
      lanes.add(updateFrom(rows, lane, kept, flipped));
    }
    return Future.all(lanes).map(all -> kept[0]);
  }

  private Future<Void> updateFrom(List<CustomerRow> rows, int index, int[] kept, Set<String> flipped) {
    if (index >= rows.size()) {
      return Future.succeededFuture();
    }
    CustomerRow row = rows.get(index);
    // recorded before the write: a write made and a record lost would leave a change the next run no longer sees
    Future<Void> recorded = flipped.contains(row.normalEmail())
        ? changes.record(new ConsentChange(row.normalEmail(), row.subscribed(), row.consentChangedAt()), "sync",
            CustomerRow.millis(row.consentUpdatedAt()))
        : Future.succeededFuture();
    return recorded.compose(v -> update(row)).compose(keptOne -> {
      kept[0] += keptOne ? 1 : 0;
      return updateFrom(rows, index + UPDATE_LANES, kept, flipped);
    });
  }

  /**
   * True when the row said subscribed but a newer Mailroom unsubscribe was kept. A row that says
   * unsubscribed moves {@code LastUnsubscribeAt} forward to its consent change (never back), so
   * that no unsubscribe link mailed before it can give consent again.
   */
  private Future<Boolean> update(CustomerRow row) {
    Map<String, AttributeValue> values = fields(row);
    String set = "SET #n = :name, Gender = :gender, CreateTime = :created, SourceUpdatedAt = :updated, SourceId = :id"
        + MappedColumns.Update.of(row.attributes()).set();
    if (!row.subscribed()) {
      values.put(":false", AttributeValue.fromBool(false));
      Map<String, AttributeValue> withLine = new HashMap<>(values);
      withLine.put(":left", AttributeValue.fromN(Long.toString(row.consentChangedAt())));
      return conditional(row, set + ", SubscriptionStatus = :false, LastUnsubscribeAt = :left",
          "attribute_not_exists(LastUnsubscribeAt) OR LastUnsubscribeAt < :left", withLine)
          .recover(e -> e instanceof ConditionalCheckFailedException
              ? plain(row, set + ", SubscriptionStatus = :false", values) : Future.failedFuture(e))
          .map(false);
    }
    Map<String, AttributeValue> withConsent = new HashMap<>(values);
    withConsent.put(":true", AttributeValue.fromBool(true));
    withConsent.put(":consent", AttributeValue.fromN(Long.toString(CustomerRow.millis(row.consentUpdatedAt()))));
    return conditional(row, set + ", SubscriptionStatus = :true, ConsentAt = :consent",
        "attribute_not_exists(UnsubscribedAt) OR UnsubscribedAt < :consent", withConsent)
        .map(false)
        .recover(e -> e instanceof ConditionalCheckFailedException ? plain(row, set, values).map(true)
            : Future.failedFuture(e));
  }

  private Future<Void> conditional(CustomerRow row, String set, String condition, Map<String, AttributeValue> values) {
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(Map.of("Email", AttributeValue.fromS(row.normalEmail())))
        .updateExpression(set + MappedColumns.Update.of(row.attributes()).remove()).conditionExpression(condition)
        .expressionAttributeNames(names(row)).expressionAttributeValues(values)))
        .mapEmpty();
  }

  private Future<Void> plain(CustomerRow row, String set, Map<String, AttributeValue> values) {
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(Map.of("Email", AttributeValue.fromS(row.normalEmail())))
        .updateExpression(set + MappedColumns.Update.of(row.attributes()).remove()).expressionAttributeNames(names(row)).expressionAttributeValues(values)))
        .mapEmpty();
  }

  private static Map<String, String> names(CustomerRow row) {
    Map<String, String> names = new HashMap<>(MappedColumns.Update.of(row.attributes()).names());
    names.put("#n", "Name");
    return names;
  }

  private static Map<String, AttributeValue> fields(CustomerRow row) {
    Map<String, AttributeValue> values = new HashMap<>(MappedColumns.Update.of(row.attributes()).values());
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
    item.put("ConsentAt", AttributeValue.fromN(Long.toString(CustomerRow.millis(row.consentUpdatedAt()))));
    if (!row.subscribed()) {
      item.put("LastUnsubscribeAt", AttributeValue.fromN(Long.toString(row.consentChangedAt())));
    }
    item.put("SourceUpdatedAt", AttributeValue.fromN(Long.toString(CustomerRow.millis(row.updatedAt()))));
    item.put("SourceId", AttributeValue.fromN(Long.toString(row.id())));
    row.attributes().forEach((attribute, value) -> {
      if (!value.equals(MappedColumns.ABSENT)) {
        item.put(attribute, value);
      }
    });
    return item;
  }
}
