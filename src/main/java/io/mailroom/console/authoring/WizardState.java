package io.mailroom.console.authoring;

import io.mailroom.console.auth.Secrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the new-campaign wizard has been told so far, carried from step to step in the page's own
 * fields (the query of each step's form, hidden fields of the others), never on the server: the
 * template, up to {@value #ROWS} audience conditions, the topic, the subject override, and when to
 * send (now, or a local time in a time zone). Its {@code key}, with a digest of the campaign the
 * fields make, is the campaign's idempotency key: a second click on "create" makes no second
 * campaign, while a create after a field was changed (going back from a created campaign, say)
 * makes the campaign the fields now describe instead of answering with the earlier one.
 */
final class WizardState {
  static final int ROWS = 3;
  static final int STEPS = 6;
  private static final List<String> FIELDS = fields();
  private static final Map<Integer, Set<String>> STEP_FIELDS = Map.of(
      1, Set.of("templateId"),
      2, Set.of("match", "attr0", "op0", "val0", "attr1", "op1", "val1", "attr2", "op2", "val2", "topic"),
      3, Set.of("subject"),
      4, Set.of("previewEmail"),
      5, Set.of("testTo"),
      6, Set.of("when", "sendAtLocal", "zone"));
  private static final Pattern ROW_PATH = Pattern.compile("audience\\.(?:all|any)\\[(\\d+)].*");
  private static final Pattern KEY = Pattern.compile("w-[0-9a-f-]{36}");

  private final Map<String, String> values;

  private WizardState(Map<String, String> values) {
    this.values = values;
  }

  private static List<String> fields() {
    List<String> fields = new ArrayList<>(List.of("key", "templateId", "match", "topic", "subject", "previewEmail",
        "testTo", "when", "sendAtLocal", "zone"));
    for (int i = 0; i < ROWS; i++) {
      fields.addAll(List.of("attr" + i, "op" + i, "val" + i));
    }
    return List.copyOf(fields);
  }

  /** The audience the fields {@code values} (as a form gives them) make; for tests of the rows. */
  static JsonObject audienceOf(Map<String, String> values) {
    Map<String, String> all = new LinkedHashMap<>();
    FIELDS.forEach(field -> all.put(field, values.getOrDefault(field, "")));
    return new WizardState(all).audience();
  }

  /** The campaign the fields {@code values} (as a form gives them) make; for tests of the idempotency key. */
  static JsonObject campaignOf(Map<String, String> values) {
    Map<String, String> all = new LinkedHashMap<>();
    FIELDS.forEach(field -> all.put(field, values.getOrDefault(field, "")));
    return new WizardState(all).campaign();
  }

  /** The state in a GET's query or a POST's form, with a new idempotency key when it has none. */
  static WizardState of(RoutingContext rc, boolean form) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String field : FIELDS) {
      String value = form ? rc.request().getFormAttribute(field) : rc.queryParams().get(field);
      values.put(field, value == null ? "" : value.strip());
    }
    if (!KEY.matcher(values.get("key")).matches()) {
      values.put("key", "w-" + UUID.randomUUID());
    }
    if (!"any".equals(values.get("match"))) {
      values.put("match", "all");
    }
    return new WizardState(values);
  }

  String get(String field) {
    return values.getOrDefault(field, "");
  }

  /** Every value, for the page. */
  Map<String, String> values() {
    return values;
  }

  /** The fields the page of {@code step} does not show, to be carried as hidden inputs. */
  List<Map<String, String>> hidden(int step) {
    Set<String> shown = STEP_FIELDS.getOrDefault(step, Set.of());
    return values.entrySet().stream().filter(e -> !shown.contains(e.getKey()) && !e.getValue().isEmpty())
        .map(e -> Map.of("name", e.getKey(), "value", e.getValue())).toList();
  }

  /** The state as a query string, for the links back to earlier steps. */
  String query() {
    StringBuilder query = new StringBuilder();
    values.forEach((name, value) -> {
      if (!value.isEmpty()) {
        query.append(query.length() == 0 ? "" : "&").append(name).append('=').append(Pages.encode(value));
      }
    });
    return query.toString();
  }

  /** The audience rows, for the page: each with its attribute, operator and value. */
  List<Map<String, Object>> rows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(Map.of("i", i, "attr", get("attr" + i), "op", get("op" + i), "val", get("val" + i)));
    }
    return rows;
  }

  /** The audience filter the rows make (null: everyone who consents). */
  JsonObject audience() {
    List<JsonObject> tests = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      if (!get("attr" + i).isEmpty()) {
        tests.add(test(get("attr" + i), get("op" + i).isEmpty() ? "equals" : get("op" + i), get("val" + i)));
      }
    }
    if (tests.isEmpty()) {
      return null;
    }
    return tests.size() == 1 ? tests.get(0)
        : new JsonObject().put("any".equals(get("match")) ? "any" : "all", new JsonArray(new ArrayList<>(tests)));
  }

  private static JsonObject test(String attribute, String op, String value) {
    JsonObject test = new JsonObject().put("attribute", attribute);
    return switch (op) {
      case "in" -> test.put("in", new JsonArray(Arrays.stream(value.split(",")).map(String::strip)
          .filter(v -> !v.isEmpty()).map(v -> (Object) v).toList()));
      case "exists" -> test.put("exists", !"false".equalsIgnoreCase(value));
      default -> test.put(op, value);
    };
  }

  /** The audience row an API error's field names ({@code audience.all[1].in} → 1), or 0. */
  static int row(String field) {
    Matcher m = ROW_PATH.matcher(field == null ? "" : field);
    return m.matches() ? Math.min(Integer.parseInt(m.group(1)), ROWS - 1) : 0;
  }

  /** The body of {@code POST /v1/audiences/estimate}. */
  JsonObject estimate() {
    JsonObject body = new JsonObject();
    if (audience() != null) {
      body.put("audience", audience());
    }
    return get("topic").isEmpty() ? body : body.put("topic", get("topic"));
  }

  /**
   * The body of {@code POST /v1/campaigns}; {@code sendAt} is the local time in its zone with that
   * zone's offset then. Throws {@link DateTimeException} for a time or zone that cannot be read.
   */
  JsonObject campaign() {
    JsonObject body = new JsonObject().put("templateId", get("templateId"));
    if (audience() != null) {
      body.put("audience", audience());
    }
    for (String optional : List.of("topic", "subject")) {
      if (!get(optional).isEmpty()) {
        body.put(optional, get(optional));
      }
    }
    if ("later".equals(get("when"))) {
      body.put("sendAt", sendAt(get("sendAtLocal"), get("zone")));
    }
    // the first 64 bits of the SHA-256 of the campaign the fields make
    return body.put("idempotencyKey", get("key") + "-" + Secrets.hash(body.encode()).substring(0, 16));
  }

  /** {@code 2026-12-24T10:00} in {@code Asia/Seoul} → {@code 2026-12-24T10:00:00+09:00}. */
  static String sendAt(String local, String zone) {
    LocalDateTime time = LocalDateTime.parse(local);
    return time.atZone(ZoneId.of(zone.isEmpty() ? "UTC" : zone)).toOffsetDateTime().truncatedTo(ChronoUnit.SECONDS)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  /** The wizard's step that shows {@code field} of an API refusal. */
  static int stepOf(String field) {
    String name = field == null ? "" : field;
    if (name.startsWith("audience") || name.equals("topic")) {
      return 2;
    }
    return switch (name) {
      case "templateId", "id" -> 1;
      case "subject", "html", "text" -> 3;
      case "sendAt" -> 6;
      default -> 6;
    };
  }
}
