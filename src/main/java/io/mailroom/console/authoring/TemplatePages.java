package io.mailroom.console.authoring;

import io.mailroom.console.ConsoleUser;
import io.mailroom.console.ConsoleView;
import io.mailroom.console.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The template pages: the list, and the editor of a new or saved template (name, subject, HTML with
 * line numbers, optional text), which saves a new version through {@code PUT /v1/templates/{id}},
 * shows a refusal at its field, line and column, lists the versions (each can be opened), and beside
 * it a preview of the template as it is being edited in a sandboxed frame, redrawn as you type, and a
 * test send of the saved version.
 */
final class TemplatePages {
  private static final String EDITOR = "console/authoring/template-editor.peb";
  private final ConsoleView view;

  TemplatePages(ConsoleView view) {
    this.view = view;
  }

  void mount(Router router) {
    router.get("/templates").handler(this::list);
    router.get("/templates/new").handler(this::blank);
    router.get("/templates/:id").handler(this::editor);
    router.post("/templates/:id").handler(this::save);
    router.post("/templates/:id/preview").handler(this::preview);
    router.post("/templates/:id/test").handler(this::test);
  }

  private void list(RoutingContext rc) {
    ConsoleUser user = view.user(rc);
    view.api().call(user, HttpMethod.GET, "/v1/templates?limit=100", null).onSuccess(reply -> {
      if (!reply.ok()) {
        Pages.refused(view, rc, reply);
        return;
      }
      Map<String, Object> model = Pages.model(view, rc);
      model.put("templates", Pages.plain(reply.body().getJsonArray("templates", new JsonArray())));
      model.put("more", reply.body().getString("next") != null);
      view.render(rc, "console/authoring/templates.peb", model);
    }).onFailure(rc::fail);
  }

  private void blank(RoutingContext rc) {
    Map<String, Object> model = Pages.model(view, rc);
    model.put("isNew", true);
    model.put("tpl", Map.of("templateId", "", "name", "", "subject", "", "html", "", "text", ""));
    view.render(rc, EDITOR, model);
  }

  private void editor(RoutingContext rc) {
    String id = rc.pathParam("id");
    if (!Pages.TEMPLATE_ID.matcher(id).matches()) {
      view.error(rc, 404, "error.notFound");
      return;
    }
    String version = Pages.query(rc, "version");
    String path = "/v1/templates/" + id + (version.matches("[0-9]{1,9}") ? "?version=" + version : "");
    view.api().call(view.user(rc), HttpMethod.GET, path, null).onSuccess(reply -> {
      if (!reply.ok()) {
        Pages.refused(view, rc, reply);
        return;
      }
      Map<String, Object> model = Pages.model(view, rc);
      shown(model, reply.body());
      model.put("saved", Pages.query(rc, "saved"));
      view.render(rc, EDITOR, model);
    }).onFailure(rc::fail);
  }

  /** The template as the API gave it, with its versions and whether it is the newest. */
  private static void shown(Map<String, Object> model, JsonObject template) {
    JsonArray versions = template.getJsonArray("versions", new JsonArray());
    long newest = versions.stream().mapToLong(v -> ((JsonObject) v).getLong("version", 0L)).max().orElse(0);
    Map<String, Object> tpl = new HashMap<>(castMap(Pages.plain(template)));
    tpl.put("imageUrlsJson", template.getJsonArray("imageUrls", new JsonArray()).encode());
    tpl.putIfAbsent("text", "");
    model.put("tpl", tpl);
    model.put("versions", Pages.plain(versions));
    model.put("newest", newest);
    model.put("isOld", template.getLong("version", newest) < newest);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object map) {
    return (Map<String, Object>) map;
  }

