package io.mailroom.render;

/**
 * Why a template part cannot be sent: it does not parse ({@link Kind#SYNTAX}), uses a tag the
 * sandbox refuses ({@link Kind#FORBIDDEN}), or fails when rendered ({@link Kind#RENDER}), with the
 * part ({@code subject}, {@code html} or {@code text}) and, where Pebble knows it, the line.
 */
public final class TemplateProblem extends Renderer.TemplateException {
  /** What kind of problem. */
  public enum Kind { SYNTAX, FORBIDDEN, RENDER }

  private final Kind kind;
  private final String field;
  private final Integer line;
  private final Integer column;
  private final String tag;

  private TemplateProblem(Kind kind, String field, String message, Integer line, Integer column, String tag,
                          Throwable cause) {
    super(field + (line == null ? "" : " (line " + line + ")") + ": " + readable(message), cause);
    this.kind = kind;
    this.field = field;
    this.line = line;
    this.column = column;
    this.tag = tag;
  }

  static TemplateProblem syntax(String field, String message, Integer line, Integer column, Throwable cause) {
    return new TemplateProblem(Kind.SYNTAX, field, message, line, column, null, cause);
  }

  static TemplateProblem forbidden(String field, String tag, Integer line, Integer column, Throwable cause) {
    return new TemplateProblem(Kind.FORBIDDEN, field, "the tag '" + tag + "' is not allowed", line, column, tag,
        cause);
  }

  static TemplateProblem render(String field, String message, Integer line, Throwable cause) {
    return new TemplateProblem(Kind.RENDER, field, message, line, null, null, cause);
  }

  public Kind kind() {
    return kind;
  }

  public String field() {
    return field;
  }

  /** The line (from 1) Pebble names, or null. */
  public Integer line() {
    return line;
  }

  /** The column (from 1) where it can be found in the source, or null (Pebble reports lines only). */
  public Integer column() {
    return column;
  }

  /** The refused tag of a {@link Kind#FORBIDDEN} problem. */
  public String tag() {
    return tag;
  }

  /** Pebble names the end of a template as the character U+0000; say it in words. */
  private static String readable(String message) {
    return message == null ? "" : message.replace("[\u0000]", "[end of template]").replace("\u0000", "end of template");
  }
}
