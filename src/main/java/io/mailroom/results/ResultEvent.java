package io.mailroom.results;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What an SES event (or an unsubscribe through a campaign's email) records on its delivery: the
 * attribute stamped with its time (once per delivery), the campaign counter it adds to, the result
 * it gives the delivery ({@code forward} when it overrides an earlier one, as a bounce overrides a
 * delivery), and a clicked link. {@link #KINDS} is the one list of them, and so of the counters.
 */
record ResultEvent(String stamp, String counter, String result, boolean forward, String link) {
  /** Links longer than this are kept cut to it. */
  static final int MAX_LINK = 500;

  static final ResultEvent DELIVERED = new ResultEvent("DeliveredAt", "Delivered", "DELIVERED", false, null);
  static final ResultEvent BOUNCED_HARD = new ResultEvent("BouncedAt", "BouncedHard", "BOUNCED", true, null);
  static final ResultEvent BOUNCED_SOFT = new ResultEvent("SoftBouncedAt", "BouncedSoft", null, false, null);
  static final ResultEvent COMPLAINED = new ResultEvent("ComplainedAt", "Complained", "COMPLAINED", true, null);
  static final ResultEvent OPENED = new ResultEvent("FirstOpenedAt", "Opened", null, false, null);
  static final ResultEvent CLICKED = new ResultEvent("FirstClickedAt", "Clicked", null, false, null);
  static final ResultEvent REJECTED = new ResultEvent("RejectedAt", "Rejected", "REJECTED", true, null);
  static final ResultEvent DELAYED = new ResultEvent("DelayedAt", "Delayed", null, false, null);
  static final ResultEvent RENDERING_FAILED =
      new ResultEvent("RenderingFailedAt", "RenderingFailed", "RENDERING_FAILED", true, null);
  /** The recipient left through this campaign's email (its link or its one-click header). */
  static final ResultEvent UNSUBSCRIBED = new ResultEvent("UnsubscribedAt", "Unsubscribed", null, false, null);

  /** Every kind, in the order the report shows their counters. */
  static final List<ResultEvent> KINDS = List.of(DELIVERED, BOUNCED_HARD, BOUNCED_SOFT, COMPLAINED, OPENED, CLICKED,
      REJECTED, DELAYED, RENDERING_FAILED, UNSUBSCRIBED);

  /** The campaign counters of every kind. */
  static List<String> counters() {
    return KINDS.stream().map(ResultEvent::counter).toList();
  }

  /** The record of an event, or null for one that records nothing here (Send, unknown kinds). */
  static ResultEvent of(JsonObject event) {
    String type = event.getString("eventType", event.getString("notificationType"));
    if (type == null) {
      return null;
    }
    return switch (type) {
      case "Delivery" -> DELIVERED;
      case "Bounce" -> bounce(event);
      case "Complaint" -> COMPLAINED;
      case "Reject" -> REJECTED;
      case "DeliveryDelay" -> DELAYED;
      case "Rendering Failure", "RenderingFailure" -> RENDERING_FAILED;
      case "Open" -> OPENED;
      case "Click" -> new ResultEvent(CLICKED.stamp, CLICKED.counter, null, false, link(event));
      default -> null;
    };
  }

  private static ResultEvent bounce(JsonObject event) {
    JsonObject bounce = event.getValue("bounce") instanceof JsonObject b ? b : new JsonObject();
    return "Permanent".equals(bounce.getValue("bounceType")) ? BOUNCED_HARD : BOUNCED_SOFT;
  }

  private static String link(JsonObject event) {
    JsonObject click = event.getValue("click") instanceof JsonObject c ? c : new JsonObject();
    if (!(click.getValue("link") instanceof String link) || link.isBlank()) {
      return null;
    }
    return link.length() > MAX_LINK ? link.substring(0, MAX_LINK) : link;
  }
}
