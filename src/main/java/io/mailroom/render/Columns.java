package io.mailroom.render;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The column (from 1) of a template error, found in the source since Pebble reports lines only:
 * a refused tag's {@code {%}, or else the last {@code {{} or {@code {%} on the line that is not
 * closed on it. Null when neither is there: the caller then says it does not know.
 */
final class Columns {
  private static final Pattern OPENING = Pattern.compile("\\{\\{|\\{%");

  private Columns() {
  }

  static Integer ofTag(String source, Integer line, String tag) {
    String text = line(source, line);
    if (text == null) {
      return null;
    }
    Matcher tagAt = Pattern.compile("\\{%-?\\s*" + Pattern.quote(tag) + "\\b").matcher(text);
    return tagAt.find() ? tagAt.start() + 1 : null;
  }

  static Integer ofUnclosed(String source, Integer line) {
    String text = line(source, line);
    if (text == null) {
      return null;
    }
    Integer column = null;
    Matcher opening = OPENING.matcher(text);
    while (opening.find()) {
      String closing = text.charAt(opening.start() + 1) == '{' ? "}}" : "%}";
      if (text.indexOf(closing, opening.end()) < 0) {
        column = opening.start() + 1;
      }
    }
    return column;
  }

  private static String line(String source, Integer line) {
    if (line == null || line < 1) {
      return null;
    }
    String[] lines = source.split("\n", -1);
    return line <= lines.length ? lines[line - 1] : null;
  }
}
