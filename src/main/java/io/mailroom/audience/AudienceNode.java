package io.mailroom.audience;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One node of a parsed audience filter: a combination ({@code all}, {@code any}, {@code not}) or a
 * test of one attribute. Each node tests a Users item and writes itself back as canonical JSON.
 */
sealed interface AudienceNode {

  boolean matches(Map<String, AttributeValue> item);

  JsonObject toJson();

  /** Every member matches. */
  record All(List<AudienceNode> members) implements AudienceNode {
    public boolean matches(Map<String, AttributeValue> item) {
      return members.stream().allMatch(member -> member.matches(item));
    }

    public JsonObject toJson() {
      return new JsonObject().put("all", new JsonArray(members.stream().map(AudienceNode::toJson).toList()));
    }
  }

  /** At least one member matches. */
  record Any(List<AudienceNode> members) implements AudienceNode {
    public boolean matches(Map<String, AttributeValue> item) {
      return members.stream().anyMatch(member -> member.matches(item));
    }

    public JsonObject toJson() {
      return new JsonObject().put("any", new JsonArray(members.stream().map(AudienceNode::toJson).toList()));
    }
  }

  /** The member does not match (a customer without the attribute matches {@code not equals}). */
  record Not(AudienceNode member) implements AudienceNode {
    public boolean matches(Map<String, AttributeValue> item) {
      return !member.matches(item);
    }

    public JsonObject toJson() {
      return new JsonObject().put("not", member.toJson());
    }
  }

  /** The attribute equals one of {@code values} ({@code equals} is the case of one value). */
  record OneOf(String attribute, AudienceAttributes.Kind kind, List<Object> values, boolean single)
      implements AudienceNode {
    public boolean matches(Map<String, AttributeValue> item) {
      AttributeValue stored = item.get(attribute);
      return stored != null && values.stream().anyMatch(value -> StoredValues.equal(stored, value, kind));
    }

    public JsonObject toJson() {
      return new JsonObject().put("attribute", attribute).put(single ? "equals" : "in",
          single ? values.get(0) : new JsonArray(values));
    }
  }

  /** The attribute is a time before ({@code after} false) or after {@code at}; never equal to it. */
  record Time(String attribute, AudienceAttributes.Kind kind, Instant at, boolean after) implements AudienceNode {
    public boolean matches(Map<String, AttributeValue> item) {
      Long millis = StoredValues.millis(item.get(attribute), kind);
      return millis != null && (after ? millis > at.toEpochMilli() : millis < at.toEpochMilli());
    }

    public JsonObject toJson() {
      return new JsonObject().put("attribute", attribute).put(after ? "after" : "before", at.toString());
    }
  }

  /** The attribute is there with a value (not an empty string) when {@code present}; absent or empty when not. */
  record Exists(String attribute, boolean present) implements AudienceNode {
    public boolean matches(Map<String, AttributeValue> item) {
      return StoredValues.present(item.get(attribute)) == present;
    }

    public JsonObject toJson() {
      return new JsonObject().put("attribute", attribute).put("exists", present);
    }
  }
}
