package io.mailroom.console.auth;

/** The check of a POST's CSRF token (form field {@code csrf} or header {@code X-CSRF-Token}) against the session's. */
public final class CsrfToken {
  public static final String FIELD = "csrf";
  public static final String HEADER = "X-CSRF-Token";

  private CsrfToken() {
  }

  /** Whether {@code given} is the session's token (a constant-time compare). */
  public static boolean matches(Session session, String given) {
    return session != null && Secrets.same(session.csrf(), given);
  }

  /** A fresh random token (for forms shown before a session exists, such as sign-in). */
  public static String fresh() {
    return Secrets.random();
  }

  /** Equal tokens, compared in constant time. */
  public static boolean same(String expected, String given) {
    return Secrets.same(expected, given);
  }
}
