package io.mailroom.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /console/campaigns}: the list of campaigns with their live status and progress, its
 * rows refreshed every second by htmx from {@code /console/campaigns/rows}.
 */
final class CampaignPages {
  private final ConsoleView view;

  CampaignPages(ConsoleView view) {
    this.view = view;
  }

  void mount(Router router) {
    router.get("/campaigns").handler(rc -> list(rc, "console/campaigns.peb", true));
    router.get("/campaigns/rows").handler(rc -> list(rc, "console/campaigns-rows.peb", false));
  }

  private void list(RoutingContext rc, String template, boolean page) {
    view.api().call(view.user(rc), HttpMethod.GET, "/v1/campaigns?limit=50", null).onSuccess(reply -> {
      Map<String, Object> model = new HashMap<>();
      model.put("campaigns", reply.ok() ? rows(reply.body().getJsonArray("campaigns", new JsonArray())) : List.of());
      if (!reply.ok()) {
        model.put("apiError", reply.error().getString("message", "HTTP " + reply.status()));
      }
      if (page) {
        view.render(rc, template, model);
      } else {
        view.renderFragment(rc, template, model);
      }
    }).onFailure(rc::fail);
  }

  /** The JSON as plain maps and lists, as the templates read them. */
  static Map<String, Object> plain(JsonObject json) {
    Map<String, Object> map = new HashMap<>();
    json.forEach(entry -> map.put(entry.getKey(), plainValue(entry.getValue())));
    return map;
  }

  static List<Object> plain(JsonArray json) {
    return json.stream().map(CampaignPages::plainValue).toList();
  }

  private static Object plainValue(Object value) {
    if (value instanceof JsonObject object) {
      return plain(object);
    }
    if (value instanceof JsonArray array) {
      return plain(array);
    }
    return value;
  }

  static List<Map<String, Object>> rows(JsonArray campaigns) {
    return campaigns.stream().map(c -> progress((JsonObject) c)).toList();
  }

  /**
   * A campaign as a page shows it: its fields, its counts, {@code total} (the customers its audience
   * held: queued plus skipped) and {@code percent}, the share of the queued emails that are settled
   * (sent, failed, cancelled or suppressed at send time), 0 to 100.
   */
  static Map<String, Object> progress(JsonObject campaign) {
    Map<String, Object> row = plain(campaign);
    JsonObject counts = campaign.getJsonObject("counts", new JsonObject());
    long queued = counts.getLong("queued", 0L);
    long settled = counts.getLong("sent", 0L) + counts.getLong("failed", 0L) + counts.getLong("cancelled", 0L)
        + counts.getLong("suppressed", 0L);
    for (String count : List.of("queued", "sent", "failed", "skipped", "cancelled", "suppressed")) {
      row.put(count, counts.getLong(count, 0L));
    }
    row.put("total", queued + counts.getLong("skipped", 0L));
    boolean finished = !"running".equals(campaign.getString("status")) && !"queued".equals(campaign.getString("status"));
    row.put("percent", queued <= 0 ? (finished ? 100 : 0) : Math.min(100, settled * 100 / queued));
    return row;
  }
}
