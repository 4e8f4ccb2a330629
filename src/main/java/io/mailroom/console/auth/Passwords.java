package io.mailroom.console.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.mailroom.config.Console;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Checks a name and password against the configured bcrypt hashes. An unknown name is checked
 * against a hash of the same cost, so that it takes as long as a wrong password.
 */
public final class Passwords {
  private static final int COST = 12;
  private static final byte[] UNKNOWN = BCrypt.withDefaults().hash(COST, "no such user".toCharArray());

  private final Console console;

  public Passwords(Console console) {
    this.console = console;
  }

  /** A bcrypt hash of {@code password} (what {@code hash-password} prints). */
  public static String hash(char[] password) {
    if (new String(password).getBytes(StandardCharsets.UTF_8).length > 72) {
      throw new IllegalArgumentException("a password may be at most 72 bytes long (bcrypt reads no more)");
    }
    return BCrypt.withDefaults().hashToString(COST, password);
  }

  /** The user, when the password is theirs. Blocking (bcrypt): call it off the event loop. */
  public Optional<Console.Account> check(String name, String password) {
    Optional<Console.Account> account = console.users().stream().filter(a -> a.name().equals(name)).findFirst();
    if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
      BCrypt.verifyer().verify("too long".toCharArray(), UNKNOWN);
      return Optional.empty();
    }
    byte[] hash = account.map(a -> a.passwordHash().getBytes(StandardCharsets.UTF_8)).orElse(UNKNOWN);
    boolean verified = BCrypt.verifyer().verify(password.toCharArray(), hash).verified;
    return verified ? account : Optional.empty();
  }
}
