package io.mailroom.results;

import io.vertx.core.json.JsonObject;

/**
 * What an SES event records on its delivery: the attribute stamped with its time (once per
 * delivery), the campaign counter it adds to, the result it gives the delivery ({@code forward}
 * when it overrides an earlier one, as a bounce overrides a delivery), and a clicked link.
 */
record ResultEvent(String stamp, String counter, String result, boolean forward, String link) {
  /** Links longer than this are kept cut to it. */
  static final int MAX_LINK = 500;

  /** The record of an event, or null for one that records nothing here (Send, unknown kinds). */
  static ResultEvent of(JsonObject event) {
    String type = event.getString("eventType", event.getString("notificationType"));
    if (type == null) {
      return null;
    }
    return switch (type) {
      case "Delivery" -> new ResultEvent("DeliveredAt", "Delivered", "DELIVERED", false, null);
      case "Bounce" -> bounce(event);
      case "Complaint" -> new ResultEvent("ComplainedAt", "Complained", "COMPLAINED", true, null);
      case "Reject" -> new ResultEvent("RejectedAt", "Rejected", "REJECTED", true, null);
      case "DeliveryDelay" -> new ResultEvent("DelayedAt", "Delayed", null, false, null);
      case "Rendering Failure", "RenderingFailure" ->
          new ResultEvent("RenderingFailedAt", "RenderingFailed", "RENDERING_FAILED", true, null);
      case "Open" -> new ResultEvent("FirstOpenedAt", "Opened", null, false, null);
      case "Click" -> new ResultEvent("FirstClickedAt", "Clicked", null, false, link(event));
      default -> null;
    };
  }

  private static ResultEvent bounce(JsonObject event) {
    JsonObject bounce = event.getValue("bounce") instanceof JsonObject b ? b : new JsonObject();
    return "Permanent".equals(bounce.getValue("bounceType"))
        ? new ResultEvent("BouncedAt", "BouncedHard", "BOUNCED", true, null)
        : new ResultEvent("SoftBouncedAt", "BouncedSoft", null, false, null);
  }

  private static String link(JsonObject event) {
    JsonObject click = event.getValue("click") instanceof JsonObject c ? c : new JsonObject();
    if (!(click.getValue("link") instanceof String link) || link.isBlank()) {
      return null;
    }
    return link.length() > MAX_LINK ? link.substring(0, MAX_LINK) : link;
  }
}
