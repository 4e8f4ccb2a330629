package io.mailroom.compliance;

import io.mailroom.render.SubjectLine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code (광고)} subject mark, its variants, and the legal footer, on plain strings. */
class AdvertisingMarkTest {
  private static final ComplianceSettings.SenderIdentity SENDER = new ComplianceSettings.SenderIdentity(
      "Kim & <Lee>", "help@shop.example.com", "02-1234-5678", "서울특별시 중구 세종대로 110");

  @Test
  void theMarkIsAddedOnceAndTheTestMarkerComesRightAfterIt() {
    assertThat(SubjectLine.of("Autumn sale", false, true)).isEqualTo("(광고) Autumn sale");
    assertThat(SubjectLine.of("(광고) Autumn sale", false, true)).isEqualTo("(광고) Autumn sale");
    assertThat(SubjectLine.of("(광고)Autumn sale", false, true)).isEqualTo("(광고) Autumn sale");
    assertThat(SubjectLine.of("Autumn sale", true, true)).isEqualTo("(광고) [TEST] Autumn sale");
    assertThat(SubjectLine.of("(광고) Autumn sale", true, true)).isEqualTo("(광고) [TEST] Autumn sale");
    assertThat(SubjectLine.of("Autumn sale", true, false)).isEqualTo("[TEST] Autumn sale");
    assertThat(SubjectLine.of("Autumn sale", false, false)).isEqualTo("Autumn sale");
  }

  @Test
  void everyVariantOfTheMarkIsFoundInASubject() {
    for (String subject : new String[] {"[광고] sale", "(광 고) sale", "（광고） sale", "< 광고 > sale", "sale (광고)",
        "【광고】 sale", "(광고) sale [광고]", "[ 광고 ] sale"}) {
      assertThat(AdvertisingMark.variantInSubject(subject)).as(subject).isPresent();
    }
    assertThat(AdvertisingMark.variantInSubject("(광고) sale")).isEmpty();
    assertThat(AdvertisingMark.variantInSubject("광고 모델 sale")).as("the word alone is no mark").isEmpty();
    assertThat(AdvertisingMark.variantInSubject("Autumn sale")).isEmpty();
  }

  @Test
  void aBodyMayNameTheExactMarkButNoVariant() {
    assertThat(AdvertisingMark.variantInBody("<p>(광고) 안내</p>")).isEmpty();
    assertThat(AdvertisingMark.variantInBody("<p>[광고] 안내</p>")).contains("[광고]");
    assertThat(AdvertisingMark.variantInBody(null)).isEmpty();
  }

  @Test
  void theHtmlFooterGoesInsideTheBodyEscapedKoreanFirst() {
    LegalFooter footer = new LegalFooter(SENDER);
    String html = footer.appendHtml("<html><body><p>Hi</p></body></html>", "https://x.example/u/a?b=1&c=2");
    assertThat(html).endsWith("</div>\n</body></html>").startsWith("<html><body><p>Hi</p>");
    assertThat(html).contains("Kim &amp; &lt;Lee&gt;").doesNotContain("<Lee>")
        .contains("help@shop.example.com", "02-1234-5678", "서울특별시 중구 세종대로 110")
        .contains("<a href=\"https://x.example/u/a?b=1&amp;c=2\">수신거부</a>")
        .contains("<a href=\"https://x.example/u/a?b=1&amp;c=2\">unsubscribe</a>")
        .contains("lang=\"ko\"", "lang=\"en\"");
    assertThat(html.indexOf("수신거부")).isLessThan(html.indexOf("unsubscribe"));
    assertThat(footer.appendHtml("<p>Hi</p>", "u")).startsWith("<p>Hi</p>").endsWith("</div>\n");
  }

  @Test
  void theTextFooterEndsTheTextBody() {
    LegalFooter footer = new LegalFooter(SENDER);
    String text = footer.appendText("Hello", "https://x.example/u/a");
    assertThat(text).startsWith("Hello\n\n--\n").contains("Kim & <Lee> | help@shop.example.com | 02-1234-5678")
        .contains("수신거부(무료, 한 번에 처리): https://x.example/u/a")
        .endsWith("Unsubscribe (free, one step): https://x.example/u/a\n");
    assertThat(text.indexOf("수신거부")).isLessThan(text.indexOf("Unsubscribe"));
    assertThat(footer.appendText(null, "u")).isNull();
  }
}
