package io.mailroom.console.authoring;

import io.mailroom.audience.Recipient;
import io.mailroom.console.ConsoleApi;
import io.mailroom.console.ConsoleView;
import io.mailroom.console.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /console/suppressions}: a search by address (a prefix), a manual suppression added
 * (marketers and admins) and one removed (admins; the API refuses to remove a bounce, complaint or
 * unsubscribe, and the page says why).
 */
final class SuppressionPages {
  private static final String PAGE = "console/authoring/suppressions.peb";
  private final ConsoleView view;

  SuppressionPages(ConsoleView view) {
    this.view = view;
  }

  void mount(Router router) {
    router.get("/suppressions").handler(this::page);
    router.post("/suppressions/add").handler(this::add);
    router.post("/suppressions/remove").handler(this::remove);
  }

  private void page(RoutingContext rc) {
    show(rc, Pages.query(rc, "q"), Pages.query(rc, "after"), null, Map.of("added", Pages.query(rc, "added"),
        "removed", Pages.query(rc, "removed")), 200);
  }

  /** The page: the search's results (from {@code after}), with a refusal or a notice of what was done. */
  private void show(RoutingContext rc, String q, String after, Map<String, Object> error, Map<String, String> done,
                    int status) {
    String path = "/v1/suppressions?limit=50&q=" + Pages.encode(q.toLowerCase(java.util.Locale.ROOT))
        + (Recipient.address(after) == null ? "" : "&after=" + Pages.encode(after));
    view.api().call(view.user(rc), HttpMethod.GET, path, null).onSuccess(reply -> {
      Map<String, Object> model = Pages.model(view, rc);
      model.put("q", q);
      model.put("done", done);
      model.put("error", error);
      model.put("canRemove", view.user(rc).may(Role.ADMIN));
      if (reply.ok()) {
        model.put("suppressions", Pages.plain(reply.body().getJsonArray("suppressions", new JsonArray())));
        model.put("itemsRead", reply.body().getInteger("itemsRead", 0));
        String next = reply.body().getString("next");
        model.put("nextHref", next == null ? "" : "/console/suppressions?q=" + Pages.encode(q) + "&after="
            + Pages.encode(java.net.URLDecoder.decode(next.replaceAll(".*[?&]after=", ""), StandardCharsets.UTF_8)));
        view.render(rc, status, PAGE, model);
        return;
      }
      model.put("searchError", Pages.error(reply));
      // a search the API refused is answered with its refusal's status, the message on the page
      view.render(rc, status == 200 && reply.status() / 100 == 4 ? reply.status() : status, PAGE, model);
    }).onFailure(rc::fail);
  }

  private void add(RoutingContext rc) {
    if (!view.allow(rc, Role.MARKETER)) {
      return;
    }
    String email = Pages.form(rc, "email");
    JsonObject body = new JsonObject().put("reason", "manual");
    if (!Pages.form(rc, "note").isEmpty()) {
      body.put("note", Pages.form(rc, "note"));
    }
    call(rc, HttpMethod.PUT, email, body, "added");
  }

  private void remove(RoutingContext rc) {
    if (!view.allow(rc, Role.ADMIN)) {
      return;
    }
    call(rc, HttpMethod.DELETE, Pages.form(rc, "email"), null, "removed");
  }

  /** One change through the API; done: back to the page with a notice; refused: the page with why. */
  private void call(RoutingContext rc, HttpMethod method, String email, JsonObject body, String notice) {
    String q = Pages.form(rc, "q");
    if (email.isEmpty() || email.contains("/") || email.contains("?") || email.contains("#")) {
      show(rc, q, "", Pages.error("email", Pages.texts(view.lang(rc)).get("suppressions.badAddress")), Map.of(), 400);
      return;
    }
    view.api().call(view.user(rc), method, "/v1/suppressions/" + Pages.encode(email).replace("+", "%20"), body)
        .onSuccess(reply -> answer(rc, reply, q, email, notice)).onFailure(rc::fail);
  }

  private void answer(RoutingContext rc, ConsoleApi.ApiReply reply, String q, String email, String notice) {
    if (reply.ok()) {
      String address = reply.body().getString("address", Recipient.address(email) == null ? email : Recipient.address(email));
      Pages.redirect(rc, "/console/suppressions?q=" + Pages.encode(q) + "&" + notice + "=" + Pages.encode(address));
      return;
    }
    Map<String, Object> error = Pages.error(reply);
    if ("suppression_not_manual".equals(error.get("code"))) {
      Map<String, String> texts = Pages.texts(view.lang(rc));
      error.put("message", texts.get("suppressions.notManual").replace("{reason}",
          texts.getOrDefault("reason." + error.get("reason"), String.valueOf(error.get("reason")))));
    }
    show(rc, q, "", error, Map.of(), reply.status());
  }
}
