package io.mailroom.console;

import io.mailroom.config.Console;
import io.mailroom.console.auth.CsrfToken;
import io.mailroom.console.auth.Session;
import io.mailroom.console.auth.SessionCookie;
import io.mailroom.console.auth.SessionStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The web console's router, mounted at {@code /console}: its assets and sign-in first, then the
 * session check (no session: to the sign-in page; every request but a page's automatic refresh
 * keeps the session alive), the CSRF check of every POST, and then the console's own pages and
 * each {@link ConsoleSection}'s.
 */
public final class ConsoleRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
  /**
   * The routes that only the pages' automatic refreshes ask for (htmx, every second): the campaign
   * list's rows and a campaign's live part. They do not keep a session alive.
   */
  private static final Pattern REFRESHES = Pattern.compile("/console/campaigns/(rows|[^/]+/live)");

  private final Vertx vertx;
  private final SessionStore sessions;
  private final SignInPage signIn;
  private final ConsoleView view;
  private final List<ConsoleSection> sections;
  private final int bodyLimit;

  /** The parts the console is made of, built by the node's wiring. */
  public record Parts(Console config, SessionStore sessions, SignInPage signIn, ConsoleApi api, int bodyLimit) { }

  public ConsoleRoutes(Vertx vertx, Parts parts, List<ConsoleSection> sections) {
    this.vertx = vertx;
    this.sessions = parts.sessions();
    this.signIn = parts.signIn();
    this.view = new ConsoleView(parts.api());
    this.sections = List.copyOf(sections);
    this.bodyLimit = parts.bodyLimit();
  }

  /** The console's routes, for mounting under {@code /console}. */
  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(ConsoleRoutes::headers).handler(Languages::choose);
    Assets.mount(router);
    router.route().method(HttpMethod.POST).handler(BodyHandler.create(false).setBodyLimit(bodyLimit));
    signIn.mount(router, view);
    router.route().handler(this::session);
    router.route().method(HttpMethod.POST).handler(this::csrf);
    router.post("/signout").handler(signIn::signOut);
    router.get("/").handler(rc -> redirect(rc, "/console/campaigns"));
    new CampaignPages(view).mount(router);
    new CampaignPage(view).mount(router);
    new AuditPage(view).mount(router);
    sections.forEach(section -> section.mount(router, view));
    router.route().handler(rc -> view.error(rc, 404, "error.notFound"));
    router.route().failureHandler(this::failure);
    return router;
  }

  private void session(RoutingContext rc) {
    Cookie cookie = rc.request().getCookie(SessionCookie.NAME);
    boolean refresh = rc.request().method() == HttpMethod.GET && REFRESHES.matcher(rc.request().path()).matches();
    sessions.find(cookie == null ? null : cookie.getValue(), !refresh).onSuccess(found -> {
      if (found.isPresent()) {
        rc.put(ConsoleView.SESSION, found.get());
        rc.next();
      } else {
        toSignIn(rc);
      }
    }).onFailure(rc::fail);
  }

  /** A POST must carry the session's CSRF token; else 403, before any page handler sees it. */
  private void csrf(RoutingContext rc) {
    Session session = rc.get(ConsoleView.SESSION);
    String given = rc.request().getHeader(CsrfToken.HEADER);
    if (given == null) {
      given = rc.request().getFormAttribute(CsrfToken.FIELD);
    }
    if (CsrfToken.matches(session, given)) {
      rc.next();
    } else {
      view.error(rc, 403, "error.csrf");
    }
  }

  private static void toSignIn(RoutingContext rc) {
    String next = rc.request().method() == HttpMethod.GET ? rc.request().uri() : "/console/campaigns";
    String target = "/console/signin?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8);
    if (rc.request().getHeader("HX-Request") != null) {
      rc.response().putHeader("HX-Redirect", target).setStatusCode(401).end();
    } else {
      redirect(rc, target);
    }
  }

  static void redirect(RoutingContext rc, String target) {
    rc.response().setStatusCode(303).putHeader("Location", target).end();
  }

  private static void headers(RoutingContext rc) {
    rc.response()
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'"
            + " 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    rc.next();
  }

  private void failure(RoutingContext rc) {
    int status = rc.statusCode() >= 400 && rc.statusCode() < 500 ? rc.statusCode() : 500;
    if (status == 500) {
      LOG.error("console {} {} failed", rc.request().method(), rc.request().path(), rc.failure());
    }
    view.error(rc, status, status == 413 ? "error.tooLarge" : status == 500 ? "error.internal" : "error.badRequest");
  }
}
