package io.mailroom.compliance;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code (광고)} mark of an advertising email's subject: added once, at the very start, and
 * every other spelling of it (other brackets, spaces inside, full-width forms, the mark later in
 * the subject) refused, because the law allows only the one form in the one place.
 */
public final class AdvertisingMark {
  /** What an advertising subject starts with, exactly. */
  public static final String PREFIX = "(광고)";
  private static final Pattern ANY_MARK = Pattern.compile(
      "[\\[(（［<＜〈《【「『{｛]\\s*광\\s*고\\s*[\\])）］>＞〉》】」』}｝]");

  private AdvertisingMark() {
  }

  /** {@code subject} with {@code "(광고) "} in front, unless it already starts with {@link #PREFIX}. */
  public static String marked(String subject) {
    return PREFIX + " " + unmarked(subject);
  }

  /** {@code subject} without a leading {@link #PREFIX} (and the spaces after it). */
  public static String unmarked(String subject) {
    return subject.startsWith(PREFIX) ? subject.substring(PREFIX.length()).stripLeading() : subject;
  }

  /** The first mark in a subject other than an exact {@link #PREFIX} at its start. */
  public static Optional<String> variantInSubject(String subject) {
    return variant(unmarked(subject), false);
  }

  /** The first variant mark in a body; the exact {@link #PREFIX} is fine anywhere there. */
  public static Optional<String> variantInBody(String body) {
    return variant(body, true);
  }

  private static Optional<String> variant(String text, boolean exactAllowed) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = ANY_MARK.matcher(text);
    while (m.find()) {
      if (!(exactAllowed && PREFIX.equals(m.group()))) {
        return Optional.of(m.group());
      }
    }
    return Optional.empty();
  }

  /** Why a subject or body carrying {@code variant} is refused, for the error reply. */
  public static String reason(String variant) {
    return "carries '" + variant + "'; an advertising email is marked only by '" + PREFIX
        + "' at the start of the subject, which Mailroom adds";
  }
}
