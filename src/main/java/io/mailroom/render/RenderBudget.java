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
  /**
   * Characters (and list items) the filters and {@code ~} of one evaluation may make in all: each
   * value is capped, and this caps how many a loop can keep (32 MB of strings per render thread).
   */
  static final long MAX_MADE = 16L * 1024 * 1024;

  private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

  private final long deadlineNanos;
  private long steps;
  private long made;

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

  /** Charges {@code size} characters or items a filter or {@code ~} made to the running evaluation. */
  static void made(long size) {
    RenderBudget budget = CURRENT.get();
    if (budget != null) {
      budget.made += size;
      if (budget.made > MAX_MADE) {
        throw new Exceeded("the template makes more than " + MAX_MADE + " characters of values");
      }
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
