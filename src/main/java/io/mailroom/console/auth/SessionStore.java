package io.mailroom.console.auth;

import io.mailroom.aws.Async;
import io.mailroom.config.Console;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Console sessions in the shared Console table, so that any node serves them. The key is the
 * SHA-256 of the session id (the cookie's value is never stored). A session ends
 * {@code sessionMinutes} after the user's last request ({@code ExpiresAt}, the table's TTL,
 * checked on every read since DynamoDB deletes expired items late), and {@code sessionMaxHours}
 * after it was opened however busy it is. The pages' automatic refreshes do not count as requests
 * of the user's, so an open tab alone does not keep a session alive. The user's role is read from
 * the configuration on each use, so a user removed from it is signed out; and the session keeps the
 * SHA-256 of the user's password hash, so a changed password ends every session opened before.
 */
public final class SessionStore {
  private static final String PREFIX = "session:";
  /** A session is written again on use at most this often (or a tenth of the idle time), to move its expiry. */
  private static final long TOUCH_SECONDS = 60;

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final Console console;
  private final Clock clock;

  public SessionStore(DynamoDbAsyncClient dynamo, String table, Console console, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.console = console;
    this.clock = clock;
  }

  /** A new session for {@code user}: its id (for the cookie only) and the session. */
  public Future<Map.Entry<String, Session>> create(Console.Account user) {
    String id = Secrets.random();
    long now = now();
    Session session = new Session(user.name(), user.role(), Secrets.random(), expiry(now, now));
    Map<String, AttributeValue> item = Map.of("Key", key(id), "User", AttributeValue.fromS(user.name()),
        "Csrf", AttributeValue.fromS(session.csrf()), "ExpiresAt", number(session.expiresAt()),
        "Opened", number(now), "Password", AttributeValue.fromS(fingerprint(user)));
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(item))).map(done -> Map.entry(id, session));
  }

  /**
   * The live session of {@code id}; empty when there is none, it expired or reached its longest
   * life, its user is gone, or the user's password changed since. {@code used}: the request is the
   * user's (not a page's automatic refresh), so the idle expiry moves on.
   */
  public Future<Optional<Session>> find(String id, boolean used) {
    if (id == null || !id.matches("[A-Za-z0-9_-]{43}")) {
      return Future.succeededFuture(Optional.empty());
    }
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(Map.of("Key", key(id))).consistentRead(true)))
        .compose(answer -> {
          long now = now();
          Optional<Session> session = answer.hasItem() ? live(answer.item(), now) : Optional.empty();
          if (session.isEmpty() || !used) {
            return Future.succeededFuture(session);
          }
          return touch(id, session.get(), Long.parseLong(answer.item().get("Opened").n()), now).map(Optional::of);
        });
  }

  /** Signs out: the session is gone on every node. */
  public Future<Void> delete(String id) {
    if (id == null || id.isEmpty()) {
      return Future.succeededFuture();
    }
    return Async.of(dynamo.deleteItem(b -> b.tableName(table).key(Map.of("Key", key(id))))).mapEmpty();
  }

  /** The stored session as it stands at {@code now}, if it still holds. */
  private Optional<Session> live(Map<String, AttributeValue> item, long now) {
    if (item.isEmpty() || !item.containsKey("Opened") || !item.containsKey("Password")) {
      return Optional.empty();
    }
    long expiresAt = Long.parseLong(item.get("ExpiresAt").n());
    long opened = Long.parseLong(item.get("Opened").n());
    Optional<Console.Account> user = account(item.get("User").s());
    if (expiresAt < now || now >= opened + console.sessionMaxHours() * 3600L || user.isEmpty()
        || !Secrets.same(fingerprint(user.get()), item.get("Password").s())) {
      return Optional.empty();
    }
    return Optional.of(new Session(user.get().name(), user.get().role(), item.get("Csrf").s(), expiresAt));
  }

  private Future<Session> touch(String id, Session session, long opened, long now) {
    long next = expiry(opened, now);
    if (next - session.expiresAt() < Math.min(TOUCH_SECONDS, console.sessionMinutes() * 6L)) {
      return Future.succeededFuture(session);
    }
    return Async.of(dynamo.updateItem(b -> b.tableName(table).key(Map.of("Key", key(id)))
            .updateExpression("SET ExpiresAt = :e").conditionExpression("attribute_exists(#k)")
            .expressionAttributeNames(Map.of("#k", "Key"))
            .expressionAttributeValues(Map.of(":e", number(next)))))
        .map(done -> new Session(session.name(), session.role(), session.csrf(), next))
        .recover(e -> Future.succeededFuture(session));
  }

  /** The configured user of that name, with the role configured now. */
  private Optional<Console.Account> account(String name) {
    return console.users().stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /** What a session keeps of its user's password: the SHA-256 of its bcrypt hash, enough to see it changed. */
  private static String fingerprint(Console.Account user) {
    return Secrets.hash(user.passwordHash());
  }

  /** The idle expiry of a session opened at {@code opened} and used at {@code now}, never past its longest life. */
  private long expiry(long opened, long now) {
    return Math.min(now + console.sessionMinutes() * 60L, opened + console.sessionMaxHours() * 3600L);
  }

  private static AttributeValue key(String id) {
    return AttributeValue.fromS(PREFIX + Secrets.hash(id));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  private long now() {
    return clock.millis() / 1000;
  }
}
