package io.mailroom.api;

import io.mailroom.http.ApiError;
import io.mailroom.http.PathParams;
import io.mailroom.results.CampaignReport;
import io.mailroom.results.DeliveryList;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * A campaign's results: {@code GET /v1/campaigns/{id}/report} (counts and rates of what SES
 * reported) and {@code GET /v1/campaigns/{id}/deliveries?status=…} (its deliveries, paged).
 */
public final class ResultRoutes {
  private final CampaignReport reports;
  private final DeliveryList deliveries;

  public ResultRoutes(CampaignReport reports, DeliveryList deliveries) {
    this.reports = reports;
    this.deliveries = deliveries;
  }

  void mount(Router router, RouteGuard guard) {
    router.get("/v1/campaigns/:id/report").handler(PathParams::check).handler(guard::authenticate).handler(this::report);
    router.get("/v1/campaigns/:id/deliveries").handler(PathParams::check).handler(guard::authenticate)
        .handler(this::deliveries);
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
