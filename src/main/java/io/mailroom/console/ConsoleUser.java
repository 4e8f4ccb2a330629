package io.mailroom.console;

/** The person signed in to the console: the configured name and role. */
public record ConsoleUser(String name, Role role) {
  /** Whether this user may do what {@code needed} may. */
  public boolean may(Role needed) {
    return role.includes(needed);
  }
}
