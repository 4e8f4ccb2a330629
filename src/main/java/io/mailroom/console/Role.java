package io.mailroom.console;

import java.util.Locale;

/**
 * What a console user may do: an admin everything (the audit log, removing suppressions), a
 * marketer author and send, a viewer only read. Each role includes the ones below it.
 */
public enum Role {
  VIEWER, MARKETER, ADMIN;

  /** Whether this role may do what {@code needed} may. */
  public boolean includes(Role needed) {
    return ordinal() >= needed.ordinal();
  }

  /** The role as configured: {@code admin}, {@code marketer} or {@code viewer}. */
  public static Role named(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** The configured name, lower case. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
