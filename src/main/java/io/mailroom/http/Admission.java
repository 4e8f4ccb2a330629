package io.mailroom.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control of a server's customer-facing routes: at most {@code maxInFlight} requests at
 * once, of which {@code reserved} only the reserved lane (one-click unsubscribes) may take, so that
 * every other route is shed before it. A request over its bound is refused at once, and one not
 * answered within its deadline is refused then, both through {@code refuse} (503 with
 * {@code Retry-After}): past capacity, requests are answered fast instead of queueing until the
 * client gives up. A deadline refusal does not stop the work already started (a one-click's write
 * may still land: it is idempotent, and the client retries).
 */
public final class Admission {
  /** Which share a route may use: the shared one only, or also the one reserved for it. */
  public enum Lane { SHARED, RESERVED }

  /** Why a request was refused: {@code full} at once, {@code deadline} when its time ran out. */
  public interface Refusal {
    void refuse(RoutingContext ctx, String route, String reason);
  }

  private final Vertx vertx;
  private final int maxInFlight;
  private final int reserved;
  private final Refusal refusal;
  private final AtomicInteger inFlight = new AtomicInteger();

  public Admission(Vertx vertx, int maxInFlight, int reserved, Refusal refusal) {
    this.vertx = vertx;
    this.maxInFlight = maxInFlight;
    this.reserved = reserved;
    this.refusal = refusal;
  }

  /**
   * Admits the request to {@code route} on {@code lane}, with {@code deadlineMillis} from now to be
   * answered, or refuses it at once; true when admitted (the caller goes on), false when refused.
   */
  public boolean admit(RoutingContext ctx, String route, Lane lane, long deadlineMillis) {
    int bound = lane == Lane.RESERVED ? maxInFlight : maxInFlight - reserved;
    if (inFlight.incrementAndGet() > bound) {
      inFlight.decrementAndGet();
      refusal.refuse(ctx, route, "full");
      return false;
    }
    long timer = vertx.setTimer(deadlineMillis, t -> {
      if (!answered(ctx)) {
        refusal.refuse(ctx, route, "deadline");
      }
    });
    ctx.addEndHandler(end -> {
      vertx.cancelTimer(timer);
      inFlight.decrementAndGet();
    });
    return true;
  }

  /** Requests admitted and not answered yet. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Whether the request was answered already (by its deadline, or its connection is gone): nothing more may be written. */
  public static boolean answered(RoutingContext ctx) {
    return ctx.response().ended() || ctx.response().closed() || ctx.response().headWritten();
  }
}
