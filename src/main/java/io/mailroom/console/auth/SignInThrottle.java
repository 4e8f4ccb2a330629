package io.mailroom.console.auth;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sign-in attempts counted per account name (known or not, so that the answers tell nothing) and
 * per client address, in the shared Console table with a TTL, so every node slows the same guesser.
 * An attempt is counted before its password is checked, by one conditional update that only passes
 * when the wait of the failures counted so far is over ({@link SignInDelay}); so attempts made at
 * the same moment, on any node, cannot all slip through before the first failure is written. The
 * address is counted first, and an attempt refused for the account is taken off the address again.
 */
public final class SignInThrottle {
  /** How often an attempt is tried again when the counts moved under it. */
  private static final int TRIES = 3;
  /** The update's condition that the wait of the failures counted so far is over at {@code :now}. */
  private static final String WAIT_OVER = waitOver();

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final Clock clock;

  public SignInThrottle(DynamoDbAsyncClient dynamo, String table, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
  }

  /**
   * Counts an attempt of the name from that address: 0 when it may go on (its password may be
   * checked), else the seconds before the next attempt is allowed (it was not counted).
   */
  public Future<Long> attempt(String name, String client) {
    AttributeValue address = clientKey(client);
    return count(address, TRIES).compose(clientWait -> clientWait > 0 ? Future.succeededFuture(clientWait)
        : count(accountKey(name), TRIES).compose(accountWait -> accountWait == 0 ? Future.succeededFuture(0L)
            : uncount(address).map(accountWait)));
  }

  /** The seconds the next attempt of the name from that address waits; 0: none. */
  public Future<Long> wait(String name, String client) {
    long now = now();
    return Future.all(remaining(accountKey(name), now), remaining(clientKey(client), now))
        .map(both -> Math.max(both.<Long>resultAt(0), both.<Long>resultAt(1)));
  }

  /**
   * A successful sign-in: the account's failures are forgotten, and the attempt no longer counts
   * against the address (the address's earlier failures stay until they expire).
   */
  public Future<Void> succeeded(String name, String client) {
    return Async.of(dynamo.deleteItem(b -> b.tableName(table).key(Map.of("Key", accountKey(name)))))
        .compose(v -> uncount(clientKey(client)));
  }

  /** Counts an attempt under {@code key} if its wait is over: 0, else the wait left. */
  private Future<Long> count(AttributeValue key, int tries) {
    long now = now();
    Map<String, AttributeValue> values = waitOverValues(now);
    values.put(":one", AttributeValue.fromN("1"));
    values.put(":now", number(now));
    values.put(":exp", number(now + SignInDelay.FORGET_SECONDS));
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(Map.of("Key", key))
            .conditionExpression("attribute_not_exists(Failures) OR (ExpiresAt >= :now AND (" + WAIT_OVER + "))")
            .updateExpression("ADD Failures :one SET #l = :now, ExpiresAt = :exp")
            .expressionAttributeNames(Map.of("#l", "Last"))
            .expressionAttributeValues(values)
            .returnValues(ReturnValue.NONE)))
        .map(0L)
        .recover(e -> e instanceof ConditionalCheckFailedException
            ? notCounted(key, now, tries) : Future.failedFuture(e));
  }

  /** Why an attempt was not counted: a wait not over (its seconds), or failures old enough to forget. */
  private Future<Long> notCounted(AttributeValue key, long now, int tries) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(Map.of("Key", key)).consistentRead(true)))
        .compose(answer -> {
          Map<String, AttributeValue> item = answer.item();
          boolean expired = item != null && item.containsKey("Failures")
              && Long.parseLong(item.get("ExpiresAt").n()) < now;
          if (expired && tries > 1) {
            return forget(key, item.get("ExpiresAt")).compose(v -> count(key, tries - 1));
          }
          long wait = left(item, now);
          if (wait > 0 || tries <= 1) {
            return Future.succeededFuture(Math.max(1, wait));
          }
          return count(key, tries - 1);
        });
  }

  /** Deletes failures that expired (unless another attempt renewed them meanwhile). */
  private Future<Void> forget(AttributeValue key, AttributeValue expiresAt) {
    return Async.conditional(dynamo.deleteItem(b -> b.tableName(table).key(Map.of("Key", key))
            .conditionExpression("ExpiresAt = :e").expressionAttributeValues(Map.of(":e", expiresAt)))).mapEmpty();
  }

  /** Takes back one counted attempt that turned out not to be a failure. */
  private Future<Void> uncount(AttributeValue key) {
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table).key(Map.of("Key", key))
            .conditionExpression("Failures > :zero").updateExpression("ADD Failures :minus")
            .expressionAttributeValues(Map.of(":zero", number(0), ":minus", number(-1))))).mapEmpty();
  }

  private Future<Long> remaining(AttributeValue key, long now) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(Map.of("Key", key)).consistentRead(true)))
        .map(answer -> left(answer.item(), now));
  }

  /** The wait left at {@code now} after the failures stored in {@code item}. */
  private static long left(Map<String, AttributeValue> item, long now) {
    if (item == null || !item.containsKey("Failures") || Long.parseLong(item.get("ExpiresAt").n()) < now) {
      return 0L;
    }
    return SignInDelay.remaining(Long.parseLong(item.get("Failures").n()), Long.parseLong(item.get("Last").n()), now);
  }

  /**
   * Fewer than {@link SignInDelay#FREE} failures, or the last one ({@code #l}) at least the wait of
   * that many failures ago: one clause for each step of the wait ({@code :fN} is N, {@code :cN}
   * the latest last failure that N failures allow), up to the longest wait.
   */
  private static String waitOver() {
    StringBuilder condition = new StringBuilder("Failures < :f" + SignInDelay.FREE);
    long f = SignInDelay.FREE;
    for (; SignInDelay.afterFailures(f) < SignInDelay.MAX_SECONDS; f++) {
      condition.append(" OR (Failures = :f").append(f).append(" AND #l <= :c").append(f).append(')');
    }
    return condition.append(" OR (Failures >= :f").append(f).append(" AND #l <= :c").append(f).append(')').toString();
  }

  /** The values of {@link #WAIT_OVER} at {@code now}. */
  private static Map<String, AttributeValue> waitOverValues(long now) {
    Map<String, AttributeValue> values = new HashMap<>();
    long f = SignInDelay.FREE;
    for (boolean last = false; !last; f++) {
      last = SignInDelay.afterFailures(f) >= SignInDelay.MAX_SECONDS;
      values.put(":f" + f, number(f));
      values.put(":c" + f, number(now - SignInDelay.afterFailures(f)));
    }
    return values;
  }

  private static AttributeValue accountKey(String name) {
    return AttributeValue.fromS("signin:account:" + Secrets.hash(name.trim().toLowerCase(Locale.ROOT)));
  }

  private static AttributeValue clientKey(String client) {
    return AttributeValue.fromS("signin:client:" + Secrets.hash(client == null ? "" : client));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  private long now() {
    return clock.millis() / 1000;
  }
}
