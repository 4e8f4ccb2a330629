package io.mailroom.api;

import io.mailroom.audit.AuditLog;
import io.mailroom.aws.OnceStore;
import io.mailroom.bus.Channels;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.compliance.SendingHold;
import io.mailroom.config.MailroomConfig;
import io.mailroom.delivery.DeliveryQueries;
import io.mailroom.http.ApiError;
import io.mailroom.http.PathParams;
import io.mailroom.http.Listening;
import io.mailroom.http.SlowClients;
import io.mailroom.queue.DeadLetters;
import io.mailroom.render.TemplateCheck;
import io.mailroom.subscription.SubscriptionRoutes;
import io.mailroom.subscription.SuppressionEntries;
import io.mailroom.subscription.SuppressionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * The public HTTP face of a node: the signed campaign webhook, campaign status, {@code /health/live},
 * and the unsubscribe and SES event routes of {@link SubscriptionRoutes} ({@code /metrics} and
 * readiness are on the {@link ManagementServer}). Every
 * refusal is a 4xx with a JSON body naming the problem; nothing here answers with a stack trace.
 */
public final class HttpApi extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String REQUEST_ID = Replies.REQUEST_ID;

  private final MailroomConfig config;
  private final CampaignStore campaigns;
  private final TemplateStore templates;
  private final DeliveryQueries deliveries;
  private final DeadLetters deadLetters;
  private ResultRoutes results;
  private SendingHold hold = SendingHold.never();
  private SuppressionRoutes suppressions;
  private final SubscriptionRoutes subscriptionRoutes;
  private final PreviewRoutes previewRoutes;
  private final RouteGuard guard;
  private final AudienceRoutes audiences;
  /** The one submission check of every route that takes a template or a subject, on the node's render pool. */
  private final TemplateCheck check;
  private HttpServer server;
  private Router router;
  /** Pages served beside the API (the console), made when the server starts; their routes are not the API's. */
  private Function<Vertx, Router> pages;
  private AuditRoutes audit;

  public HttpApi(MailroomConfig config, CampaignStore campaigns, TemplateStore templates, DeliveryQueries deliveries,
                 DeadLetters deadLetters, SubscriptionRoutes subscriptionRoutes, OnceStore once, AudienceRoutes audiences,
                 PreviewRoutes previewRoutes, TemplateCheck check) {
    this.audiences = audiences;
    this.check = check;
    this.subscriptionRoutes = subscriptionRoutes;
    this.previewRoutes = previewRoutes;
    this.guard = new RouteGuard(config.webhook(), once);
    this.config = config;
    this.campaigns = campaigns;
    this.templates = templates;
    this.deliveries = deliveries;
    this.deadLetters = deadLetters;
  }

  /** Shows when quiet hours hold a campaign ({@code heldUntil}); none are held without it. */
  public HttpApi withSendingHold(SendingHold hold) {
    this.hold = hold;
    return this;
  }

  /** Serves a campaign's results too (mounted when the server starts). */
  public HttpApi withResults(ResultRoutes routes) {
    this.results = routes;
    return this;
  }

  /** Serves the suppression routes too: search, manual add and manual removal. */
  public HttpApi withSuppressions(SuppressionStore store, SuppressionEntries entries) {
    this.suppressions = new SuppressionRoutes(store, entries);
    return this;
  }

  /** Records every change made through the API in {@code log} and serves {@code GET /v1/audit}. */
  public HttpApi withAudit(AuditLog log) {
    this.audit = new AuditRoutes(log, config.webhook().secrets());
    return this;
  }

  /** Serves {@code pages} under {@code /console/} too (its routes stay out of {@link #routes()}). */
  public HttpApi withConsole(Function<Vertx, Router> pages) {
    this.pages = pages;
    return this;
  }

  @Override
  public Future<?> start() {
    MailroomConfig.Http http = config.http();
    server = vertx.createHttpServer(SlowClients.options(http.host(), http.port(), http.idleTimeoutSeconds()));
    router = router();
    return Listening.on(new SlowClients(vertx, http.requestTimeoutSeconds()).guard(server, router),
        "the HTTP API", http.host(), http.port());
  }

  private Router router() {
    int bodyLimit = config.http().maxBodyBytes();
    Router router = Router.router(vertx);
    router.route().handler(HttpApi::requestId);
    if (audit != null) {
      router.route().handler(audit::watch);
      audit.mount(router, guard);
    }
    router.get("/health/live").handler(HttpApi::live);
    router.get("/v1/openapi.yaml").handler(HttpApi::openApi);
    if (results != null) {
      results.mount(router, guard, bodyLimit);
    }
    new CampaignRoutes(vertx, config, campaigns, templates, deliveries, check, hold).mount(router, guard, bodyLimit);
    new TemplateRoutes(config, templates, campaigns, check).mount(router, guard, bodyLimit);
    audiences.mount(router, guard, bodyLimit);
    previewRoutes.mount(router, guard, bodyLimit);
    router.get("/v1/sync").handler(guard::authenticate).handler(this::syncStatus);
    router.get("/v1/dead-letters").handler(guard::authenticate).handler(this::deadLetters);
    router.post("/v1/dead-letters/redrive")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(guard::authenticate)
        .handler(this::redrive);
    if (suppressions != null) {
      suppressions.mount(router, guard, bodyLimit);
    }
    subscriptionRoutes.mount(router, bodyLimit);
    if (pages != null) {
      router.route("/console").handler(ctx -> ctx.response().setStatusCode(303).putHeader("Location", "/console/").end());
      router.route("/console/*").subRouter(pages.apply(vertx));
    }
    router.route().handler(ctx -> ctx.fail(new ApiError(404, "not_found", "no such route", null)));
    router.route().failureHandler(this::failure);
    return router;
  }

  private void syncStatus(RoutingContext ctx) {
    Channels.SYNC_STATUS.request(vertx.eventBus(), null)
        .onSuccess(status -> json(ctx, 200, status))
        .onFailure(e -> ctx.fail(new ApiError(404, "sync_disabled", "the Syncer does not run on this node", null)));
  }

  private void deadLetters(RoutingContext ctx) {
    deadLetters.list(Replies.intParam(ctx, "limit", 100, 1, 1000))
        .onSuccess(list -> json(ctx, 200, new JsonObject().put("deadLetters", new JsonArray(list))))
        .onFailure(ctx::fail);
  }

  private void redrive(RoutingContext ctx) {
    deadLetters.redrive(Replies.intParam(ctx, "limit", 1000, 1, 100_000))
        .onSuccess(moved -> {
          LOG.info("{} dead letters driven back to the send queue", moved);
          json(ctx, 200, new JsonObject().put("redriven", moved));
        })
        .onFailure(ctx::fail);
  }

  /** {@code GET /v1/openapi.yaml}: the document that describes every route of this router. */
  private static void openApi(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(OpenApi.document());
  }

  /** Every route of this server, as {@code "METHOD /path/:param"}, for the check against the OpenAPI document. */
  public java.util.List<String> routes() {
    return OpenApi.routes(router);
  }

  /** The port this server listens on (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  /**
   * Every request has an id: the caller's {@code X-Request-Id} when it is a plain token, else a new
   * one. It is echoed in the response and named in the logs of what the request did.
   */
  private static void requestId(RoutingContext ctx) {
    String given = ctx.request().getHeader(REQUEST_ID);
    String id = given != null && given.matches("[A-Za-z0-9._:-]{1,64}") ? given : newRequestId();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader(REQUEST_ID, id);
    ctx.next();
  }

  private static String newRequestId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return "r_" + HexFormat.of().formatHex(bytes);
  }

  private void failure(RoutingContext ctx) {
    Throwable error = ctx.failure();
    ApiError api;
    if (error instanceof ApiError e) {
      api = e;
    } else if (ctx.statusCode() == 413) {
      api = new ApiError(413, "body_too_large", "the body is larger than " + config.http().maxBodyBytes()
          + " bytes", null);
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      api = new ApiError(ctx.statusCode(), "bad_request", "the request was refused", null);
    } else {
      LOG.error("{} {} failed (request {})", ctx.request().method(), PathParams.route(ctx), ctx.<String>get(REQUEST_ID), error);
      api = new ApiError(500, "internal_error", "the request could not be completed; it is safe to retry", null);
    }
    if (!ctx.response().ended()) {
      json(ctx, api.status(), api.toJson().put("requestId", ctx.<String>get(REQUEST_ID)));
    }
  }

  static void live(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "up"));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    Replies.json(ctx, status, body);
  }
}
