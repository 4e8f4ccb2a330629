package io.mailroom.api;

import io.mailroom.aws.OnceStore;
import io.mailroom.config.MailroomConfig;
import io.mailroom.http.ApiError;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * What a request must pass before an API handler sees it: a JSON body where one is expected, a
 * fresh signature by a configured secret (see {@link WebhookSignature}), used once for anything but
 * a GET, and no unsigned header that would change what the request does.
 */
final class RouteGuard {
  /** The header some clients send for idempotency; it is not signed, so the body's field is used instead. */
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
  private static final String ONCE_PREFIX = "webhook:";
  private static final int VERSION_PREFIX = "v1=".length();

  private final MailroomConfig.Webhook webhook;
  private final OnceStore once;

  RouteGuard(MailroomConfig.Webhook webhook, OnceStore once) {
    this.webhook = webhook;
    this.once = once;
  }

  static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().split(";")[0].trim().equals("application/json")) {
      ctx.fail(new ApiError(415, "unsupported_media_type", "Content-Type must be application/json", null));
      return;
    }
    ctx.next();
  }

  /**
   * Verifies the signature; a mutating request's signature is then claimed for as long as its
   * timestamp is accepted, so that the same signed request is carried out once. GETs are exempt.
   */
  void authenticate(RoutingContext ctx) {
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String signature = ctx.request().getHeader(WebhookSignature.SIGNATURE_HEADER);
    WebhookSignature.verify(webhook.secrets(), webhook.maxSkewSeconds(), System.currentTimeMillis() / 1000,
        ctx.request().getHeader(WebhookSignature.TIMESTAMP_HEADER), signature, ctx.request().method().name(),
        ctx.request().uri(), body);
    if (ctx.request().getHeader(IDEMPOTENCY_HEADER) != null) {
      throw new ApiError(400, "unsigned_header", IDEMPOTENCY_HEADER + " is not signed and not accepted; send"
          + " idempotencyKey in the JSON body", IDEMPOTENCY_HEADER);
    }
    if (ctx.request().method() == HttpMethod.GET) {
      ctx.next();
      return;
    }
    long ttl = webhook.maxSkewSeconds() + WebhookSignature.AHEAD_SECONDS;
    once.claim(ONCE_PREFIX + signature.trim().substring(VERSION_PREFIX), ttl)
        .onSuccess(first -> {
          if (first) {
            ctx.next();
          } else {
            ctx.fail(new ApiError(409, "replayed_signature", "a request with this " + WebhookSignature.SIGNATURE_HEADER
                + " was accepted already; sign each request anew", WebhookSignature.SIGNATURE_HEADER));
          }
        })
        .onFailure(ctx::fail);
  }
}
