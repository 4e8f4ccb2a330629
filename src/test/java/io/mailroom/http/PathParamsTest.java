package io.mailroom.http;

import io.mailroom.local.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route a request is logged and audited under, on a real Vert.x server: the pattern of the
 * route that answers, whatever the parameters' values, and, in a failure handler, the path with its
 * parameters' values (percent-encoded or not) replaced by their names.
 */
@ExtendWith(VertxExtension.class)
class PathParamsTest {
  private static HttpServer server;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    Router router = Router.router(vertx);
    router.get("/v1/templates/:id").handler(ctx -> ctx.response().end(PathParams.route(ctx)));
    router.get("/v1/suppressions/:email").handler(ctx -> ctx.fail(new IllegalStateException("the store failed")));
    router.route().failureHandler(ctx -> ctx.response().setStatusCode(500).end(PathParams.route(ctx)));
    server = vertx.createHttpServer().requestHandler(router).listen(FreePort.pick(), "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }

  private static String get(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void anIdThatIsAlsoAWordOfThePathIsNamedByTheRoutesPattern() throws Exception {
    assertThat(get("/v1/templates/v1")).isEqualTo("/v1/templates/:id");
    assertThat(get("/v1/templates/templates")).isEqualTo("/v1/templates/:id");
  }

  @Test
  void aFailedRequestIsLoggedWithoutTheAddressItsPathHolds() throws Exception {
    assertThat(get("/v1/suppressions/kim%40x.com")).isEqualTo("/v1/suppressions/:email");
    assertThat(get("/v1/suppressions/a+b@x.com")).isEqualTo("/v1/suppressions/:email");
  }
}
