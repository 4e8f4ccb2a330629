package io.mailroom.http;

import java.util.Locale;

/** The language a page is shown in: Korean or English, whichever an {@code Accept-Language} header ranks first. */
public final class AcceptLanguage {
  private AcceptLanguage() {
  }

  /** {@code "ko"} or {@code "en"}: the first of the two by weight; English when neither, or the header is absent or malformed. */
  public static String koreanOrEnglish(String header) {
    if (header == null) {
      return "en";
    }
    try {
      for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) {
        String tag = range.getRange().toLowerCase(Locale.ROOT);
        if (tag.equals("ko") || tag.startsWith("ko-")) {
          return "ko";
        }
        if (tag.equals("en") || tag.startsWith("en-")) {
          return "en";
        }
      }
    } catch (IllegalArgumentException malformed) {
      return "en";
    }
    return "en";
  }
}
