package io.mailroom.render;

import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The sandbox's {@code range(start, end, increment)}: Pebble's makes the whole list at once (two
 * billion numbers for {@code range(1, 2000000000)}); this one yields numbers one at a time and
 * charges the {@link RenderBudget} for each, so a huge or nested range stops at the budget.
 * Like Pebble's, both ends are included.
 */
final class BoundedRange implements Function {
  private static final List<String> ARGUMENTS = List.of("start", "end", "increment");

  @Override
  public List<String> getArgumentNames() {
    return ARGUMENTS;
  }

  @Override
  public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int lineNumber) {
    long start = whole(args.get("start"), "start", self, lineNumber);
    long end = whole(args.get("end"), "end", self, lineNumber);
    long increment = args.get("increment") == null ? 1 : whole(args.get("increment"), "increment", self, lineNumber);
    if (increment == 0) {
      throw new PebbleException(null, "range: increment must not be 0", lineNumber, self.getName());
    }
    return (Iterable<Long>) () -> new Steps(start, end, increment);
  }

  private static long whole(Object value, String name, PebbleTemplate self, int lineNumber) {
    if (value instanceof Number number) {
      return number.longValue();
    }
    throw new PebbleException(null, "range: " + name + " must be a number", lineNumber, self.getName());
  }

  /** The numbers of one range, each charged to the running evaluation's budget. */
  private static final class Steps implements Iterator<Long> {
    private final long end;
    private final long increment;
    private long next;
    private boolean done;

    Steps(long start, long end, long increment) {
      this.next = start;
      this.end = end;
      this.increment = increment;
      this.done = increment > 0 ? start > end : start < end;
    }

    @Override
    public boolean hasNext() {
      return !done;
    }

    @Override
    public Long next() {
      if (done) {
        throw new NoSuchElementException();
      }
      RenderBudget.step();
      long value = next;
      done = increment > 0 ? end - value < increment : value - end < -increment;
      next = value + increment;
      return value;
    }
  }
}
