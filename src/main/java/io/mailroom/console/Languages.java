package io.mailroom.console;

import io.mailroom.http.AcceptLanguage;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The console's language, English or Korean: {@code ?lang=} (remembered in a cookie), then the
 * cookie, then the first of the two in {@code Accept-Language}; English otherwise.
 */
final class Languages {
  static final String COOKIE = "mailroom_lang";
  private static final String KEY = "console.lang";

  private Languages() {
  }

  /** Settles the request's language (and remembers a chosen one); then the next handler. */
  static void choose(RoutingContext rc) {
    String chosen = rc.queryParams().get("lang");
    if (known(chosen)) {
      rc.response().addCookie(Cookie.cookie(COOKIE, chosen).setPath("/console").setHttpOnly(true)
          .setSameSite(CookieSameSite.STRICT).setMaxAge(365L * 24 * 3600));
    } else {
      Cookie cookie = rc.request().getCookie(COOKIE);
      chosen = cookie != null && known(cookie.getValue()) ? cookie.getValue() : accepted(rc);
    }
    rc.put(KEY, chosen);
    rc.next();
  }

  static String of(RoutingContext rc) {
    String lang = rc.get(KEY);
    return lang == null ? "en" : lang;
  }

  static ResourceBundle bundle(String lang) {
    return ResourceBundle.getBundle("console/messages", Locale.forLanguageTag(lang),
        ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
  }

  private static boolean known(String lang) {
    return "en".equals(lang) || "ko".equals(lang);
  }

  private static String accepted(RoutingContext rc) {
    return AcceptLanguage.koreanOrEnglish(rc.request().getHeader("Accept-Language"));
  }
}
