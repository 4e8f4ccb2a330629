package io.mailroom.delivery;

import io.mailroom.aws.Async;
import io.mailroom.aws.Transactions;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.HashMap;
import java.util.Map;

/**
 * The Deliveries table (campaign id, email): one record per email of a campaign, the truth the
 * campaign's counters are kept from. A Sender claims a delivery with a conditional write before
 * it calls SES, so that a message SQS delivers twice is sent once, and records the outcome with a
 * write conditioned on still holding that claim.
 */
public final class DeliveryStore {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryStore.class);

  public enum Status { SENDING, RETRYING, PARKED, SENT, FAILED, CANCELLED, SUPPRESSED }

  /**
   * The result of a claim: ours (with its attempt number), finished already, held by another
   * sender, or ours but ambiguous: its previous sender died after calling SES, so SES may have it.
   */
  public record Claim(State state, int attempt) {
    public enum State { CLAIMED, AMBIGUOUS, FINISHED, BUSY }
  }

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final String campaignTable;

  public DeliveryStore(DynamoDbAsyncClient dynamo, String table, String campaignTable) {
    this.dynamo = dynamo;
    this.table = table;
    this.campaignTable = campaignTable;
  }

  public String table() {
    return table;
  }

  /**
   * Claims the delivery for {@code leaseMillis} ({@code ClaimedAt}: when this attempt began, before
   * its consent check). A lease that ran out (its sender died mid-send)
   * can be taken over: that is the one window in which SES may already hold the email, so such a
   * claim is {@code AMBIGUOUS}, marked {@code TakenOver} and logged.
   */
  public Future<Claim> claim(String campaignId, String email, long leaseMillis) {
    long now = System.currentTimeMillis();
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":sending", s(Status.SENDING.name()));
    values.put(":retrying", s(Status.RETRYING.name()));
    values.put(":parked", s(Status.PARKED.name()));
    values.put(":zero", n(0));
    values.put(":one", n(1));
    values.put(":now", n(now));
    values.put(":lease", n(now + leaseMillis));
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(key(campaignId, email))
            .updateExpression("SET #s = :sending, Attempts = if_not_exists(Attempts, :zero) + :one,"
                + " LeaseUntil = :lease, ClaimedAt = :now, UpdatedAt = :now")
            .conditionExpression("attribute_not_exists(#s) OR #s IN (:retrying, :parked)"
                + " OR (#s = :sending AND LeaseUntil < :now)")
            .expressionAttributeNames(Map.of("#s", "Status"))
            .expressionAttributeValues(values)
            .returnValues(ReturnValue.ALL_OLD)))
        .compose(r -> {
          Map<String, AttributeValue> old = r.attributes();
          int attempt = old.containsKey("Attempts") ? Integer.parseInt(old.get("Attempts").n()) + 1 : 1;
          Claim claim = new Claim(Claim.State.CLAIMED, attempt);
          AttributeValue before = old.get("Status");
          if (before == null || !Status.SENDING.name().equals(before.s())) {
            return Future.succeededFuture(claim);
          }
          LOG.warn("campaign {}: a delivery whose sender stopped mid-send is taken over", campaignId);
          return Async.of(dynamo.updateItem(b -> b.tableName(table).key(key(campaignId, email))
                  .updateExpression("SET TakenOver = :true")
                  .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true)))))
              .map(new Claim(Claim.State.AMBIGUOUS, attempt));
        })
        .recover(e -> e instanceof ConditionalCheckFailedException ? current(campaignId, email)
            : Future.failedFuture(e));
  }

  private Future<Claim> current(String campaignId, String email) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key(campaignId, email)).consistentRead(true)))
        .map(r -> {
          AttributeValue status = r.item().get("Status");
          boolean finished = status != null && (Status.SENT.name().equals(status.s())
              || Status.FAILED.name().equals(status.s()) || Status.CANCELLED.name().equals(status.s())
              || Status.SUPPRESSED.name().equals(status.s()));
          return new Claim(finished ? Claim.State.FINISHED : Claim.State.BUSY, 0);
        });
  }

  /** Sent, with the provider's message id. */
  public Future<Void> sent(String campaignId, String email, int attempt, String messageId) {
    return finish(campaignId, email, attempt, Status.SENT, "SET MessageId = :id", Map.of(":id", s(messageId)));
  }

  /** Failed for good, with the provider's error code and reason. */
  public Future<Void> failed(String campaignId, String email, int attempt, String code, String reason) {
    return finish(campaignId, email, attempt, Status.FAILED, "SET ErrorCode = :code, LastError = :reason", Map.of(":code", s(code), ":reason", s(clip(reason))));
  }

  /** The campaign was cancelled before this email went out. */
  public Future<Void> cancelled(String campaignId, String email, int attempt) {
    return finish(campaignId, email, attempt, Status.CANCELLED, "SET ErrorCode = :code", Map.of(":code", s("Cancelled")));
  }

  /** Not sent: the customer opted out or was suppressed after the email was queued ({@code reason} says which). */
  public Future<Void> suppressed(String campaignId, String email, int attempt, String reason) {
    return finish(campaignId, email, attempt, Status.SUPPRESSED, "SET ErrorCode = :code", Map.of(":code", s(reason)));
  }

  /**
   * The campaign is paused: the delivery keeps its task and waits here, not on the queue (where
   * every receive would bring it closer to the dead-letter queue), until the campaign resumes.
   * Parking is conditioned on the campaign still being paused, in one transaction, so a resume
   * never misses a delivery parked after it; false when the campaign is no longer paused. A
   * transaction that only conflicted with another write (Amazon DynamoDB cancels those) is tried again.
   */
  public Future<Boolean> park(String campaignId, String email, int attempt, String task) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":parked", s(Status.PARKED.name()));
    values.put(":sending", s(Status.SENDING.name()));
    values.put(":attempt", n(attempt));
    values.put(":task", s(task));
    values.put(":one", n(1));
    values.put(":now", n(System.currentTimeMillis()));
    Update delivery = Update.builder().tableName(table).key(key(campaignId, email))
        .updateExpression("SET #s = :parked, Task = :task, UpdatedAt = :now, Attempts = Attempts - :one REMOVE LeaseUntil")
        .conditionExpression("#s = :sending AND Attempts = :attempt")
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(values).build();
    ConditionCheck paused = ConditionCheck.builder().tableName(campaignTable)
        .key(Map.of("CampaignId", s(campaignId)))
        .conditionExpression("#s IN (:paused, :quota)")
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(Map.of(":paused", s("PAUSED"), ":quota", s("QUOTA_EXHAUSTED"))).build();
    return Transactions.write(() -> dynamo.transactWriteItems(b -> b.transactItems(
            TransactWriteItem.builder().update(delivery).build(),
            TransactWriteItem.builder().conditionCheck(paused).build())))
        .map(true)
        .recover(e -> {
          if (Transactions.conditionFailed(e, 0)) {
            // no longer this attempt's (another node took the delivery over): not parked, and not to be sent
            return Future.failedFuture(new IllegalStateException("campaign " + campaignId
                + ": the delivery is no longer held by this attempt"));
          }
          return Transactions.conditionFailed(e, 1) ? Future.succeededFuture(false) : Future.failedFuture(e);
        });
  }

  /**
   * Not attempted after all (no send slot came in time): the attempt is given back and the
   * delivery waits for its message's next receive.
   */
  public Future<Void> giveBack(String campaignId, String email, int attempt) {
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(key(campaignId, email))
        .updateExpression("SET #s = :retrying, UpdatedAt = :now, Attempts = Attempts - :one REMOVE LeaseUntil")
        .conditionExpression("#s = :sending AND Attempts = :attempt")
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(Map.of(":retrying", s(Status.RETRYING.name()), ":sending", s(Status.SENDING.name()),
            ":attempt", n(attempt), ":one", n(1), ":now", n(System.currentTimeMillis()))))).mapEmpty();
  }

  /** Failed for now: another attempt follows when SQS shows the message again. */
  public Future<Void> retrying(String campaignId, String email, int attempt, String code, String reason) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":retrying", s(Status.RETRYING.name()));
    values.put(":sending", s(Status.SENDING.name()));
    values.put(":attempt", n(attempt));
    values.put(":code", s(code));
    values.put(":reason", s(clip(reason)));
    values.put(":now", n(System.currentTimeMillis()));
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(key(campaignId, email))
        .updateExpression("SET #s = :retrying, ErrorCode = :code, LastError = :reason, UpdatedAt = :now")
        .conditionExpression("#s = :sending AND Attempts = :attempt")
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(values))).mapEmpty();
  }

  private Future<Void> finish(String campaignId, String email, int attempt, Status status, String set,
                              Map<String, AttributeValue> extra) {
    Map<String, AttributeValue> values = new HashMap<>(extra);
    values.put(":status", s(status.name()));
    values.put(":sending", s(Status.SENDING.name()));
    values.put(":attempt", n(attempt));
    values.put(":now", n(System.currentTimeMillis()));
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(key(campaignId, email))
        .updateExpression(set + ", #s = :status, UpdatedAt = :now REMOVE LeaseUntil")
        .conditionExpression("#s = :sending AND Attempts = :attempt")
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(values))).mapEmpty();
  }

  private static String clip(String reason) {
    return reason == null ? "" : reason.length() > 500 ? reason.substring(0, 500) : reason;
  }

  private static Map<String, AttributeValue> key(String campaignId, String email) {
    return Map.of("CampaignId", s(campaignId), "Email", s(email));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
