package io.mailroom.campaign;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An email template of the Templates table: a Pebble subject, HTML body and optional text part,
 * with the image addresses the HTML uses.
 */
public record Template(String id, String name, String subject, String html, String text, List<String> imageUrls) {

  public static Template fromItem(Map<String, AttributeValue> item) {
    AttributeValue images = item.get("ImageURLs");
    return new Template(
        item.get("TemplateID").s(),
        text(item, "TemplateName"),
        text(item, "Subject"),
        text(item, "Html"),
        item.containsKey("Text") ? item.get("Text").s() : null,
        images == null || !images.hasL() ? List.of() : images.l().stream().map(AttributeValue::s).toList());
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? "" : value.s();
  }

  public Map<String, AttributeValue> toItem() {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("TemplateID", AttributeValue.fromS(id));
    item.put("TemplateName", AttributeValue.fromS(name));
    item.put("Subject", AttributeValue.fromS(subject));
    item.put("Html", AttributeValue.fromS(html));
    if (text != null) {
      item.put("Text", AttributeValue.fromS(text));
    }
    item.put("ImageURLs", AttributeValue.fromL(imageUrls.stream().map(AttributeValue::fromS).toList()));
    return item;
  }
}
