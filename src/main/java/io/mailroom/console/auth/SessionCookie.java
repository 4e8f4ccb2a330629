package io.mailroom.console.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;

/**
 * The console's session cookie: HttpOnly, SameSite=Strict, Path=/console, Secure unless the
 * console is served on loopback (or as {@code console.secureCookie} says); no Max-Age, so the
 * browser forgets it when closed, and the server ends it after {@code sessionMinutes} idle or
 * {@code sessionMaxHours} after sign-in.
 */
public final class SessionCookie {
  public static final String NAME = "mailroom_session";
  public static final String PATH = "/console";

  private SessionCookie() {
  }

  public static Cookie of(String sessionId, boolean secure) {
    return Cookie.cookie(NAME, sessionId).setPath(PATH).setHttpOnly(true).setSecure(secure)
        .setSameSite(CookieSameSite.STRICT);
  }

  /** A cookie that removes the session cookie from the browser. */
  public static Cookie cleared(boolean secure) {
    return of("", secure).setMaxAge(0);
  }
}
