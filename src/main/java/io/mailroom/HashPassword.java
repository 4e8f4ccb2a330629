package io.mailroom;

import io.mailroom.console.auth.Passwords;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code java -jar mailroom.jar hash-password}: reads a password (twice and without echo on a
 * terminal, else the first line of standard input) and prints its bcrypt hash, the value of a
 * console user's {@code passwordHash}.
 */
final class HashPassword {
  private static final int MIN_LENGTH = 10;

  private HashPassword() {
  }

  /** The exit code: 0 with the hash printed, 2 when the password was refused. */
  static int run(Console console, InputStream in, PrintStream out, PrintStream err) throws IOException {
    char[] password = console != null ? fromTerminal(console) : fromInput(in);
    if (password == null) {
      err.println("mailroom: the two passwords differ; nothing was printed");
      return 2;
    }
    try {
      if (password.length < MIN_LENGTH) {
        err.println("mailroom: a console password must have at least " + MIN_LENGTH + " characters");
        return 2;
      }
      out.println(Passwords.hash(password));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("mailroom: " + e.getMessage());
      return 2;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static char[] fromTerminal(Console console) {
    char[] first = console.readPassword("password: ");
    char[] again = console.readPassword("again: ");
    boolean same = first != null && Arrays.equals(first, again);
    if (again != null) {
      Arrays.fill(again, '\0');
    }
    return same ? first : null;
  }

  private static char[] fromInput(InputStream in) throws IOException {
    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    return line == null ? new char[0] : line.toCharArray();
  }
}
