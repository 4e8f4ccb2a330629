package io.mailroom.compliance.notices;

import io.mailroom.aws.Async;
import io.mailroom.aws.Tables;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Notices table (partition key {@code Id}): one item per consent notice a customer is owed,
 * a change confirmation ({@code change#email#at#in|out}) or a reconfirmation of one two-year cycle
 * ({@code reconfirm#email#anniversary}). Its {@code State} moves PENDING or FAILED → SENDING
 * (claimed, in a conditional write made before the send, so no two nodes send it at once) → SENT or
 * SKIPPED (with the reason). A claim older than {@link #CLAIM_MILLIS} is taken again: a node that
 * stopped mid-send leaves no notice unsent (at worst one goes twice). A change confirmation still to
 * go carries {@code DueShard}, the key of the sparse index the sweep reads, with {@code DueAt} the
 * time it is due: a claimed one is due again when its claim runs out, a failed one at its retry.
 * Each claim carries its own {@code ClaimId}, and only that claim may settle the notice: a node that
 * stalled past its claim cannot overwrite the outcome of the node that took it over.
 */
final class NoticeStore {
  static final String PENDING = "PENDING";
  static final String SENDING = "SENDING";
  static final String SENT = "SENT";
  static final String FAILED = "FAILED";
  static final String SKIPPED = "SKIPPED";
  private static final String DUE = "d";
  private static final int REASON_CHARS = 200;
  /**
   * How long a claim holds: a notice still SENDING after this (its node stopped between the claim
   * and the outcome) is taken again, so it may go twice but is never lost.
   */
  static final long CLAIM_MILLIS = 10 * 60 * 1000L;

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  NoticeStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * A change confirmation: to {@code email}, who consented ({@code subscribed}) or withdrew at
   * {@code at}; a consent is confirmed only if the Users item holds {@code consentAt}, the
   * {@code ConsentAt} its write set. {@code createdAt}: when the change was recorded.
   */
  record Change(String id, String email, boolean subscribed, long at, long consentAt, long createdAt, int attempts) { }

  static String changeId(String email, boolean subscribed, long at) {
    return "change#" + email + "#" + at + (subscribed ? "#in" : "#out");
  }

  static String reconfirmId(String email, String anniversary) {
    return "reconfirm#" + email + "#" + anniversary;
  }

  /**
   * Records a change confirmation as pending, before the change is written; recording the same
   * change again changes nothing. {@code consentAt}: the {@code ConsentAt} a consent's write sets.
   */
  Future<Void> pending(String email, boolean subscribed, long at, String via, long consentAt) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("Id", s(changeId(email, subscribed, at)));
    item.put("NoticeKind", s("change"));
    item.put("Email", s(email));
    item.put("Subscribed", AttributeValue.fromBool(subscribed));
    item.put("ChangeAt", n(at));
    if (subscribed) {
      item.put("ConsentAt", n(consentAt));
    }
    item.put("Via", s(via == null ? "" : via));
    item.put("State", s(PENDING));
    item.put("DueShard", s(DUE));
    item.put("DueAt", n(at));
    item.put("CreatedAt", n(System.currentTimeMillis()));
    return Async.conditional(dynamo.putItem(b -> b.tableName(table).item(item)
        .conditionExpression("attribute_not_exists(Id)"))).mapEmpty();
  }

  /** Up to {@code limit} change confirmations due at {@code now} or before, oldest first. */
  Future<List<Change>> due(long now, int limit) {
    return Async.of(dynamo.query(b -> b.tableName(table).indexName(Tables.NOTICES_DUE.name()).limit(limit)
            .keyConditionExpression("DueShard = :due AND DueAt <= :now")
            .expressionAttributeValues(Map.of(":due", s(DUE), ":now", n(now)))))
        .map(r -> r.items().stream().map(NoticeStore::change).toList());
  }

  private static Change change(Map<String, AttributeValue> item) {
    long at = Long.parseLong(item.get("ChangeAt").n());
    return new Change(item.get("Id").s(), item.get("Email").s(), Boolean.TRUE.equals(item.get("Subscribed").bool()),
        at, number(item, "ConsentAt", at), number(item, "CreatedAt", at), (int) number(item, "Attempts", 0));
  }

  private static long number(Map<String, AttributeValue> item, String name, long otherwise) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? otherwise : Long.parseLong(value.n());
  }

  /**
   * Takes a pending or failed change confirmation for sending as {@code claim} (an id unique to this
   * try); false when another node (or run) has it.
   */
  Future<Boolean> claimChange(String id, String claim) {
    long now = System.currentTimeMillis();
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":sending", s(SENDING), ":now", n(now),
        ":again", n(now + CLAIM_MILLIS), ":one", n(1), ":pending", s(PENDING), ":failed", s(FAILED),
        ":stale", n(now - CLAIM_MILLIS)));
    values.put(":claim", s(claim));
    return update(id, "SET #state = :sending, ClaimedAt = :now, ClaimId = :claim, DueAt = :again ADD Attempts :one",
        "#state IN (:pending, :failed) OR (#state = :sending AND ClaimedAt < :stale)", values);
  }

  /**
   * Takes the reconfirmation of {@code email}'s cycle ending on {@code anniversary}, creating its
   * item: false when it was taken, sent or skipped already (only a failed one is taken again).
   */
  Future<Boolean> claimReconfirm(String email, String anniversary, long consentAt, String claim) {
    long now = System.currentTimeMillis();
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":sending", s(SENDING), ":kind", s("reconfirm"),
        ":email", s(email), ":consent", n(consentAt), ":now", n(now), ":one", n(1), ":failed", s(FAILED)));
    values.put(":stale", n(now - CLAIM_MILLIS));
    values.put(":claim", s(claim));
    return update(reconfirmId(email, anniversary),
        "SET #state = :sending, NoticeKind = :kind, Email = :email, ConsentAt = :consent, ClaimedAt = :now,"
            + " ClaimId = :claim ADD Attempts :one",
        "attribute_not_exists(Id) OR #state = :failed OR (#state = :sending AND ClaimedAt < :stale)", values);
  }

  /** The notice {@code claim} holds went: its transport's message id. */
  Future<Void> sent(String id, String claim, String messageId) {
    return settle(id, claim, "SET #state = :sent, SentAt = :now, MessageId = :message REMOVE LastError, DueShard",
        Map.of(":sent", s(SENT), ":now", n(System.currentTimeMillis()), ":message", s(messageId)));
  }

  /** The notice {@code claim} holds may not go (a bounce or complaint holds it, ...): never tried again. */
  Future<Void> skipped(String id, String claim, String reason) {
    return settle(id, claim, "SET #state = :skipped, LastError = :reason REMOVE DueShard", Map.of(":skipped", s(SKIPPED),
        ":reason", s(reason)));
  }

  /**
   * A change confirmation {@code claim} holds is not decided yet: pending again, due at
   * {@code dueAt}, and this claim does not count as a try.
   */
  Future<Void> deferred(String id, String claim, long dueAt) {
    return settle(id, claim, "SET #state = :pending, DueAt = :later ADD Attempts :less", Map.of(":pending", s(PENDING),
        ":later", n(dueAt), ":less", n(-1)));
  }

  /**
   * The notice {@code claim} holds could not go, for {@code reason}; a change confirmation is due
   * again at {@code retryAt} (a reconfirmation is taken again by the next run of its job).
   */
  Future<Void> failed(String id, String claim, String reason, long retryAt, boolean change) {
    String text = reason == null ? "unknown"
        : reason.length() > REASON_CHARS ? reason.substring(0, REASON_CHARS) : reason;
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":failed", s(FAILED), ":reason", s(text)));
    String set = "SET #state = :failed, LastError = :reason";
    if (change) {
      set += ", DueShard = :due, DueAt = :retry";
      values.put(":due", s(DUE));
      values.put(":retry", n(retryAt));
    }
    return settle(id, claim, set, values);
  }

  /** Only the claim that holds the notice settles it: one taken over since changes nothing. */
  private Future<Void> settle(String id, String claim, String expression, Map<String, AttributeValue> values) {
    Map<String, AttributeValue> all = new HashMap<>(values);
    all.put(":sending", s(SENDING));
    all.put(":claim", s(claim));
    return update(id, expression, "#state = :sending AND ClaimId = :claim", all).mapEmpty();
  }

  private Future<Boolean> update(String id, String expression, String condition, Map<String, AttributeValue> values) {
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(Map.of("Id", s(id)))
            .updateExpression(expression)
            .conditionExpression(condition).expressionAttributeNames(Map.of("#state", "State"))
            .expressionAttributeValues(values)));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
