package io.mailroom.config;

import io.mailroom.audience.Recipient;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code authoring.*} keys: {@code authoring.testRecipients}, a comma-separated list of
 * plain mailboxes (the team's own) that a test send may reach although they are not customers.
 * A configuration without the section has none: test sends then go to existing customers only.
 */
final class AuthoringKeys {
  static final String TEST_RECIPIENTS = "authoring.testRecipients";

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
      String address = Recipient.address(raw);
      if (address == null) {
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
