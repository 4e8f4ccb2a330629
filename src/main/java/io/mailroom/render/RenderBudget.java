package io.mailroom.render;

import java.util.concurrent.Callable;

/**
 * What one evaluation of a template may spend: loop steps and filter calls, and wall time. The
 * sandbox's loops and filters charge it on every step, so a template that would loop two billion
 * times is stopped after a bounded number of steps instead of exhausting the node. It is kept per
 * thread because a Pebble evaluation runs wholly on the thread that started it.
 */
final class RenderBudget {
  /** Steps one evaluation may take (each loop step, filter call and concatenation is one). */
  static final long MAX_STEPS = 250_000;
  /** Wall time one evaluation may take. */
  static final long MAX_MILLIS = 2_000;

  private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

  private final long deadlineNanos;
  private long steps;

  private RenderBudget(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** Thrown when an evaluation spends more than its budget; the template can never be sent. */
  static final class Exceeded extends RuntimeException {
    Exceeded(String message) {
      super(message, null, false, false);
    }
  }

  /** Runs {@code work} (one evaluation) with a fresh budget on this thread. */
  static <T> T within(Callable<T> work) throws Exception {
    RenderBudget outer = CURRENT.get();
    CURRENT.set(new RenderBudget(System.nanoTime() + MAX_MILLIS * 1_000_000));
    try {
      return work.call();
    } finally {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /** Charges one step to the running evaluation (none running: nothing to charge). */
  static void step() {
    RenderBudget budget = CURRENT.get();
    if (budget != null) {
      budget.spend();
    }
  }

  private void spend() {
    steps++;
    if (steps > MAX_STEPS) {
      throw new Exceeded("the template takes more than " + MAX_STEPS + " loop steps and filter calls");
    }
    // the clock is read every 1024 steps: cheap, and still well within the time cap
    if ((steps & 1023) == 0 && System.nanoTime() > deadlineNanos) {
      throw new Exceeded("the template takes longer than " + MAX_MILLIS + " ms to render");
    }
  }
}
