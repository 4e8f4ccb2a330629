package io.mailroom.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the {@code authoring.*} keys: {@code authoring.testRecipients}, a comma-separated list of
 * plain mailboxes (the team's own) that a test send may reach although they are not customers.
 * A configuration without the section has none: test sends then go to existing customers only.
 */
final class AuthoringKeys {
  static final String TEST_RECIPIENTS = "authoring.testRecipients";
  /**
   * The plain mailbox the send path accepts ({@code audience.Recipient.address}, which this package
   * may not use: audience depends on aws, which depends on config): no display name, quote, angle
   * bracket or whitespace.
   */
  private static final Pattern MAILBOX =
      Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[a-z0-9-]+(\\.[a-z0-9-]+)+");

  private AuthoringKeys() {
  }

  static MailroomConfig.Authoring read(ConfigReader r) {
    if (!r.has(TEST_RECIPIENTS)) {
      return new MailroomConfig.Authoring(List.of());
    }
    List<String> addresses = new ArrayList<>();
    for (String raw : r.string(TEST_RECIPIENTS).split(",")) {
      if (raw.isBlank()) {
        continue;
      }
      String address = raw.strip().toLowerCase(Locale.ROOT);
      if (address.length() > 254 || !MAILBOX.matcher(address).matches()) {
        // the value is named: it is configuration, not a customer's address
        throw new ConfigException("config key '" + TEST_RECIPIENTS + "' must list plain email addresses"
            + " separated by commas; '" + raw.strip() + "' is not one");
      }
      if (!addresses.contains(address)) {
        addresses.add(address);
      }
    }
    return new MailroomConfig.Authoring(List.copyOf(addresses));
  }
}
