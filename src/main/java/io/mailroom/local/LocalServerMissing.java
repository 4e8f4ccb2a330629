package io.mailroom.local;

/**
 * An embedded server cannot start on this machine (a program or an install is missing); the
 * message is one line saying what to run. {@code Main} prints it without a stack trace.
 */
public final class LocalServerMissing extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LocalServerMissing(String message) {
    super(message, null, false, false);
  }
}
