package io.mailroom.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** {@code /console/audit} (admins): who changed what, newest first, from {@code GET /v1/audit}, a page at a time. */
final class AuditPage {
  private static final int PAGE = 50;

  private final ConsoleView view;

  AuditPage(ConsoleView view) {
    this.view = view;
  }

  void mount(Router router) {
    router.get("/audit").handler(this::show);
  }

  private void show(RoutingContext rc) {
    if (!view.allow(rc, Role.ADMIN)) {
      return;
    }
    String after = rc.queryParams().get("after");
    String query = "/v1/audit?limit=" + PAGE
        + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
    view.api().call(view.user(rc), HttpMethod.GET, query, null).onSuccess(reply -> {
      Map<String, Object> model = new HashMap<>();
      model.put("entries", reply.ok() ? CampaignPages.plain(reply.body().getJsonArray("entries", new JsonArray()))
          : java.util.List.of());
      if (reply.ok() && reply.body().getString("next") != null) {
        model.put("next", URLEncoder.encode(reply.body().getString("next"), StandardCharsets.UTF_8));
      }
      if (!reply.ok()) {
        model.put("apiError", reply.error().getString("message", "HTTP " + reply.status()));
      }
      view.render(rc, reply.ok() ? 200 : reply.status(), "console/audit.peb", model);
    }).onFailure(rc::fail);
  }
}
