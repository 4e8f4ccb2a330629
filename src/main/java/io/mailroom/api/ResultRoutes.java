package io.mailroom.api;

import io.mailroom.http.ApiError;
import io.mailroom.http.PathParams;
import io.mailroom.results.CampaignReport;
import io.mailroom.results.DeliveryList;
import io.mailroom.results.Resend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.Locale;

/**
 * A campaign's results: {@code GET /v1/campaigns/{id}/report} (counts and rates of what SES
 * reported), {@code GET /v1/campaigns/{id}/deliveries?status=…} (its deliveries, paged) and
 * {@code POST /v1/campaigns/{id}/resend} (its transiently failed deliveries sent again, by {@link Resend}).
 */
public final class ResultRoutes {
  private final CampaignReport reports;
  private final DeliveryList deliveries;
  private final Resend resend;

  public ResultRoutes(CampaignReport reports, DeliveryList deliveries, Resend resend) {
    this.reports = reports;
    this.deliveries = deliveries;
    this.resend = resend;
  }

  /** Mounted before the campaign routes, whose {@code POST /v1/campaigns/:id/:action} would take {@code resend}. */
  void mount(Router router, RouteGuard guard, int bodyLimit) {
    router.get("/v1/campaigns/:id/report").handler(PathParams::check).handler(guard::authenticate).handler(this::report);
    router.get("/v1/campaigns/:id/deliveries").handler(PathParams::check).handler(guard::authenticate)
        .handler(this::deliveries);
    router.post("/v1/campaigns/:id/resend").handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(PathParams::check).handler(RouteGuard::requireJson).handler(guard::authenticate)
        .handler(this::resend);
  }

  /** {@code POST /v1/campaigns/{id}/resend {"status": ["failed"]}} → 202 with how many were queued again. */
  private void resend(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    resend.resend(id, statuses(ctx.body().asString()))
        .onSuccess(outcome -> Replies.json(ctx, 202, new JsonObject().put("campaignId", id)
            .put("queued", outcome.queued()).put("campaign", outcome.campaign().toJson())))
        .onFailure(ctx::fail);
  }

  private static List<String> statuses(String body) {
    JsonObject json;
    try {
      json = new JsonObject(body == null || body.isBlank() ? "{}" : body);
    } catch (RuntimeException e) {
      throw new ApiError(400, "invalid_json", "the body must be a JSON object", null);
    }
    for (String name : json.fieldNames()) {
      if (!"status".equals(name)) {
        throw ApiError.badField(name, "unknown_field", "unknown field '" + name + "'; allowed: [status]");
      }
    }
    if (!(json.getValue("status") instanceof JsonArray list) || list.isEmpty()
        || !list.stream().allMatch(Resend.STATUSES::contains)) {
      throw ApiError.badField("status", "invalid_field", "status must be a list of " + Resend.STATUSES);
    }
    return list.stream().map(String.class::cast).toList();
  }

  private void report(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    reports.of(id).onSuccess(found -> {
      if (found.isEmpty()) {
        ctx.fail(notFound(id));
      } else {
        Replies.json(ctx, 200, found.get());
      }
    }).onFailure(ctx::fail);
  }

  private void deliveries(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    int limit = Replies.intParam(ctx, "limit", 50, 1, 500);
    String after = ctx.queryParams().get("after");
    String status = status(ctx.queryParams().get("status"));
    reports.exists(id)
        .compose(found -> !found ? Future.failedFuture(notFound(id))
            : deliveries.page(id, status, limit, after))
        .onSuccess(page -> {
          JsonObject body = new JsonObject().put("campaignId", id).put("deliveries", new JsonArray(page.deliveries()));
          if (page.next() != null) {
            body.put("next", page.next());
          }
          Replies.json(ctx, 200, body);
        })
        .onFailure(ctx::fail);
  }

  private static String status(String raw) {
    if (raw == null) {
      return null;
    }
    String status = raw.toLowerCase(Locale.ROOT);
    if (!DeliveryList.RESULTS.contains(status) && !DeliveryList.STATUSES.contains(status)) {
      throw ApiError.badField("status", "invalid_field", "status must be one of "
          + new java.util.TreeSet<>(DeliveryList.RESULTS) + " or " + new java.util.TreeSet<>(DeliveryList.STATUSES));
    }
    return status;
  }

  private static ApiError notFound(String id) {
    return new ApiError(404, "campaign_not_found", "no campaign with id '" + id + "'", "id");
  }
}
