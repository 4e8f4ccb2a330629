package io.mailroom.subscription;

import io.mailroom.audience.Recipient;
import io.mailroom.aws.BatchGet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a customer may receive a campaign's email on a topic: a plain, lower-case address,
 * consent given, the topic not left, and no suppression (an unsubscribe holds unless consent was given again after it). The Fetcher
 * asks for a page of customers it has just read; the Sender asks again right before each send,
 * with fresh reads, so that a click made mid-campaign wins.
 */
public final class ConsentCheck {
  private static final int GET_BATCH = 100;
  /** Customers per send-time read: two keys each, within BatchGetItem's 100. */
  private static final int NOW_BATCH = 50;
  /** Not one plain mailbox (see {@link Recipient#address}): never sent to, at either check. */
  private static final String INVALID_ADDRESS = "InvalidAddress";

  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamo;
  private final String users;
  private final String suppressions;

  public ConsentCheck(Vertx vertx, DynamoDbAsyncClient dynamo, String users, String suppressions) {
    this.vertx = vertx;
    this.dynamo = dynamo;
    this.suppressions = suppressions;
    this.users = users;
  }

  /** For customers read from the Users table: the reason each blocked one may not receive {@code topic}. */
  public Future<Map<String, String>> blocked(List<Recipient> recipients, String topic) {
    Map<String, String> blocked = new HashMap<>();
    List<Recipient> wanting = wanting(recipients, topic, blocked);
    List<Future<Map<String, Map<String, AttributeValue>>>> reads = new ArrayList<>();
    for (int i = 0; i < wanting.size(); i += GET_BATCH) {
      List<Map<String, AttributeValue>> keys = wanting.subList(i, Math.min(wanting.size(), i + GET_BATCH)).stream()
          .map(r -> SuppressionStore.key(r.email())).toList();
      reads.add(get(Map.of(suppressions, KeysAndAttributes.builder().keys(keys).consistentRead(true).build()))
          .map(found -> byEmail(found.getOrDefault(suppressions, List.of()))));
    }
    return Future.all(reads).map(all -> {
      Map<String, Map<String, AttributeValue>> suppressed = new HashMap<>();
      for (int i = 0; i < all.size(); i++) {
        suppressed.putAll(all.<Map<String, Map<String, AttributeValue>>>resultAt(i));
      }
      for (Recipient recipient : wanting) {
        suppression(suppressed.get(recipient.email()), recipient.consentAt())
            .ifPresent(reason -> blocked.put(recipient.email(), reason));
      }
      return blocked;
    });
  }

  /**
   * As {@link #blocked(List, String)}, against every suppression read beforehand ({@link #suppressions}):
   * for a check over a whole audience, which then reads the Suppressions table once, not per customer.
   */
  public Map<String, String> blocked(List<Recipient> recipients, String topic, SuppressionList suppressions) {
    Map<String, String> blocked = new HashMap<>();
    for (Recipient recipient : wanting(recipients, topic, blocked)) {
      suppressions.reason(recipient.email(), recipient.consentAt())
          .ifPresent(reason -> blocked.put(recipient.email(), reason));
    }
    return blocked;
  }

  /** Every suppression in one scan, or empty when there are too many to hold ({@link SuppressionList}). */
  public Future<Optional<SuppressionList>> suppressions() {
    return SuppressionList.read(dynamo, suppressions);
  }

  /** The customers that want {@code topic} on a sendable address; the others go to {@code blocked} with why. */
  private static List<Recipient> wanting(List<Recipient> recipients, String topic, Map<String, String> blocked) {
    List<Recipient> wanting = new ArrayList<>();
    for (Recipient recipient : recipients) {
      if (!recipient.sendable()) {
        blocked.put(recipient.email(), INVALID_ADDRESS);
      } else if (!recipient.subscribed()) {
        blocked.put(recipient.email(), "Unsubscribed");
      } else if (!recipient.wants(topic)) {
        blocked.put(recipient.email(), "TopicOptOut");
      } else {
        wanting.add(recipient);
      }
    }
    return wanting;
  }

  /**
   * Send-time checks for one Sender (one event loop): the checks asked for within
   * {@code windowMillis} of each other (a received batch's claims come back together) are read in
   * one BatchGetItem of at most {@value #NOW_BATCH} customers, each customer and their
   * suppression read fresh and consistent. Not thread-safe: use it on its Sender's context only.
   */
  public Batch batch(long windowMillis) {
    return new Batch(windowMillis);
  }

