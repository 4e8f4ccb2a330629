package io.mailroom.audience;

import io.mailroom.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an audience filter from its JSON and refuses, with 400 {@code invalid_audience} naming the
 * field path ({@code audience.all[1].attribute}), anything the grammar does not allow: an unknown
 * attribute or operator, two operators in one node, a value of the wrong type, an empty or too
 * long list, a time without an offset, nesting deeper than {@value #MAX_DEPTH} or more than
 * {@value #MAX_NODES} nodes. One parser reads one filter.
 */
final class AudienceParser {
  static final String CODE = "invalid_audience";
  static final int MAX_DEPTH = 8;
  static final int MAX_NODES = 200;
  static final int MAX_MEMBERS = 50;
  static final int MAX_VALUES = 100;
  private static final Set<String> COMBINATIONS = Set.of("all", "any", "not");
  private static final Set<String> OPERATORS = Set.of("equals", "in", "before", "after", "exists");

  private final AudienceAttributes attributes;
  private int nodes;

  AudienceParser(AudienceAttributes attributes) {
    this.attributes = attributes;
  }

  AudienceNode node(Object json, String path, int depth) {
    if (!(json instanceof JsonObject || json instanceof Map)) {
      throw refuse(path, "each audience node must be a JSON object");
    }
    JsonObject node = json instanceof JsonObject object ? object : new JsonObject(cast(json));
    if (depth > MAX_DEPTH) {
      throw refuse(path, "an audience may nest at most " + MAX_DEPTH + " levels deep");
    }
    if (++nodes > MAX_NODES) {
      throw refuse(path, "an audience may hold at most " + MAX_NODES + " nodes");
    }
    String operator = operator(node, path);
    switch (operator) {
      case "all":
        return new AudienceNode.All(members(node.getValue("all"), path + ".all", depth));
      case "any":
        return new AudienceNode.Any(members(node.getValue("any"), path + ".any", depth));
      case "not":
        return new AudienceNode.Not(node(node.getValue("not"), path + ".not", depth + 1));
      default:
        return test(node, operator, path);
    }
  }

  /** The node's one operator; refuses unknown keys and a node with none or with two. */
  private static String operator(JsonObject node, String path) {
    boolean test = node.containsKey("attribute");
    List<String> found = new ArrayList<>();
    for (String key : node.fieldNames()) {
      if (key.equals("attribute")) {
        continue;
      }
      if (!(test ? OPERATORS : COMBINATIONS).contains(key)) {
        boolean misplaced = OPERATORS.contains(key) || COMBINATIONS.contains(key);
        throw refuse(path + "." + key, misplaced
            ? "'" + key + "' cannot be combined with " + (test ? "'attribute'" : "all, any or not") + " in one node"
            : "unknown operator '" + key + "'; a node is all, any, not, or an attribute with one of " + OPERATORS);
      }
      found.add(key);
    }
    if (found.size() > 1) {
      throw refuse(path, "one node holds one operator, not " + found.size() + ": " + found);
    }
    if (found.isEmpty()) {
      throw refuse(path, test ? "the attribute needs one operator of " + OPERATORS
          : "a node is {\"all\": [...]}, {\"any\": [...]}, {\"not\": {...}} or {\"attribute\": ..., <operator>: ...}");
    }
    return found.get(0);
  }

  private List<AudienceNode> members(Object value, String path, int depth) {
    if (!(value instanceof JsonArray || value instanceof List)) {
      throw refuse(path, "must be a list of 1 to " + MAX_MEMBERS + " audience nodes");
    }
    JsonArray list = value instanceof JsonArray array ? array : new JsonArray((List<?>) value);
    if (list.isEmpty() || list.size() > MAX_MEMBERS) {
      throw refuse(path, "must hold 1 to " + MAX_MEMBERS + " audience nodes, not " + list.size());
    }
    List<AudienceNode> members = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      members.add(node(list.getValue(i), path + "[" + i + "]", depth + 1));
    }
    return List.copyOf(members);
  }

  private AudienceNode test(JsonObject node, String operator, String path) {
    Object name = node.getValue("attribute");
    if (!(name instanceof String attribute)) {
      throw refuse(path + ".attribute", "attribute must be the name of a customer attribute");
    }
    AudienceAttributes.Kind kind = attributes.kind(attribute).orElseThrow(() -> refuse(path + ".attribute",
        "unknown attribute '" + attribute + "'; known: " + attributes.names()));
    Object value = node.getValue(operator);
    String at = path + "." + operator;
    switch (operator) {
      case "exists":
        if (!(value instanceof Boolean present)) {
          throw refuse(at, "exists takes true or false");
        }
        return new AudienceNode.Exists(attribute, present);
      case "before":
      case "after":
        return new AudienceNode.Time(attribute, timeKind(attribute, kind, at), instant(value, at), operator.equals("after"));
      case "equals":
        return new AudienceNode.OneOf(attribute, kind, List.of(value(attribute, kind, value, at)), true);
      default:
        return new AudienceNode.OneOf(attribute, kind, values(attribute, kind, value, at), false);
    }
  }

  private static AudienceAttributes.Kind timeKind(String attribute, AudienceAttributes.Kind kind, String at) {
    if (kind == AudienceAttributes.Kind.STRING || kind == AudienceAttributes.Kind.NUMBER) {
      throw refuse(at, attribute + " is not a time; it takes equals, in or exists");
    }
    return kind;
  }

  private static List<Object> values(String attribute, AudienceAttributes.Kind kind, Object value, String at) {
    if (!(value instanceof JsonArray || value instanceof List)) {
      throw refuse(at, "in takes a list of 1 to " + MAX_VALUES + " values");
    }
    JsonArray list = value instanceof JsonArray array ? array : new JsonArray((List<?>) value);
    if (list.isEmpty() || list.size() > MAX_VALUES) {
      throw refuse(at, "in takes 1 to " + MAX_VALUES + " values, not " + list.size());
    }
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      values.add(value(attribute, kind, list.getValue(i), at + "[" + i + "]"));
    }
    return List.copyOf(values);
  }

  /** One value of equals or in, checked against the attribute's kind ({@code Email} lower-cased). */
  private static Object value(String attribute, AudienceAttributes.Kind kind, Object value, String at) {
    switch (kind) {
      case STRING:
        if (!(value instanceof String text)) {
          throw refuse(at, attribute + " is a string; compare it with a string");
        }
        return attribute.equals("Email") ? StoredValues.lowerCase(text) : text;
      case NUMBER:
        if (!(value instanceof Number)) {
          throw refuse(at, attribute + " is a number; compare it with a number");
        }
        return value;
      case MAPPED:
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
          throw refuse(at, "compare " + attribute + " with a string, a number or a boolean");
        }
        return value;
      default:
        throw refuse(at, attribute + " is a time; it takes before, after or exists");
    }
  }

  private static Instant instant(Object value, String at) {
    if (value instanceof String text) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        // refused below
      }
    }
    throw refuse(at, "must be an ISO-8601 time with an offset or Z, such as 2023-11-20T00:00:00Z");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object json) {
    return (Map<String, Object>) json;
  }

  static ApiError refuse(String path, String message) {
    return ApiError.badField(path, CODE, message);
  }
}
