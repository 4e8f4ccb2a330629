package io.mailroom.render;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The named worker threads templates are compiled and rendered on, never an event loop: one pool
 * per Vert.x instance, shared by the submission checks of the API and the Senders' renders.
 */
public final class RenderPool {
  static final String NAME = "mailroom-render";
  private static final int THREADS = 4;

  private final WorkerExecutor executor;

  private RenderPool(WorkerExecutor executor) {
    this.executor = executor;
  }

  /** The shared pool; each holder closes its own handle with {@link #close()}. */
  public static RenderPool shared(Vertx vertx) {
    // a render is stopped by its budget long before this; the warning would flag a stuck thread
    return new RenderPool(vertx.createSharedWorkerExecutor(NAME, THREADS, 10, TimeUnit.SECONDS));
  }

  public <T> Future<T> run(Callable<T> work) {
    return executor.executeBlocking(work, false);
  }

  public Future<Void> close() {
    return executor.close();
  }
}
