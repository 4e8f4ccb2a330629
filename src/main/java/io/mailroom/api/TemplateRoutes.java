package io.mailroom.api;

import io.mailroom.campaign.Campaign;
import io.mailroom.campaign.CampaignStatus;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.Template;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.config.MailroomConfig;
import io.mailroom.http.ApiError;
import io.mailroom.render.TemplateCheck;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The template routes: {@code PUT /v1/templates/{id}} (each save a new version, checked in the
 * render sandbox first), {@code GET /v1/templates} (paged heads), {@code GET /v1/templates/{id}}
 * (newest or {@code ?version=N}, with the list of versions) and {@code DELETE /v1/templates/{id}},
 * refused while a campaign that has not finished uses the template.
 */
final class TemplateRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(TemplateRoutes.class);
  /** A 512 KB HTML body, JSON-escaped, with the other fields around it. */
  static final int BODY_LIMIT = 1024 * 1024;
  private static final List<CampaignStatus> UNFINISHED = List.of(CampaignStatus.SCHEDULED, CampaignStatus.QUEUED,
      CampaignStatus.RUNNING, CampaignStatus.PAUSED, CampaignStatus.QUOTA_EXHAUSTED);

  private final MailroomConfig config;
  private final TemplateStore templates;
  private final CampaignStore campaigns;
  private final TemplateCheck check;

  TemplateRoutes(MailroomConfig config, TemplateStore templates, CampaignStore campaigns, TemplateCheck check) {
    this.config = config;
    this.templates = templates;
    this.campaigns = campaigns;
    this.check = check;
  }

  void mount(Router router, RouteGuard guard, int bodyLimit) {
    router.put("/v1/templates/:id")
        .handler(BodyHandler.create(false).setBodyLimit(Math.max(bodyLimit, BODY_LIMIT)))
        .handler(RouteGuard::requireJson)
        .handler(TemplateRoutes::checkId)
        .handler(guard::authenticate)
        .handler(this::save);
    router.get("/v1/templates").handler(guard::authenticate).handler(this::list);
    router.get("/v1/templates/:id").handler(TemplateRoutes::checkId).handler(guard::authenticate).handler(this::get);
    router.delete("/v1/templates/:id").handler(TemplateRoutes::checkId).handler(guard::authenticate)
        .handler(this::delete);
  }

  /** A template id is 1 to 128 letters, digits, '.', '_' or '-' (campaign ids allow fewer). */
  static void checkId(RoutingContext ctx) {
    if (!TemplateRequest.ID.matcher(ctx.pathParam("id")).matches()) {
      ctx.fail(ApiError.badField("id", "invalid_path_parameter",
          "a template id is 1 to 128 letters, digits, '.', '_' or '-'"));
      return;
    }
    ctx.next();
  }

  private void save(RoutingContext ctx) {
    Template draft = TemplateRequest.parse(ctx.pathParam("id"), ctx.body().asString(), config.subscription().topics());
    check.template(draft, null)
        .compose(checked -> templates.save(draft, System.currentTimeMillis()))
        .onSuccess(saved -> {
          Template template = saved.template();
          LOG.info("template {} version {} saved (request {})", template.id(), template.version(),
              ctx.<String>get(Replies.REQUEST_ID));
          ctx.response().putHeader("Location", "/v1/templates/" + template.id() + "?version=" + template.version());
          Replies.json(ctx, saved.created() ? 201 : 200, template.toJson(true));
        })
        .onFailure(e -> ctx.fail(TemplateErrors.of(e)));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    int version = Replies.intParam(ctx, "version", 0, 1, Integer.MAX_VALUE);
    templates.head(id)
        .compose(head -> head.isEmpty() ? Future.failedFuture(notFound(id))
            : (version == 0 ? Future.succeededFuture(head.map(TemplateStore.Head::template))
                : templates.version(id, version))
            .compose(found -> found.isEmpty() ? Future.failedFuture(new ApiError(404, "template_not_found",
                "template '" + id + "' has no version " + version, "version"))
                : Future.succeededFuture(found.get().toJson(true).put("versions", versions(head.get())))))
        .onSuccess(body -> Replies.json(ctx, 200, body))
        .onFailure(ctx::fail);
  }

  private static JsonArray versions(TemplateStore.Head head) {
    JsonArray versions = new JsonArray();
    head.versions().forEach(v -> {
      JsonObject version = new JsonObject().put("version", v.version());
      if (v.savedAt() > 0) {
        version.put("updatedAt", Template.instant(v.savedAt()));
      }
      versions.add(version);
    });
    return versions;
  }

  /** {@code GET /v1/templates?limit=50&after=ID}: template heads, without their bodies. */
  private void list(RoutingContext ctx) {
    int limit = Replies.intParam(ctx, "limit", 50, 1, 100);
    String after = ctx.queryParams().get("after");
    if (after != null && !TemplateRequest.ID.matcher(after).matches()) {
      ctx.fail(ApiError.badField("after", "invalid_field", "'after' must be the template id a previous page ended at"));
      return;
    }
    templates.list(limit, after)
        .onSuccess(page -> {
          JsonArray list = new JsonArray();
          page.templates().forEach(template -> list.add(template.toJson(false)));
          JsonObject body = new JsonObject().put("templates", list);
          if (page.next() != null) {
            body.put("next", "/v1/templates?limit=" + limit + "&after=" + page.next());
          }
          Replies.json(ctx, 200, body);
        })
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    campaigns.inStatus(UNFINISHED)
        .compose(unfinished -> {
          List<String> using = unfinished.stream().filter(c -> id.equals(c.templateId())).map(Campaign::id).toList();
          if (!using.isEmpty()) {
            return Future.failedFuture(new ApiError(409, "template_in_use", "template '" + id + "' is used by "
                + "campaigns that have not finished: " + using, "id").withDetail("campaignIds", new JsonArray(using)));
          }
          return templates.delete(id, System.currentTimeMillis());
        })
        .onSuccess(deleted -> {
          if (!deleted) {
            ctx.fail(notFound(id));
            return;
          }
          LOG.info("template {} deleted (request {})", id, ctx.<String>get(Replies.REQUEST_ID));
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  private static ApiError notFound(String id) {
    return new ApiError(404, "template_not_found", "no template with id '" + id + "'", "id");
  }
}
