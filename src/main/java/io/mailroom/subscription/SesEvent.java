package io.mailroom.subscription;

import io.mailroom.bus.SendConfirmation;
import io.mailroom.bus.SesFeedback;
import io.mailroom.bus.SesNotice;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An SES event read from an SNS notification's Message: a bounce or complaint, in the identity
 * notification ({@code notificationType}) and the configuration-set event ({@code eventType})
 * forms alike, or a configuration-set Send event for an email Mailroom tagged. Other events
 * (deliveries, opens) are of no concern here.
 */
final class SesEvent {
  private SesEvent() {
  }

  /** What the event asks (feedback for the UnsubscribeHandler, a send to confirm), or empty for one that changes nothing. */
  static Optional<SesNotice> of(String message) {
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
    if ("Send".equals(type)) {
      return send(json);
    }
    if (type == null) {
      throw new SnsMessage.Invalid("Message", "Message is not an SES event (no notificationType or eventType)");
    }
    return Optional.empty();
  }

  /** The delivery an event is tagged with (campaign, delivery) and the email SES names, when it is tagged. */
  record Origin(String campaignId, String deliveryId, String messageId, String email) { }

  /** The delivery the event's {@code mail.tags} name, or empty for an event Mailroom did not tag. */
  static Optional<Origin> origin(String message) {
    JsonObject mail = new JsonObject(message).getValue("mail") instanceof JsonObject m ? m : new JsonObject();
    JsonObject tags = mail.getValue("tags") instanceof JsonObject t ? t : new JsonObject();
    String campaign = firstOf(tags, "campaign");
    String delivery = firstOf(tags, "delivery");
    if (campaign == null || delivery == null) {
      return Optional.empty();
    }
    JsonArray destination = mail.getValue("destination") instanceof JsonArray d ? d : new JsonArray();
    String to = destination.size() == 1 && destination.getValue(0) instanceof String t ? lower(t) : null;
    return Optional.of(new Origin(campaign, delivery, mail.getValue("messageId") instanceof String id ? id : null, to));
  }

  /** A Send event of an email Mailroom tagged (others, sent by other systems, are ignored). */
  private static Optional<SesNotice> send(JsonObject json) {
    JsonObject mail = object(json, "mail");
    JsonObject tags = mail.getValue("tags") instanceof JsonObject t ? t : new JsonObject();
    String campaign = firstOf(tags, "campaign");
    String delivery = firstOf(tags, "delivery");
    JsonArray destination = mail.getValue("destination") instanceof JsonArray d ? d : new JsonArray();
    String messageId = mail.getValue("messageId") instanceof String m ? m : null;
    if (campaign == null || delivery == null) {
      return Optional.empty();
    }
    if (destination.size() != 1 || !(destination.getValue(0) instanceof String to) || messageId == null) {
      throw new SnsMessage.Invalid("Message", "the Send event needs mail.messageId and one mail.destination");
    }
    return Optional.of(new SendConfirmation(campaign, lower(to), delivery, messageId));
  }

  /** Addresses are compared lower-cased, as the audience keys them. */
  private static String lower(String address) {
    return address.trim().toLowerCase(Locale.ROOT);
  }

  private static String firstOf(JsonObject tags, String name) {
    return tags.getValue(name) instanceof JsonArray values && !values.isEmpty()
        && values.getValue(0) instanceof String value ? value : null;
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
          addresses.add(lower(r.getString("emailAddress")));
        }
      }
    }
    if (addresses.isEmpty()) {
      throw new SnsMessage.Invalid("Message", "the SES event names no recipient");
    }
    return addresses;
  }
}
