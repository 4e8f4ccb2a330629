package io.mailroom;

import io.mailroom.config.Console;
import io.mailroom.config.MailroomConfig;
import io.mailroom.console.auth.Passwords;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo's console: an {@code admin} user with a random password made for this run (only its
 * bcrypt hash is in the node's config), and the wait that keeps the node serving the console
 * after the campaign, until the process is stopped.
 */
final class DemoConsole {
  static final String ADMIN = "admin";
  private static final SecureRandom RANDOM = new SecureRandom();

  private DemoConsole() {
  }

  static String password() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The config with the demo's admin added (in place of a configured user of that name). */
  static MailroomConfig withAdmin(MailroomConfig config, String password) {
    List<Console.Account> users = new ArrayList<>(config.console().users().stream()
        .filter(user -> !user.name().equals(ADMIN)).toList());
    users.add(new Console.Account(ADMIN, "admin", Passwords.hash(password.toCharArray())));
    return config.withConsole(config.console().withUsers(users));
  }

  /** Blocks until the JVM stops (Ctrl-C), the node closed on the way out. */
  static void stayOpen(Mailroom node, PrintStream out) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        out.println("the node did not stop cleanly: " + e);
      }
      stopped.countDown();
    }, "mailroom-demo-stop"));
    out.println("the node stays up for the console; Ctrl-C stops it");
    stopped.await();
  }
}
