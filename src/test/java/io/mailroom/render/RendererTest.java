package io.mailroom.render;

import io.mailroom.audience.Recipient;
import io.mailroom.campaign.Template;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RendererTest {
  private final Renderer renderer = new Renderer(null, 60, "Shop <news@shop.example.com>", null);
  private final Template template = new Template("t", "test", "Hi {{ Name }}",
      "<p>Hello {{ Name }}</p><img src=\"{{ ImageURLs[0] }}\">{% for u in ImageURLs %}<i>{{ u }}</i>{% endfor %}",
      null, List.of("https://cdn.example.com/a.jpg?x=1&y=2"));

  private RenderedEmail render(String name, String subjectOverride) {
    Renderer.Compiled compiled = renderer.compile(template, 0);
    return renderer.render(compiled, "c1", subjectOverride, new Recipient("a@example.com", name, "", 0, true),
        Map.of(), List.of());
  }

  @Test
  void htmlIsEscapedButTheSubjectIsPlainText() {
    RenderedEmail email = render("<b>Kim & \"Lee\"</b>", null);
    assertThat(email.html()).contains("Hello &lt;b&gt;Kim &amp; &quot;Lee&quot;&lt;/b&gt;").doesNotContain("<b>");
    assertThat(email.subject()).isEqualTo("Hi <b>Kim & \"Lee\"</b>");
    assertThat(email.text()).contains("Hello <b>Kim & \"Lee\"</b>");
  }

  @Test
  void imageUrlsArePersonalisedIntoTheBody() {
    RenderedEmail email = render("Kim", null);
    assertThat(email.html()).contains("src=\"https://cdn.example.com/a.jpg?x=1&amp;y=2\"");
  }

  @Test
  void aLineBreakInANameCannotInjectAHeader() {
    RenderedEmail email = render("Kim\r\nBcc: victim@example.com", null);
    assertThat(email.subject()).isEqualTo("Hi Kim Bcc: victim@example.com");
    assertThatThrownBy(() -> new RenderedEmail.Header("X-Test", "a\r\nBcc: b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSubjectOverrideIsATemplateToo() {
    assertThat(render("Kim", "Sale for {{ Name }}").subject()).isEqualTo("Sale for Kim");
  }

  @Test
  void aBrokenTemplateIsAPermanentTemplateError() {
    Template broken = new Template("b", "broken", "x", "{% if %}", null, List.of());
    assertThatThrownBy(() -> renderer.compile(broken, 0)).isInstanceOf(Renderer.TemplateException.class);
  }

  @Test
  void aTemplateWithoutAnOptOutGetsOneUnlessTheLegalFooterCarriesIt() {
    for (String text : new String[] {null, "Hello {{ Name }}"}) {
      Template plain = new Template("p", "plain", "Hi", "<html><body><p>Hello {{ Name }}</p></body></html>", text,
          List.of());
      Renderer.Compiled compiled = renderer.compile(plain, 0);
      Recipient kim = new Recipient("a@example.com", "Kim", "", 0, true);
      String url = "https://mail.example.com/u/TOKEN";
      RenderedEmail own = renderer.render(compiled, "c1", null, kim, Map.of("UnsubscribeURL", url), List.of());
      assertThat(own.html()).contains("<a href=\"" + url + "\">Unsubscribe or change your preferences</a>",
          "<a href=\"" + url + "?lang=ko\">수신거부 및 수신 설정</a>").endsWith("</p>\n</body></html>");
      assertThat(own.text()).as(String.valueOf(text)).contains(url).doesNotContain("{%");
      RenderedEmail legal = renderer.render(compiled, "c1", null, kim,
          Map.of("UnsubscribeURL", url, Renderer.LEGAL_FOOTER_FIELD, true), List.of());
      assertThat(legal.html()).isEqualTo("<html><body><p>Hello Kim</p></body></html>");
      assertThat(legal.text()).as(String.valueOf(text)).doesNotContain(url).doesNotContain("{%");
    }
  }
}
