package io.mailroom.config;

import java.util.List;

/**
 * The web console ({@code console.*}, read by {@link ConsoleKeys}): whether it is served, who may
 * sign in (bcrypt hashes only), how long an idle session lives and how long any session lives at
 * most, and whether its cookie is Secure. With no users the console is not served.
 */
public record Console(boolean enabled, List<Account> users, int sessionMinutes, int sessionMaxHours,
                      SecureCookie secureCookie) {

  /** {@code auto}: Secure unless the API listens on loopback; {@code always}; {@code never}. */
  public enum SecureCookie { AUTO, ALWAYS, NEVER }

  /** One person who may sign in: a name, a role ({@code admin}, {@code marketer} or {@code viewer}), a bcrypt hash. */
  public record Account(String name, String role, String passwordHash) {
    @Override
    public String toString() {
      return "Account[" + name + ", " + role + "]";
    }
  }

  public Console {
    users = List.copyOf(users);
  }

  /** Whether the console is served: enabled and someone can sign in. */
  public boolean served() {
    return enabled && !users.isEmpty();
  }

  /** Whether the session cookie is Secure, for an API server listening on {@code host}. */
  public boolean secure(String host) {
    return switch (secureCookie) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> !("127.0.0.1".equals(host) || "localhost".equals(host) || "::1".equals(host)
          || "[::1]".equals(host));
    };
  }

  /** This console with {@code users} instead of the configured ones (the demo's own admin). */
  public Console withUsers(List<Account> accounts) {
    return new Console(enabled, accounts, sessionMinutes, sessionMaxHours, secureCookie);
  }
}
