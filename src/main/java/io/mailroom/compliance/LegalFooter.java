package io.mailroom.compliance;

import java.util.Locale;

/**
 * The footer every advertising email ends with under the Korean rules (정보통신망법 제50조 and
 * 시행령 제61조): the sender's name, email address, phone number and postal address, then a free,
 * one-step opt-out (수신거부) through the email's own unsubscribe link, in Korean first and then
 * in English. The html form escapes every value and goes inside {@code </body>} when there is one.
 */
public final class LegalFooter {
  private final ComplianceSettings.SenderIdentity sender;

  public LegalFooter(ComplianceSettings.SenderIdentity sender) {
    this.sender = sender;
  }

  /** {@code html} with the footer at its end, inside its last {@code </body>} when it has one. */
  public String appendHtml(String html, String unsubscribeUrl) {
    String footer = html(unsubscribeUrl);
    int body = html.toLowerCase(Locale.ROOT).lastIndexOf("</body>");
    return body < 0 ? html + footer : html.substring(0, body) + footer + html.substring(body);
  }

  /** {@code text} with the footer after a blank line; null (no text part) stays null. */
  public String appendText(String text, String unsubscribeUrl) {
    return text == null ? null : text + "\n\n" + text(unsubscribeUrl);
  }

  /** The footer as html. */
  public String html(String unsubscribeUrl) {
    String url = escape(unsubscribeUrl);
    String who = escape(sender.name()) + " | " + escape(sender.email()) + " | " + escape(sender.phone()) + " | "
        + escape(sender.address());
    return "\n<div class=\"legal-footer\" style=\"margin-top:24px;font-size:12px;color:#666\">"
        + "<p lang=\"ko\">발신자: " + who + "<br>본 메일은 광고성 정보입니다. 수신을 원하지 않으시면 "
        + "<a href=\"" + url + "\">수신거부</a>를 눌러 주세요. 수신거부는 무료이며 한 번에 처리됩니다. (" + url
        + ")</p>"
        + "<p lang=\"en\">Sender: " + who + "<br>This is an advertising email. To stop receiving it, "
        + "<a href=\"" + url + "\">unsubscribe</a>: it is free and takes one step. (" + url + ")</p>"
        + "</div>\n";
  }

  /** The footer as plain text. */
  public String text(String unsubscribeUrl) {
    String who = sender.name() + " | " + sender.email() + " | " + sender.phone() + " | " + sender.address();
    return "--\n"
        + "발신자: " + who + "\n"
        + "본 메일은 광고성 정보입니다. 수신거부(무료, 한 번에 처리): " + unsubscribeUrl + "\n"
        + "\n"
        + "Sender: " + who + "\n"
        + "This is an advertising email. Unsubscribe (free, one step): " + unsubscribeUrl + "\n";
  }

  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
