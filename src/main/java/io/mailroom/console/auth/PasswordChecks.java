package io.mailroom.console.auth;

import io.mailroom.config.Console;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sign-in password checks (bcrypt, slow on purpose) on the worker threads, side by side rather
 * than one after another, and at most {@link #LIMIT} sign-ins at once on this node. A sign-in
 * beyond that is refused at once ("try again shortly") instead of waiting in a queue, so that a
 * flood of attempts does not hold up everyone else's sign-in for minutes.
 */
public final class PasswordChecks {
  /** Sign-ins in progress at once on a node: two per processor, at least two. */
  public static final int LIMIT = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);

  private final Vertx vertx;
  private final Passwords passwords;
  private final AtomicInteger inProgress = new AtomicInteger();

  public PasswordChecks(Vertx vertx, Console console) {
    this.vertx = vertx;
    this.passwords = new Passwords(console);
  }

  /** Takes a place for one sign-in; false when all are taken (refuse the sign-in, do not queue it). */
  public boolean enter() {
    if (inProgress.incrementAndGet() > LIMIT) {
      inProgress.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Gives back the place {@link #enter()} took. */
  public void leave() {
    inProgress.decrementAndGet();
  }

  /** The user, when the password is theirs; checked on a worker thread, not in line behind other checks. */
  public Future<Optional<Console.Account>> check(String name, String password) {
    return vertx.executeBlocking(() -> passwords.check(name, password), false);
  }
}
