package io.mailroom.testing;

import io.mailroom.local.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of the embedded DynamoDB that answers the first {@code conflicts}
 * TransactWriteItems calls as Amazon DynamoDB answers a transaction that met another write to one
 * of its items: cancelled, every reason {@code TransactionConflict}, nothing written (those calls
 * never reach the server). Everything else passes through to the real server.
 */
public final class DynamoConflictProxy implements AutoCloseable {
  private static final String TRANSACT = "DynamoDB_20120810.TransactWriteItems";

  private final Vertx vertx = Vertx.vertx();
  private final Forwarder forwarder;
  private final HttpServer server;
  private final AtomicInteger conflictsLeft;
  public final AtomicInteger conflicted = new AtomicInteger();
  public final AtomicInteger transactions = new AtomicInteger();

  public DynamoConflictProxy(String dynamoEndpoint, int conflicts) throws Exception {
    this.forwarder = new Forwarder(vertx.createHttpClient(), URI.create(dynamoEndpoint));
    this.conflictsLeft = new AtomicInteger(conflicts);
    this.server = vertx.createHttpServer().requestHandler(this::handle)
        .listen(FreePort.pick(), "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      boolean transaction = TRANSACT.equals(request.getHeader("X-Amz-Target"));
      if (transaction) {
        transactions.incrementAndGet();
      }
      if (transaction && conflictsLeft.getAndDecrement() > 0) {
        conflicted.incrementAndGet();
        int items = new JsonObject(body).getJsonArray("TransactItems").size();
        JsonArray reasons = new JsonArray();
        for (int i = 0; i < items; i++) {
          reasons.add(new JsonObject().put("Code", "TransactionConflict")
              .put("Message", "Transaction is ongoing for the item"));
        }
        String codes = String.join(", ", java.util.Collections.nCopies(items, "TransactionConflict"));
        DynamoAnswer.json(request, 400, new JsonObject()
            .put("__type", "com.amazonaws.dynamodb.v20120810#TransactionCanceledException")
            .put("message", "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]")
            .put("CancellationReasons", reasons).encode());
        return;
      }
      forwarder.forward(request, body).onFailure(e -> request.response().setStatusCode(502).end());
    });
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
