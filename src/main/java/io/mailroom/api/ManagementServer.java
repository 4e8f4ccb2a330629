package io.mailroom.api;

import io.mailroom.config.MailroomConfig;
import io.mailroom.http.ApiError;
import io.mailroom.http.Listening;
import io.mailroom.http.SlowClients;
import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management server, on its own port ({@code management.host}/{@code management.port}) for
 * probes and Prometheus and not for the public load balancer: {@code /metrics}, {@code /health/ready}
 * (answers cached by {@link Readiness}) and {@code /health/live}. Nothing here is signed.
 */
public final class ManagementServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

  private final MailroomConfig.Http http;
  private final MailroomMetrics metrics;
  private final Readiness readiness;
  private HttpServer server;
  private Router router;

  public ManagementServer(MailroomConfig.Http http, MailroomMetrics metrics, Readiness readiness) {
    this.http = http;
    this.metrics = metrics;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    MailroomConfig.Management management = http.management();
    server = vertx.createHttpServer(SlowClients.options(management.host(), management.port(),
        http.idleTimeoutSeconds()));
    router = router();
    return Listening.on(new SlowClients(vertx, http.requestTimeoutSeconds()).guard(server, router),
        "the management server", management.host(), management.port());
  }

  /** The port this server listens on (useful when configured as 0). */
  /** Every route of this server, as {@code "METHOD /path"}. */
  public java.util.List<String> routes() {
    return OpenApi.routes(router);
  }

  public int port() {
    return server.actualPort();
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(HttpApi::live);
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(this::metrics);
    router.route().handler(ctx -> ctx.fail(new ApiError(404, "not_found", "no such route", null)));
    router.route().failureHandler(this::failure);
    return router;
  }

  private void ready(RoutingContext ctx) {
    readiness.check().onSuccess(result -> HttpApi.json(ctx, "ready".equals(result.getString("status")) ? 200 : 503,
        result)).onFailure(ctx::fail);
  }

  private void metrics(RoutingContext ctx) {
    String text = metrics.scrape();
    if (text == null) {
      ctx.fail(new ApiError(404, "not_found", "metrics are not exported by this node", null));
      return;
    }
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text);
  }

  private void failure(RoutingContext ctx) {
    ApiError api;
    if (ctx.failure() instanceof ApiError e) {
      api = e;
    } else {
      if (ctx.statusCode() < 400 || ctx.statusCode() >= 500) {
        LOG.error("management {} failed", ctx.request().path(), ctx.failure());
      }
      api = new ApiError(ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 500, "error",
          "the request could not be completed", null);
    }
    if (!ctx.response().ended()) {
      HttpApi.json(ctx, api.status(), api.toJson());
    }
  }
}
