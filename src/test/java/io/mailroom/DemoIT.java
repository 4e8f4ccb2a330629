package io.mailroom;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs README command one's job, {@code java -jar target/mailroom.jar demo}, as a separate process. */
class DemoIT {
  private static final String LOG = "demo.log";

  /** {@code java -jar target/mailroom.jar demo} in {@code dir}, with these environment variables added; output to {@link #LOG}. */
  private static Process demo(Path dir, Map<String, String> env) throws Exception {
    String jar = System.getProperty("mailroom.jar", "target/mailroom.jar");
    ProcessBuilder builder = new ProcessBuilder("java", "-jar", Path.of(jar).toAbsolutePath().toString(), "demo")
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(LOG).toFile());
    builder.environment().putAll(env);
    return builder.start();
  }
  @Test
  void theDemoSendsEveryConsentingCustomerOneEmail(@TempDir Path dir) throws Exception {
    Process process = demo(dir, Map.of());
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the demo finished").isTrue();
    String output = Files.readString(dir.resolve(LOG));
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("queued 180 / sent 180 / failed 0 / skipped 20").contains("Summary: campaign");
    assertThat(output).as("no secrets, addresses or email bodies in the logs")
        .doesNotContain("local-webhook-secret-change-me")
        .doesNotContain("@example.com")
        .doesNotContain("autumn collection is here")
        .doesNotContain("Cut from a soft");

    Matcher accepted = Pattern.compile("campaign (c_[0-9a-z]+) accepted").matcher(output);
    assertThat(accepted.find()).as(output).isTrue();
    Path campaign = dir.resolve("outbox").resolve(accepted.group(1));
    Matcher listening = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)").matcher(output);
    assertThat(listening.find()).as(output).isTrue();
    String links = "http://127\\.0\\.0\\.1:" + listening.group(1) + "/u/[A-Za-z0-9_-]+";
    assertThat(output).as("the console's address and a sign-in made for this run").containsPattern(
        "console: http://127\\.0\\.0\\.1:" + listening.group(1) + "/console/  \\(sign in as admin / [A-Za-z0-9_-]{16}\\)");
    assertThat(output).as("the template went through the API, was previewed and tested")
        .contains("template promo-autumn saved through the API (version 1)")
        .contains("preview for customer 1: a subject of 64 characters")
        .contains("test email sent to customer 1");
    assertEmails(campaign, links);
  }

  /** The campaign's outbox: one email per consenting customer, each with its link to {@code links} (a pattern). */
  private static void assertEmails(Path campaign, String links) throws Exception {
    List<Path> emails;
    try (Stream<Path> files = Files.list(campaign)) {
      emails = files.filter(p -> p.toString().endsWith(".eml")).toList();
    }
    assertThat(emails).hasSize(180);
    try (InputStream in = Files.newInputStream(campaign.resolve("customer0000@example.com.eml"))) {
      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
      assertThat(message.getSubject()).isEqualTo("(광고) Chulsu, our autumn collection is here: 20% off until Sunday");
      assertThat(message.getAllRecipients()[0].toString()).isEqualTo("customer0000@example.com");
      assertThat(jakarta.mail.internet.MimeUtility.unfold(message.getHeader("List-Unsubscribe", null))).matches("<" + links + ">");
      assertThat(message.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
    }
    try (InputStream in = Files.newInputStream(campaign.resolve("customer0001@example.com.eml"))) {
      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
      MimeMultipart parts = (MimeMultipart) message.getContent();
      String html = (String) parts.getBodyPart(parts.getCount() - 1).getContent();
      assertThat(parts.getBodyPart(parts.getCount() - 1).getContentType()).startsWith("text/html");
      assertThat(html).contains("Hello &lt;script&gt;").doesNotContain("<script>")
          .as("the sender's footer of conf/local.json").contains("class=\"legal-footer\"", "발신자: Mailroom Fashion")
          .containsPattern("<a href=\"" + links + "\">수신거부</a>")
          .containsPattern("<a href=\"" + links + "\">unsubscribe</a>")
          .as("one opt-out, the footer's").doesNotContain("수신거부 및 수신 설정");
    }
  }

  @Test
  void withoutNodeTheDemoSaysWhatItNeedsInOneLine(@TempDir Path dir) throws Exception {
    Process process = demo(dir, Map.of("MAILROOM_NODE", dir.resolve("no-such-node").toString()));
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the demo stopped").isTrue();
    String output = Files.readString(dir.resolve(LOG));

    assertThat(process.exitValue()).as(output).isEqualTo(3);
    assertThat(output.lines().filter(line -> line.startsWith("mailroom: ")))
        .singleElement().asString().contains("Node.js 20 or newer").contains("dynamodb.endpoint");
    assertThat(output).as("no stack trace").doesNotContain("Exception").doesNotContain("\tat ");
  }
}
