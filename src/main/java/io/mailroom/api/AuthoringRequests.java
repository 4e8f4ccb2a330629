package io.mailroom.api;

import io.mailroom.audience.Recipient;
import io.mailroom.compliance.CampaignKind;
import io.mailroom.http.ApiError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The bodies of {@code POST /v1/templates/{id}/preview} and {@code /test}, validated field by
 * field; every refusal names its field. A {@code sample} holds the fields a template reads of a
 * customer ({@code Name}, {@code Email}, {@code Gender}, {@code CreateTime}); what it leaves out
 * comes from a neutral sample customer.
 */
final class AuthoringRequests {
  static final int MAX_TEST_RECIPIENTS = 10;
  private static final Set<String> PREVIEW_FIELDS = Set.of("email", "sample", "subject", "topic", "kind", "draft");
  private static final Set<String> TEST_FIELDS = Set.of("to", "subject", "sample", "kind");
  private static final Set<String> SAMPLE_FIELDS = Set.of("Name", "Email", "Gender", "CreateTime");
  private static final String SAMPLE_EMAIL = "customer@example.com";
  private static final String SAMPLE_NAME = "Sample Customer";

  private AuthoringRequests() {
  }

  /**
   * A preview: of a customer ({@code email}) or of {@code sample}, never both; composed as {@code kind};
   * of the saved template, or of {@code draft} ({@code subject}, {@code html}, optional {@code text}: the
   * template as edited).
   */
  record Preview(String email, Recipient sample, String subject, String topic, CampaignKind kind, JsonObject draft) { }

  /** A test send to 1 to 10 distinct plain mailboxes, composed as {@code kind}. */
  record TestSend(List<String> to, String subject, Recipient sample, CampaignKind kind) { }

  static Preview preview(String body, List<String> topics) {
    JsonObject json = object(body, PREVIEW_FIELDS);
    boolean hasEmail = json.getValue("email") != null;
    if (hasEmail == (json.getValue("sample") != null)) {
      throw ApiError.badField(hasEmail ? "sample" : "email", "invalid_field",
          "give exactly one of 'email' (a customer's address) and 'sample' (fields to render with)");
    }
    String email = null;
    if (hasEmail) {
      email = Recipient.address(text(json, "email"));
      if (email == null) {
        throw ApiError.badField("email", "invalid_field", "email must be one plain email address");
      }
    }
    String topic = json.getValue("topic") == null ? null : text(json, "topic");
    if (topic != null && !topics.contains(topic)) {
      throw ApiError.badField("topic", "unknown_topic", "topic must be one of " + topics);
    }
    Object draft = json.getValue("draft");
    if (draft != null && !(draft instanceof JsonObject)) {
      throw ApiError.badField("draft", "invalid_field", "draft must be an object of subject, html and text");
    }
    return new Preview(email, hasEmail ? null : sample(json), subject(json), topic, kind(json), (JsonObject) draft);
  }

  static TestSend test(String body) {
    JsonObject json = object(body, TEST_FIELDS);
    Object to = json.getValue("to");
    if (!(to instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_TEST_RECIPIENTS) {
      throw ApiError.badField("to", "invalid_field", "to must be a list of 1 to " + MAX_TEST_RECIPIENTS
          + " email addresses");
    }
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String address = list.getValue(i) instanceof String raw ? Recipient.address(raw) : null;
      if (address == null) {
        throw ApiError.badField("to[" + i + "]", "invalid_field", "to[" + i + "] must be one plain email address");
      }
      if (addresses.contains(address)) {
        throw ApiError.badField("to[" + i + "]", "invalid_field", "to[" + i + "] is listed twice");
      }
      addresses.add(address);
    }
    return new TestSend(List.copyOf(addresses), subject(json), sample(json), kind(json));
  }

  private static JsonObject object(String body, Set<String> fields) {
    JsonObject json;
    try {
      json = body == null || body.isBlank() ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    if (json == null) {
      throw new ApiError(400, "invalid_json", "the body must be a JSON object", null);
    }
    for (String name : json.fieldNames()) {
      if (!fields.contains(name)) {
        throw ApiError.badField(name, "unknown_field", "unknown field '" + name + "'; allowed: " + fields);
      }
    }
    return json;
  }

  /** A subject override, as a campaign would have it: one line of 1 to 998 characters. */
  private static String subject(JsonObject json) {
    if (json.getValue("subject") == null) {
      return null;
    }
    String subject = text(json, "subject");
    if (subject.isBlank() || subject.length() > 998 || subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
      throw ApiError.badField("subject", "invalid_field", "subject must be one line of 1 to 998 characters");
    }
    return subject;
  }

  /** What the email is composed as: {@code advertising} (when absent) or {@code notice}. */
  private static CampaignKind kind(JsonObject json) {
    Object kind = json.getValue("kind");
    try {
      if (kind != null && !(kind instanceof String)) {
        throw new IllegalArgumentException("kind is not a string");
      }
      return CampaignKind.fromWire((String) kind);
    } catch (IllegalArgumentException e) {
      throw ApiError.badField("kind", "invalid_field", "kind must be advertising or notice");
    }
  }

  /** The sample customer: the given fields over the neutral sample's. */
  private static Recipient sample(JsonObject json) {
    Object value = json.getValue("sample");
    JsonObject sample = value == null ? new JsonObject() : value instanceof JsonObject o ? o : null;
    if (sample == null) {
      throw ApiError.badField("sample", "invalid_field", "sample must be an object of customer fields");
    }
    for (String name : sample.fieldNames()) {
      if (!SAMPLE_FIELDS.contains(name)) {
        throw ApiError.badField("sample." + name, "invalid_field", "a sample holds only " + SAMPLE_FIELDS);
      }
    }
    String email = sample.getValue("Email") == null ? SAMPLE_EMAIL : Recipient.address(sampleText(sample, "Email"));
    if (email == null) {
      throw ApiError.badField("sample.Email", "invalid_field", "sample.Email must be one plain email address");
    }
    Object created = sample.getValue("CreateTime");
    if (created != null && !(created instanceof Number n && n.doubleValue() == n.longValue())) {
      throw ApiError.badField("sample.CreateTime", "invalid_field", "sample.CreateTime must be a whole number"
          + " of seconds since 1970, as the Users table holds it");
    }
    String name = sample.getValue("Name") == null ? SAMPLE_NAME : sampleText(sample, "Name");
    String gender = sample.getValue("Gender") == null ? "" : sampleText(sample, "Gender");
    long createTime = created == null ? System.currentTimeMillis() / 1000 : ((Number) created).longValue();
    return new Recipient(email, name, gender, createTime, true);
  }

  private static String sampleText(JsonObject sample, String field) {
    if (!(sample.getValue(field) instanceof String text) || text.length() > 1000) {
      throw ApiError.badField("sample." + field, "invalid_field", "sample." + field
          + " must be a string of at most 1000 characters");
    }
    return text;
  }

  private static String text(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof String text)) {
      throw ApiError.badField(field, "invalid_field", field + " must be a string");
    }
    return text;
  }
}
