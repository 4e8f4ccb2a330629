package io.mailroom.queue;

import io.mailroom.campaign.Recipient;
import io.vertx.core.json.JsonObject;

/** The body of one SQS message: one email of one campaign to one recipient. */
public record SendTask(String campaignId, String templateId, String subject, Recipient recipient) {

  static SendTask of(JsonObject page, JsonObject recipient) {
    return new SendTask(page.getString("campaignId"), page.getString("templateId"), page.getString("subject"),
        Recipient.fromJson(recipient));
  }

  public String encode() {
    JsonObject json = new JsonObject()
        .put("campaignId", campaignId)
        .put("templateId", templateId)
        .put("recipient", recipient.toJson());
    if (subject != null) {
      json.put("subject", subject);
    }
    return json.encode();
  }

  /** Throws IllegalArgumentException when the body is not a send task. */
  public static SendTask decode(String body) {
    try {
      JsonObject json = new JsonObject(body);
      JsonObject recipient = json.getJsonObject("recipient");
      if (json.getString("campaignId") == null || json.getString("templateId") == null || recipient == null
          || recipient.getString("email") == null) {
        throw new IllegalArgumentException("campaignId, templateId and recipient.email are required");
      }
      return new SendTask(json.getString("campaignId"), json.getString("templateId"), json.getString("subject"),
          Recipient.fromJson(recipient));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a send task: " + e.getMessage(), e);
    }
  }
}
