package io.mailroom.console.authoring;

import io.mailroom.console.ConsoleView;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Arrays;
import java.util.Map;

/**
 * The two htmx pieces the editor and the campaign wizard share: a preview (the API's rendered
 * email, shown in a frame with {@code sandbox} and no scripts) and a test send's outcome. A refusal
 * is answered as a piece too (status 200, so that htmx shows it), naming its field.
 */
final class Previews {
  private Previews() {
  }

  /** The preview from {@code apiPath} with {@code body}, as {@code preview.peb}. */
  static void render(ConsoleView view, RoutingContext rc, String apiPath, JsonObject body) {
    view.api().call(view.user(rc), HttpMethod.POST, apiPath, body).onSuccess(reply -> {
      Map<String, Object> model = Pages.model(view, rc);
      if (reply.ok()) {
        model.put("email", Pages.plain(reply.body()));
      } else {
        model.put("error", Pages.error(reply));
      }
      view.renderFragment(rc, "console/authoring/preview.peb", model);
    }).onFailure(rc::fail);
  }

  /** A test send of {@code templateId} to the addresses in {@code to} (comma- or space-separated). */
  static void testSend(ConsoleView view, RoutingContext rc, String templateId, String to, String subject) {
    JsonArray addresses = new JsonArray();
    Arrays.stream(to.split("[,;\\s]+")).filter(a -> !a.isBlank()).forEach(addresses::add);
    Map<String, Object> model = Pages.model(view, rc);
    if (addresses.isEmpty()) {
      model.put("error", Pages.error("to", Pages.texts(view.lang(rc)).get("test.needAddress")));
      view.renderFragment(rc, "console/authoring/test-result.peb", model);
      return;
    }
    JsonObject body = new JsonObject().put("to", addresses);
    if (subject != null && !subject.isBlank()) {
      body.put("subject", subject);
    }
    view.api().call(view.user(rc), HttpMethod.POST, "/v1/templates/" + templateId + "/test", body).onSuccess(reply -> {
      if (reply.ok()) {
        model.put("messages", Pages.plain(reply.body().getJsonArray("messages", new JsonArray())));
        model.put("unsent", Pages.plain(reply.body().getJsonArray("unsent", new JsonArray())));
      } else {
        model.put("error", Pages.error(reply));
      }
      view.renderFragment(rc, "console/authoring/test-result.peb", model);
    }).onFailure(rc::fail);
  }
}
