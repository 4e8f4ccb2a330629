package io.mailroom.api;

import io.mailroom.audience.Recipient;
import io.mailroom.http.ApiError;
import io.mailroom.subscription.Suppression;
import io.mailroom.subscription.SuppressionEntries;
import io.mailroom.subscription.SuppressionStore;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The suppression routes: {@code GET /v1/suppressions?q=&match=&limit=&after=} (a search by address
 * prefix, or one address with {@code match=exact}), {@code PUT /v1/suppressions/{email}} (a manual
 * suppression, idempotent) and {@code DELETE /v1/suppressions/{email}} (of a manual suppression
 * only: a bounce, complaint or unsubscribe stays, refused with 409 and its reason).
 */
final class SuppressionRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(SuppressionRoutes.class);
  private static final Set<String> FIELDS = Set.of("reason", "note");
  private static final Pattern QUERY = Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~.@-]{0,254}");
  private static final int MAX_NOTE = 200;

  private final SuppressionStore store;
  private final SuppressionEntries entries;

  SuppressionRoutes(SuppressionStore store, SuppressionEntries entries) {
    this.store = store;
    this.entries = entries;
  }

  void mount(Router router, RouteGuard guard, int bodyLimit) {
    router.get("/v1/suppressions").handler(guard::authenticate).handler(this::search);
    router.put("/v1/suppressions/:email")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(RouteGuard::requireJson)
        .handler(SuppressionRoutes::checkEmail)
        .handler(guard::authenticate)
        .handler(this::add);
    router.delete("/v1/suppressions/:email").handler(SuppressionRoutes::checkEmail).handler(guard::authenticate)
        .handler(this::remove);
  }

  /** The path's address must be one plain mailbox; it is used lower-cased, as it is stored. */
  private static void checkEmail(RoutingContext ctx) {
    String email = Recipient.address(ctx.pathParam("email"));
    if (email == null) {
      ctx.fail(ApiError.badField("email", "invalid_field", "email must be one plain email address"));
      return;
    }
    ctx.put("email", email);
    ctx.next();
  }

  private void search(RoutingContext ctx) {
    String q = query(ctx.queryParams().get("q"));
    int limit = Replies.intParam(ctx, "limit", 50, 1, 100);
    String match = Optional.ofNullable(ctx.queryParams().get("match")).orElse("prefix");
    if (!List.of("prefix", "exact").contains(match)) {
      throw ApiError.badField("match", "invalid_field", "match must be 'prefix' or 'exact'");
    }
    String after = ctx.queryParams().get("after");
    if (after != null && Recipient.address(after) == null) {
      throw ApiError.badField("after", "invalid_field", "'after' must be the address a previous page ended at");
    }
    if ("exact".equals(match)) {
      exact(ctx, q);
      return;
    }
    entries.search(q, limit, after).onSuccess(page -> {
      JsonObject body = new JsonObject().put("suppressions", list(page.entries())).put("itemsRead", page.itemsRead());
      if (page.next() != null) {
        body.put("next", "/v1/suppressions?q=" + encode(q) + "&limit=" + limit + "&after=" + encode(page.next()));
      }
      Replies.json(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private void exact(RoutingContext ctx, String q) {
    String email = Recipient.address(q);
    if (email == null) {
      throw ApiError.badField("q", "invalid_field", "with match=exact, q must be one plain email address");
    }
    entries.get(email).onSuccess(found -> Replies.json(ctx, 200, new JsonObject()
            .put("suppressions", list(found.stream().toList())).put("itemsRead", 1)))
        .onFailure(ctx::fail);
  }

  private static String query(String raw) {
    String q = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    if (!QUERY.matcher(q).matches()) {
      throw ApiError.badField("q", "invalid_field", "q must be the start of an email address (at most 254 of the"
          + " characters an address holds)");
    }
    return q;
  }

  private void add(RoutingContext ctx) {
    String email = ctx.get("email");
    String note = note(ctx.body().asString());
    store.suppress(email, Suppression.MANUAL, note, System.currentTimeMillis())
        .compose(created -> entries.get(email).map(found -> {
          SuppressionEntries.Entry entry = found.orElseThrow(() -> new IllegalStateException("a suppression just"
              + " written was not found"));
          LOG.info("manual suppression {} (request {})", created ? "added" : "already held",
              ctx.<String>get(Replies.REQUEST_ID));
          Replies.json(ctx, created ? 201 : 200, entry.toJson());
          return entry;
        }))
        .onFailure(ctx::fail);
  }

  /** The body's note (or null), after the checks: a JSON object of {@code reason} "manual" and a short note. */
  static String note(String body) {
    JsonObject json;
    try {
      json = body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new ApiError(400, "invalid_json", "the body must be a JSON object", null);
    }
    for (String name : json.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw ApiError.badField(name, "unknown_field", "unknown field '" + name + "'; allowed: " + FIELDS);
      }
    }
    Object reason = json.getValue("reason");
    if (reason != null && !Suppression.MANUAL.wire().equals(reason)) {
      throw ApiError.badField("reason", "invalid_field", "reason must be 'manual': other suppressions come from"
          + " SES and the customers themselves");
    }
    Object note = json.getValue("note");
    if (note != null && !(note instanceof String text && text.length() <= MAX_NOTE && text.indexOf('\n') < 0)) {
      throw ApiError.badField("note", "invalid_field", "note must be one line of at most " + MAX_NOTE + " characters");
    }
    return note == null || ((String) note).isBlank() ? null : ((String) note).strip();
  }

  private void remove(RoutingContext ctx) {
    String email = ctx.get("email");
    entries.removeManual(email).compose(removal -> {
      if (removal.removed()) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(removal.held().map(held -> new ApiError(409, "suppression_not_manual",
          "this address is suppressed for '" + held.reason().wire() + "', which only a manual suppression's removal"
              + " may lift", "email").withDetail("reason", held.reason().wire()))
          .orElseGet(() -> new ApiError(404, "suppression_not_found", "this address is not suppressed", "email")));
    }).onSuccess(v -> {
      LOG.info("manual suppression removed (request {})", ctx.<String>get(Replies.REQUEST_ID));
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
  }

  private static JsonArray list(List<SuppressionEntries.Entry> found) {
    JsonArray list = new JsonArray();
    found.forEach(entry -> list.add(entry.toJson()));
    return list;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
