package io.mailroom.subscription;

import io.mailroom.aws.Async;
import io.mailroom.aws.Tables;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Suppressions table (partition key {@code Email}): addresses no campaign may reach, with the
 * reason and the time. An address holds one suppression; a stronger reason (bounce, complaint,
 * manual) replaces an unsubscribe, never the other way round. An unsubscribe is written first, in
 * one write, marked {@code Pending} with what its follow-up needs ({@code UnsubscribeAt},
 * {@code Source}, {@code Campaign}); the follow-up removes the mark once the rest is done. A
 * stronger reason over an unsubscribe (either way round) keeps those and the unsubscribe's time,
 * so that its follow-up still completes and the unsubscribe comes back when a manual suppression
 * is removed.
 */
public final class SuppressionStore {
  /** Carried only while an unsubscribe is pending: the key of the sparse index the sweep reads. */
  private static final String PENDING_SHARD = "PendingShard";
  private static final String PENDING = "p";
  /**
   * On a stronger reason that holds the address in place of an unsubscribe (or that an unsubscribe
   * came under): that unsubscribe's time, the one a later consent must come after.
   */
  static final String REPLACED_AT = "ReplacedUnsubscribeAt";
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public SuppressionStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  public String table() {
    return table;
  }

  /**
   * Records a suppression; {@code detail} is a short, address-free note (an SES bounce subtype, a
   * campaign id). False when the address held a suppression already that this one does not replace.
   * A stronger reason takes an unsubscribe's place in one update that leaves the unsubscribe's
   * follow-up where it was (still pending, if it was, so that the sweep finds it) and remembers its
   * time in {@value #REPLACED_AT}, so that removing a manual suppression puts the unsubscribe back.
   */
  public Future<Boolean> suppress(String email, Suppression reason, String detail, long now) {
    String note = detail == null || detail.isEmpty() ? null
        : detail.length() > 200 ? detail.substring(0, 200) : detail;
    Future<Boolean> fresh = putNew(email, reason, note, now);
    if (reason == Suppression.UNSUBSCRIBE) {
      return fresh;
    }
    // the second put covers an unsubscribe lifted between the first put and the update
    return fresh.compose(written -> written ? Future.succeededFuture(true)
            : replaceUnsubscribe(email, reason, note, now))
        .compose(written -> written ? Future.succeededFuture(true) : putNew(email, reason, note, now));
  }

