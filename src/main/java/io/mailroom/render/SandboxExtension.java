package io.mailroom.render;

import io.pebbletemplates.pebble.error.ParserException;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.Extension;
import io.pebbletemplates.pebble.extension.ExtensionCustomizer;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.lexer.Token;
import io.pebbletemplates.pebble.node.RenderableNode;
import io.pebbletemplates.pebble.node.expression.ConcatenateExpression;
import io.pebbletemplates.pebble.operator.BinaryOperator;
import io.pebbletemplates.pebble.operator.BinaryOperatorImpl;
import io.pebbletemplates.pebble.parser.Parser;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.pebbletemplates.pebble.template.PebbleTemplateImpl;
import io.pebbletemplates.pebble.tokenParser.TokenParser;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the sandbox changes in each Pebble extension. Tags that reach other templates ({@code include},
 * {@code import}, {@code from}, {@code extends}, {@code embed}) or can recurse without bound
 * ({@code macro}, and the {@code block}/{@code parent} functions), and {@code parallel}, are refused
 * when the template is parsed, naming the tag. Every step of a {@code for} loop is charged
 * ({@link ChargedLoops}); {@code range} is {@link BoundedRange}; every filter and
 * {@code ~} charge the {@link RenderBudget} and may not make a string or list over the output cap
 * (so doubling a string in a loop stops early); {@code format}, whose widths allocate at will, is gone.
 */
final class SandboxExtension extends ExtensionCustomizer {
  static final Set<String> FORBIDDEN_TAGS = Set.of("include", "import", "from", "extends", "embed", "macro",
      "parallel");
  private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of("block", "parent");
  private static final Set<String> FORBIDDEN_FILTERS = Set.of("format");

  SandboxExtension(Extension extension) {
    super(extension);
  }

  /** A tag the sandbox refuses, with the line it is on. */
  static final class ForbiddenTag extends ParserException {
    private final String tag;

    ForbiddenTag(String tag, int line, String name) {
      super(null, "the tag '" + tag + "' is not allowed in a template", line, name);
      this.tag = tag;
    }

    String tag() {
      return tag;
    }
  }

  @Override
  public List<TokenParser> getTokenParsers() {
    List<TokenParser> parsers = super.getTokenParsers();
    if (parsers == null) {
      return null;
    }
    List<TokenParser> kept = new ArrayList<>();
    for (TokenParser parser : parsers) {
      kept.add(FORBIDDEN_TAGS.contains(parser.getTag()) ? refusing(parser.getTag())
          : "for".equals(parser.getTag()) ? new ChargedLoops(parser) : parser);
    }
    return kept;
  }

  private static TokenParser refusing(String tag) {
    return new TokenParser() {
      @Override
      public String getTag() {
        return tag;
      }

      @Override
      public RenderableNode parse(Token token, Parser parser) {
        throw new ForbiddenTag(tag, token.getLineNumber(), parser.getStream().getFilename());
      }
    };
  }

  @Override
  public Map<String, Function> getFunctions() {
    Map<String, Function> functions = super.getFunctions();
    if (functions == null) {
      return null;
    }
    Map<String, Function> kept = new HashMap<>(functions);
    kept.keySet().removeAll(FORBIDDEN_FUNCTIONS);
    kept.computeIfPresent("range", (name, pebbles) -> new BoundedRange());
    return kept;
  }

  @Override
  public Map<String, Filter> getFilters() {
    Map<String, Filter> filters = super.getFilters();
    if (filters == null) {
      return null;
    }
    Map<String, Filter> kept = new HashMap<>();
    filters.forEach((name, filter) -> {
      if (!FORBIDDEN_FILTERS.contains(name)) {
        kept.put(name, new Charged(name, filter));
      }
    });
    return kept;
  }

  @Override
  public List<BinaryOperator> getBinaryOperators() {
    List<BinaryOperator> operators = super.getBinaryOperators();
    if (operators == null) {
      return null;
    }
    List<BinaryOperator> kept = new ArrayList<>();
    for (BinaryOperator operator : operators) {
      kept.add(!"~".equals(operator.getSymbol()) ? operator : new BinaryOperatorImpl(operator.getSymbol(),
          operator.getPrecedence(), BoundedConcatenation::new, operator.getType(), operator.getAssociativity()));
    }
    return kept;
  }

  /** Refuses a value bigger than the output cap: no string or list a template makes may outgrow an email. */
  static Object bounded(Object value, String what, int line, String name) {
    long size = value instanceof CharSequence text ? text.length()
        : value instanceof Collection<?> items ? items.size() : value instanceof Map<?, ?> map ? map.size() : 0;
    checkSize(size, what, line, name);
    RenderBudget.made(size);
    return value;
  }

  private static void checkSize(long size, String what, int line, String name) {
    if (size > Sandbox.MAX_OUTPUT_CHARS) {
      throw new PebbleException(null, what + " makes a value of " + size + " characters or items, more than "
          + Sandbox.MAX_OUTPUT_CHARS, line, name);
    }
  }

  /** A filter that charges one step and whose result is bounded. */
  private record Charged(String name, Filter filter) implements Filter {
    @Override
    public List<String> getArgumentNames() {
      return filter.getArgumentNames();
    }

    @Override
    public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context,
                        int lineNumber) {
      RenderBudget.step();
      if ("replace".equals(name)) {
        checkSize(replacedAtMost(input, args), "the filter 'replace'", lineNumber, self.getName());
      }
      return bounded(filter.apply(input, args, self, context, lineNumber), "the filter '" + name + "'",
          lineNumber, self.getName());
    }

    /** The longest 'replace' can make its input, checked before it runs. */
    private static long replacedAtMost(Object input, Map<String, Object> args) {
      int longest = 1;
      for (Object replacement : args.values()) {
        if (replacement instanceof Map<?, ?> pairs) {
          for (Object value : pairs.values()) {
            longest = Math.max(longest, String.valueOf(value).length());
          }
        }
      }
      return input == null ? 0 : (long) String.valueOf(input).length() * longest;
    }
  }

  /** {@code a ~ b}, charged one step, and refused past the output cap. */
  static final class BoundedConcatenation extends ConcatenateExpression {
    @Override
    public String evaluate(PebbleTemplateImpl self, EvaluationContextImpl context) {
      RenderBudget.step();
      return (String) bounded(super.evaluate(self, context), "'~'", getLineNumber(), self.getName());
    }
  }
}
