package io.mailroom.console.authoring;

import io.mailroom.console.ConsoleApi;
import io.mailroom.console.ConsoleView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.regex.Pattern;

/**
 * What the authoring pages share: their texts in the page's language, form fields, the API's
 * refusals turned into a message beside the field they name, and JSON made plain for Pebble.
 */
final class Pages {
  /** A template id as the API takes it. */
  static final Pattern TEMPLATE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final String BUNDLE = "console/authoring";

  private Pages() {
  }

  /** A page model with {@code t}: this section's texts in the request's language. */
  static Map<String, Object> model(ConsoleView view, RoutingContext rc) {
    Map<String, Object> model = new HashMap<>();
    model.put("t", texts(view.lang(rc)));
    return model;
  }

  static Map<String, String> texts(String lang) {
    ResourceBundle bundle = ResourceBundle.getBundle(BUNDLE, Locale.forLanguageTag(lang),
        ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    Map<String, String> texts = new HashMap<>();
    bundle.keySet().forEach(key -> texts.put(key, bundle.getString(key)));
    return texts;
  }

  /** A form field, trimmed; empty when absent. */
  static String form(RoutingContext rc, String name) {
    String value = rc.request().getFormAttribute(name);
    return value == null ? "" : value.strip();
  }

  /** A form field as typed (a template's source keeps its spaces); empty when absent. */
  static String formRaw(RoutingContext rc, String name) {
    String value = rc.request().getFormAttribute(name);
    return value == null ? "" : value.replace("\r\n", "\n");
  }

  /** A query parameter, trimmed; empty when absent. */
  static String query(RoutingContext rc, String name) {
    String value = rc.queryParams().get(name);
    return value == null ? "" : value.strip();
  }

  /** The API's refusal as the page shows it: code, message, field, and line and column where given. */
  static Map<String, Object> error(ConsoleApi.ApiReply reply) {
    JsonObject error = reply.error();
    Map<String, Object> shown = new LinkedHashMap<>();
    shown.put("status", reply.status());
    shown.put("code", error.getString("code", "error"));
    shown.put("message", error.getString("message", "HTTP " + reply.status()));
    shown.put("field", error.getString("field", ""));
    shown.put("line", error.getValue("line"));
    shown.put("column", error.getValue("column"));
    shown.put("reason", error.getString("reason", ""));
    return shown;
  }

  /** An error of the page itself (not the API's), beside {@code field}. */
  static Map<String, Object> error(String field, String message) {
    Map<String, Object> shown = new LinkedHashMap<>();
    shown.put("status", 400);
    shown.put("code", "invalid_field");
    shown.put("message", message);
    shown.put("field", field);
    return shown;
  }

  /** JSON as maps and lists all the way down, for Pebble. */
  static Object plain(Object json) {
    if (json instanceof JsonObject object) {
      Map<String, Object> map = new LinkedHashMap<>();
      object.forEach(entry -> map.put(entry.getKey(), plain(entry.getValue())));
      return map;
    }
    if (json instanceof JsonArray array) {
      List<Object> list = new ArrayList<>();
      array.forEach(item -> list.add(plain(item)));
      return list;
    }
    if (json instanceof Map<?, ?> map) {
      return plain(new JsonObject(new LinkedHashMap<>(castMap(map))));
    }
    if (json instanceof List<?> list) {
      return plain(new JsonArray(new ArrayList<>(list)));
    }
    return json;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A 303 to {@code location} (after a form's POST). */
  static void redirect(RoutingContext rc, String location) {
    rc.response().setStatusCode(303).putHeader("Location", location).end();
  }

  /** A page the API would not give: its status, with the API's message. */
  static void refused(ConsoleView view, RoutingContext rc, ConsoleApi.ApiReply reply) {
    Map<String, Object> model = model(view, rc);
    model.put("error", error(reply));
    view.render(rc, reply.status() >= 400 && reply.status() < 600 ? reply.status() : 502,
        "console/authoring/refused.peb", model);
  }
}
