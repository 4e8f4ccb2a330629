package io.mailroom.render;

import java.util.regex.Pattern;

/** A readable plain-text part made from an HTML body, for templates that have none of their own. */
public final class HtmlText {
  private static final Pattern INVISIBLE = Pattern.compile("(?is)<(style|script|head)[^>]*>.*?</\\1>");
  private static final Pattern LINK = Pattern.compile("(?is)<a\\s[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>");
  private static final Pattern BREAK = Pattern.compile("(?i)<(br|/p|/div|/h[1-6]|/tr|/li)[^>]*>");
  private static final Pattern TAG = Pattern.compile("<[^>]+>");

  private HtmlText() {
  }

  public static String of(String html) {
    String text = INVISIBLE.matcher(html).replaceAll("");
    text = LINK.matcher(text).replaceAll("$2 ($1)");
    text = BREAK.matcher(text).replaceAll("\n");
    text = TAG.matcher(text).replaceAll("");
    text = text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&#34;", "\"").replace("&amp;", "&");
    return text.replaceAll("[ \\t]+", " ").replaceAll("\\s*\\n\\s*", "\n").trim();
  }
}
