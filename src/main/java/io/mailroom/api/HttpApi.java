package io.mailroom.api;

import io.mailroom.Addresses;
import io.mailroom.campaign.Campaign;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.config.MailroomConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The HTTP face of a node: the signed campaign webhook, campaign status and health. Every
 * refusal is a 4xx with a JSON body naming the problem; nothing here answers with a stack trace.
 */
public final class HttpApi extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MailroomConfig config;
  private final CampaignStore campaigns;
  private final TemplateStore templates;
  private HttpServer server;

  public HttpApi(MailroomConfig config, CampaignStore campaigns, TemplateStore templates) {
    this.config = config;
    this.campaigns = campaigns;
    this.templates = templates;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    router.post("/v1/campaigns")
        .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
        .handler(this::requireJson)
        .handler(this::authenticate)
        .handler(this::createCampaign);
    router.get("/v1/campaigns/:id").handler(this::authenticate).handler(this::getCampaign);
    router.route().handler(ctx -> ctx.fail(new ApiError(404, "not_found", "no such route", null)));
    router.route().failureHandler(this::failure);
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(config.http().port(), config.http().host());
  }

  /** The port this server listens on (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  private void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().split(";")[0].trim().equals("application/json")) {
      ctx.fail(new ApiError(415, "unsupported_media_type", "Content-Type must be application/json", null));
      return;
    }
    ctx.next();
  }

  private void authenticate(RoutingContext ctx) {
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    WebhookSignature.verify(config.webhook().secrets(), config.webhook().maxSkewSeconds(),
        System.currentTimeMillis() / 1000, ctx.request().getHeader(WebhookSignature.TIMESTAMP_HEADER),
        ctx.request().getHeader(WebhookSignature.SIGNATURE_HEADER), ctx.request().method().name(),
        ctx.request().path(), body);
    ctx.next();
  }

  private void createCampaign(RoutingContext ctx) {
    CampaignRequest request = CampaignRequest.parse(ctx.body().asString(), ctx.request().getHeader("Idempotency-Key"));
    templates.get(request.templateId())
        .compose(template -> {
          if (template.isEmpty()) {
            return Future.failedFuture(new ApiError(422, "template_not_found",
                "no template with id '" + request.templateId() + "'", "templateId"));
          }
          long now = System.currentTimeMillis();
          return campaigns.create(Campaign.create(newId(), request.templateId(), request.subject(), now),
              request.idempotencyKey());
        })
        .onSuccess(created -> {
          Campaign campaign = created.campaign();
          if (!created.existed()) {
            LOG.info("campaign {} created from template {}", campaign.id(), campaign.templateId());
            vertx.eventBus().request(Addresses.CAMPAIGN_START, new JsonObject().put("campaignId", campaign.id()))
                .onFailure(e -> LOG.error("campaign {} could not be started: {}", campaign.id(), e.toString()));
          }
          ctx.response().putHeader("Location", "/v1/campaigns/" + campaign.id());
          json(ctx, created.existed() ? 200 : 202, campaign.toJson());
        })
        .onFailure(ctx::fail);
  }

  private void getCampaign(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    campaigns.get(id)
        .onSuccess(found -> {
          if (found.isEmpty()) {
            ctx.fail(new ApiError(404, "campaign_not_found", "no campaign with id '" + id + "'", "id"));
          } else {
            json(ctx, 200, found.get().toJson());
          }
        })
        .onFailure(ctx::fail);
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
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), error);
      api = new ApiError(500, "internal_error", "the request could not be completed; it is safe to retry", null);
    }
    if (!ctx.response().ended()) {
      json(ctx, api.status(), api.toJson());
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static String newId() {
    byte[] bytes = new byte[10];
    RANDOM.nextBytes(bytes);
    return "c_" + Long.toString(System.currentTimeMillis(), 36) + HexFormat.of().formatHex(bytes);
  }
}
