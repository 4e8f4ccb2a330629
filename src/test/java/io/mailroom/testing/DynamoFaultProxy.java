package io.mailroom.testing;

import io.mailroom.local.FreePort;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy in front of the real DynamoDB (dynalite) that picks calls by their operation
 * ({@code "PutItem"}, {@code "UpdateItem"}, ...) and their request, and does one of four things
 * to them; everything else passes through at once:
 * <ul>
 *   <li>{@link #fail}: an outage. The call is answered 500 InternalServerError on every attempt the
 *   SDK makes (its retries included, told apart by the SDK's invocation id), so the error reaches
 *   the caller after the SDK's own retries;</li>
 *   <li>{@link #refuseNext}: a missing table or permission. 400 {@code ResourceNotFoundException},
 *   which the SDK does not retry;</li>
 *   <li>{@link #hold}: the call waits until the test lets it go;</li>
 *   <li>{@link #count}: the call is counted.</li>
 * </ul>
 * A failed or refused call never reaches the server.
 */
public final class DynamoFaultProxy implements AutoCloseable {
  private static final String TARGET_PREFIX = "DynamoDB_20120810.";

  private enum Kind { OUTAGE, REFUSAL, HOLD, COUNT }

  private final Vertx vertx = Vertx.vertx();
  private final Forwarder forwarder;
  private final HttpServer server;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final Set<String> failingCalls = ConcurrentHashMap.newKeySet();
  /** How many calls {@link #fail} failed (each counted once, however often the SDK tried it). */
  public final AtomicInteger failed = new AtomicInteger();

  /** Calls of one operation whose request matches, and what happens to them. */
  private record Rule(String target, Predicate<String> matches, Kind kind, AtomicInteger left, Hold hold,
                      AtomicInteger seen) {
    boolean applies(HttpServerRequest request, String body) {
      return target.equals(request.getHeader("X-Amz-Target")) && matches.test(body);
    }
  }

  /** Calls held until {@link #release}: how many came so far. */
  public static final class Hold {
    private final Promise<Void> released = Promise.promise();
    public final AtomicInteger held = new AtomicInteger();

    /** Lets every held call (and every later one) through. */
    public void release() {
      released.tryComplete();
    }
  }

  public DynamoFaultProxy(String dynamoEndpoint) throws Exception {
    this.forwarder = new Forwarder(vertx.createHttpClient(), URI.create(dynamoEndpoint));
    this.server = vertx.createHttpServer().requestHandler(this::handle)
        .listen(FreePort.pick(), "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The next {@code calls} calls of {@code operation} whose request {@code matches} fail as in an outage. */
  public DynamoFaultProxy fail(String operation, Predicate<JsonObject> matches, int calls) {
    rule(operation, body -> matches.test(new JsonObject(body)), Kind.OUTAGE, calls, null);
    return this;
  }

  /** The next {@code times} calls of {@code operation} containing every {@code text} are refused; the count of those refused. */
  public AtomicInteger refuseNext(String operation, int times, String... text) {
    return rule(operation, containing(text), Kind.REFUSAL, times, null).seen();
  }

  /** Calls of {@code operation} containing every {@code text} wait until the hold is released. */
  public Hold hold(String operation, String... text) {
    Hold hold = new Hold();
    rule(operation, containing(text), Kind.HOLD, 0, hold);
    return hold;
  }

  /** Counts the calls of {@code operation} containing every {@code text} from now on. */
  public AtomicInteger count(String operation, String... text) {
    return rule(operation, containing(text), Kind.COUNT, 0, null).seen();
  }

  private Rule rule(String operation, Predicate<String> matches, Kind kind, int times, Hold hold) {
    Rule rule = new Rule(TARGET_PREFIX + operation, matches, kind, new AtomicInteger(times), hold,
        new AtomicInteger());
    rules.add(rule);
    return rule;
  }

  private static Predicate<String> containing(String... text) {
    List<String> texts = List.of(text);
    return body -> texts.stream().allMatch(body::contains);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String call = String.valueOf(request.getHeader("amz-sdk-invocation-id"));
      if (failingCalls.contains(call)) {
        answer(request, 500, "InternalServerError", "Internal server error");
        return;
      }
      String text = body.toString(StandardCharsets.UTF_8);
      for (Rule rule : rules) {
        if (rule.applies(request, text) && apply(rule, request, body, call)) {
          return;
        }
      }
      pass(request, body);
    });
  }

  /** True when the rule answered (or will answer) the call itself. */
  private boolean apply(Rule rule, HttpServerRequest request, Buffer body, String call) {
    switch (rule.kind()) {
      case HOLD -> {
        rule.hold().held.incrementAndGet();
        rule.hold().released.future().onComplete(v -> pass(request, body));
        return true;
      }
      case COUNT -> {
        rule.seen().incrementAndGet();
        return false;
      }
      default -> {
        if (rule.left().getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
          return false;
        }
        rule.seen().incrementAndGet();
        if (rule.kind() == Kind.OUTAGE) {
          failingCalls.add(call);
          failed.incrementAndGet();
          answer(request, 500, "InternalServerError", "Internal server error");
        } else {
          answer(request, 400, "ResourceNotFoundException", "Requested resource not found");
        }
        return true;
      }
    }
  }

  private void pass(HttpServerRequest request, Buffer body) {
    forwarder.forward(request, body).onFailure(e -> request.response().setStatusCode(502).end());
  }

  private static void answer(HttpServerRequest request, int status, String type, String message) {
    DynamoAnswer.json(request, status, new JsonObject().put("__type", "com.amazonaws.dynamodb.v20120810#" + type)
        .put("message", message).encode());
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
