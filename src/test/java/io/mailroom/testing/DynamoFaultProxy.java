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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * An HTTP proxy in front of the real DynamoDB (dynalite) that picks calls by their operation
 * ({@code "PutItem"}, {@code "UpdateItem"}, ...) and a piece of their request text (a table name,
 * a key): it fails the next few of them as a missing table or permission would (400
 * {@code ResourceNotFoundException}, which the SDK does not retry; they never reach the server),
 * holds them until the test lets them go, or counts them. Everything else passes through at once.
 */
public final class DynamoFaultProxy implements AutoCloseable {
  private static final String TARGET_PREFIX = "DynamoDB_20120810.";

  private final Vertx vertx = Vertx.vertx();
  private final Forwarder forwarder;
  private final HttpServer server;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  /** Calls of one operation whose request contains a text, and what happens to them. */
  private static final class Rule {
    final String target;
    final List<String> texts;
    final AtomicInteger failuresLeft;
    final boolean failing;
    final Hold hold;
    /** Calls failed (a failing rule) or counted (a counting one). */
    final AtomicInteger seen = new AtomicInteger();

    Rule(String operation, int failures, Hold hold, String... texts) {
      this.target = TARGET_PREFIX + operation;
      this.texts = List.of(texts);
      this.failing = failures > 0;
      this.failuresLeft = new AtomicInteger(failures);
      this.hold = hold;
    }

    boolean matches(HttpServerRequest request, String body) {
      return target.equals(request.getHeader("X-Amz-Target")) && texts.stream().allMatch(body::contains);
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

  /** The next {@code times} calls of {@code operation} containing every {@code text} fail; the count of those failed. */
  public AtomicInteger failNext(String operation, int times, String... text) {
    Rule rule = new Rule(operation, times, null, text);
    rules.add(rule);
    return rule.seen;
  }

  /** Calls of {@code operation} containing every {@code text} wait until the hold is released. */
  public Hold hold(String operation, String... text) {
    Hold hold = new Hold();
    rules.add(new Rule(operation, 0, hold, text));
    return hold;
  }

  /** Counts the calls of {@code operation} containing every {@code text} from now on. */
  public AtomicInteger count(String operation, String... text) {
    Rule rule = new Rule(operation, 0, null, text);
    rules.add(rule);
    return rule.seen;
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String text = body.toString(StandardCharsets.UTF_8);
      for (Rule rule : rules) {
        if (!rule.matches(request, text)) {
          continue;
        }
        if (rule.hold != null) {
          rule.hold.held.incrementAndGet();
          rule.hold.released.future().onComplete(v -> pass(request, body));
          return;
        }
        if (!rule.failing) {
          rule.seen.incrementAndGet();
        } else if (rule.failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          rule.seen.incrementAndGet();
          missing(request);
          return;
        }
      }
      pass(request, body);
    });
  }

  private void pass(HttpServerRequest request, Buffer body) {
    forwarder.forward(request, body).onFailure(e -> request.response().setStatusCode(502).end());
  }

  private static void missing(HttpServerRequest request) {
    byte[] bytes = new JsonObject().put("__type", "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
        .put("message", "Requested resource not found").encode().getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    request.response().setStatusCode(400)
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("x-amz-crc32", Long.toString(crc.getValue()))
        .end(Buffer.buffer(bytes));
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
