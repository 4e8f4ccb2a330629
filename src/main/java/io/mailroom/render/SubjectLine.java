package io.mailroom.render;

/**
 * A subject as it leaves: first what the law puts in front of an advertising email's subject
 * (nothing yet; the Korean advertising rules will make it {@code "(광고) "}), then {@code "[TEST] "} on a test send, then the
 * subject the template rendered. Campaigns, previews and test sends all build their subject here,
 * so that the prefix is added once and the test marker always comes right after it.
 */
public final class SubjectLine {
  /** What marks a test send, right after the compliance prefix. */
  public static final String TEST_MARKER = "[TEST] ";
  /** What every advertising subject starts with; the Korean rules' {@code "(광고) "} goes here. */
  static final String COMPLIANCE_PREFIX = "";

  private SubjectLine() {
  }

  /** {@code prefix + "[TEST] " + rendered} for a test send, {@code prefix + rendered} otherwise. */
  public static String of(String rendered, boolean test) {
    return COMPLIANCE_PREFIX + (test ? TEST_MARKER : "") + rendered;
  }
}
