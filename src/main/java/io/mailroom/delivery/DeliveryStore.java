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
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.HashMap;
import java.util.Map;

/**
 * The Deliveries table (campaign id, email): one record per email of a campaign, the truth the
 * campaign's counters are kept from. A Sender claims a delivery with a conditional write
 * ({@code SENDING}), marks it {@code CALLING} before it waits for its send slot and calls SES, and
 * records the outcome with a write conditioned on still holding that claim. A delivery is ambiguous
 * (SES may or may not have the email) only while it is {@code CALLING}, or {@code UNCONFIRMED}
 * after a call that got no answer: then SES's Send event, or its absence for the reconcile window,
 * decides. (A {@code CALLING} delivery taken over may never have called, its sender having died
 * waiting for the slot: the wait for the Send event is then merely cautious.)
 */
public final class DeliveryStore {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryStore.class);

  public enum Status { SENDING, CALLING, UNCONFIRMED, RETRYING, PARKED, SENT, FAILED, CANCELLED, SUPPRESSED }

  /**
   * The result of a claim: ours (with its attempt number); ours but ambiguous (its previous sender
   * died while calling SES, with {@code deliveryId}, at {@code calledAt}, so SES may have it);
   * ours after waiting in vain for SES's Send event of an unanswered call ({@code UNANSWERED});
   * unconfirmed and waiting {@code waitMillis} more for that event; finished already; or held by
   * another sender.
   */
  public record Claim(State state, int attempt, String deliveryId, long calledAt, long waitMillis) {
    public enum State { CLAIMED, AMBIGUOUS, UNANSWERED, WAITING, FINISHED, BUSY }

    static Claim of(State state) {
      return new Claim(state, 0, null, 0, 0);
    }
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
   * its consent check). A lease that ran out can be taken over. If its sender died before calling
   * SES, the email is simply sent again; if it died while {@code CALLING}, SES may hold the email,
   * so the claim is {@code AMBIGUOUS}, marked {@code TakenOver} and logged. An {@code UNCONFIRMED}
   * delivery whose reconcile window ran out with no Send event is claimed to be sent again.
   */
  public Future<Claim> claim(String campaignId, String email, long leaseMillis) {
    long now = System.currentTimeMillis();
    return Async.of(dynamo.updateItem(update(campaignId, email,
            "SET #s = :sending, Attempts = if_not_exists(Attempts, :zero) + :one, LeaseUntil = :lease,"
                + " ClaimedAt = :now, UpdatedAt = :now",
            "attribute_not_exists(#s) OR #s IN (:retrying, :parked)"
                + " OR (#s IN (:sending, :calling) AND LeaseUntil < :now)"
                + " OR (#s = :unconfirmed AND ReconcileAfter < :now)",
            Map.of(":lease", n(now + leaseMillis), ":now", n(now))).returnValues(ReturnValue.ALL_OLD).build()))
        .compose(r -> claimed(campaignId, email, r.attributes()))
        .recover(e -> e instanceof ConditionalCheckFailedException ? current(campaignId, email)
            : Future.failedFuture(e));
  }

  private Future<Claim> claimed(String campaignId, String email, Map<String, AttributeValue> old) {
    int attempt = (int) number(old, "Attempts") + 1;
    Status before = old.containsKey("Status") ? Status.valueOf(old.get("Status").s()) : null;
    if (before == Status.UNCONFIRMED) {
      return Future.succeededFuture(new Claim(Claim.State.UNANSWERED, attempt, string(old, "DeliveryId"), 0, 0));
    }
    if (before != Status.CALLING) {
      return Future.succeededFuture(new Claim(Claim.State.CLAIMED, attempt, null, 0, 0));
    }
    LOG.warn("campaign {}: a delivery whose sender stopped while calling SES is taken over", campaignId);
    Claim claim = new Claim(Claim.State.AMBIGUOUS, attempt, string(old, "DeliveryId"), number(old, "CalledAt"), 0);
    return write(update(campaignId, email, "SET TakenOver = :true", null, Map.of())).map(claim);
  }

  private Future<Claim> current(String campaignId, String email) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key(campaignId, email)).consistentRead(true)))
        .map(r -> {
          AttributeValue status = r.item().get("Status");
          if (status == null) {
            return Claim.of(Claim.State.BUSY);
          }
          return switch (Status.valueOf(status.s())) {
            case SENT, FAILED, CANCELLED, SUPPRESSED -> Claim.of(Claim.State.FINISHED);
            case UNCONFIRMED -> new Claim(Claim.State.WAITING, 0, null, 0,
                Math.max(0, number(r.item(), "ReconcileAfter") - System.currentTimeMillis()));
            default -> Claim.of(Claim.State.BUSY);
          };
        });
  }

  /**
   * Right before the SES call: the delivery is {@code CALLING} with {@code deliveryId}, the id its
   * email carries as a tag. False when this attempt no longer holds it: then it must not call.
   */
  public Future<Boolean> calling(String campaignId, String email, int attempt, String deliveryId) {
    return conditional(write(update(campaignId, email,
        "SET #s = :calling, DeliveryId = :id, CalledAt = :now, UpdatedAt = :now",
        "#s = :sending AND Attempts = :attempt", Map.of(":attempt", n(attempt), ":id", s(deliveryId)))));
  }

  /**
   * SES may have the email (its call got no answer, or its sender died while calling): it waits,
   * {@code UNCONFIRMED}, until {@code reconcileAfter} for SES's Send event. An attempt that took
   * the delivery over without calling ({@code called} false) is given back. False when it is no
   * longer this attempt's (a Send event may have confirmed it already).
   */
  public Future<Boolean> unconfirmed(String campaignId, String email, int attempt, boolean called, long reconcileAfter,
                                     String code, String reason) {
    return conditional(write(update(campaignId, email, "SET #s = :unconfirmed, ReconcileAfter = :after,"
            + " ErrorCode = :code, LastError = :reason, UpdatedAt = :now" + (called ? "" : ", Attempts = Attempts - :one")
            + " REMOVE LeaseUntil",
        "#s IN (:sending, :calling) AND Attempts = :attempt",
        Map.of(":attempt", n(attempt), ":after", n(reconcileAfter), ":code", s(code), ":reason", s(clip(reason))))));
  }

  /**
   * SES's Send event for the email tagged {@code deliveryId}: SES accepted it, so the delivery is
   * sent, whatever its sender knew. False when it was recorded already (or the tag is another
   * attempt's): the event changes nothing then.
   */
  public Future<Boolean> confirmSent(String campaignId, String email, String deliveryId, String messageId) {
    return conditional(write(update(campaignId, email, "SET #s = :sent, MessageId = :message,"
            + " ConfirmedBySendEvent = :true, UpdatedAt = :now REMOVE LeaseUntil, ReconcileAfter",
        "DeliveryId = :id AND #s IN (:sending, :calling, :unconfirmed)",
        Map.of(":id", s(deliveryId), ":message", s(messageId)))));
  }

  /**
   * Sent, with the provider's message id. False when SES's Send event recorded it first (it is
   * counted there); fails when another attempt holds the delivery.
   */
  public Future<Boolean> sent(String campaignId, String email, int attempt, String messageId) {
    return finish(campaignId, email, attempt, Status.SENT, "SET MessageId = :id", Map.of(":id", s(messageId)))
        .map(true)
        .recover(e -> !(e instanceof ConditionalCheckFailedException) ? Future.failedFuture(e)
            : current(campaignId, email).compose(now -> now.state() == Claim.State.FINISHED
                ? Future.succeededFuture(false) : Future.failedFuture(e)));
  }

  /**
   * Failed for good, with the provider's error code and reason; {@code retryTask}: the task of a
   * transient failure, kept for a resend ({@link Redeliveries}), or null for a permanent one.
   */
  public Future<Void> failed(String campaignId, String email, int attempt, String code, String reason,
                             String retryTask) {
    return finish(campaignId, email, attempt, Status.FAILED, "SET ErrorCode = :code, LastError = :reason"
        + (retryTask == null ? "" : ", RetryTask = :task"), retryTask == null
        ? Map.of(":code", s(code), ":reason", s(clip(reason)))
        : Map.of(":code", s(code), ":reason", s(clip(reason)), ":task", s(retryTask)));
  }

  /**
   * No answer from SES and no Send event for {@code attempt - 1} calls: failed for good (a transient
   * failure: {@code retryTask} is kept for a resend), and the attempt that found it so is given
   * back, so that {@code Attempts} counts the calls.
   */
  public Future<Void> noAnswer(String campaignId, String email, int attempt, String reason, String retryTask) {
    return finish(campaignId, email, attempt, Status.FAILED, "SET ErrorCode = :code, LastError = :reason,"
        + " RetryTask = :task, Attempts = Attempts - :one",
        Map.of(":code", s("NoAnswer"), ":reason", s(clip(reason)), ":task", s(retryTask)));
  }

  /** The campaign was cancelled before this email went out. */
  public Future<Void> cancelled(String campaignId, String email, int attempt) {
    return finish(campaignId, email, attempt, Status.CANCELLED, "SET ErrorCode = :code",
        Map.of(":code", s("Cancelled")));
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
    UpdateItemRequest parked = update(campaignId, email,
        "SET #s = :parked, Task = :task, UpdatedAt = :now, Attempts = Attempts - :one"
            + " REMOVE LeaseUntil, DeliveryId, CalledAt",
        "#s IN (:sending, :calling) AND Attempts = :attempt", Map.of(":attempt", n(attempt), ":task", s(task))).build();
    Update delivery = Update.builder().tableName(table).key(parked.key())
        .updateExpression(parked.updateExpression()).conditionExpression(parked.conditionExpression())
        .expressionAttributeNames(parked.expressionAttributeNames())
        .expressionAttributeValues(parked.expressionAttributeValues()).build();
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
    return write(update(campaignId, email, "SET #s = :retrying, UpdatedAt = :now, Attempts = Attempts - :one"
        + " REMOVE LeaseUntil, DeliveryId, CalledAt", "#s IN (:sending, :calling) AND Attempts = :attempt",
        Map.of(":attempt", n(attempt))));
  }

  /** Failed for now: another attempt follows when SQS shows the message again. */
  public Future<Void> retrying(String campaignId, String email, int attempt, String code, String reason) {
    return write(update(campaignId, email,
        "SET #s = :retrying, ErrorCode = :code, LastError = :reason, UpdatedAt = :now",
        "#s IN (:sending, :calling) AND Attempts = :attempt",
        Map.of(":attempt", n(attempt), ":code", s(code), ":reason", s(clip(reason)))));
  }

  private Future<Void> finish(String campaignId, String email, int attempt, Status status, String set,
                              Map<String, AttributeValue> extra) {
    Map<String, AttributeValue> values = new HashMap<>(extra);
    values.put(":status", s(status.name()));
    values.put(":attempt", n(attempt));
    return write(update(campaignId, email, set + ", #s = :status, UpdatedAt = :now REMOVE LeaseUntil",
        "#s IN (:sending, :calling) AND Attempts = :attempt", values));
  }

  private UpdateItemRequest.Builder update(String campaignId, String email, String set, String condition,
                                           Map<String, AttributeValue> values) {
    return DeliveryUpdate.of(table, key(campaignId, email), set, condition, values);
  }

  private Future<Void> write(UpdateItemRequest.Builder request) {
    return Async.of(dynamo.updateItem(request.build())).mapEmpty();
  }

  private static Future<Boolean> conditional(Future<?> write) {
    return write.map(true).recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture(false)
        : Future.failedFuture(e));
  }

  private static String clip(String reason) {
    return reason == null ? "" : reason.length() > 500 ? reason.substring(0, 500) : reason;
  }

  private static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
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
