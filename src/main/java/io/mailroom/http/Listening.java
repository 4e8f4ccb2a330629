package io.mailroom.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;

/** Starts a server listening; a failure names the server and the address it could not take. */
public final class Listening {
  private Listening() {
  }

  public static Future<HttpServer> on(HttpServer server, String name, String host, int port) {
    return server.listen().recover(e -> Future.failedFuture(
        new IllegalStateException(name + " cannot listen on " + host + ":" + port + ": " + e.getMessage(), e)));
  }
}
