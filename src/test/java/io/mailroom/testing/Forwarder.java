package io.mailroom.testing;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;

import java.net.URI;

/**
 * Passes a request a test proxy took on to the real server behind it, and the server's answer
 * back: every header but the hop-by-hop ones (Host going out; length, transfer encoding and
 * connection coming back, which the proxy's own response sets).
 */
final class Forwarder {
  private final HttpClient upstream;
  private final URI target;

  Forwarder(HttpClient upstream, URI target) {
    this.upstream = upstream;
    this.target = target;
  }

  /** How the server's answer is passed back: at once ({@code Runnable::run}), or later. */
  interface Answer {
    void pass(Runnable answer);
  }

  /** What the server answered. */
  record Answered(int statusCode, Buffer body) { }

  /** Fails when the server cannot be reached; the caller answers the request then. */
  Future<Void> forward(HttpServerRequest request, Buffer body) {
    return forward(request, body, Runnable::run, answered -> { });
  }

  /** As {@link #forward(HttpServerRequest, Buffer)}; {@code seen} learns the answer when the server gives it. */
  Future<Void> forward(HttpServerRequest request, Buffer body, Answer answer,
                       java.util.function.Consumer<Answered> seen) {
    return upstream.request(request.method(), target.getPort(), target.getHost(), request.uri())
        .compose(out -> {
          request.headers().forEach(h -> {
            if (!h.getKey().equalsIgnoreCase("Host")) {
              out.putHeader(h.getKey(), h.getValue());
            }
          });
          return out.send(body);
        })
        .compose(response -> response.body().map(b -> {
          seen.accept(new Answered(response.statusCode(), b));
          answer.pass(() -> {
            request.response().setStatusCode(response.statusCode());
            response.headers().forEach(h -> {
              String name = h.getKey().toLowerCase();
              if (!name.equals("content-length") && !name.equals("transfer-encoding") && !name.equals("connection")) {
                request.response().putHeader(h.getKey(), h.getValue());
              }
            });
            request.response().end(b);
          });
          return null;
        }));
  }
}