  public final class Batch {
    private final long windowMillis;
    private final List<Asked> asked = new ArrayList<>();
    private long timer = -1;

    private record Asked(String email, String topic, Promise<Optional<String>> verdict) { }

    private Batch(long windowMillis) {
      this.windowMillis = windowMillis;
    }

    public Future<Optional<String>> blockedNow(String email, String topic) {
      Promise<Optional<String>> verdict = Promise.promise();
      asked.add(new Asked(email, topic, verdict));
      if (asked.size() >= NOW_BATCH) {
        flush();
      } else if (timer < 0) {
        timer = vertx.setTimer(windowMillis, t -> {
          timer = -1;
          flush();
        });
      }
      return verdict.future();
    }

    private void flush() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      List<Asked> now = new ArrayList<>(asked);
      asked.clear();
      readNow(now.stream().map(Asked::email).distinct().toList()).onComplete(read -> now.forEach(a -> {
        if (read.succeeded()) {
          a.verdict().complete(verdict(read.result(), a.email(), a.topic()));
        } else {
          a.verdict().fail(read.cause());
        }
      }));
    }
  }

  /** The customers' items and their suppressions, by table, read consistently in one BatchGetItem. */
  private Future<Map<String, Map<String, Map<String, AttributeValue>>>> readNow(List<String> emails) {
    List<Map<String, AttributeValue>> userKeys = emails.stream()
        .map(email -> Map.of("Email", AttributeValue.fromS(email))).toList();
    List<Map<String, AttributeValue>> suppressionKeys = emails.stream().map(SuppressionStore::key).toList();
    return get(Map.of(
        users, KeysAndAttributes.builder().keys(userKeys)
            .projectionExpression("Email, SubscriptionStatus, OptedOutTopics, ConsentAt").consistentRead(true).build(),
        suppressions, KeysAndAttributes.builder().keys(suppressionKeys).consistentRead(true).build()))
        .map(found -> Map.of(users, byEmail(found.getOrDefault(users, List.of())),
            suppressions, byEmail(found.getOrDefault(suppressions, List.of()))));
  }

  private Optional<String> verdict(Map<String, Map<String, Map<String, AttributeValue>>> found, String email,
                                   String topic) {
    if (!Recipient.sendable(email)) {
      return Optional.of(INVALID_ADDRESS);
    }
    Map<String, AttributeValue> user = found.get(users).get(email);
    if (user == null) {
      return Optional.of("NotInAudience");
    }
    Recipient recipient = Recipient.fromItem(user);
    if (!recipient.subscribed()) {
      return Optional.of("Unsubscribed");
    }
    if (!recipient.wants(topic)) {
      return Optional.of("TopicOptOut");
    }
    return suppression(found.get(suppressions).get(email), recipient.consentAt());
  }

  private static Optional<String> suppression(Map<String, AttributeValue> item, long consentAt) {
    if (item == null || !item.containsKey("Reason")) {
      return Optional.empty();
    }
    Suppression reason = Suppression.valueOf(item.get("Reason").s());
    long at = item.containsKey("At") ? Long.parseLong(item.get("At").n()) : Long.MAX_VALUE;
    return suppression(reason, at, consentAt);
  }

  /** Why a suppression for {@code reason} made at {@code at} blocks a customer who consented at {@code consentAt}. */
  static Optional<String> suppression(Suppression reason, long at, long consentAt) {
    return switch (reason) {
      case UNSUBSCRIBE -> consentAt > at ? Optional.empty() : Optional.of("Unsubscribed");
      case BOUNCE -> Optional.of("Bounced");
      case COMPLAINT -> Optional.of("Complained");
      case MANUAL -> Optional.of("Suppressed");
    };
  }

  private static Map<String, Map<String, AttributeValue>> byEmail(List<Map<String, AttributeValue>> items) {
    Map<String, Map<String, AttributeValue>> found = new HashMap<>();
    items.forEach(item -> found.put(item.get("Email").s(), item));
    return found;
  }

  private Future<Map<String, List<Map<String, AttributeValue>>>> get(Map<String, KeysAndAttributes> request) {
    return BatchGet.of(vertx, dynamo, request);
  }
}
