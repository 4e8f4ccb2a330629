package io.mailroom.render;

import java.util.List;

/**
 * One personalised email, ready for a transport. Header values never hold a line break: the
 * constructor refuses them, so no field of a customer or a template can inject a header.
 */
public record RenderedEmail(String campaignId, String from, String to, String subject, String html, String text,
                            List<Header> headers) {

  public record Header(String name, String value) {
    public Header {
      requireSingleLine("header name", name);
      requireSingleLine("header " + name, value);
      if (!name.matches("[A-Za-z0-9-]+")) {
        throw new IllegalArgumentException("header name is not a token: " + name);
      }
    }
  }

  public RenderedEmail {
    requireSingleLine("from", from);
    requireSingleLine("to", to);
    requireSingleLine("subject", subject);
    headers = List.copyOf(headers);
  }

  private static void requireSingleLine(String what, String value) {
    if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(what + " must be a single line");
    }
  }

  /** The size of the bodies in characters, for metrics and logs (never the bodies themselves). */
  public int bodySize() {
    return html.length() + (text == null ? 0 : text.length());
  }
}