  /** Writes the suppression where the address has none; false when it has one. */
  private Future<Boolean> putNew(String email, Suppression reason, String note, long now) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("Email", AttributeValue.fromS(email));
    item.put("Reason", AttributeValue.fromS(reason.name()));
    item.put("At", AttributeValue.fromN(Long.toString(now)));
    if (note != null) {
      item.put("Detail", AttributeValue.fromS(note));
    }
    return Async.conditional(dynamo.putItem(b -> b.tableName(table).item(item)
        .conditionExpression("attribute_not_exists(Email)")));
  }

  /**
   * Puts {@code reason} in place of the address's unsubscribe; false when it holds no unsubscribe. Every
   * operand of a SET reads the item as it was, so the unsubscribe's time is kept before {@code At} changes
   * ({@code At} is a reserved word of the expressions, hence {@code #at}).
   */
  private Future<Boolean> replaceUnsubscribe(String email, Suppression reason, String note, long now) {
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":reason", AttributeValue.fromS(reason.name()),
        ":now", AttributeValue.fromN(Long.toString(now)),
        ":unsubscribe", AttributeValue.fromS(Suppression.UNSUBSCRIBE.name())));
    String update = "SET Reason = :reason, " + REPLACED_AT + " = if_not_exists(#at, :now), #at = :now";
    if (note != null) {
      values.put(":detail", AttributeValue.fromS(note));
      update += ", Detail = :detail";
    } else {
      update += " REMOVE Detail";
    }
    String expression = update;
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(key(email)).updateExpression(expression)
        .conditionExpression("Reason = :unsubscribe").expressionAttributeNames(Map.of("#at", "At"))
        .expressionAttributeValues(values)));
  }

  /** An unsubscribe whose suppression is written and whose follow-up may not be done yet. */
  public record PendingUnsubscribe(String email, String campaignId, String via, long at) { }

  /**
   * Records an unsubscribe in one conditional put: a new unsubscribe suppression, or a fresher one
   * in place of an earlier unsubscribe (its time is what a later consent must come after), marked
   * pending. True when the address held no suppression before. When a stronger reason holds the
   * address already, its item only gains the pending mark and the unsubscribe's time (the rare
   * second write), so that the follow-up still withdraws the customer's consent and the removal of
   * a manual suppression leaves the unsubscribe.
   */
  public Future<Boolean> recordUnsubscribe(PendingUnsubscribe unsubscribe) {
    Map<String, AttributeValue> item = new HashMap<>(pendingAttributes(unsubscribe));
    item.put("Email", AttributeValue.fromS(unsubscribe.email()));
    item.put("Reason", AttributeValue.fromS(Suppression.UNSUBSCRIBE.name()));
    item.put("At", AttributeValue.fromN(Long.toString(unsubscribe.at())));
    String detail = "campaign " + unsubscribe.campaignId();
    item.put("Detail", AttributeValue.fromS(detail.length() > 200 ? detail.substring(0, 200) : detail));
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(item)
            .conditionExpression("attribute_not_exists(Email) OR Reason = :unsubscribe")
            .expressionAttributeValues(Map.of(":unsubscribe", AttributeValue.fromS(Suppression.UNSUBSCRIBE.name())))
            .returnValues(ReturnValue.ALL_OLD)))
        .map(put -> !put.hasAttributes() || put.attributes().isEmpty())
        .recover(e -> e instanceof ConditionalCheckFailedException ? markPending(unsubscribe).map(false)
            : Future.failedFuture(e));
  }

  private Future<Void> markPending(PendingUnsubscribe unsubscribe) {
    Map<String, AttributeValue> values = new HashMap<>();
    pendingAttributes(unsubscribe).forEach((name, value) -> values.put(":" + name, value));
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(key(unsubscribe.email()))
        .updateExpression("SET Pending = :Pending, PendingShard = :PendingShard, UnsubscribeAt = :UnsubscribeAt,"
            + " #source = :Source, Campaign = :Campaign, " + REPLACED_AT + " = :UnsubscribeAt")
        .expressionAttributeNames(Map.of("#source", "Source"))
        .expressionAttributeValues(values))).mapEmpty();
  }

  private static Map<String, AttributeValue> pendingAttributes(PendingUnsubscribe unsubscribe) {
    return Map.of("Pending", AttributeValue.fromBool(true),
        PENDING_SHARD, AttributeValue.fromS(PENDING),
        "UnsubscribeAt", AttributeValue.fromN(Long.toString(unsubscribe.at())),
        "Source", AttributeValue.fromS(unsubscribe.via()),
        "Campaign", AttributeValue.fromS(unsubscribe.campaignId()));
  }

  /** The follow-up of the unsubscribe made at {@code at} is done; a later unsubscribe stays pending. */
  public Future<Void> settle(String email, long at) {
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(key(email))
            .updateExpression("REMOVE Pending, " + PENDING_SHARD)
            .conditionExpression("UnsubscribeAt = :at")
            .expressionAttributeValues(Map.of(":at", AttributeValue.fromN(Long.toString(at)))))).mapEmpty();
  }

  /** The address's unsubscribe whose follow-up is not done, if there is one (a consistent read). */
  public Future<Optional<PendingUnsubscribe>> pending(String email) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key(email)).consistentRead(true)))
        .map(r -> r.hasItem() ? pending(r.item()) : Optional.empty());
  }

  /**
   * One page of the unsubscribes left pending since before {@code before} (epoch millis), from
   * {@code start} (null: the first page); the page's last key, or null, says where the next begins.
   */
  public Future<Page> pendingBefore(long before, Map<String, AttributeValue> start) {
    return Async.of(dynamo.query(b -> b.tableName(table).indexName(Tables.SUPPRESSIONS_PENDING.name()).limit(100)
            .exclusiveStartKey(start)
            .keyConditionExpression(PENDING_SHARD + " = :pending AND UnsubscribeAt < :before")
            .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS(PENDING),
                ":before", AttributeValue.fromN(Long.toString(before))))))
        .map(r -> new Page(r.items().stream().map(SuppressionStore::pending).flatMap(Optional::stream).toList(),
            r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null));
  }

  /** A page of the pending unsubscribes, read from the sparse index. */
  public record Page(List<PendingUnsubscribe> pending, Map<String, AttributeValue> next) { }

  private static Optional<PendingUnsubscribe> pending(Map<String, AttributeValue> item) {
    AttributeValue flag = item.get("Pending");
    if (flag == null || !Boolean.TRUE.equals(flag.bool()) || !item.containsKey("UnsubscribeAt")) {
      return Optional.empty();
    }
    return Optional.of(new PendingUnsubscribe(item.get("Email").s(), text(item, "Campaign"), text(item, "Source"),
        Long.parseLong(item.get("UnsubscribeAt").n())));
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? "" : value.s();
  }

  /** Lifts an unsubscribe suppression (the customer consented again); other reasons stay. */
  public Future<Void> liftUnsubscribe(String email) {
    return Async.conditional(dynamo.deleteItem(b -> b.tableName(table).key(key(email))
            .conditionExpression("Reason = :unsubscribe")
            .expressionAttributeValues(Map.of(":unsubscribe", AttributeValue.fromS(Suppression.UNSUBSCRIBE.name())))))
        .mapEmpty();
  }

  static Map<String, AttributeValue> key(String email) {
    return Map.of("Email", AttributeValue.fromS(email));
  }
}
