package io.mailroom.console;

import io.mailroom.console.auth.Session;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * Renders console pages (Pebble templates under {@code src/main/resources}, autoescaped) in the
 * console's layout, and tells who is signed in. Every page's model gets {@code user}, {@code role},
 * {@code csrf}, {@code lang}, {@code otherLang}, {@code path}, {@code nav} and {@code msg} (the
 * console's messages in the page's language; a section's own bundle is read with Pebble's
 * {@code i18n("console/authoring", key)}).
 */
public final class ConsoleView {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleView.class);
  static final String SESSION = "console.session";
  private static final PebbleEngine PAGES = new PebbleEngine.Builder().loader(new ClasspathLoader())
      .autoEscaping(true).defaultEscapingStrategy("html").build();
  private static final List<String[]> NAV = List.of(
      new String[] {"/console/campaigns", "nav.campaigns", "viewer"},
      new String[] {"/console/campaigns/new", "nav.newCampaign", "marketer"},
      new String[] {"/console/templates", "nav.templates", "viewer"},
      new String[] {"/console/suppressions", "nav.suppressions", "viewer"},
      new String[] {"/console/audit", "nav.audit", "admin"});

  private final ConsoleApi api;

  ConsoleView(ConsoleApi api) {
    this.api = api;
  }

  /** The API, signed as the console does it (see {@link ConsoleApi}). */
  public ConsoleApi api() {
    return api;
  }

  /** The signed-in user (every route behind the console's checks has one). */
  public ConsoleUser user(RoutingContext rc) {
    Session session = rc.get(SESSION);
    return session == null ? null : new ConsoleUser(session.name(), Role.named(session.role()));
  }

  /** True when the user has {@code role}; else answers a 403 page and returns false. */
  public boolean allow(RoutingContext rc, Role role) {
    ConsoleUser user = user(rc);
    if (user != null && user.may(role)) {
      return true;
    }
    error(rc, 403, "error.forbidden");
    return false;
  }

  /** A whole page: {@code template} (which extends {@code console/layout.peb}) with the common model. */
  public void render(RoutingContext rc, String template, Map<String, Object> model) {
    render(rc, 200, template, model);
  }

  public void render(RoutingContext rc, int status, String template, Map<String, Object> model) {
    answer(rc, status, template, model);
  }

  /** A piece of a page for htmx to swap in: {@code template} renders without the layout. */
  public void renderFragment(RoutingContext rc, String template, Map<String, Object> model) {
    answer(rc, 200, template, model);
  }

  /** An error page with the message {@code messageKey} of the console's bundle. */
  public void error(RoutingContext rc, int status, String messageKey) {
    answer(rc, status, "console/error.peb", Map.of("status", status, "messageKey", messageKey));
  }

  /** The console's message {@code key} in the request's language. */
  public String message(RoutingContext rc, String key) {
    ResourceBundle bundle = Languages.bundle(lang(rc));
    return bundle.containsKey(key) ? bundle.getString(key) : key;
  }

  /** {@code en} or {@code ko}. */
  public String lang(RoutingContext rc) {
    return Languages.of(rc);
  }

  private void answer(RoutingContext rc, int status, String template, Map<String, Object> model) {
    if (rc.response().ended()) {
      return;
    }
    String lang = lang(rc);
    StringWriter out = new StringWriter(8192);
    try {
      PAGES.getTemplate(template).evaluate(out, common(rc, model, lang), Locale.forLanguageTag(lang));
    } catch (IOException | RuntimeException e) {
      LOG.error("console page {} could not be rendered: {}", template, e.toString());
      rc.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("The page could not be shown. Nothing was changed by showing it; please try again.");
      return;
    }
    rc.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Language", lang).end(out.toString());
  }

  private Map<String, Object> common(RoutingContext rc, Map<String, Object> model, String lang) {
    Map<String, Object> all = new HashMap<>(model);
    Session session = rc.get(SESSION);
    ResourceBundle bundle = Languages.bundle(lang);
    Map<String, String> msg = new HashMap<>();
    bundle.keySet().forEach(k -> msg.put(k, bundle.getString(k)));
    all.put("msg", msg);
    all.put("lang", lang);
    all.put("otherLang", "ko".equals(lang) ? "en" : "ko");
    all.put("path", rc.request().path());
    if (session != null) {
      ConsoleUser user = user(rc);
      all.put("user", user.name());
      all.put("role", user.role().key());
      all.put("csrf", session.csrf());
      all.put("nav", nav(user, rc.request().path()));
      all.put("canAct", user.may(Role.MARKETER));
    }
    return all;
  }

  private static List<Map<String, Object>> nav(ConsoleUser user, String path) {
    return NAV.stream().filter(item -> user.may(Role.named(item[2])))
        .map(item -> Map.<String, Object>of("href", item[0], "label", item[1],
            "active", path.equals(item[0]) || path.startsWith(item[0] + "/") && !"/console/campaigns".equals(item[0])
                || "/console/campaigns".equals(item[0]) && path.matches("/console/campaigns(/(?!new)[^/]+)?")))
        .toList();
  }
}
