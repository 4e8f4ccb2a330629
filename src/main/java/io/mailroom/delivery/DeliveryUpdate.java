package io.mailroom.delivery;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A conditional update of one delivery. Its expressions may name {@code #s} (Status), each
 * status as {@code :sending}, {@code :calling}…, and {@code :now}, {@code :zero}, {@code :one},
 * {@code :true}; the caller's values give the rest. Only the values the expressions name are
 * sent, as DynamoDB refuses unused ones.
 */
final class DeliveryUpdate {
  private DeliveryUpdate() {
  }

  static UpdateItemRequest.Builder of(String table, Map<String, AttributeValue> key, String set, String condition,
                                      Map<String, AttributeValue> values) {
    String expressions = condition == null ? set : set + " " + condition;
    Map<String, AttributeValue> named = new HashMap<>();
    for (DeliveryStore.Status status : DeliveryStore.Status.values()) {
      named.put(":" + status.name().toLowerCase(Locale.ROOT), AttributeValue.fromS(status.name()));
    }
    named.put(":now", AttributeValue.fromN(Long.toString(System.currentTimeMillis())));
    named.put(":zero", AttributeValue.fromN("0"));
    named.put(":one", AttributeValue.fromN("1"));
    named.put(":true", AttributeValue.fromBool(true));
    named.putAll(values);
    named.keySet().removeIf(name -> !names(expressions, name));
    UpdateItemRequest.Builder request = UpdateItemRequest.builder().tableName(table).key(key)
        .updateExpression(set).expressionAttributeValues(named);
    if (condition != null) {
      request.conditionExpression(condition);
    }
    if (expressions.contains("#s")) {
      request.expressionAttributeNames(Map.of("#s", "Status"));
    }
    return request;
  }

  /** Whether {@code expressions} name the placeholder {@code name}, not only a longer one that begins with it. */
  static boolean names(String expressions, String name) {
    for (int at = expressions.indexOf(name); at >= 0; at = expressions.indexOf(name, at + 1)) {
      int end = at + name.length();
      if (end == expressions.length()
          || !(Character.isLetterOrDigit(expressions.charAt(end)) || expressions.charAt(end) == '_')) {
        return true;
      }
    }
    return false;
  }
}
