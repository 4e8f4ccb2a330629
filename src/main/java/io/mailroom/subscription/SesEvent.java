package io.mailroom.subscription;

import io.mailroom.bus.SesFeedback;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A bounce or complaint from SES, read from an SNS notification's Message: the identity
 * notification ({@code notificationType}) and the configuration-set event ({@code eventType})
 * forms alike. Other events (deliveries, sends, opens) are of no concern here.
 */
final class SesEvent {
  private SesEvent() {
  }

  /** The feedback for the UnsubscribeHandler, or empty for an event that changes nothing. */
  static Optional<SesFeedback> of(String message) {
    JsonObject json;
    try {
      json = new JsonObject(message);
    } catch (DecodeException | ClassCastException e) {
      throw new SnsMessage.Invalid("Message", "Message is not an SES event (not JSON)");
    }
    String type = json.getString("notificationType", json.getString("eventType"));
    if ("Bounce".equals(type)) {
      JsonObject bounce = object(json, "bounce");
      String bounceType = bounce.getString("bounceType", "Undetermined");
      return Optional.of(new SesFeedback(SesFeedback.Kind.BOUNCE, bounceType,
          bounceType + "/" + bounce.getString("bounceSubType", ""), addresses(bounce, "bouncedRecipients")));
    }
    if ("Complaint".equals(type)) {
      JsonObject complaint = object(json, "complaint");
      return Optional.of(new SesFeedback(SesFeedback.Kind.COMPLAINT, null,
          "complaint/" + complaint.getString("complaintFeedbackType", ""), addresses(complaint, "complainedRecipients")));
    }
    if (type == null) {
      throw new SnsMessage.Invalid("Message", "Message is not an SES event (no notificationType or eventType)");
    }
    return Optional.empty();
  }

  private static JsonObject object(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof JsonObject object)) {
      throw new SnsMessage.Invalid("Message", "the SES event has no '" + field + "' object");
    }
    return object;
  }

  private static List<String> addresses(JsonObject event, String field) {
    JsonArray recipients = event.getJsonArray(field);
    List<String> addresses = new ArrayList<>();
    if (recipients != null) {
      for (Object recipient : recipients) {
        if (recipient instanceof JsonObject r && r.getString("emailAddress") != null) {
          addresses.add(r.getString("emailAddress"));
        }
      }
    }
    if (addresses.isEmpty()) {
      throw new SnsMessage.Invalid("Message", "the SES event names no recipient");
    }
    return addresses;
  }
}
