package io.mailroom.console.auth;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Failed sign-ins counted per account name (known or not, so that the answers tell nothing) and
 * per client address, in the shared Console table with a TTL, so every node slows the same guesser.
 * The wait is the longer of the two ({@link SignInDelay}).
 */
public final class SignInThrottle {
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public SignInThrottle(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** Seconds before the name may be tried again from that address; 0: now. */
  public Future<Long> wait(String name, String client) {
    long now = now();
    return Future.all(remaining(accountKey(name), now), remaining(clientKey(client), now))
        .map(both -> Math.max(both.<Long>resultAt(0), both.<Long>resultAt(1)));
  }

  /** Counts a failed attempt against the name and the address. */
  public Future<Void> failed(String name, String client) {
    long now = now();
    return Future.all(List.of(count(accountKey(name), now), count(clientKey(client), now))).mapEmpty();
  }

  /** A successful sign-in forgets the account's failures (the address's stay until they expire). */
  public Future<Void> succeeded(String name) {
    return Async.of(dynamo.deleteItem(b -> b.tableName(table).key(Map.of("Key", accountKey(name))))).mapEmpty();
  }

  private Future<Long> remaining(AttributeValue key, long now) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(Map.of("Key", key)).consistentRead(true)))
        .map(answer -> {
          Map<String, AttributeValue> item = answer.item();
          if (item == null || !item.containsKey("Failures") || Long.parseLong(item.get("ExpiresAt").n()) < now) {
            return 0L;
          }
          return SignInDelay.remaining(Long.parseLong(item.get("Failures").n()), Long.parseLong(item.get("Last").n()),
              now);
        });
  }

  private Future<Void> count(AttributeValue key, long now) {
    AttributeValue at = AttributeValue.fromN(Long.toString(now));
    AttributeValue expires = AttributeValue.fromN(Long.toString(now + SignInDelay.FORGET_SECONDS));
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(Map.of("Key", key))
            .conditionExpression("attribute_not_exists(ExpiresAt) OR ExpiresAt >= :now")
            .updateExpression("ADD Failures :one SET #l = :now, ExpiresAt = :exp")
            .expressionAttributeNames(Map.of("#l", "Last"))
            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":now", at, ":exp", expires))
            .returnValues(ReturnValue.NONE)))
        .<Void>mapEmpty()
        .recover(e -> Async.of(dynamo.putItem(b -> b.tableName(table).item(Map.of("Key", key,
            "Failures", AttributeValue.fromN("1"), "Last", at, "ExpiresAt", expires)))).mapEmpty());
  }

  private static AttributeValue accountKey(String name) {
    return AttributeValue.fromS("signin:account:" + Secrets.hash(name.trim().toLowerCase(Locale.ROOT)));
  }

  private static AttributeValue clientKey(String client) {
    return AttributeValue.fromS("signin:client:" + Secrets.hash(client == null ? "" : client));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
