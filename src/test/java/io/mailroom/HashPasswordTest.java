package io.mailroom;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hash-password} without a terminal: the first line of standard input in, its bcrypt hash out. */
class HashPasswordTest {
  @Test
  void printsABcryptHashOfThePasswordAndNothingElse() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = HashPassword.run(null, input("a long enough password\n"), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String hash = out.toString(StandardCharsets.UTF_8).trim();
    assertThat(exit).isZero();
    assertThat(hash).matches("\\$2a\\$12\\$[./A-Za-z0-9]{53}").doesNotContain("password");
    assertThat(BCrypt.verifyer().verify("a long enough password".toCharArray(), hash).verified).isTrue();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void refusesAShortOrOverlongPassword() throws Exception {
    for (String password : new String[] {"short", "x".repeat(73)}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = HashPassword.run(null, input(password + "\n"), new PrintStream(out), new PrintStream(err));
      assertThat(exit).as(password).isEqualTo(2);
      assertThat(out.size()).as(password).isZero();
      assertThat(err.toString(StandardCharsets.UTF_8)).as(password).startsWith("mailroom: ");
    }
  }

  private static ByteArrayInputStream input(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
