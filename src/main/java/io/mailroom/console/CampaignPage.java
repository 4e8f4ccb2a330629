package io.mailroom.console;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /console/campaigns/{id}}: one campaign's live progress (its part of the page refreshed
 * every second by htmx from {@code /console/campaigns/{id}/live} while the campaign can still
 * change), its failures with their reasons, its results once recorded, and the buttons to pause,
 * resume, cancel and re-send to the failed ones, each a POST to the API's own route.
 */
final class CampaignPage {
  private static final Set<String> ACTIONS = Set.of("pause", "resume", "cancel", "resend");
  private static final Set<String> FINISHED = Set.of("completed", "cancelled", "failed");

  private final ConsoleView view;

  CampaignPage(ConsoleView view) {
    this.view = view;
  }

  void mount(Router router) {
    router.get("/campaigns/:id").handler(rc -> show(rc, false));
    router.get("/campaigns/:id/live").handler(rc -> show(rc, true));
    router.post("/campaigns/:id/:action").handler(this::act);
  }

  private void show(RoutingContext rc, boolean fragment) {
    String id = rc.pathParam("id");
    if ("new".equals(id) || !id.matches("[A-Za-z0-9_-]{1,64}")) {
      rc.next();
      return;
    }
    model(rc, id).onSuccess(model -> {
      if (model == null) {
        view.error(rc, 404, "campaign.notFound");
      } else if (fragment) {
        view.renderFragment(rc, "console/campaign-live.peb", model);
      } else {
        view.render(rc, "console/campaign.peb", model);
      }
    }).onFailure(rc::fail);
  }

  /** The campaign, its failures and (once it finished) its results; null when there is no such campaign. */
  private Future<Map<String, Object>> model(RoutingContext rc, String id) {
    ConsoleUser user = view.user(rc);
    return view.api().call(user, HttpMethod.GET, "/v1/campaigns/" + id, null).compose(campaign -> {
      if (campaign.status() == 404) {
        return Future.succeededFuture(null);
      }
      if (!campaign.ok()) {
        return Future.failedFuture("GET /v1/campaigns/{id} answered " + campaign.status());
      }
      Map<String, Object> model = new HashMap<>();
      Map<String, Object> row = CampaignPages.progress(campaign.body());
      model.put("c", row);
      model.put("live", !FINISHED.contains(String.valueOf(row.get("status"))));
      model.put("actions", actions(String.valueOf(row.get("status")), (long) row.get("failed")));
      Future<Void> failures = view.api().call(user, HttpMethod.GET, "/v1/campaigns/" + id + "/failures?limit=50", null)
          .map(reply -> {
            model.put("failures", reply.ok() ? CampaignPages.plain(reply.body().getJsonArray("failures", new JsonArray()))
                : List.of());
            model.put("moreFailures", reply.ok() && reply.body().getString("next") != null);
            return null;
          });
      Future<Void> report = Boolean.TRUE.equals(model.get("live")) ? Future.succeededFuture()
          : view.api().call(user, HttpMethod.GET, "/v1/campaigns/" + id + "/report", null).map(reply -> {
            if (reply.ok()) {
              model.put("results", results(reply.body()));
            }
            return null;
          });
      return Future.all(failures, report).map(model);
    });
  }

  /** The report's rows: each measure, its count and its share of the emails sent. */
  static List<Map<String, Object>> results(JsonObject report) {
    JsonObject counts = report.getJsonObject("counts", new JsonObject());
    JsonObject rates = report.getJsonObject("rates", new JsonObject());
    Map<String, Long> measures = new java.util.LinkedHashMap<>();
    measures.put("delivered", counts.getLong("delivered", 0L));
    measures.put("bounced", counts.getLong("bouncedHard", 0L) + counts.getLong("bouncedSoft", 0L));
    measures.put("hardBounced", counts.getLong("bouncedHard", 0L));
    measures.put("complained", counts.getLong("complained", 0L));
    measures.put("uniqueOpens", counts.getLong("opened", 0L));
    measures.put("uniqueClicks", counts.getLong("clicked", 0L));
    return measures.entrySet().stream().map(m -> Map.<String, Object>of("key", m.getKey(), "count", m.getValue(),
        "percent", String.format(java.util.Locale.ROOT, "%.2f", rates.getDouble(m.getKey(), 0.0) * 100))).toList();
  }

  /** Each button and whether it makes sense in this state. */
  static List<Map<String, Object>> actions(String status, long failed) {
    return List.of(
        Map.of("name", "pause", "enabled", Set.of("queued", "running", "quota_exhausted").contains(status)),
        Map.of("name", "resume", "enabled", "paused".equals(status)),
        Map.of("name", "cancel", "enabled", Set.of("scheduled", "queued", "running", "paused", "quota_exhausted")
            .contains(status)),
        Map.of("name", "resend", "enabled", FINISHED.contains(status) && failed > 0));
  }

  /** {@code POST /console/campaigns/{id}/{action}}: the API's own route; its refusal is shown on the page. */
  private void act(RoutingContext rc) {
    String id = rc.pathParam("id");
    String action = rc.pathParam("action");
    if (!ACTIONS.contains(action) || !id.matches("[A-Za-z0-9_-]{1,64}")) {
      rc.next();
      return;
    }
    if (!view.allow(rc, Role.MARKETER)) {
      return;
    }
    JsonObject body = "resend".equals(action) ? new JsonObject().put("status", new JsonArray().add("failed"))
        : new JsonObject();
    view.api().call(view.user(rc), HttpMethod.POST, "/v1/campaigns/" + id + "/" + action, body).onSuccess(reply -> {
      if (reply.ok() && rc.request().getHeader("HX-Request") == null) {
        ConsoleRoutes.redirect(rc, "/console/campaigns/" + id + "?done=" + action);
        return;
      }
      model(rc, id).onSuccess(model -> {
        if (model == null) {
          view.error(rc, 404, "campaign.notFound");
          return;
        }
        if (!reply.ok()) {
          model.put("apiError", reply.error().getString("message", "HTTP " + reply.status()));
        }
        view.render(rc, reply.ok() ? 200 : reply.status(), "console/campaign.peb", model);
      }).onFailure(rc::fail);
    }).onFailure(rc::fail);
  }
}
