package io.mailroom.campaign;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One version of an email template of the Templates table: a Pebble subject, HTML body and optional
 * text part, the image addresses the HTML uses, and optionally its own sender address and topic.
 * Version 0 is a template not yet saved; a legacy item without a version is version 1. A body
 * longer than {@link #INLINE_BYTES} is stored gzipped ({@code HtmlGz}, {@code TextGz}) so that a
 * 512 KB HTML fits in a DynamoDB item (400 KB at most).
 */
public record Template(String id, String name, String subject, String html, String text, List<String> imageUrls,
                       String fromAddress, String topic, long version, long createdAt, long updatedAt) {
  static final int INLINE_BYTES = 64 * 1024;

  public Template {
    imageUrls = imageUrls == null ? List.of() : List.copyOf(imageUrls);
  }

  /** A template not yet saved (no sender address or topic of its own). */
  public Template(String id, String name, String subject, String html, String text, List<String> imageUrls) {
    this(id, name, subject, html, text, imageUrls, null, null, 0, 0, 0);
  }

  /** This content as version {@code newVersion}, saved at {@code now}. */
  Template saved(long newVersion, long created, long now) {
    return new Template(id, name, subject, html, text, imageUrls, fromAddress, topic, newVersion, created, now);
  }

  public static Template fromItem(Map<String, AttributeValue> item) {
    AttributeValue images = item.get("ImageURLs");
    String id = item.get("TemplateID").s();
    int versionMark = id.indexOf("#v");
    return new Template(
        versionMark < 0 ? id : id.substring(0, versionMark),
        text(item, "TemplateName"),
        text(item, "Subject"),
        body(item, "Html") == null ? "" : body(item, "Html"),
        body(item, "Text"),
        images == null || !images.hasL() ? List.of() : images.l().stream().map(AttributeValue::s).toList(),
        item.containsKey("FromAddress") ? item.get("FromAddress").s() : null,
        item.containsKey("Topic") ? item.get("Topic").s() : null,
        number(item, "Version", 1),
        number(item, "CreatedAt", 0),
        number(item, "UpdatedAt", 0));
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? "" : value.s();
  }

  private static long number(Map<String, AttributeValue> item, String name, long absent) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? absent : Long.parseLong(value.n());
  }

  private static String body(Map<String, AttributeValue> item, String name) {
    AttributeValue zipped = item.get(name + "Gz");
    if (zipped != null && zipped.b() != null) {
      return gunzip(zipped.b().asByteArray());
    }
    AttributeValue plain = item.get(name);
    return plain == null ? null : plain.s();
  }

  /** The item of this template (the head's; a version's item has another key). */
  public Map<String, AttributeValue> toItem() {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("TemplateID", AttributeValue.fromS(id));
    item.put("TemplateName", AttributeValue.fromS(name));
    item.put("Subject", AttributeValue.fromS(subject));
    putBody(item, "Html", html);
    if (text != null) {
      putBody(item, "Text", text);
    }
    item.put("ImageURLs", AttributeValue.fromL(imageUrls.stream().map(AttributeValue::fromS).toList()));
    if (fromAddress != null) {
      item.put("FromAddress", AttributeValue.fromS(fromAddress));
    }
    if (topic != null) {
      item.put("Topic", AttributeValue.fromS(topic));
    }
    if (version > 0) {
      item.put("Version", AttributeValue.fromN(Long.toString(version)));
      item.put("CreatedAt", AttributeValue.fromN(Long.toString(createdAt)));
      item.put("UpdatedAt", AttributeValue.fromN(Long.toString(updatedAt)));
    }
    return item;
  }

  private static void putBody(Map<String, AttributeValue> item, String name, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= INLINE_BYTES) {
      item.put(name, AttributeValue.fromS(value));
    } else {
      item.put(name + "Gz", AttributeValue.fromB(SdkBytes.fromByteArray(gzip(bytes))));
    }
  }

  /** The template as the API shows it ({@code withBodies} false: the list's head only); absent fields are left out. */
  public JsonObject toJson(boolean withBodies) {
    JsonObject json = new JsonObject().put("templateId", id).put("version", version).put("name", name)
        .put("subject", subject);
    putPresent(json, "updatedAt", instant(updatedAt));
    if (withBodies) {
      json.put("html", html).put("imageUrls", new JsonArray(imageUrls));
      putPresent(json, "text", text);
      putPresent(json, "fromAddress", fromAddress);
      putPresent(json, "topic", topic);
      putPresent(json, "createdAt", instant(createdAt));
    }
    return json;
  }

  private static void putPresent(JsonObject json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  /** An ISO instant; null for 0 (a template from before versions, which kept no times). */
  public static String instant(long millis) {
    return millis <= 0 ? null : Instant.ofEpochMilli(millis).toString();
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String gunzip(byte[] bytes) {
    try (GZIPInputStream zip = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
      return new String(zip.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
