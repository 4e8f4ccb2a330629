package io.mailroom.console;

import io.mailroom.config.Console;
import io.mailroom.console.auth.CsrfToken;
import io.mailroom.console.auth.PasswordChecks;
import io.mailroom.console.auth.SessionCookie;
import io.mailroom.console.auth.SessionStore;
import io.mailroom.console.auth.SignInThrottle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET/POST /console/signin} and {@code POST /console/signout}. A failed sign-in, for a known
 * name or not, gets the same answer; repeated failures of a name or from an address are slowed
 * ({@link SignInThrottle}): every attempt is counted before its password is checked, and one made
 * before its wait is over is refused with the seconds left (429), without its password being
 * checked. When the node already checks as many passwords as it may ({@link PasswordChecks}), a
 * sign-in is refused with 503 and "try again shortly" rather than queued. The sign-in form carries
 * a token of its own (a cookie and a field that must match), so that no other site can sign a
 * browser in.
 */
public final class SignInPage {
  private static final String FORM_COOKIE = "mailroom_signin";

  private final PasswordChecks checks;
  private final SignInThrottle throttle;
  private final SessionStore sessions;
  private final boolean secure;
  private ConsoleView view;

  public SignInPage(Vertx vertx, Console console, SignInThrottle throttle, SessionStore sessions, boolean secure) {
    this.checks = new PasswordChecks(vertx, console);
    this.throttle = throttle;
    this.sessions = sessions;
    this.secure = secure;
  }

  void mount(Router router, ConsoleView pages) {
    this.view = pages;
    router.get("/signin").handler(this::form);
    router.post("/signin").handler(this::signIn);
  }

  private void form(RoutingContext rc) {
    show(rc, 200, null, 0);
  }

  private void show(RoutingContext rc, int status, String errorKey, long waitSeconds) {
    String token = CsrfToken.fresh();
    rc.response().addCookie(Cookie.cookie(FORM_COOKIE, token).setPath(SessionCookie.PATH).setHttpOnly(true)
        .setSecure(secure).setSameSite(CookieSameSite.STRICT));
    Map<String, Object> model = new HashMap<>();
    model.put("formToken", token);
    model.put("next", next(rc));
    model.put("name", Optional.ofNullable(rc.request().getFormAttribute("name")).orElse(""));
    if (errorKey != null) {
      model.put("errorKey", errorKey);
      model.put("waitSeconds", waitSeconds);
    }
    view.render(rc, status, "console/signin.peb", model);
  }

  private void signIn(RoutingContext rc) {
    Cookie formCookie = rc.request().getCookie(FORM_COOKIE);
    if (formCookie == null || !CsrfToken.same(formCookie.getValue(), rc.request().getFormAttribute("formToken"))) {
      show(rc, 403, "signin.expired", 0);
      return;
    }
    String name = Optional.ofNullable(rc.request().getFormAttribute("name")).orElse("").trim();
    String password = Optional.ofNullable(rc.request().getFormAttribute("password")).orElse("");
    String client = rc.request().remoteAddress() == null ? "" : rc.request().remoteAddress().host();
    if (!checks.enter()) {
      rc.response().putHeader("Retry-After", "1");
      show(rc, 503, "signin.busy", 0);
      return;
    }
    throttle.attempt(name, client).compose(wait -> {
      if (wait > 0) {
        rc.response().putHeader("Retry-After", Long.toString(wait));
        show(rc, 429, "signin.wait", wait);
        return Future.succeededFuture();
      }
      return checks.check(name, password)
          .compose(user -> user.isPresent() ? opened(rc, user.get(), client) : refused(rc, name, client));
    }).onComplete(done -> checks.leave()).onFailure(rc::fail);
  }

  private Future<Void> opened(RoutingContext rc, Console.Account user, String client) {
    return throttle.succeeded(user.name(), client).compose(v -> sessions.create(user)).map(created -> {
      rc.response().addCookie(SessionCookie.of(created.getKey(), secure));
      rc.response().addCookie(Cookie.cookie(FORM_COOKIE, "").setPath(SessionCookie.PATH).setMaxAge(0));
      ConsoleRoutes.redirect(rc, next(rc));
      return null;
    });
  }

  private Future<Void> refused(RoutingContext rc, String name, String client) {
    return throttle.wait(name, client).map(wait -> {
      show(rc, 401, wait > 0 ? "signin.wrongWait" : "signin.wrong", wait);
      return null;
    });
  }

  /** {@code POST /console/signout} (behind the session and CSRF checks): the session ends everywhere. */
  void signOut(RoutingContext rc) {
    Cookie cookie = rc.request().getCookie(SessionCookie.NAME);
    sessions.delete(cookie == null ? null : cookie.getValue()).onSuccess(v -> {
      rc.response().addCookie(SessionCookie.cleared(secure));
      ConsoleRoutes.redirect(rc, "/console/signin");
    }).onFailure(rc::fail);
  }

  /** Where to go after signing in: a console page named by {@code next}, else the campaigns. */
  private static String next(RoutingContext rc) {
    String next = rc.request().getFormAttribute("next");
    if (next == null) {
      next = rc.queryParams().get("next");
    }
    boolean local = next != null && next.startsWith("/console/") && !next.startsWith("/console/signin")
        && next.matches("[A-Za-z0-9/._~%?=&-]*") && !next.contains("//");
    return local ? next : "/console/campaigns";
  }
}
