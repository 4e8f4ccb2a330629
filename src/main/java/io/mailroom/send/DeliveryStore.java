package io.mailroom.send;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.util.HashMap;
import java.util.Map;

/**
 * The Deliveries table (campaign id, email): one record per email of a campaign, the truth the
 * campaign's counters are kept from. A Sender claims a delivery with a conditional write before
 * it calls SES, so that a message SQS delivers twice is sent once, and records the outcome with a
 * write conditioned on still holding that claim.
 */
public final class DeliveryStore {
  public enum Status { SENDING, RETRYING, SENT, FAILED }

  /** The result of a claim: ours (with its attempt number), finished already, or held by another sender. */
  public record Claim(State state, int attempt) {
    public enum State { CLAIMED, FINISHED, BUSY }
  }

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public DeliveryStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  public String table() {
    return table;
  }

  /** Claims the delivery for {@code leaseMillis}; a lease that ran out (a crashed sender) can be taken over. */
  public Future<Claim> claim(String campaignId, String email, long leaseMillis) {
    long now = System.currentTimeMillis();
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":sending", s(Status.SENDING.name()));
    values.put(":retrying", s(Status.RETRYING.name()));
    values.put(":zero", n(0));
    values.put(":one", n(1));
    values.put(":now", n(now));
    values.put(":lease", n(now + leaseMillis));
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(key(campaignId, email))
            .updateExpression("SET #s = :sending, Attempts = if_not_exists(Attempts, :zero) + :one,"
                + " LeaseUntil = :lease, UpdatedAt = :now")
            .conditionExpression("attribute_not_exists(#s) OR #s = :retrying OR (#s = :sending AND LeaseUntil < :now)")
            .expressionAttributeNames(Map.of("#s", "Status"))
            .expressionAttributeValues(values)
            .returnValues(ReturnValue.ALL_NEW)))
        .map(r -> new Claim(Claim.State.CLAIMED, Integer.parseInt(r.attributes().get("Attempts").n())))
        .recover(e -> e instanceof ConditionalCheckFailedException ? current(campaignId, email)
            : Future.failedFuture(e));
  }

  private Future<Claim> current(String campaignId, String email) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key(campaignId, email)).consistentRead(true)))
        .map(r -> {
          AttributeValue status = r.item().get("Status");
          boolean finished = status != null
              && (Status.SENT.name().equals(status.s()) || Status.FAILED.name().equals(status.s()));
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
