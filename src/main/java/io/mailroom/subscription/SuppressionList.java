package io.mailroom.subscription;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every suppression of the Suppressions table, read once in one eventually consistent scan, for
 * checks over a whole audience (an estimate): one read of the table instead of one read per
 * customer. Holds the reason and time of each, at most {@value #MAX_ENTRIES}; a table larger than
 * that gives no list ({@link #read} yields empty), and the caller reads per customer instead.
 */
public final class SuppressionList {
  static final int MAX_ENTRIES = 500_000;
  private static final int PAGE = 1000;

  private record Entry(Suppression reason, long at) { }

  private final Map<String, Entry> byEmail = new HashMap<>();

  private SuppressionList() {
  }

  /** The table's suppressions, or empty when it holds more than {@value #MAX_ENTRIES}. */
  static Future<Optional<SuppressionList>> read(DynamoDbAsyncClient dynamo, String table) {
    Promise<Optional<SuppressionList>> done = Promise.promise();
    page(dynamo, table, null, new SuppressionList(), done);
    return done.future();
  }

  /** Reads one page, then asks for the next from its callback, so no chain grows with the table. */
  private static void page(DynamoDbAsyncClient dynamo, String table, Map<String, AttributeValue> start,
                           SuppressionList list, Promise<Optional<SuppressionList>> done) {
    Async.of(dynamo.scan(b -> b.tableName(table).limit(PAGE).exclusiveStartKey(start)
            .projectionExpression("Email, Reason, #at").expressionAttributeNames(Map.of("#at", "At"))))
        .onFailure(done::tryFail)
        .onSuccess(r -> {
          r.items().forEach(list::add);
          boolean last = !r.hasLastEvaluatedKey() || r.lastEvaluatedKey().isEmpty();
          if (list.byEmail.size() > MAX_ENTRIES) {
            done.tryComplete(Optional.empty());
          } else if (last) {
            done.tryComplete(Optional.of(list));
          } else {
            page(dynamo, table, r.lastEvaluatedKey(), list, done);
          }
        });
  }

  private void add(Map<String, AttributeValue> item) {
    AttributeValue reason = item.get("Reason");
    if (item.containsKey("Email") && reason != null && reason.s() != null) {
      AttributeValue at = item.get("At");
      byEmail.put(item.get("Email").s(), new Entry(Suppression.valueOf(reason.s()),
          at == null || at.n() == null ? Long.MAX_VALUE : Long.parseLong(at.n())));
    }
  }

  /** Why {@code email}, whose latest consent was at {@code consentAt}, may not be sent to; empty: it may. */
  Optional<String> reason(String email, long consentAt) {
    Entry entry = byEmail.get(email);
    return entry == null ? Optional.empty() : ConsentCheck.suppression(entry.reason(), entry.at(), consentAt);
  }

  /** How many suppressions the list holds. */
  public int size() {
    return byEmail.size();
  }
}
