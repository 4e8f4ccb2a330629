package io.mailroom.console.auth;

import io.mailroom.aws.Async;
import io.mailroom.config.Console;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.Optional;

/**
 * Console sessions in the shared Console table, so that any node serves them. The key is the
 * SHA-256 of the session id (the cookie's value is never stored); an item lives
 * {@code sessionMinutes} after its last use ({@code ExpiresAt}, the table's TTL, checked on every
 * read since DynamoDB deletes expired items late). The user's role is read from the configuration
 * on each use, so a user removed from it is signed out.
 */
public final class SessionStore {
  private static final String PREFIX = "session:";
  /** A session is written again on use at most this often, to move its expiry. */
  private static final long TOUCH_SECONDS = 60;

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final Console console;

  public SessionStore(DynamoDbAsyncClient dynamo, String table, Console console) {
    this.dynamo = dynamo;
    this.table = table;
    this.console = console;
  }

  /** A new session for {@code user}: its id (for the cookie only) and the session. */
  public Future<Map.Entry<String, Session>> create(Console.Account user) {
    String id = Secrets.random();
    Session session = new Session(user.name(), user.role(), Secrets.random(), expiry());
    Map<String, AttributeValue> item = Map.of("Key", key(id), "User", AttributeValue.fromS(user.name()),
        "Csrf", AttributeValue.fromS(session.csrf()), "ExpiresAt", number(session.expiresAt()));
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(item))).map(done -> Map.entry(id, session));
  }

  /** The live session of {@code id}, its expiry moved on; empty when there is none, it expired, or its user is gone. */
  public Future<Optional<Session>> find(String id) {
    if (id == null || !id.matches("[A-Za-z0-9_-]{43}")) {
      return Future.succeededFuture(Optional.empty());
    }
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(Map.of("Key", key(id))).consistentRead(true)))
        .compose(answer -> {
          if (!answer.hasItem() || answer.item().isEmpty()) {
            return Future.succeededFuture(Optional.<Session>empty());
          }
          Map<String, AttributeValue> item = answer.item();
          long expiresAt = Long.parseLong(item.get("ExpiresAt").n());
          Optional<Console.Account> user = account(item.get("User").s());
          if (expiresAt < now() || user.isEmpty()) {
            return Future.succeededFuture(Optional.<Session>empty());
          }
          Session session = new Session(user.get().name(), user.get().role(), item.get("Csrf").s(), expiresAt);
          return touch(id, session).map(Optional::of);
        });
  }

  /** Signs out: the session is gone on every node. */
  public Future<Void> delete(String id) {
    if (id == null || id.isEmpty()) {
      return Future.succeededFuture();
    }
    return Async.of(dynamo.deleteItem(b -> b.tableName(table).key(Map.of("Key", key(id))))).mapEmpty();
  }

  private Future<Session> touch(String id, Session session) {
    long next = expiry();
    if (next - session.expiresAt() < TOUCH_SECONDS) {
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

  private long expiry() {
    return now() + console.sessionMinutes() * 60L;
  }

  private static AttributeValue key(String id) {
    return AttributeValue.fromS(PREFIX + Secrets.hash(id));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
