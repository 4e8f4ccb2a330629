package io.mailroom.audience;

import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One customer of the Users table as the send path needs it. {@code SubscriptionStatus} is read
 * as a boolean or as the string "true"/"false", as the original data held both. The topics the
 * customer left and the time of their latest consent ({@code ConsentAt}) are read for the
 * audience checks; they do not travel in send tasks.
 */
public record Recipient(String email, String name, String gender, long createTime, boolean subscribed,
                        Set<String> optedOutTopics, long consentAt) {

  public Recipient(String email, String name, String gender, long createTime, boolean subscribed) {
    this(email, name, gender, createTime, subscribed, Set.of(), 0L);
  }

  /**
   * One plain mailbox, nothing else: a local part of letters, digits and {@code !#$%&'*+/=?^_`{|}~.-},
   * one {@code @}, a domain of letters, digits, {@code -} and dots. No display name, comma, quote,
   * angle bracket, whitespace or control character can pass, so one address never becomes two.
   */
  private static final Pattern ADDRESS =
      Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[a-z0-9-]+(\\.[a-z0-9-]+)+");

  /** The address lower-cased, as it is stored and sent to. */
  public Recipient {
    email = email == null ? "" : email.toLowerCase(Locale.ROOT);
    optedOutTopics = Set.copyOf(optedOutTopics);
  }

  /** {@code raw} trimmed and lower-cased when it is one plain mailbox of at most 254 characters; null otherwise. */
  public static String address(String raw) {
    if (raw == null) {
      return null;
    }
    String address = raw.strip().toLowerCase(Locale.ROOT);
    return address.length() <= 254 && ADDRESS.matcher(address).matches() ? address : null;
  }

  /** Whether this customer's address may be sent to (see {@link #address}). */
  public boolean sendable() {
    return sendable(email);
  }

  /** Whether {@code email} is already one plain, lower-case mailbox (see {@link #address}). */
  public static boolean sendable(String email) {
    return email != null && email.equals(address(email));
  }

  public static Recipient fromItem(Map<String, AttributeValue> item) {
    AttributeValue topics = item.get("OptedOutTopics");
    return new Recipient(
        string(item, "Email"),
        string(item, "Name"),
        string(item, "Gender"),
        number(item, "CreateTime"),
        consent(item.get("SubscriptionStatus")),
        topics == null || !topics.hasSs() ? Set.of() : new HashSet<>(topics.ss()),
        number(item, "ConsentAt"));
  }

  /** Whether the customer consents to marketing on {@code topic}. */
  public boolean wants(String topic) {
    return subscribed && !optedOutTopics.contains(topic);
  }

  public static boolean consent(AttributeValue value) {
    if (value == null) {
      return false;
    }
    if (value.bool() != null) {
      return value.bool();
    }
    return value.s() != null && value.s().trim().equalsIgnoreCase("true");
  }

  private static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? "" : value.s();
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    try {
      return value == null || value.n() == null ? 0L : Long.parseLong(value.n());
    } catch (NumberFormatException e) {
      return 0L;
    }
  }

  public Map<String, AttributeValue> toItem() {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("Email", AttributeValue.fromS(email));
    item.put("Name", AttributeValue.fromS(name));
    item.put("Gender", AttributeValue.fromS(gender));
    item.put("CreateTime", AttributeValue.fromN(Long.toString(createTime)));
    item.put("SubscriptionStatus", AttributeValue.fromBool(subscribed));
    return item;
  }

  public JsonObject toJson() {
    return new JsonObject().put("email", email).put("name", name).put("gender", gender)
        .put("createTime", createTime).put("subscribed", subscribed);
  }

  public static Recipient fromJson(JsonObject json) {
    return new Recipient(json.getString("email"), json.getString("name", ""), json.getString("gender", ""),
        json.getLong("createTime", 0L), json.getBoolean("subscribed", false));
  }

  /** The fields a template may use, named as in the Users table. */
  public Map<String, Object> templateFields() {
    Map<String, Object> fields = new HashMap<>();
    fields.put("Email", email);
    fields.put("Name", name);
    fields.put("Gender", gender);
    fields.put("CreateTime", createTime);
    return fields;
  }
}
