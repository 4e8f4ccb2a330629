package io.mailroom.queue;

import io.mailroom.audience.Recipient;
import io.mailroom.compliance.CampaignKind;
import io.vertx.core.json.JsonObject;

/**
 * The body of one SQS message: one email of one campaign to one recipient, on the campaign's
 * preference topic (null: the default topic, for tasks queued before topics existed), of the
 * template version the campaign pinned (0: the template's newest, for tasks queued before versions),
 * of the campaign's kind (advertising unless the body says {@code "kind": "notice"}).
 */
public record SendTask(String campaignId, String templateId, String subject, Recipient recipient, String topic,
                       long templateVersion, CampaignKind kind) {

  public SendTask(String campaignId, String templateId, String subject, Recipient recipient, String topic,
                  long templateVersion) {
    this(campaignId, templateId, subject, recipient, topic, templateVersion, CampaignKind.ADVERTISING);
  }

  public SendTask(String campaignId, String templateId, String subject, Recipient recipient) {
    this(campaignId, templateId, subject, recipient, null, 0);
  }

  public SendTask(String campaignId, String templateId, String subject, Recipient recipient, String topic) {
    this(campaignId, templateId, subject, recipient, topic, 0);
  }

  public String encode() {
    JsonObject json = new JsonObject()
        .put("campaignId", campaignId)
        .put("templateId", templateId)
        .put("recipient", recipient.toJson());
    if (subject != null) {
      json.put("subject", subject);
    }
    if (topic != null) {
      json.put("topic", topic);
    }
    if (templateVersion > 0) {
      json.put("templateVersion", templateVersion);
    }
    if (kind == CampaignKind.NOTICE) {
      json.put("kind", kind.wire());
    }
    return json.encode();
  }

  private static long version(Object value) {
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Number number) || number.longValue() < 0) {
      throw new IllegalArgumentException("templateVersion must be a whole number");
    }
    return number.longValue();
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
          Recipient.fromJson(recipient), json.getString("topic"), version(json.getValue("templateVersion")),
          CampaignKind.fromWire(json.getString("kind")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a send task: " + e.getMessage(), e);
    }
  }
}
