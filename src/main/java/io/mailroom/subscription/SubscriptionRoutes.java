package io.mailroom.subscription;

import io.mailroom.bus.Channels;
import io.mailroom.bus.SubscriptionChange;
import io.mailroom.config.MailroomConfig;
import io.mailroom.http.AcceptLanguage;
import io.mailroom.http.Admission;
import io.mailroom.http.ApiError;
import io.mailroom.metrics.MailroomMetrics;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
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
 * The customer-facing routes: {@code GET /u/{token}} (the preference page, English or Korean by
 * {@code Accept-Language} or {@code ?lang=}), {@code POST /u/{token}} (RFC 8058 one-click, or the
 * page's form), and {@code POST /v1/ses/events} (SES bounces and complaints through SNS, in
 * {@link SesEventRoute}). They
 * decide nothing about consent: the UnsubscribeHandler does, over the event bus. Pages carry no
 * script, are never cached, and send no Referer (the token is in the URL). The {@code /u/} routes
 * are under {@link Admission} control: past their bound, or their deadline, a request is answered
 * {@code 503 overloaded} with {@code Retry-After}, preference pages before one-clicks.
 */
public final class SubscriptionRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRoutes.class);
  private static final int FORM_LIMIT = 4096;
  private static final String OVERLOADED = "overloaded";
  private static final PebbleEngine PAGES = new PebbleEngine.Builder().loader(new ClasspathLoader())
      .autoEscaping(true).defaultEscapingStrategy("html").build();

  private final Vertx vertx;
  private final SesEventRoute events;
  private final String brand;
  private final PebbleTemplate page;
  private final MailroomConfig.Admission limits;
  private final Admission admission;

  public SubscriptionRoutes(Vertx vertx, SesEventRoute events, String brand, MailroomConfig.Admission limits,
                            MailroomMetrics metrics) {
    this.vertx = vertx;
    this.events = events;
    this.brand = brand;
    this.page = PAGES.getTemplate("pages/subscription.peb");
    this.limits = limits;
    this.admission = new Admission(vertx, limits.maxInFlight(), limits.oneClickReserved(), (ctx, route, reason) -> {
      metrics.shed(route, reason);
      refuse(ctx, 503, OVERLOADED, null, null);
    });
  }

  public void mount(Router router, int maxBodyBytes) {
    router.get("/u/:token").handler(io.mailroom.http.PathParams::check).handler(this::preferencesPage);
    router.post("/u/:token").handler(BodyHandler.create(false).setBodyLimit(FORM_LIMIT))
        .handler(io.mailroom.http.PathParams::check).handler(this::change);
    events.mount(router, maxBodyBytes);
  }

  private void preferencesPage(RoutingContext ctx) {
    if (!admission.admit(ctx, "page", Admission.Lane.SHARED, limits.pageDeadlineMillis())) {
      return;
    }
    Channels.SUBSCRIPTION_PREFERENCES.request(vertx.eventBus(), ctx.pathParam("token"), limits.pageDeadlineMillis())
        .onSuccess(view -> page(ctx, 200, "form", view, null))
        .onFailure(e -> refuse(ctx, e));
  }

  /**
   * One-click (RFC 8058: a form body {@code List-Unsubscribe=One-Click}, or no action at all) leaves
   * all marketing; the page's form leaves all or keeps the topics ticked. A one-click has the
   * reserved share of the admission bound, so that it is shed last.
   */
  private void change(RoutingContext ctx) {
    var form = ctx.request().formAttributes();
    String oneClick = form.get("List-Unsubscribe");
    String action = form.get("action");
    if (oneClick != null && !oneClick.equals("One-Click")) {
      refuse(ctx, 400, "invalid_field", "List-Unsubscribe must be One-Click", "List-Unsubscribe");
      return;
    }
    if (action != null && !action.equals("unsubscribe") && !action.equals("preferences")) {
      refuse(ctx, 400, "invalid_field", "action must be unsubscribe or preferences", "action");
      return;
    }
    boolean isOneClick = action == null;
    int deadline = limits.oneClickDeadlineMillis();
    if (!admission.admit(ctx, isOneClick ? "one_click" : "change",
        isOneClick ? Admission.Lane.RESERVED : Admission.Lane.SHARED, deadline)) {
      return;
    }
    String token = ctx.pathParam("token");
    SubscriptionChange request = "preferences".equals(action) ? SubscriptionChange.keep(token, form.getAll("topic"), "page")
        : SubscriptionChange.unsubscribe(token, action == null ? "one_click" : "page");
    Channels.SUBSCRIPTION_CHANGE.request(vertx.eventBus(), request, deadline)
        .onSuccess(view -> page(ctx, 200, "done", view, null))
        .onFailure(e -> refuse(ctx, e));
  }

  private void refuse(RoutingContext ctx, Throwable e) {
    int failure = e instanceof ReplyException reply ? reply.failureCode() : 0;
    int status = failure == 400 || failure == 403 || failure == 409 ? failure : 503;
    String code = status != 503 ? e.getMessage() : "unavailable";
    String field = switch (code) {
      case "invalid_token", "preview_token", "token_predates_unsubscribe" -> "token";
      case "unknown_topic" -> "topic";
      default -> null;
    };
    refuse(ctx, status, code, null, field);
  }

  private void refuse(RoutingContext ctx, int status, String code, String message, String field) {
    if (Admission.answered(ctx)) {
      return;
    }
    if (status == 503) {
      // mail providers and browsers retry a 503 that says when
      ctx.response().putHeader("Retry-After", Integer.toString(limits.retryAfterSeconds()));
    }
    if (wantsJson(ctx)) {
      String text = message != null ? message : bundle(Locale.ENGLISH).getString("error." + code);
      json(ctx, status, error(code, text, field));
    } else {
      page(ctx, status, status == 503 ? "busy" : "invalid", new JsonObject(), code);
    }
  }

  private void page(RoutingContext ctx, int status, String view, JsonObject data, String errorCode) {
    if (Admission.answered(ctx)) {
      return; // refused at its deadline already
    }
    String lang = language(ctx);
    ResourceBundle bundle = bundle(Locale.forLanguageTag(lang));
    Map<String, Object> fields = new HashMap<>(data.getMap());
    List<Map<String, Object>> topics = data.getJsonArray("topics", new JsonArray()).stream()
        .map(t -> {
          JsonObject topic = (JsonObject) t;
          String key = "topic." + topic.getString("name");
          Map<String, Object> entry = new HashMap<>(topic.getMap());
          entry.put("label", bundle.containsKey(key) ? bundle.getString(key) : topic.getString("name"));
          return entry;
        }).toList();
    fields.put("topics", topics);
    fields.put("view", view);
    fields.put("lang", lang);
    fields.put("brand", brand);
    fields.put("token", ctx.pathParam("token"));
    fields.put("errorCode", errorCode);
    StringWriter out = new StringWriter(4096);
    try {
      page.evaluate(out, fields, Locale.forLanguageTag(lang));
    } catch (IOException | RuntimeException e) {
      LOG.error("the {} page could not be rendered: {}", view, e.toString());
      json(ctx, 500, error("internal_error", "the page could not be shown; nothing was lost, please try again", null));
      return;
    }
    secure(ctx).setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Language", lang).putHeader("Vary", "Accept-Language, Accept").end(out.toString());
  }

  private static io.vertx.core.http.HttpServerResponse secure(RoutingContext ctx) {
    return ctx.response()
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'");
  }

  /** {@code ?lang=ko|en} first, then the first of Korean or English in {@code Accept-Language} by weight. */
  static String language(RoutingContext ctx) {
    String chosen = ctx.queryParams().get("lang");
    if ("ko".equals(chosen) || "en".equals(chosen)) {
      return chosen;
    }
    return AcceptLanguage.koreanOrEnglish(ctx.request().getHeader("Accept-Language"));
  }

  private static ResourceBundle bundle(Locale locale) {
    return ResourceBundle.getBundle("pages/messages", locale, ResourceBundle.Control.getNoFallbackControl(
        ResourceBundle.Control.FORMAT_PROPERTIES));
  }

  private static boolean wantsJson(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains("application/json") && !accept.contains("text/html");
  }

  private static JsonObject error(String code, String message, String field) {
    return new ApiError(400, code, message, field).toJson();
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (Admission.answered(ctx)) {
      return;
    }
    secure(ctx).setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
