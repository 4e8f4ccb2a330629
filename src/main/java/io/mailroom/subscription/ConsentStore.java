package io.mailroom.subscription;

import io.mailroom.audience.Recipient;
import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The consent attributes of the Users table, as the UnsubscribeHandler changes them:
 * {@code SubscriptionStatus}, {@code UnsubscribedAt} (which the Syncer never undoes with an older
 * MySQL row), {@code LastUnsubscribeAt} (the latest unsubscribe, repeats included),
 * {@code OptedOutTopics} and {@code ConsentAt}. Each write is conditioned on the state it was
 * decided from, so two clicks at once cannot interleave; consent given again is conditioned on a
 * token issued after the last unsubscribe, and marks the customer ({@code ConsentFollowUp}, its
 * time) until what follows from it is done; an unsubscribe drops the mark.
 */
public final class ConsentStore {
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public ConsentStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * A customer's consent, the time (epoch millis, 0 for never) of their last unsubscribe through
   * Mailroom, and of a consent given again whose follow-up is not done (0 for none).
   */
  public record Customer(Recipient recipient, long lastUnsubscribeAt, long followUpAt) {
    /** Whether a token issued at {@code issuedAtMillis} may give consent again: only one issued after the last unsubscribe. */
    public boolean mayConsentAgain(long issuedAtMillis) {
      return issuedAtMillis > lastUnsubscribeAt;
    }

    /** The consent given again whose follow-up is not done, while it is still the customer's consent; else 0. */
    public long unfinishedConsent() {
      return followUpAt > 0 && recipient.subscribed() && followUpAt == recipient.consentAt() ? followUpAt : 0;
    }
  }

  /** A customer's consent as stored; empty when the address is not in the Users table. */
  public Future<Optional<Recipient>> read(String email) {
    return customer(email).map(found -> found.map(Customer::recipient));
  }

  /** As {@link #read}, with the time of the last unsubscribe. */
  public Future<Optional<Customer>> customer(String email) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(key(email)).consistentRead(true)))
        .map(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(customer(r.item())) : Optional.empty());
  }

  private static Customer customer(Map<String, AttributeValue> item) {
    return new Customer(Recipient.fromItem(item), Math.max(millis(item, "UnsubscribedAt"), millis(item, "LastUnsubscribeAt")),
        millis(item, "ConsentFollowUp"));
  }

  private static long millis(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    try {
      return value == null || value.n() == null ? 0L : Long.parseLong(value.n());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Withdraws consent to all marketing in one conditional write. True when this call withdrew it;
   * false when Mailroom had recorded an unsubscribe already and no consent came after it (the
   * first unsubscribe's time is kept in {@code UnsubscribedAt}), or when the address is not in the
   * table. Either way {@code LastUnsubscribeAt} becomes {@code now}, so that no token issued before
   * this click can give consent again.
   */
  public Future<Boolean> unsubscribe(String email, long now) {
    AttributeValue at = AttributeValue.fromN(Long.toString(now));
    return conditional(email, "SET SubscriptionStatus = :false, UnsubscribedAt = :now, LastUnsubscribeAt = :now"
            + " REMOVE ConsentFollowUp",
        "(SubscriptionStatus <> :false OR attribute_not_exists(UnsubscribedAt) OR UnsubscribedAt < ConsentAt)",
        Map.of(":false", AttributeValue.fromBool(false), ":now", at))
        .compose(withdrawn -> withdrawn ? Future.succeededFuture(true)
            : conditional(email, "SET LastUnsubscribeAt = :now", null, Map.of(":now", at)).map(false));
  }

  /**
   * Sets the topics a customer left; with {@code consent}, the customer also consents (again) to
   * marketing now, which lifts an earlier unsubscribe, but only when the token was issued
   * ({@code issuedAt}, epoch millis) after the last unsubscribe. False when the customer is not in
   * the table or, with {@code consent}, an unsubscribe came after the token. A consent is marked
   * for its follow-up ({@link #followedUp}).
   */
  public Future<Boolean> preferences(String email, Set<String> optedOut, boolean consent, long now, long issuedAt) {
    Map<String, AttributeValue> values = new HashMap<>();
    StringBuilder set = new StringBuilder("SET PreferencesAt = :now");
    values.put(":now", AttributeValue.fromN(Long.toString(now)));
    String condition = null;
    if (consent) {
      set.append(", SubscriptionStatus = :true, ConsentAt = :now, ConsentFollowUp = :now");
      values.put(":true", AttributeValue.fromBool(true));
      values.put(":issued", AttributeValue.fromN(Long.toString(issuedAt)));
      condition = "(attribute_not_exists(UnsubscribedAt) OR UnsubscribedAt < :issued)"
          + " AND (attribute_not_exists(LastUnsubscribeAt) OR LastUnsubscribeAt < :issued)";
    }
    String expression;
    if (optedOut.isEmpty()) {
      expression = set + " REMOVE OptedOutTopics";
    } else {
      set.append(", OptedOutTopics = :topics");
      values.put(":topics", AttributeValue.fromSs(optedOut.stream().sorted().toList()));
      expression = set.toString();
    }
    return conditional(email, expression, condition, values);
  }

  /** The follow-up of the consent given at {@code at} is done: its mark goes (unless a newer consent's is there). */
  public Future<Void> followedUp(String email, long at) {
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(key(email))
            .updateExpression("REMOVE ConsentFollowUp")
            .conditionExpression("ConsentFollowUp = :at")
            .expressionAttributeValues(Map.of(":at", AttributeValue.fromN(Long.toString(at)))))).mapEmpty();
  }

  /** Counts a soft bounce on the customer; false when the address is not in the table. */
  public Future<Boolean> softBounce(String email, long now) {
    return conditional(email, "SET LastSoftBounceAt = :now ADD SoftBounces :one", null,
        Map.of(":now", AttributeValue.fromN(Long.toString(now)), ":one", AttributeValue.fromN("1")));
  }

  private Future<Boolean> conditional(String email, String expression, String condition,
                                      Map<String, AttributeValue> values) {
    String guard = "attribute_exists(Email)" + (condition == null ? "" : " AND " + condition);
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(key(email)).updateExpression(expression)
            .conditionExpression(guard).expressionAttributeValues(values)));
  }

  private static Map<String, AttributeValue> key(String email) {
    return Map.of("Email", AttributeValue.fromS(email));
  }
}
