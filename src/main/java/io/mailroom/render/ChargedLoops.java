package io.mailroom.render;

import io.pebbletemplates.pebble.extension.NodeVisitor;
import io.pebbletemplates.pebble.lexer.Token;
import io.pebbletemplates.pebble.node.ForNode;
import io.pebbletemplates.pebble.node.RenderableNode;
import io.pebbletemplates.pebble.node.expression.Expression;
import io.pebbletemplates.pebble.parser.Parser;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;
import io.pebbletemplates.pebble.tokenParser.TokenParser;

import java.lang.reflect.Array;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The sandbox's {@code for} tag: Pebble's, but every step of every loop is charged to the
 * {@link RenderBudget}, whatever the loop walks (a range, a list or array a filter made, a map), so that
 * loops nested over a long list stop at the budget instead of holding a render thread for hours.
 */
final class ChargedLoops implements TokenParser {
  private final TokenParser pebbles;

  ChargedLoops(TokenParser pebbles) {
    this.pebbles = pebbles;
  }

  @Override
  public String getTag() {
    return pebbles.getTag();
  }

  @Override
  public RenderableNode parse(Token token, Parser parser) {
    RenderableNode node = pebbles.parse(token, parser);
    if (!(node instanceof ForNode loop)) {
      return node;
    }
    return new ForNode(token.getLineNumber(), loop.getIterationVariable(), new Charged(loop.getIterable()),
        loop.getBody(), loop.getElseBody());
  }

  /** The loop's collection, handed to Pebble as an iterable that charges each step. */
  private record Charged(Expression<?> iterable) implements Expression<Object> {
    @Override
    public Object evaluate(PebbleTemplateImpl self, EvaluationContextImpl context) {
      Object value = iterable.evaluate(self, context);
      if (value instanceof Map<?, ?> map) {
        return charged(map.entrySet());
      }
      if (value != null && value.getClass().isArray()) {
        return charged(() -> new ArraySteps(value));
      }
      return value instanceof Iterable<?> items ? charged(items) : value;
    }

    private static Iterable<Object> charged(Iterable<?> items) {
      return () -> new Iterator<>() {
        private final Iterator<?> steps = items.iterator();

        @Override
        public boolean hasNext() {
          return steps.hasNext();
        }

        @Override
        public Object next() {
          RenderBudget.step();
          return steps.next();
        }
      };
    }

    /** The elements of an array of any type (the {@code split} filter makes one). */
    private static final class ArraySteps implements Iterator<Object> {
      private final Object array;
      private int next;

      ArraySteps(Object array) {
        this.array = array;
      }

      @Override
      public boolean hasNext() {
        return next < Array.getLength(array);
      }

      @Override
      public Object next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return Array.get(array, next++);
      }
    }

    @Override
    public int getLineNumber() {
      return iterable.getLineNumber();
    }

    @Override
    public void accept(NodeVisitor visitor) {
      iterable.accept(visitor);
    }
  }
}
