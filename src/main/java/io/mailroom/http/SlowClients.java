package io.mailroom.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What keeps a slow or stalled client from holding a connection (slowloris): a connection with no
 * traffic for the idle timeout is closed, and so is one whose request headers are not all in within
 * the request timeout of its opening or of the end of its previous response (keep-alive), or whose body is not all in within the request timeout of its
 * headers. Used by the API and the management server alike; one instance per server.
 */
public final class SlowClients {
  private final Vertx vertx;
  private final long requestMillis;
  private final Map<HttpConnection, Long> awaitingHeaders = new HashMap<>();
  private final Set<HttpConnection> open = new HashSet<>();
  /** Requests in hand per connection (HTTP/1.1 may pipeline). */
  private final Map<HttpConnection, Integer> busy = new HashMap<>();

  public SlowClients(Vertx vertx, int requestTimeoutSeconds) {
    this.vertx = vertx;
    this.requestMillis = TimeUnit.SECONDS.toMillis(requestTimeoutSeconds);
  }

  /** Server options on {@code host:port} with the idle timeout set. */
  public static HttpServerOptions options(String host, int port, int idleTimeoutSeconds) {
    return new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(idleTimeoutSeconds)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
  }

  /** Installs the request deadlines on {@code server} in front of {@code requests}. */
  public HttpServer guard(HttpServer server, Handler<HttpServerRequest> requests) {
    server.connectionHandler(this::opened);
    return server.requestHandler(request -> {
      HttpConnection connection = request.connection();
      Long timer = awaitingHeaders.remove(connection);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
      busy.merge(connection, 1, Integer::sum);
      // a kept-alive connection's next request has the same deadline as its first
      request.response().endHandler(v -> {
        if (busy.merge(connection, -1, Integer::sum) <= 0) {
          busy.remove(connection);
        }
        if (open.contains(connection) && !busy.containsKey(connection)) {
          awaitHeaders(connection);
        }
      });
      if (!request.isEnded()) {
        vertx.setTimer(requestMillis, t -> {
          if (!request.isEnded()) {
            connection.close();
          }
        });
      }
      requests.handle(request);
    });
  }

  private void opened(HttpConnection connection) {
    open.add(connection);
    awaitHeaders(connection);
    connection.closeHandler(v -> {
      open.remove(connection);
      busy.remove(connection);
      Long timer = awaitingHeaders.remove(connection);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
    });
  }

  private void awaitHeaders(HttpConnection connection) {
    Long previous = awaitingHeaders.put(connection, vertx.setTimer(requestMillis, t -> {
      if (awaitingHeaders.remove(connection) != null && !busy.containsKey(connection)) {
        connection.close();
      }
    }));
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }
}
