package io.mailroom.api;

import io.mailroom.audience.AudienceAttributes;
import io.mailroom.bus.CampaignRef;
import io.mailroom.bus.Channels;
import io.mailroom.campaign.Campaign;
import io.mailroom.campaign.CampaignStatus;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.Resumer;
import io.mailroom.campaign.Template;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.compliance.SendingHold;
import io.mailroom.config.MailroomConfig;
import io.mailroom.delivery.DeliveryQueries;
import io.mailroom.http.ApiError;
import io.mailroom.http.PathParams;
import io.mailroom.render.TemplateCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The campaign routes: {@code POST /v1/campaigns} (the signed webhook that starts or schedules one),
 * the list, a campaign's status, its failures, and pause, resume and cancel.
 */
final class CampaignRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(CampaignRoutes.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final MailroomConfig config;
  private final CampaignStore campaigns;
  private final TemplateStore templates;
  private final DeliveryQueries deliveries;
  private final Resumer resumer;
  private final TemplateCheck subjectCheck;
  private final AudienceAttributes attributes;
  private final SendingHold hold;

  CampaignRoutes(Vertx vertx, MailroomConfig config, CampaignStore campaigns, TemplateStore templates,
                 DeliveryQueries deliveries, TemplateCheck subjectCheck, SendingHold hold) {
    this.hold = hold;
    this.vertx = vertx;
    this.config = config;
    this.campaigns = campaigns;
    this.templates = templates;
    this.deliveries = deliveries;
    this.resumer = new Resumer(vertx, campaigns);
    this.subjectCheck = subjectCheck;
    this.attributes = AudienceRoutes.attributes(config);
  }

  void mount(Router router, RouteGuard guard, int bodyLimit) {
    router.post("/v1/campaigns")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(RouteGuard::requireJson)
        .handler(guard::authenticate)
        .handler(this::createCampaign);
    router.get("/v1/campaigns").handler(guard::authenticate).handler(new CampaignList(campaigns.pages())::handle);
    router.get("/v1/campaigns/:id").handler(PathParams::check).handler(guard::authenticate).handler(this::getCampaign);
    router.get("/v1/campaigns/:id/failures").handler(PathParams::check).handler(guard::authenticate).handler(this::failures);
    router.post("/v1/campaigns/:id/:action")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(PathParams::check)
        .handler(guard::authenticate)
        .handler(this::control);
  }

  private void createCampaign(RoutingContext ctx) {
    CampaignRequest request = CampaignRequest.parse(ctx.body().asString(), config.subscription().topics(),
        attributes);
    templates.get(request.templateId())
        .compose(template -> {
          if (template.isEmpty()) {
            return Future.failedFuture(new ApiError(422, "template_not_found",
                "no template with id '" + request.templateId() + "'", "templateId"));
          }
          long now = System.currentTimeMillis();
          // a subject override is checked like a template, so that a broken one is refused here, not at each delivery
          Future<Void> checked = TemplateErrors.checkedSubject(subjectCheck, request.subject());
          Campaign campaign = Campaign.create(newId(), request.templateId(), request.subject(),
                  topic(request, template.get()), now)
              .withTemplateVersion(template.get().version()).withAudience(request.audience())
              .withKind(request.kind());
          return checked.compose(ok -> campaigns.create(
              request.sendAt() > 0 ? campaign.scheduledAt(request.sendAt()) : campaign, request.idempotencyKey()));
        })
        .onSuccess(created -> {
          Campaign campaign = created.campaign();
          if (!created.existed()) {
            LOG.info("campaign {} created from template {} (request {})", campaign.id(), campaign.templateId(),
                ctx.<String>get(Replies.REQUEST_ID));
          }
          if (!created.existed() && campaign.status() != CampaignStatus.SCHEDULED) {
            Channels.CAMPAIGN_START.request(vertx.eventBus(), new CampaignRef(campaign.id()))
                .onFailure(e -> LOG.error("campaign {} could not be started: {}", campaign.id(), e.toString()));
          }
          ctx.response().putHeader("Location", "/v1/campaigns/" + campaign.id());
          Replies.json(ctx, created.existed() ? 200 : 202, shown(campaign));
        })
        .onFailure(ctx::fail);
  }

  /** The campaign's topic: the one asked for, else its template's (while still configured), else the default. */
  private String topic(CampaignRequest request, Template template) {
    MailroomConfig.Subscription subscription = config.subscription();
    if (request.topic() != null) {
      return request.topic();
    }
    return template.topic() != null && subscription.topics().contains(template.topic()) ? template.topic()
        : subscription.defaultTopic();
  }

  private void getCampaign(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    campaigns.get(id)
        .onSuccess(found -> {
          if (found.isEmpty()) {
            ctx.fail(new ApiError(404, "campaign_not_found", "no campaign with id '" + id + "'", "id"));
          } else {
            Replies.json(ctx, 200, shown(found.get()));
          }
        })
        .onFailure(ctx::fail);
  }

  /**
   * The campaign as the API shows it: with {@code heldUntil} when quiet hours hold it, a scheduled
   * one whose time falls in the window (it starts then), or a running one now (it goes on then).
   */
  private JsonObject shown(Campaign campaign) {
    JsonObject json = campaign.toJson();
    Optional<Instant> until = Optional.empty();
    if (campaign.status() == CampaignStatus.SCHEDULED) {
      until = hold.startDelayedUntil(campaign.sendAt());
    } else if (campaign.status() == CampaignStatus.QUEUED || campaign.status() == CampaignStatus.RUNNING) {
      until = hold.heldUntilNow();
    }
    until.ifPresent(at -> json.put("heldUntil", at.toString()));
    return json;
  }

  /** {@code POST /v1/campaigns/{id}/pause|resume|cancel}. */
  private void control(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    CampaignControl action = CampaignControl.of(ctx.pathParam("action"));
    campaigns.transition(id, action.from(), action.to(), action.reason(), System.currentTimeMillis())
        .compose(changed -> changed.isPresent() ? Future.succeededFuture(changed.get())
            : campaigns.get(id).compose(found -> Future.failedFuture(found.isEmpty()
                ? new ApiError(404, "campaign_not_found", "no campaign with id '" + id + "'", "id")
                : new ApiError(409, "invalid_state", "a " + found.get().status().wire() + " campaign cannot be "
                    + action.done(), null))))
        .onSuccess(campaign -> {
          LOG.info("campaign {} {} (request {})", id, action.done(), ctx.<String>get(Replies.REQUEST_ID));
          resumer.announce(id, action == CampaignControl.RESUME);
          Replies.json(ctx, 200, shown(campaign));
        })
        .onFailure(ctx::fail);
  }

  /** {@code GET /v1/campaigns/{id}/failures?limit=50&after=EMAIL}: failed deliveries with their reasons. */
  private void failures(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    int limit = Replies.intParam(ctx, "limit", 50, 1, 500);
    String after = ctx.queryParams().get("after");
    if (after != null && (after.isEmpty() || after.length() > 320 || after.chars().anyMatch(Character::isISOControl))) {
      ctx.fail(ApiError.badField("after", "invalid_field", "'after' must be the address a previous page ended at"));
      return;
    }
    campaigns.get(id)
        .compose(found -> found.isEmpty()
            ? Future.failedFuture(new ApiError(404, "campaign_not_found", "no campaign with id '" + id + "'", "id"))
            : deliveries.failures(id, limit, after))
        .onSuccess(page -> {
          JsonObject body = new JsonObject().put("campaignId", id).put("failures", new JsonArray(page.failures()));
          if (page.next() != null) {
            body.put("next", "/v1/campaigns/" + id + "/failures?limit=" + limit + "&after="
                + URLEncoder.encode(page.next(), StandardCharsets.UTF_8));
          }
          Replies.json(ctx, 200, body);
        })
        .onFailure(ctx::fail);
  }

  private static String newId() {
    byte[] bytes = new byte[10];
    RANDOM.nextBytes(bytes);
    return "c_" + Long.toString(System.currentTimeMillis(), 36) + HexFormat.of().formatHex(bytes);
  }
}
