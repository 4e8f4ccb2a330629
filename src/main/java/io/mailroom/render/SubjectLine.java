package io.mailroom.render;

import io.mailroom.compliance.AdvertisingMark;

/**
 * A subject as it leaves: first what the law puts in front of an advertising email's subject
 * ({@code "(광고) "} under the Korean rules), then {@code "[TEST] "} on a test send, then the subject
 * the template rendered. Campaigns, previews and test sends all build their subject here, so that
 * the prefix is added once (a subject that already starts with it is not doubled) and the test
 * marker always comes right after it.
 */
public final class SubjectLine {
  /** What marks a test send, right after the compliance prefix. */
  public static final String TEST_MARKER = "[TEST] ";

  private SubjectLine() {
  }

  /** {@code "[TEST] " + rendered} for a test send, {@code rendered} otherwise: no advertising mark. */
  public static String of(String rendered, boolean test) {
    return of(rendered, test, false);
  }

  /** As {@link #of(String, boolean)}, with {@code "(광고) "} in front when {@code advertising}. */
  public static String of(String rendered, boolean test, boolean advertising) {
    String marker = test ? TEST_MARKER : "";
    return advertising ? AdvertisingMark.marked(marker + AdvertisingMark.unmarked(rendered)) : marker + rendered;
  }
}