  private void save(RoutingContext rc) {
    if (!view.allow(rc, Role.MARKETER)) {
      return;
    }
    boolean isNew = "new".equals(rc.pathParam("id"));
    String id = isNew ? Pages.form(rc, "templateId") : rc.pathParam("id");
    JsonObject body = draft(rc);
    if (!Pages.TEMPLATE_ID.matcher(id).matches()) {
      again(rc, isNew, id, body, Pages.error("templateId", Pages.texts(view.lang(rc)).get("template.idRule")), 400);
      return;
    }
    view.api().call(view.user(rc), HttpMethod.PUT, "/v1/templates/" + id, body).onSuccess(reply -> {
      if (reply.ok()) {
        Pages.redirect(rc, "/console/templates/" + id + "?saved=" + reply.body().getLong("version", 0L));
      } else {
        again(rc, isNew, id, body, Pages.error(reply), reply.status());
      }
    }).onFailure(rc::fail);
  }

  /** The editor's fields as the API takes them; what the editor does not show (images, from, topic) is kept. */
  private static JsonObject draft(RoutingContext rc) {
    JsonObject body = new JsonObject().put("name", Pages.form(rc, "name")).put("subject", Pages.form(rc, "subject"))
        .put("html", Pages.formRaw(rc, "html"));
    String text = Pages.formRaw(rc, "text");
    if (!text.isBlank()) {
      body.put("text", text);
    }
    try {
      JsonArray images = new JsonArray(Pages.form(rc, "imageUrls").isEmpty() ? "[]" : Pages.form(rc, "imageUrls"));
      if (!images.isEmpty()) {
        body.put("imageUrls", images);
      }
    } catch (DecodeException | ClassCastException e) {
      body.put("imageUrls", Pages.form(rc, "imageUrls"));
    }
    for (String kept : List.of("fromAddress", "topic")) {
      if (!Pages.form(rc, kept).isEmpty()) {
        body.put(kept, Pages.form(rc, kept));
      }
    }
    return body;
  }

  /** The editor again, as the user left it, with the refusal beside its field. */
  private void again(RoutingContext rc, boolean isNew, String id, JsonObject body, Map<String, Object> error,
                     int status) {
    Map<String, Object> model = Pages.model(view, rc);
    Map<String, Object> tpl = new HashMap<>(castMap(Pages.plain(body)));
    tpl.put("templateId", id);
    tpl.putIfAbsent("text", "");
    tpl.put("imageUrlsJson", Pages.form(rc, "imageUrls"));
    model.put("tpl", tpl);
    model.put("isNew", isNew);
    model.put("error", error);
    view.render(rc, status >= 400 && status < 500 ? status : 502, EDITOR, model);
  }

  /**
   * {@code POST /console/templates/{id}/preview} (htmx): the editor's fields as they are now (the
   * draft), else the saved version, for the sample fields.
   */
  private void preview(RoutingContext rc) {
    String id = "new".equals(rc.pathParam("id")) ? "draft" : rc.pathParam("id");
    if (!view.allow(rc, Role.MARKETER) || !checkedId(rc, id)) {
      return;
    }
    JsonObject sample = new JsonObject().put("Name", Pages.form(rc, "sampleName"));
    if (!Pages.form(rc, "sampleGender").isEmpty()) {
      sample.put("Gender", Pages.form(rc, "sampleGender"));
    }
    JsonObject body = new JsonObject().put("sample", sample);
    if (!Pages.formRaw(rc, "html").isBlank()) {
      JsonObject draft = new JsonObject().put("subject", Pages.form(rc, "subject")).put("html", Pages.formRaw(rc, "html"));
      if (!Pages.formRaw(rc, "text").isBlank()) {
        draft.put("text", Pages.formRaw(rc, "text"));
      }
      body.put("draft", draft);
    }
    Previews.render(view, rc, "/v1/templates/" + id + "/preview", body);
  }

  /** {@code POST /console/templates/{id}/test} (htmx): a test send of the saved version. */
  private void test(RoutingContext rc) {
    String id = rc.pathParam("id");
    if (!view.allow(rc, Role.MARKETER) || !checkedId(rc, id)) {
      return;
    }
    Previews.testSend(view, rc, id, Pages.form(rc, "to"), null);
  }

  private boolean checkedId(RoutingContext rc, String id) {
    if (Pages.TEMPLATE_ID.matcher(id).matches()) {
      return true;
    }
    view.error(rc, 404, "error.notFound");
    return false;
  }
}
