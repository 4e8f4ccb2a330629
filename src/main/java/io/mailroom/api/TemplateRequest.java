package io.mailroom.api;

import io.mailroom.audience.Recipient;
import io.mailroom.campaign.Template;
import io.mailroom.http.ApiError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code PUT /v1/templates/{id}}, validated field by field (its Pebble is checked
 * afterwards, by {@link io.mailroom.render.TemplateCheck}).
 */
final class TemplateRequest {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  static final int MAX_BODY_BYTES = 512 * 1024;
  private static final Set<String> FIELDS = Set.of("name", "subject", "html", "text", "imageUrls", "fromAddress",
      "topic");
  private static final int MAX_IMAGES = 100;

  private TemplateRequest() {
  }

  static Template parse(String id, String body, List<String> topics) {
    JsonObject json = object(body);
    String name = text(json, "name", true);
    if (name.isEmpty() || name.length() > 200) {
      throw ApiError.badField("name", "invalid_field", "name must be 1 to 200 characters");
    }
    String subject = text(json, "subject", true);
    if (subject.isBlank() || subject.length() > 998 || subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
      throw ApiError.badField("subject", "invalid_field", "subject must be one line of 1 to 998 characters");
    }
    String html = body(json, "html", true);
    String text = body(json, "text", false);
    TemplateErrors.refuseMarkInSubject("subject", subject);
    TemplateErrors.refuseMarkInBody("html", html);
    TemplateErrors.refuseMarkInBody("text", text);
    String from = text(json, "fromAddress", false);
    if (from != null && Recipient.address(from) == null) {
      throw ApiError.badField("fromAddress", "invalid_field", "fromAddress must be one plain address such as "
          + "news@shop.example.com");
    }
    String topic = text(json, "topic", false);
    if (topic != null && !topics.contains(topic)) {
      throw ApiError.badField("topic", "unknown_topic", "topic must be one of " + topics);
    }
    return new Template(id, name, subject, html, text, images(json.getValue("imageUrls")),
        from == null ? null : Recipient.address(from), topic, 0, 0, 0);
  }

  private static JsonObject object(String body) {
    Object parsed;
    try {
      parsed = body == null || body.isBlank() ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      parsed = null;
    }
    if (!(parsed instanceof JsonObject json)) {
      throw new ApiError(400, "invalid_json", "the body must be a JSON object", null);
    }
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw ApiError.badField(field, "unknown_field", "'" + field + "' is not a template field; the fields are "
            + FIELDS);
      }
    }
    return json;
  }

  private static String text(JsonObject json, String field, boolean required) {
    Object value = json.getValue(field);
    if (value instanceof String given) {
      return given;
    }
    if (value != null) {
      throw ApiError.badField(field, "invalid_field", "'" + field + "' must be a string");
    }
    if (required) {
      throw ApiError.badField(field, "missing_field", "'" + field + "' is required");
    }
    return null;
  }

  /** An HTML or text body: at most 512 KB as UTF-8. */
  private static String body(JsonObject json, String field, boolean required) {
    String value = text(json, field, required);
    if (value != null && (value.isBlank() || value.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES)) {
      throw ApiError.badField(field, "invalid_field", "'" + field + "' must be 1 byte to 512 KB (" + MAX_BODY_BYTES
          + " bytes) of UTF-8");
    }
    return value;
  }

  private static List<String> images(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || array.size() > MAX_IMAGES) {
      throw ApiError.badField("imageUrls", "invalid_field", "imageUrls must be a list of at most " + MAX_IMAGES
          + " https addresses");
    }
    List<String> urls = new ArrayList<>();
    for (Object url : array) {
      if (!(url instanceof String address) || !https(address)) {
        throw ApiError.badField("imageUrls", "invalid_field", "each of imageUrls must be an absolute https:// "
            + "address without spaces: " + url);
      }
      urls.add(address);
    }
    return urls;
  }

  private static boolean https(String address) {
    if (address.length() > 2048 || !address.startsWith("https://") || address.chars().anyMatch(
        c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      return false;
    }
    try {
      URI uri = new URI(address);
      return uri.getHost() != null && !uri.getHost().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
