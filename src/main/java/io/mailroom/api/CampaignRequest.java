package io.mailroom.api;

import io.mailroom.audience.AudienceAttributes;
import io.mailroom.audience.AudienceFilter;
import io.mailroom.compliance.CampaignKind;
import io.mailroom.http.ApiError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /v1/campaigns}, validated field by field. The topic is one of the
 * configured preference topics (null when absent: the template's topic, else the default one). The idempotency key is read from
 * the (signed) body only: an {@code Idempotency-Key} header, which the signature does not cover, is
 * refused by {@link RouteGuard}. {@code sendAt} (epoch milliseconds, 0 when absent) schedules it;
 * {@code audience} (canonical filter JSON, null: everyone who consents) limits who gets it. {@code kind}
 * ({@code advertising}, the default, or {@code notice}) says whether the advertising rules mark it; a
 * subject carrying a variant of the {@code (광고)} mark is refused.
 */
record CampaignRequest(String templateId, String subject, String idempotencyKey, String topic, long sendAt,
                       String audience, CampaignKind kind) {
  private static final Set<String> FIELDS = Set.of("templateId", "subject", "idempotencyKey", "topic", SendAt.FIELD,
      "audience", "kind");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

  static CampaignRequest parse(String body, List<String> topics, AudienceAttributes attributes) {
    JsonObject json;
    try {
      json = body == null || body.isBlank() ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new ApiError(400, "invalid_json", "the body is not a JSON object", null);
    }
    if (json == null) {
      throw new ApiError(400, "invalid_json", "the body must be a JSON object", null);
    }
    for (String name : json.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw ApiError.badField(name, "unknown_field", "unknown field '" + name + "'; allowed: " + FIELDS);
      }
    }
    String templateId = string(json, "templateId", true);
    if (!ID.matcher(templateId).matches()) {
      throw ApiError.badField("templateId", "invalid_field",
          "templateId must be 1 to 128 letters, digits, '.', '_' or '-'");
    }
    String subject = subject(json);
    String key = string(json, "idempotencyKey", false);
    if (key != null && !KEY.matcher(key).matches()) {
      throw ApiError.badField("idempotencyKey", "invalid_field",
          "idempotencyKey must be 1 to 128 printable ASCII characters without spaces");
    }
    String topic = string(json, "topic", false);
    if (topic != null && !topics.contains(topic)) {
      throw ApiError.badField("topic", "unknown_topic", "topic must be one of " + topics);
    }
    long sendAt = SendAt.parse(json.getValue(SendAt.FIELD), System.currentTimeMillis());
    String audience = AudienceFilter.parse(json.getValue("audience"), "audience", attributes).canonical();
    return new CampaignRequest(templateId, subject, key, topic, sendAt, audience, kind(json));
  }

  private static String subject(JsonObject json) {
    String subject = string(json, "subject", false);
    if (subject != null && (subject.isBlank() || subject.length() > 998 || subject.matches("(?s).*[\\r\\n].*"))) {
      throw ApiError.badField("subject", "invalid_field", "subject must be one line of 1 to 998 characters");
    }
    if (subject != null) {
      TemplateErrors.refuseMarkInSubject("subject", subject);
    }
    return subject;
  }

  private static CampaignKind kind(JsonObject json) {
    String kind = string(json, "kind", false);
    try {
      return CampaignKind.fromWire(kind);
    } catch (IllegalArgumentException e) {
      throw ApiError.badField("kind", "invalid_field", "kind must be advertising or notice");
    }
  }

  private static String string(JsonObject json, String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        throw ApiError.badField(field, "missing_field", field + " is required");
      }
      return null;
    }
    if (!(value instanceof String text)) {
      throw ApiError.badField(field, "invalid_field", field + " must be a string");
    }
    return text;
  }
}
