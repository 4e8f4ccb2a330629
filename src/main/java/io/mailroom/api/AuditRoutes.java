package io.mailroom.api;

import io.mailroom.audit.ActorSignature;
import io.mailroom.audit.AuditActions;
import io.mailroom.audit.AuditEntry;
import io.mailroom.audit.AuditLog;
import io.mailroom.http.ApiError;
import io.mailroom.http.PathParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The audit log of the API: every change a request made successfully (a 2xx to a mutating route,
 * see {@link AuditActions}) is recorded with its actor once it is answered, and
 * {@code GET /v1/audit?limit=&after=} reads them back, newest first.
 */
final class AuditRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRoutes.class);

  private final AuditLog log;
  private final List<String> secrets;

  AuditRoutes(AuditLog log, List<String> secrets) {
    this.log = log;
    this.secrets = secrets;
  }

  /** The first handler of every request: records the change once the answer is a 2xx. */
  void watch(RoutingContext ctx) {
    if (!ctx.request().path().startsWith("/v1/")) {
      ctx.next();
      return;
    }
    ctx.addHeadersEndHandler(v -> {
      int status = ctx.response().getStatusCode();
      if (status / 100 == 2) {
        AuditActions.of(ctx.request().method().name(), PathParams.route(ctx), ctx.pathParams(),
            ctx.response().headers().get("Location")).ifPresent(change -> record(ctx, change));
      }
    });
    ctx.next();
  }

  private void record(RoutingContext ctx, AuditActions.Change change) {
    String actor = ActorSignature.actor(secrets, ctx.request().getHeader(WebhookSignature.SIGNATURE_HEADER),
        ctx.request().getHeader(ActorSignature.ACTOR_HEADER), ctx.request().getHeader(ActorSignature.SIGNATURE_HEADER));
    String requestId = ctx.get(Replies.REQUEST_ID);
    log.record(new AuditEntry(actor, change.action(), change.target(), System.currentTimeMillis(), requestId))
        // the target may be an address: the request id leads to it
        .onFailure(e -> LOG.error("the audit log did not record {} by {} (request {}): {}", change.action(), actor,
            requestId, e.toString()));
  }

  void mount(Router router, RouteGuard guard) {
    router.get("/v1/audit").handler(guard::authenticate).handler(this::list);
  }

  private void list(RoutingContext ctx) {
    int limit = Replies.intParam(ctx, "limit", 50, 1, 500);
    String after = ctx.queryParams().get("after");
    if (after != null && !AuditLog.CURSOR.matcher(after).matches()) {
      throw ApiError.badField("after", "invalid_field", "after must be the next cursor of an earlier page");
    }
    log.page(limit, after).onSuccess(page -> {
      JsonObject body = new JsonObject().put("entries", new JsonArray(page.entries().stream()
          .map(AuditEntry::toJson).toList()));
      if (page.next() != null) {
        body.put("next", page.next());
      }
      Replies.json(ctx, 200, body);
    }).onFailure(ctx::fail);
  }
}
