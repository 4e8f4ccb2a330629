package io.mailroom.subscription;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One message SNS posts to an HTTP subscriber, with the exact text SNS signs for its type
 * (notifications and subscription confirmations sign different fields, in alphabetical order).
 */
public record SnsMessage(JsonObject json) {
  private static final List<String> NOTIFICATION = List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn",
      "Type");
  private static final List<String> CONFIRMATION = List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token",
      "TopicArn", "Type");

  /** A body that is not an SNS message: the field at fault and why. */
  public static final class Invalid extends RuntimeException {
    private final String field;

    public Invalid(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  public static SnsMessage parse(String body) {
    JsonObject json;
    try {
      json = body == null || body.isBlank() ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new Invalid(null, "the body is not a JSON object");
    }
    if (json == null) {
      throw new Invalid(null, "the body must be an SNS message");
    }
    SnsMessage message = new SnsMessage(json);
    String type = message.required("Type");
    List<String> signed = switch (type) {
      case "Notification" -> NOTIFICATION;
      case "SubscriptionConfirmation", "UnsubscribeConfirmation" -> CONFIRMATION;
      default -> throw new Invalid("Type", "Type must be Notification, SubscriptionConfirmation or"
          + " UnsubscribeConfirmation");
    };
    for (String field : signed) {
      if (!field.equals("Subject")) {
        message.required(field);
      }
    }
    message.required("Signature");
    message.required("SigningCertURL");
    String version = message.required("SignatureVersion");
    if (!version.equals("1") && !version.equals("2")) {
      throw new Invalid("SignatureVersion", "SignatureVersion must be 1 or 2");
    }
    return message;
  }

  private String required(String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new Invalid(field, field + " is required");
    }
    return text;
  }

  public String type() {
    return json.getString("Type");
  }

  public String field(String name) {
    return json.getString(name);
  }

  /** The text SNS signed: each signed field present, as {@code name\nvalue\n}. */
  public String stringToSign() {
    List<String> fields = "Notification".equals(type()) ? NOTIFICATION : CONFIRMATION;
    StringBuilder text = new StringBuilder();
    for (String name : fields) {
      String value = json.getString(name);
      if (value != null) {
        text.append(name).append('\n').append(value).append('\n');
      }
    }
    return text.toString();
  }

  public String signatureAlgorithm() {
    return "1".equals(json.getString("SignatureVersion")) ? "SHA1withRSA" : "SHA256withRSA";
  }
}
