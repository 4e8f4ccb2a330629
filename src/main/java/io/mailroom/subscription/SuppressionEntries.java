package io.mailroom.subscription;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Suppressions table as people look at it: one address's suppression, a search by address
 * prefix, and the removal of a manual suppression (no other reason can be removed here). A search
 * is a paged scan, since the table is keyed by address alone: each call reads at most
 * {@value #SCAN_BUDGET} items and says where the next call goes on.
 */
public final class SuppressionEntries {
  /** Items one search call reads at most (an eventually consistent scan: about 10 read units per 1,000). */
  static final int SCAN_BUDGET = 5000;
  private static final int SCAN_PAGE = 1000;

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public SuppressionEntries(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** One suppression: the address, why, since when (epoch millis), where it came from, and a note. */
  public record Entry(String email, Suppression reason, long since, String source, String note) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("address", email).put("reason", reason.wire())
          .put("since", Instant.ofEpochMilli(since).toString()).put("source", source);
      return note == null || note.isEmpty() ? json : json.put("note", note);
    }
  }

  /** A page of a search: the entries, the address to go on after (null: the scan is done), items read. */
  public record Page(List<Entry> entries, String next, int itemsRead) { }

  /** What a removal found: {@code removed}, or the suppression that holds and is not manual (or none). */
  public record Removal(boolean removed, Optional<Entry> held) { }

  /** The address's suppression, read consistently (one read unit). */
  public Future<Optional<Entry>> get(String email) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(SuppressionStore.key(email)).consistentRead(true)))
        .map(r -> r.hasItem() && !r.item().isEmpty() ? entry(r.item()) : Optional.empty());
  }

  /**
   * Up to {@code limit} suppressions whose address starts with {@code prefix} (empty: all), from
   * after {@code after} (null: the start), in the table's order.
   */
  public Future<Page> search(String prefix, int limit, String after) {
    Promise<Page> done = Promise.promise();
    scan(prefix, limit, after == null ? null : SuppressionStore.key(after), new ArrayList<>(), 0, done);
    return done.future();
  }

  private void scan(String prefix, int limit, Map<String, AttributeValue> start, List<Entry> found, int read,
                    Promise<Page> done) {
    Async.of(dynamo.scan(b -> {
      b.tableName(table).limit(SCAN_PAGE).exclusiveStartKey(start);
      if (!prefix.isEmpty()) {
        b.filterExpression("begins_with(Email, :prefix)")
            .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(prefix)));
      }
    })).onFailure(done::tryFail).onSuccess(r -> {
      int total = read + r.scannedCount();
      r.items().forEach(item -> entry(item).ifPresent(found::add));
      String last = lastKey(r);
      if (found.size() >= limit) {
        List<Entry> page = List.copyOf(found.subList(0, limit));
        boolean more = found.size() > limit || last != null;
        done.tryComplete(new Page(page, more ? page.get(limit - 1).email() : null, total));
      } else if (last == null || total >= SCAN_BUDGET) {
        done.tryComplete(new Page(List.copyOf(found), last, total));
      } else {
        scan(prefix, limit, SuppressionStore.key(last), found, total, done);
      }
    });
  }

  private static String lastKey(ScanResponse r) {
    return r.hasLastEvaluatedKey() && r.lastEvaluatedKey().containsKey("Email")
        ? r.lastEvaluatedKey().get("Email").s() : null;
  }

  /**
   * Removes the address's suppression if it is a manual one; any other reason stays. A manual
   * suppression that holds an unsubscribe gives its place back to that unsubscribe, at its own time
   * (so a consent given after it still lifts it) and with its follow-up as it was.
   */
  public Future<Removal> removeManual(String email) {
    Map<String, AttributeValue> manual = Map.of(":manual", AttributeValue.fromS(Suppression.MANUAL.name()));
    return Async.conditional(dynamo.deleteItem(b -> b.tableName(table).key(SuppressionStore.key(email))
            .conditionExpression("Reason = :manual AND attribute_not_exists(" + SuppressionStore.REPLACED_AT + ")")
            .expressionAttributeValues(manual)))
        .compose(deleted -> deleted ? Future.succeededFuture(true) : restoreUnsubscribe(email))
        .compose(removed -> removed ? Future.succeededFuture(new Removal(true, Optional.<Entry>empty()))
            : get(email).map(held -> new Removal(false, held)));
  }

  /** Puts back the unsubscribe a manual suppression holds, at its own time; false when it holds none. */
  private Future<Boolean> restoreUnsubscribe(String email) {
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(SuppressionStore.key(email))
        .updateExpression("SET Reason = :unsubscribe, #at = " + SuppressionStore.REPLACED_AT
            + " REMOVE Detail, " + SuppressionStore.REPLACED_AT)
        .conditionExpression("Reason = :manual AND attribute_exists(" + SuppressionStore.REPLACED_AT + ")")
        .expressionAttributeNames(Map.of("#at", "At"))
        .expressionAttributeValues(Map.of(":manual", AttributeValue.fromS(Suppression.MANUAL.name()),
            ":unsubscribe", AttributeValue.fromS(Suppression.UNSUBSCRIBE.name())))));
  }

  private static Optional<Entry> entry(Map<String, AttributeValue> values) {
    String email = text(values, "Email");
    Suppression reason;
    try {
      reason = Suppression.valueOf(text(values, "Reason"));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    AttributeValue at = values.get("At");
    long since = at == null || at.n() == null ? 0 : Long.parseLong(at.n());
    // an item keeps an unsubscribe's Source under a stronger reason; only an unsubscribe shows it
    String source = reason == Suppression.UNSUBSCRIBE ? text(values, "Source") : "";
    return Optional.of(new Entry(email, reason, since, source.isEmpty() ? source(reason) : source,
        text(values, "Detail")));
  }

  /** Where a suppression of {@code reason} comes from when its item does not say. */
  private static String source(Suppression reason) {
    return switch (reason) {
      case BOUNCE, COMPLAINT -> "ses";
      case UNSUBSCRIBE -> "customer";
      case MANUAL -> "manual";
    };
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? "" : value.s();
  }
}
