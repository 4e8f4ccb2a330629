package io.mailroom.campaign;

import io.mailroom.compliance.CampaignKind;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One campaign of the Campaigns table: which template goes to the audience, where the Fetcher's
 * scan stands, and the counts of what was queued, sent, failed, cancelled and skipped. The topic
 * is the preference topic the campaign belongs to (customers who left it are skipped);
 * {@code suppressed} counts queued emails dropped at send time because the customer opted out or
 * was suppressed since. {@code pending} is queued minus finished; the campaign completes when the
 * scan is done and nothing is pending. {@code pauseReason} says why a paused campaign stopped
 * ({@code operator}, {@code bounce_rate: …}, {@code ses_probation}…); {@code error} is kept for errors.
 */
public record Campaign(
    String id,
    String templateId,
    String subject,
    String topic,
    CampaignStatus status,
    long createdAt,
    long updatedAt,
    long queued,
    long pending,
    long sent,
    long failed,
    long cancelled,
    long skipped,
    long suppressed,
    boolean fetchDone,
    String cursor,
    String error,
    long templateVersion,
    String audience,
    long sendAt,
    CampaignKind kind,
    String pauseReason) {

  public static Campaign create(String id, String templateId, String subject, String topic, long now) {
    return new Campaign(id, templateId, subject, topic, CampaignStatus.QUEUED, now, now, 0, 0, 0, 0, 0, 0, 0, false,
        null, null, 0, null, 0, CampaignKind.ADVERTISING, null);
  }

  /** This campaign sending version {@code version} of its template (0: whichever is current). */
  public Campaign withTemplateVersion(long version) {
    return new Campaign(id, templateId, subject, topic, status, createdAt, updatedAt, queued, pending, sent, failed,
        cancelled, skipped, suppressed, fetchDone, cursor, error, version, audience, sendAt, kind, pauseReason);
  }

  /** This campaign limited to the customers {@code filter} (JSON text; null: everyone who consents) selects. */
  public Campaign withAudience(String filter) {
    return new Campaign(id, templateId, subject, topic, status, createdAt, updatedAt, queued, pending, sent, failed,
        cancelled, skipped, suppressed, fetchDone, cursor, error, templateVersion, filter, sendAt, kind, pauseReason);
  }

  /** This campaign waiting, {@code scheduled}, until {@code at} (epoch milliseconds). */
  public Campaign scheduledAt(long at) {
    return new Campaign(id, templateId, subject, topic, CampaignStatus.SCHEDULED, createdAt, updatedAt, queued,
        pending, sent, failed, cancelled, skipped, suppressed, fetchDone, cursor, error, templateVersion, audience, at,
        kind, pauseReason);
  }

  /** This campaign of {@code kind}: advertising (marked as the compliance profile requires) or a notice. */
  public Campaign withKind(CampaignKind kind) {
    return new Campaign(id, templateId, subject, topic, status, createdAt, updatedAt, queued, pending, sent, failed,
        cancelled, skipped, suppressed, fetchDone, cursor, error, templateVersion, audience, sendAt, kind, pauseReason);
  }

  public static Campaign fromItem(Map<String, AttributeValue> item) {
    return new Campaign(
        item.get("CampaignId").s(),
        s(item, "TemplateId"),
        s(item, "Subject"),
        s(item, "Topic"),
        CampaignStatus.valueOf(s(item, "Status")),
        n(item, "CreatedAt"),
        n(item, "UpdatedAt"),
        n(item, "Queued"),
        n(item, "Pending"),
        n(item, "Sent"),
        n(item, "Failed"),
        n(item, "Cancelled"),
        n(item, "Skipped"),
        n(item, "Suppressed"),
        item.containsKey("FetchDone") && Boolean.TRUE.equals(item.get("FetchDone").bool()),
        s(item, "Cursor"),
        s(item, "Error"),
        n(item, "TemplateVersion"),
        s(item, "Audience"),
        n(item, "SendAt"),
        CampaignKind.fromWire(s(item, "Kind")),
        s(item, "PauseReason"));
  }

  public Map<String, AttributeValue> toItem() {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("CampaignId", AttributeValue.fromS(id));
    item.put("TemplateId", AttributeValue.fromS(templateId));
    if (subject != null) {
      item.put("Subject", AttributeValue.fromS(subject));
    }
    if (topic != null) {
      item.put("Topic", AttributeValue.fromS(topic));
    }
    item.put("Status", AttributeValue.fromS(status.name()));
    item.put("CreatedAt", AttributeValue.fromN(Long.toString(createdAt)));
    item.put("UpdatedAt", AttributeValue.fromN(Long.toString(updatedAt)));
    for (String counter : new String[] {"Queued", "Pending", "Sent", "Failed", "Cancelled", "Skipped", "Suppressed"}) {
      item.put(counter, AttributeValue.fromN("0"));
    }
    item.put("FetchDone", AttributeValue.fromBool(false));
    if (templateVersion > 0) {
      item.put("TemplateVersion", AttributeValue.fromN(Long.toString(templateVersion)));
    }
    if (audience != null) {
      item.put("Audience", AttributeValue.fromS(audience));
    }
    if (sendAt > 0) {
      item.put("SendAt", AttributeValue.fromN(Long.toString(sendAt)));
    }
    if (kind == CampaignKind.NOTICE) {
      item.put("Kind", AttributeValue.fromS(kind.wire()));
    }
    return item;
  }

  private static String s(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private static long n(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }

  /** The campaign as the status route shows it. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("campaignId", id)
        .put("templateId", templateId)
        .put("status", status.wire())
        .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
        .put("updatedAt", Instant.ofEpochMilli(updatedAt).toString())
        .put("audienceScanned", fetchDone)
        .put("kind", kind.wire())
        .put("counts", new JsonObject()
            .put("queued", queued)
            .put("sent", sent)
            .put("failed", failed)
            .put("cancelled", cancelled)
            .put("pending", Math.max(0, pending))
            .put("skipped", skipped)
            .put("suppressed", suppressed));
    if (topic != null) {
      json.put("topic", topic);
    }
    if (subject != null) {
      json.put("subject", subject);
    }
    if (error != null) {
      json.put("error", error);
    }
    if (pauseReason != null) {
      json.put("pauseReason", pauseReason);
    }
    if (templateVersion > 0) {
      json.put("templateVersion", templateVersion);
    }
    if (audience != null) {
      json.put("audience", new JsonObject(audience));
    }
    if (sendAt > 0) {
      json.put("sendAt", Instant.ofEpochMilli(sendAt).toString());
    }
    return json;
  }
}
